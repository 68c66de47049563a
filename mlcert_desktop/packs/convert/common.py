"""Shared pieces of the converters: raw questions, the skip report, slugs, domains, YAML output.

Readers produce `RawQuestion`s that mirror the source (answers with Moodle-style fractions).
`to_question` decides whether the app can represent one; if not it raises `Skip`, whose reason
ends up in the report. Only this module knows the pack source schema.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import yaml

from mlcert_desktop.packs import format as fmt
from mlcert_desktop.packs.errors import PackFormatError

GENERAL = "General"
# The pack format's limits (format.validate_questions); converting more would only fail later.
SINGLE_CHOICES = (3, 6)
MULTIPLE_CHOICES = (4, 8)
_COUNT_WORDS = {2: "TWO", 3: "THREE", 4: "FOUR", 5: "FIVE", 6: "SIX", 7: "SEVEN"}
# Percent weights such as 33.33333 add up to 99.99999; a little slack keeps those.
_FRACTION_SLACK = 0.5


class Skip(Exception):
    """This question cannot be converted; the message says why (for the report)."""


@dataclass
class RawAnswer:
    text: str
    fraction: float  # percent of the mark, as in Moodle: 100 right, 0 wrong, <0 penalty
    feedback: str = ""


@dataclass
class RawQuestion:
    number: int  # 1-based position among the questions of the input
    line: int | None  # where it starts in the input, for the report
    stem: str
    answers: list[RawAnswer]
    title: str = ""
    explanation: str = ""
    category: str | None = None  # full category path; its last segment names the domain
    single: bool = True  # the source says "exactly one answer"


@dataclass(frozen=True)
class Skipped:
    number: int
    line: int | None
    reason: str

    def message(self) -> str:
        where = f" (line {self.line})" if self.line is not None else ""
        return f"skipped question {self.number}{where}: {self.reason}"


@dataclass
class ConvertResult:
    manifest: dict
    questions: list[dict]
    skipped: list[Skipped] = field(default_factory=list)


# -- text helpers ------------------------------------------------------------------------------
def slugify(text: str, default: str = "pack") -> str:
    """Lower-case ASCII words joined by '-', usable in pack ids, question ids and file names."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:40].strip("-") or default


def category_name(path: str) -> str:
    """The last segment of a Moodle category path ('$course$/top/A/B' -> 'B').

    Moodle writes a literal '/' inside a name as '//', so only single slashes separate.
    """
    parts = [p.replace("//", "/").strip() for p in re.split(r"(?<!/)/(?!/)", path.strip())]
    parts = [p for p in parts if p and p not in ("$course$", "$system$", "$module$", "top")]
    return parts[-1] if parts else GENERAL


