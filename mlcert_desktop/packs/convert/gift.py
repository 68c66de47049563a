"""GIFT reader (https://docs.moodle.org/en/GIFT_format).

A small hand-written tokenizer: the text becomes a list of (character, escaped) pairs, so every
structural check (`::`, `{`, `}`, `=`, `~`, `#`, `%`) looks only at unescaped characters and
an escaped `\\=` or `\\{` can never be mistaken for syntax. Only multiple-choice questions are
converted; every other GIFT question type is reported.
"""

from __future__ import annotations

from mlcert_desktop.packs.convert.common import (
    RawAnswer,
    RawQuestion,
    Skip,
    Skipped,
    decode,
    html_to_text,
    tidy,
)

Chars = list[tuple[str, bool]]  # (character, was escaped)
_ESCAPABLE = set("~=#{}:\\")
_FORMATS = ("html", "markdown", "plain", "moodle")


# -- tokenizer ---------------------------------------------------------------------------------
def tokenize(text: str) -> Chars:
    """Resolve GIFT escapes: `\\~ \\= \\# \\{ \\} \\: \\\\` are literal, `\\n` is a new line."""
    out: Chars = []
    i = 0
    while i < len(text):
        c = text[i]
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if c == "\\" and nxt in _ESCAPABLE:
            out.append((nxt, True))
            i += 2
        elif c == "\\" and nxt == "n":
            out.append(("\n", True))
            i += 2
        else:
            out.append((c, False))
            i += 1
    return out


def _find(chars: Chars, token: str, start: int = 0) -> int:
    """Index of the first unescaped occurrence of `token` at or after `start`, or -1."""
    for i in range(start, len(chars) - len(token) + 1):
        if all(chars[i + k] == (token[k], False) for k in range(len(token))):
            return i
    return -1


def _text(chars: Chars) -> str:
    return "".join(c for c, _ in chars)


def _lstrip(chars: Chars) -> Chars:
    i = 0
    while i < len(chars) and chars[i][0].isspace():
        i += 1
    return chars[i:]


# -- blocks ------------------------------------------------------------------------------------
def _blocks(text: str) -> list[tuple[int, str]]:
    """Blank-line separated blocks with their first line number; `//` comment lines dropped."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("//"):
            continue
        if not line.strip():
            if current:
                blocks.append((start, "\n".join(current)))
            current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def parse(data: bytes) -> tuple[list[RawQuestion], list[Skipped]]:
    """All questions of a GIFT file, and the ones that cannot be read as multiple choice."""
    questions: list[RawQuestion] = []
    skipped: list[Skipped] = []
    category: str | None = None
    number = 0
    for line, block in _blocks(decode(data, "The GIFT file")):
        if block.lstrip().startswith("$CATEGORY:"):
            first, _, rest = block.lstrip().partition("\n")
            category = first.split(":", 1)[1].strip() or None
            if not rest.strip():
                continue
            block, line = rest, line + 1
        number += 1
        try:
            questions.append(_question(block, number, line, category))
        except Skip as e:
            skipped.append(Skipped(number, line, str(e)))
    return questions, skipped


# -- one question ------------------------------------------------------------------------------
def _title_and_format(chars: Chars) -> tuple[str, str, Chars]:
    chars = _lstrip(chars)
    title = ""
    if _find(chars, "::") == 0:
        end = _find(chars, "::", 2)
        if end < 0:
            raise Skip("the title has no closing '::'")
        title, chars = _text(chars[2:end]).strip(), _lstrip(chars[end + 2 :])
    text_format = "moodle"
    for name in _FORMATS:
        marker = f"[{name}]"
        if _find(chars, marker) == 0:
            text_format, chars = name, chars[len(marker) :]
            break
    return title, text_format, chars


def _question(block: str, number: int, line: int, category: str | None) -> RawQuestion:
    title, text_format, chars = _title_and_format(tokenize(block))
    opening = _find(chars, "{")
    if opening < 0:
        raise Skip("description items (no answer block) are not supported")
    closing = _find(chars, "}", opening + 1)
    if closing < 0:
        raise Skip("the answer block has no closing '}'")
    if 0 <= _find(chars, "{", opening + 1) < closing or _find(chars, "{", closing + 1) >= 0:
        raise Skip("more than one answer block (embedded answers) is not supported")
    before, inside, after = chars[:opening], chars[opening + 1 : closing], chars[closing + 1 :]
    # "Missing word" questions put the answer block inside the sentence; show a gap there.
    stem = _text(before) + ("_____" + _text(after) if _text(after).strip() else "")
    general = _find(inside, "####")
    explanation = _text(inside[general + 4 :]) if general >= 0 else ""
    if general >= 0:
        inside = inside[:general]
    _check_multichoice(inside)
    answers = _answers(inside)
    clean = html_to_text if text_format == "html" else tidy
    return RawQuestion(
        number=number,
        line=line,
        stem=clean(stem),
        answers=[RawAnswer(clean(a.text), a.fraction, clean(a.feedback)) for a in answers],
        title=title,
        explanation=clean(explanation),
        category=category,
        single=any(marker == "=" for marker in _markers(inside)),
    )


def _check_multichoice(inside: Chars) -> None:
    """Name the GIFT question type when it is not multiple choice (checked in Moodle's order)."""
    body = _text(inside).strip()
    head = _text(inside[: _find(inside, "#")] if _find(inside, "#") >= 0 else inside).strip()
    if not body:
        raise Skip("essay questions are not supported")
    if _find(_lstrip(inside), "#") == 0:
        raise Skip("numerical questions are not supported")
    if head.upper() in ("T", "TRUE", "F", "FALSE"):
        raise Skip("true/false questions are not supported")
    if _find(inside, "->") >= 0:
        raise Skip("matching questions are not supported")
    if _find(inside, "~") < 0:
        raise Skip("short answer questions are not supported")


def _markers(inside: Chars) -> list[str]:
    return [c for c, escaped in inside if not escaped and c in "=~"]


def _answers(inside: Chars) -> list[RawAnswer]:
    """Split `=right ~wrong ~%50%partial #feedback` at unescaped `=` and `~`."""
    starts = [i for i, (c, escaped) in enumerate(inside) if not escaped and c in "=~"]
    if _text(inside[: starts[0]]).strip():
        raise Skip("text before the first answer; every answer must start with '=' or '~'")
    answers = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(inside)
        answers.append(_answer(inside[start][0], _lstrip(inside[start + 1 : end])))
    return answers


def _answer(marker: str, chars: Chars) -> RawAnswer:
    fraction = 100.0 if marker == "=" else 0.0
    if _find(chars, "%") == 0:
        end = _find(chars, "%", 1)
        try:
            fraction = float(_text(chars[1:end])) if end > 0 else float("nan")
        except ValueError:
            fraction = float("nan")
        if fraction != fraction:  # NaN: no closing % or not a number
            raise Skip(f"the answer weight in {_text(chars).strip()!r} is not a number like %50%")
        chars = chars[end + 1 :]
    cut = _find(chars, "#")
    text, feedback = (chars[:cut], chars[cut + 1 :]) if cut >= 0 else (chars, [])
    return RawAnswer(_text(text), fraction, _text(feedback))
