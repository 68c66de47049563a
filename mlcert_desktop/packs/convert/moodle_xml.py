"""Moodle XML reader (https://docs.moodle.org/en/Moodle_XML_format).

Parsed only with defusedxml (DTDs, entity expansion and external references are refused, so
an XML bomb fails fast with a clear message). Multiple-choice questions are converted; category
pseudo-questions set the domain of the ones after them; every other type is reported.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, TreeBuilder  # building only; parsing is defused

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from mlcert_desktop.packs.convert.common import (
    RawAnswer,
    RawQuestion,
    Skip,
    Skipped,
    html_to_text,
    tidy,
)
from mlcert_desktop.packs.errors import PackFormatError

_LINE = "mlcert-source-line"  # attribute we add while parsing so reports can cite lines


class _LineBuilder(TreeBuilder):
    """Records the source line of every element (ElementTree does not keep it)."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: SafeET.DefusedXMLParser | None = None

    def start(self, tag, attrs):
        expat = getattr(self.parser, "parser", None)
        line = getattr(expat, "CurrentLineNumber", None)
        return super().start(tag, {**attrs, _LINE: str(line)} if line else attrs)


def _parse_xml(data: bytes) -> Element:
    builder = _LineBuilder()
    parser = SafeET.DefusedXMLParser(
        target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    builder.parser = parser
    try:
        parser.feed(data)
        return parser.close()
    except DefusedXmlException as e:
        raise PackFormatError(
            f"The Moodle XML file was refused: it declares a DTD or entities ({type(e).__name__}),"
            " which question banks never need and which can be used for 'XML bomb' attacks."
        ) from None
    except SafeET.ParseError as e:
        raise PackFormatError(f"The Moodle XML file is not well-formed XML: {e}.") from None


def parse(data: bytes) -> tuple[list[RawQuestion], list[Skipped]]:
    root = _parse_xml(data)
    if root.tag != "quiz":
        raise PackFormatError(f"Expected a Moodle XML <quiz>, found <{root.tag}>.")
    questions: list[RawQuestion] = []
    skipped: list[Skipped] = []
    category: str | None = None
    number = 0
    for el in root.iter("question"):
        qtype = el.get("type", "")
        if qtype == "category":
            category = _text(el.find("category")) or None
            continue
        number += 1
        line = int(el.get(_LINE)) if el.get(_LINE) else None
        try:
            questions.append(_question(el, number, line, category))
        except Skip as e:
            skipped.append(Skipped(number, line, str(e)))
    return questions, skipped


def _text(el: Element | None) -> str:
    """The raw <text> of an element (Moodle wraps every text field in one)."""
    if el is None:
        return ""
    inner = el.find("text")
    return ((inner.text if inner is not None else el.text) or "").strip()


def _rich(el: Element | None) -> str:
    """A text field as plain text: HTML (Moodle's default) is reduced to paragraphs."""
    if el is None:
        return ""
    fmt = el.get("format", "html")
    return html_to_text(_text(el)) if fmt == "html" else tidy(_text(el))


_TYPE_NAMES = {
    "truefalse": "true/false",
    "shortanswer": "short answer",
    "numerical": "numerical",
    "essay": "essay",
    "matching": "matching",
    "description": "description",
    "cloze": "embedded answers (cloze)",
    "multianswer": "embedded answers (cloze)",
    "ddwtos": "drag and drop",
    "gapselect": "select missing words",
    "calculated": "calculated",
}


def _question(el: Element, number: int, line: int | None, category: str | None) -> RawQuestion:
    qtype = el.get("type", "")
    if qtype != "multichoice":
        name = _TYPE_NAMES.get(qtype, qtype or "untyped")
        raise Skip(f"{name} questions are not supported")
    single = _text(el.find("single")).lower() not in ("false", "0")
    answers = []
    for a in el.findall("answer"):
        try:
            fraction = float(a.get("fraction", "0"))
        except ValueError:
            raise Skip(f"answer fraction {a.get('fraction')!r} is not a number") from None
        text = html_to_text(_text(a)) if a.get("format", "html") == "html" else tidy(_text(a))
        answers.append(RawAnswer(text, fraction, _rich(a.find("feedback"))))
    return RawQuestion(
        number=number,
        line=line,
        stem=_rich(el.find("questiontext")),
        answers=answers,
        title=_text(el.find("name")),
        explanation=_rich(el.find("generalfeedback")),
        category=category,
        single=single,
    )