class _TextExtractor(HTMLParser):
    """HTML -> plain text: drops tags and scripts, keeps paragraphs and list items."""

    _BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr"}
    _BLOCKS |= {"pre", "blockquote", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")
        elif tag == "img":
            alt = dict(attrs).get("alt") or ""
            self.parts.append(f"[image: {alt}]" if alt else "[image]")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden = max(0, self._hidden - 1)
        elif tag in ("li", "tr"):
            self.parts.append("\n")
        elif tag in self._BLOCKS and tag != "br":
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return tidy("".join(parser.parts), collapse_spaces=True)


def tidy(text: str, *, collapse_spaces: bool = False) -> str:
    """Trim each line and the whole text; at most one blank line between paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", ln) if collapse_spaces else ln for ln in text.split("\n")]
    text = "\n".join(ln.strip() for ln in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# -- one question ------------------------------------------------------------------------------
def _correct_flags(raw: RawQuestion) -> list[bool]:
    positive = [a.fraction for a in raw.answers if a.fraction > 0]
    if not positive:
        raise Skip("no answer is marked correct")
    if raw.single:
        full = [f for f in positive if abs(f - 100) <= _FRACTION_SLACK]
        if len(positive) != 1 or len(full) != 1:
            raise Skip(
                "a single-answer question needs exactly one fully correct answer "
                "(partial credit cannot be represented)"
            )
    elif abs(sum(positive) - 100) > _FRACTION_SLACK:
        raise Skip(
            f"the weights of the correct answers add up to {sum(positive):g}%, not 100% "
            "(partial credit cannot be represented)"
        )
    return [a.fraction > 0 for a in raw.answers]


def _check_counts(n_choices: int, select: int) -> None:
    low, high = SINGLE_CHOICES if select == 1 else MULTIPLE_CHOICES
    kind = "a single-answer" if select == 1 else "a multiple-response"
    if not low <= n_choices <= high:
        raise Skip(f"has {n_choices} choices; {kind} question needs {low} to {high}")
    if select >= n_choices:
        raise Skip("every choice is correct; at least one must be wrong")


def choose_stem(stem: str, select: int) -> str:
    """AWS style: a multiple-response stem says how many to pick."""
    if select < 2 or re.search(r"\(\s*choose\s+\w+\s*\.?\s*\)", stem, re.IGNORECASE):
        return stem
    return f"{stem} (Choose {_COUNT_WORDS.get(select, str(select))}.)"


def to_question(raw: RawQuestion, qid: str, domain: int) -> dict:
    """The pack-source dict for `raw` (same keys and order as the hand-written YAML)."""
    if not raw.stem.strip():
        raise Skip("the question text is empty")
    if any(not a.text.strip() for a in raw.answers):
        raise Skip("an answer is empty")
    correct = _correct_flags(raw)
    select = sum(correct)
    _check_counts(len(raw.answers), select)
    choices = []
    for i, (answer, ok) in enumerate(zip(raw.answers, correct, strict=True)):
        choice = {"id": chr(ord("a") + i), "text": answer.text, "correct": ok}
        if answer.feedback:
            choice["why"] = answer.feedback
        choices.append(choice)
    return {
        "id": qid,
        "domain": domain,
        "task": f"{domain}.1",
        "type": "single" if select == 1 else "multiple",
        "select": select,
        "difficulty": 2,
        "services": [],
        "tags": [],
        "stem": choose_stem(raw.stem, select),
        "choices": choices,
        "explanation": raw.explanation,
        "references": [],
    }


# -- the whole bank ----------------------------------------------------------------------------
def _domain_names(paths: list[str]) -> dict[str, str]:
    """Category path -> domain name: the last segment, or the whole path if that is ambiguous."""
    last = {p: category_name(p) for p in paths}
    clash = {n for n in last.values() if list(last.values()).count(n) > 1}
    return {p: (p.strip() if n in clash else n) for p, n in last.items()}


def convert(
    raws: list[RawQuestion], skipped: list[Skipped], *, slug: str, **manifest_args
) -> ConvertResult:
    """Turn parsed questions into a manifest + question dicts; unrepresentable ones are skipped."""
    skipped = list(skipped)
    kept: list[tuple[RawQuestion, dict]] = []
    order: list[str] = []  # category paths in order of first converted question
    for raw in raws:
        path = raw.category or GENERAL
        domain = (order.index(path) if path in order else len(order)) + 1
        try:
            q = to_question(raw, f"{slug}-{raw.number:03d}", domain)
        except Skip as e:
            skipped.append(Skipped(raw.number, raw.line, str(e)))
            continue
        if path not in order:
            order.append(path)
        kept.append((raw, q))
    skipped.sort(key=lambda s: s.number)
    questions = [q for _, q in kept]
    names = _domain_names(order)
    counts = [sum(1 for q in questions if q["domain"] == i + 1) for i in range(len(order))]
    domains = [
        {"id": i + 1, "name": names[p], "weight": _percent(counts[i], len(questions))}
        for i, p in enumerate(order)
    ] or [{"id": 1, "name": GENERAL, "weight": 100}]
    manifest = make_manifest(len(questions), domains, slug=slug, **manifest_args)
    return ConvertResult(manifest, questions, skipped)


def _percent(part: int, whole: int) -> int | float:
    value = round(100 * part / whole, 2) if whole else 0
    return int(value) if value == int(value) else value


def make_manifest(
    count: int,
    domains: list[dict],
    *,
    slug: str,
    pack_id: str | None = None,
    title: str | None = None,
    exam_code: str | None = None,
    today: dt.date | None = None,
) -> dict:
    """pack.yaml: a complete manifest except `files`, which the builder adds."""
    title = title or f"Converted: {slug}"
    pack_id = pack_id or f"local.converted.{slug}"
    if not fmt.PACK_ID.match(pack_id):
        raise PackFormatError(
            f"--pack-id {pack_id!r}: expected a reverse-DNS style id such as org.example.my-pack"
        )
    return {
        "format": fmt.FORMAT_VERSION,
        "pack_id": pack_id,
        "pack_version": 1,
        "title": title,
        "exam": {
            "code": exam_code or slug.upper(),
            "name": title,
            "status": "current",
            "duration_minutes": max(10, 2 * count),
            "question_count": max(count, 1),  # validate_manifest needs > 0; 0 is never written
            "unscored_count": 0,
            "passing_score": 700,
            "score_scale": [100, 1000],
        },
        "domains": domains,
        "created": (today or dt.date.today()).isoformat(),
        "license": "unknown",
        "authors": [],
    }


# -- output -------------------------------------------------------------------------------------
class _BlockDumper(yaml.SafeDumper):
    """SafeDumper that writes multi-line text as `|` blocks, like the hand-written sources."""


def _str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _str)


def dump_yaml(data) -> str:
    # Same as yaml.safe_dump(..., allow_unicode=True, sort_keys=False), plus block strings.
    return yaml.dump(data, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=100)


def write_source(result: ConvertResult, out_dir: Path | str, slug: str) -> list[Path]:
    """Write pack.yaml and questions/<slug>.yaml; returns the files written."""
    out = Path(out_dir)
    (out / "questions").mkdir(parents=True, exist_ok=True)
    pack_yaml = out / "pack.yaml"
    questions_yaml = out / "questions" / f"{slug}.yaml"
    pack_yaml.write_text(dump_yaml(result.manifest), encoding="utf-8")
    questions_yaml.write_text(dump_yaml(result.questions), encoding="utf-8")
    return [pack_yaml, questions_yaml]


def decode(data: bytes, what: str) -> str:
    """UTF-8 text (a BOM is dropped), or a clear error."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise PackFormatError(
            f"{what} is not UTF-8 text (byte {e.start}); save it as UTF-8 and try again."
        ) from None
