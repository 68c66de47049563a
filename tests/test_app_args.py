"""The command line: the quick parser of the usual command lines agrees with argparse."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from mlcert_desktop import app

TOKENS = [
    "--smoke-test",
    "--self-test",
    "--windowed",
    "--data-dir",
    "/data",
    "pack.exampack",
    "-",
    "",
    "--",
    "--data-dir=/other",
    "--data",  # an abbreviation argparse accepts
    "-x",
    "--version",
]


def _argparse(argv):
    try:
        return app._parser().parse_args(argv)
    except SystemExit:  # an error (or --version) that argparse explains
        return "exit"


@pytest.mark.parametrize("length", [0, 1, 2, 3])
def test_the_quick_parser_agrees_with_argparse_wherever_it_answers(length, capsys):
    answered = 0
    for argv in itertools.product(TOKENS, repeat=length):
        quick = app._parse_common(list(argv))
        if quick is not None:
            answered += 1
            assert quick == _argparse(list(argv)), argv
    capsys.readouterr()  # argparse's messages for the refused lines
    assert answered > 0 if length else answered == 1


def test_the_usual_command_lines_are_parsed_without_argparse(monkeypatch):
    def refuse():
        raise AssertionError("argparse's parser was built")

    monkeypatch.setattr(app, "_parser", refuse)
    assert app.parse_args([]).pack is None
    args = app.parse_args(["--smoke-test", "--data-dir", "/d", "x.exampack"])
    assert args.smoke_test and args.data_dir == Path("/d") and args.pack == Path("x.exampack")
    with pytest.raises(AssertionError, match="argparse"):
        app.parse_args(["--help"])
