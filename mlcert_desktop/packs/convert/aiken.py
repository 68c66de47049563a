"""Aiken reader (https://docs.moodle.org/en/Aiken_format).

A question is its text, then options `A. text` or `A) text` (one line each, letters in order),
then `ANSWER: X`. Blocks are separated by blank lines; a block that does not have this shape is
reported with its line number. Aiken has single-answer questions only.
"""

from __future__ import annotations

import re

from mlcert_desktop.packs.convert.common import RawAnswer, RawQuestion, Skip, Skipped, decode

_OPTION = re.compile(r"^([A-Z])[.)]\s+(\S.*)$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(\S*)\s*$", re.IGNORECASE)


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks; an ANSWER line also ends a block (some files omit blanks)."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            if current:
                blocks.append((start, current))
            current = []
            continue
        if not current:
            start = number
        current.append(line)
        if _ANSWER.match(line):
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def parse(data: bytes) -> tuple[list[RawQuestion], list[Skipped]]:
    questions: list[RawQuestion] = []
    skipped: list[Skipped] = []
    for number, (line, lines) in enumerate(_blocks(decode(data, "The Aiken file")), 1):
        try:
            questions.append(_question(lines, number, line))
        except Skip as e:
            skipped.append(Skipped(number, line, f"malformed Aiken question: {e}"))
    return questions, skipped


def _question(lines: list[str], number: int, line: int) -> RawQuestion:
    answer = _ANSWER.match(lines[-1])
    if not answer:
        raise Skip("no 'ANSWER: X' line at its end")
    first = next((i for i, ln in enumerate(lines) if _OPTION.match(ln)), None)
    if first is None:
        raise Skip("no options such as 'A. text'")
    if first == 0:
        raise Skip("no question text before the options")
    options = [_OPTION.match(ln) for ln in lines[first:-1]]
    for i, m in enumerate(options):
        if m is None:
            raise Skip(f"line {line + first + i} is not an option such as 'B. text'")
        if m.group(1) != chr(ord("A") + i):
            raise Skip(f"option {m.group(1)} is out of order (expected {chr(ord('A') + i)})")
    letters = [m.group(1) for m in options if m]
    key = answer.group(1).upper()
    if key not in letters:
        raise Skip(f"the answer {answer.group(1)!r} is not one of the options {', '.join(letters)}")
    return RawQuestion(
        number=number,
        line=line,
        stem="\n".join(lines[:first]),
        answers=[
            RawAnswer(m.group(2).strip(), 100.0 if m.group(1) == key else 0.0) for m in options if m
        ],
    )
