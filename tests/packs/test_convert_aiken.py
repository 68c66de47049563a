"""Aiken -> pack source: both option styles, multi-line stems, malformed blocks reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlcert_desktop.packs.convert import aiken, convert_file

FIXTURE = Path(__file__).parents[1] / "fixtures" / "convert" / "sample.txt"


@pytest.fixture(scope="module")
def result():
    return convert_file(FIXTURE, "aiken")[0]


def test_questions_are_converted_exactly(result):
    first, second = result.questions
    assert first["id"] == "sample-001"
    assert first["stem"] == "Which AWS service stores objects?"
    assert first["choices"] == [
        {"id": "a", "text": "Amazon S3", "correct": True},
        {"id": "b", "text": "Amazon EC2", "correct": False},
        {"id": "c", "text": "AWS Lambda", "correct": False},
    ]
    assert second["stem"] == 'Which city is "Zürich – 東京"?\nIt spans two lines.'
    assert [c["text"] for c in second["choices"]] == ["Zürich", "Zürich – 東京", "東京", "Paris"]
    assert [c["correct"] for c in second["choices"]] == [False, True, False, False]
    assert {q["type"] for q in result.questions} == {"single"}
    assert {q["explanation"] for q in result.questions} == {""}


def test_without_categories_there_is_one_general_domain(result):
    assert result.manifest["domains"] == [{"id": 1, "name": "General", "weight": 100}]
    assert {q["domain"] for q in result.questions} == {1}


def test_malformed_blocks_are_reported_with_line_numbers(result):
    assert [s.message() for s in result.skipped] == [
        "skipped question 3 (line 15): malformed Aiken question: no 'ANSWER: X' line at its end",
        "skipped question 4 (line 20): has 2 choices; a single-answer question needs 3 to 6",
        "skipped question 5 (line 25): malformed Aiken question: the answer 'E' is not one of "
        "the options A, B, C",
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Q?\nA. a\nC. c\nD. d\nANSWER: A", "option C is out of order"),
        ("Q?\nA. a\nnot an option\nB. b\nANSWER: A", "line 3 is not an option"),
        ("A. a\nB. b\nC. c\nANSWER: A", "no question text"),
        ("Just text\nANSWER: A", "no options"),
    ],
)
def test_malformed_shapes(text, reason):
    raws, skipped = aiken.parse(text.encode())
    assert raws == []
    assert len(skipped) == 1 and skipped[0].line == 1
    assert reason in skipped[0].reason


def test_answer_line_ends_a_question_without_a_blank_line():
    raws, skipped = aiken.parse(
        b"Q1?\nA. a\nB. b\nC. c\nANSWER: C\nQ2?\nA) x\nB) y\nC) z\nanswer: a\n"
    )
    assert skipped == []
    assert [(r.number, r.line, r.stem) for r in raws] == [(1, 1, "Q1?"), (2, 6, "Q2?")]
    assert [a.fraction for a in raws[1].answers] == [100.0, 0.0, 0.0]
