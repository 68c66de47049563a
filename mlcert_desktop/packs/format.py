"""The .exampack format: limits, strict JSON, and schema + semantic validation.

docs/pack-format.md is the public specification; this module is its executable form.
Every problem is reported as a PackFormatError naming where it is (a JSON path).
"""

from __future__ import annotations

import json
import math
import operator
import re
from collections.abc import Mapping
from typing import Annotated, Any

import jiter
import msgspec
from msgspec import UNSET, UnsetType

from mlcert_desktop.core.models import Choice, ItemType, Question
from mlcert_desktop.packs.errors import PackFormatError

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.minisig"
QUESTIONS = "questions.json"
# Matched with .match: \Z, not $, which would also accept a newline at the end.
MEDIA_NAME = re.compile(r"media/[0-9a-f]{64}\.(png|jpg|svg)\Z")
PACK_ID = re.compile(r"[a-z0-9]+(\.[a-z0-9][a-z0-9-]*)+\Z")
QUESTION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
TASK = re.compile(r"[0-9]{1,2}\.[0-9]{1,2}\Z")
MAX_DEPTH = 16
# Integers are stored in SQLite, whose integers have 64 bits.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
_TOO_LARGE = "expected an integer of at most 64 bits (from -2**63 to 2**63 - 1)"


def is_allowed_name(name: str) -> bool:
    return name in (MANIFEST, SIGNATURE, QUESTIONS) or bool(MEDIA_NAME.match(name))


def trusted_comment(pack_id: str, pack_version: int) -> str:
    """What the signature's trusted comment must say: binds the signature to this pack."""
    return f"mlcert-pack pack_id={pack_id} pack_version={pack_version}"


# -- strict JSON -----------------------------------------------------------------------------
def _no_duplicates(pairs):
    out = dict(pairs)
    if len(out) != len(pairs):  # rare: find the first repeated key for the message
        seen = set()
        for k, _ in pairs:
            if k in seen:
                raise PackFormatError(f"duplicate key {k!r}")
            seen.add(k)
    return out


def _no_constants(name):
    raise PackFormatError(f"{name} is not allowed in a pack (JSON numbers must be finite)")


def _depth(value, limit: int) -> None:
    """Reject any value nested more than `limit` levels below the top (the top is level 0).

    Walks one level at a time and looks only at containers, so a 10,000-question file costs
    a few list comprehensions instead of one Python call per value.
    """
    layer = [value] if isinstance(value, (dict, list)) else []
    level = 0  # the level of the containers in `layer`
    while layer:
        if level > limit:
            raise PackFormatError(f"nested deeper than {limit} levels")
        children = [
            v
            for c in layer
            for v in (c.values() if isinstance(c, dict) else c)
            if isinstance(v, (dict, list))
        ]
        if level == limit and any(layer):  # their values sit at level limit + 1
            raise PackFormatError(f"nested deeper than {limit} levels")
        layer = children
        level += 1


def strict_json(data: bytes, filename: str) -> Any:
    """json.loads that rejects duplicate keys, NaN/Infinity, bad UTF-8 and deep nesting."""
    value = _parse(data, filename)
    _check_depth(value, filename)
    return value


def _parse(data: bytes, filename: str) -> Any:
    """strict_json without the depth walk (load_questions does that walk only when needed).

    jiter parses in compiled code and refuses duplicate keys (compared after unescaping),
    NaN/Infinity, bad UTF-8, control characters in strings and lone surrogates: 1.5 to 2.5
    times as fast as json.loads with a Python hook on every object (benchmarks/RESULTS.md).
    On any error the standard parser reads the file again, so that problems are named as
    before (and in the words of docs/pack-format.md); what only jiter refuses is reported in
    its words.
    """
    try:
        return jiter.from_json(
            data, allow_inf_nan=False, catch_duplicate_keys=True, cache_mode="keys"
        )
    except ValueError as e:
        refused = str(e)
    value = _parse_stdlib(data, filename)  # raises the usual message for the usual mistakes
    _check_depth(value, filename)  # jiter stops at 200 levels; the format allows 16
    raise PackFormatError(f"{filename} is not valid JSON ({refused}).")


def _parse_stdlib(data: bytes, filename: str) -> Any:
    try:
        text = data.decode("utf-8")
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except PackFormatError as e:
        raise PackFormatError(f"{filename}: {e}") from None
    except UnicodeDecodeError:
        raise PackFormatError(f"{filename} is not valid UTF-8 text.") from None
    except RecursionError:
        raise PackFormatError(f"{filename}: nested too deeply.") from None
    except json.JSONDecodeError as e:
        raise PackFormatError(
            f"{filename} is not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})."
        ) from None
    except ValueError as e:  # e.g. an integer with thousands of digits
        raise PackFormatError(f"{filename}: {e}") from None


def _check_depth(value: Any, filename: str) -> None:
    try:
        _depth(value, MAX_DEPTH)
    except PackFormatError as e:
        raise PackFormatError(f"{filename}: {e}") from None


# -- schema helpers ----------------------------------------------------------------------------
class _Check:
    """Typed field access that reports problems with the JSON path of the value."""

    def __init__(self, filename: str) -> None:
        self.filename = filename

    def fail(self, path: str, msg: str):
        raise PackFormatError(f"{self.filename}: {path}: {msg}")

    def obj(self, value, path: str) -> Mapping:
        if not isinstance(value, dict):
            self.fail(path, "expected an object")
        return value

    def field(self, obj: Mapping, key: str, kind, path: str, *, optional=False, default=None):
        if key not in obj:
            if optional:
                return default
            self.fail(path, f"missing required field {key!r}")
        value = obj[key]
        where = f"{path}.{key}"
        if kind is int:
            if isinstance(value, bool) or not isinstance(value, int):
                self.fail(where, "expected an integer")
            if not INT_MIN <= value <= INT_MAX:
                self.fail(where, _TOO_LARGE)
        elif kind is float:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.fail(where, "expected a number")
            if isinstance(value, int):
                if not INT_MIN <= value <= INT_MAX:  # (math.isfinite would overflow on it)
                    self.fail(where, _TOO_LARGE)
            elif not math.isfinite(value):
                self.fail(where, "expected a finite number")
        elif kind is str:
            if not isinstance(value, str):
                self.fail(where, "expected a string")
        elif kind is bool:
            if not isinstance(value, bool):
                self.fail(where, "expected true or false")
        elif kind is list:
            if not isinstance(value, list):
                self.fail(where, "expected a list")
        elif kind is dict and not isinstance(value, dict):
            self.fail(where, "expected an object")
        return value

    def strings(self, obj: Mapping, key: str, path: str) -> tuple[str, ...]:
        items = self.field(obj, key, list, path, optional=True, default=[])
        for i, s in enumerate(items):
            if not isinstance(s, str):
                self.fail(f"{path}.{key}[{i}]", "expected a string")
        return tuple(items)


# -- manifest ---------------------------------------------------------------------------------
def validate_manifest(m: Any) -> dict:
    c = _Check(MANIFEST)
    c.obj(m, "$")
    if c.field(m, "format", int, "$") != FORMAT_VERSION:
        c.fail("$.format", f"this app reads pack format {FORMAT_VERSION}; update the app")
    if not PACK_ID.match(c.field(m, "pack_id", str, "$")):
        c.fail("$.pack_id", "expected a reverse-DNS style id such as org.example.my-pack")
    if c.field(m, "pack_version", int, "$") < 1:
        c.fail("$.pack_version", "must be 1 or more")
    if not c.field(m, "title", str, "$").strip():
        c.fail("$.title", "must not be empty")
    exam = c.field(m, "exam", dict, "$")
    for key in ("code", "name"):
        c.field(exam, key, str, "$.exam")
    if c.field(exam, "status", str, "$.exam", optional=True, default="current") not in (
        "current",
        "retired",
    ):
        c.fail("$.exam.status", "expected 'current' or 'retired'")
    c.field(exam, "retired_on", str, "$.exam", optional=True)
    c.field(exam, "successor", str, "$.exam", optional=True)
    for key in ("duration_minutes", "question_count", "passing_score"):
        if c.field(exam, key, int, "$.exam") <= 0:
            c.fail(f"$.exam.{key}", "must be positive")
    unscored = c.field(exam, "unscored_count", int, "$.exam", optional=True, default=0)
    if not 0 <= unscored < exam["question_count"]:
        c.fail("$.exam.unscored_count", "must be at least 0 and less than question_count")
    scale = c.field(exam, "score_scale", list, "$.exam", optional=True, default=[100, 1000])
    if (
        len(scale) != 2
        or not all(isinstance(x, int) and not isinstance(x, bool) for x in scale)
        or not scale[0] < exam["passing_score"] <= scale[1]
    ):
        c.fail("$.exam.score_scale", "expected [low, high] integers around passing_score")
    domains = c.field(m, "domains", list, "$")
    if not domains:
        c.fail("$.domains", "must list at least one domain")
    seen = set()
    for i, d in enumerate(domains):
        p = f"$.domains[{i}]"
        c.obj(d, p)
        did = c.field(d, "id", int, p)
        if did in seen:
            c.fail(f"{p}.id", f"domain id {did} is listed twice")
        seen.add(did)
        c.field(d, "name", str, p)
        if c.field(d, "weight", float, p) < 0:
            c.fail(f"{p}.weight", "must not be negative")
    for i, pe in enumerate(c.field(m, "practice_exams", list, "$", optional=True, default=[])):
        p = f"$.practice_exams[{i}]"
        c.obj(pe, p)
        c.field(pe, "id", str, p)
        c.field(pe, "title", str, p)
        c.strings(pe, "questions", p)
    files = c.field(m, "files", dict, "$")
    for name, meta in files.items():
        p = f"$.files[{name!r}]"
        if name in (MANIFEST, SIGNATURE) or not is_allowed_name(name):
            c.fail(p, "not a file name a pack may contain")
        c.obj(meta, p)
        sha = c.field(meta, "sha256", str, p)
        if not re.fullmatch(r"[0-9a-f]{64}", sha):
            c.fail(f"{p}.sha256", "expected 64 lowercase hex digits")
        if c.field(meta, "size", int, p) < 0:
            c.fail(f"{p}.size", "must not be negative")
    if QUESTIONS not in files:
        c.fail("$.files", f"must list {QUESTIONS}")
    return m


# -- questions --------------------------------------------------------------------------------
def validate_questions(data: Any, manifest: Mapping, filename: str = QUESTIONS) -> list[Question]:
    pack_id = manifest["pack_id"]
    return [question_from_record(pack_id, r) for r in validate_records(data, manifest, filename)]


def load_questions(
    data: bytes, manifest: Mapping, filename: str = QUESTIONS
) -> list[QuestionRecord]:
    """validate_records(strict_json(data)): the same records, or the same first error, with
    the fast path (below) wherever it can take a question.

    strict_json's depth walk visits every value of the file (a tenth of a 10,000-question
    import). It is needed only where the validator does not look: a question the fast path
    accepts holds nothing but type-checked fields (a question with unknown keys goes through
    the checked path), so it is at most a few levels deep. The walk runs only if some question
    needs the checked path, and then before it, so errors keep their order.
    """
    value = _parse(data, filename)
    seen: set[str] = set()
    records = _fast_records(value, manifest, seen)
    if records is None:
        _check_depth(value, filename)
        return _records(value, manifest, filename, fast=True)
    _check_practice_exams(manifest, seen)
    return records


def validate_records(
    data: Any, manifest: Mapping, filename: str = QUESTIONS
) -> list[QuestionRecord]:
    """validate_questions, each question as a QuestionRecord, by the checked path alone.

    The fast path is for what the JSON parser made (load_questions). Data built in Python (a
    pack source read from YAML, a converter's output) can hold what JSON cannot: tuples, sets,
    other mappings, subclasses of int, all of which msgspec's conversion accepts or changes."""
    return _records(data, manifest, filename, fast=False)


def _records(data: Any, manifest: Mapping, filename: str, *, fast: bool) -> list[QuestionRecord]:
    """Each question through the fast path (if `fast`), and through the checked path where
    that refuses it: the same checks, in the same order, with the same messages."""
    c = _Check(filename)
    if not isinstance(data, list):
        c.fail("$", "expected a list of questions")
    domain_ids = {d["id"] for d in manifest["domains"]}
    pack_id = manifest["pack_id"]
    seen: set[str] = set()
    out = []
    for i, q in enumerate(data):
        record = _converted(q, QuestionRecord) if fast else None
        if record is None or not _sound([record], domain_ids, seen):
            # Something is off (or the question has keys this app does not know): the checked
            # path names the problem, or accepts the question.
            record = record_of(_question(c, q, f"$[{i}]", pack_id, domain_ids, seen))
        out.append(record)
    _check_practice_exams(manifest, seen)
    return out


def _fast_records(data: Any, manifest: Mapping, seen: set[str]) -> list[QuestionRecord] | None:
    """Every question as a QuestionRecord in one compiled pass, or None if any needs the
    checked path. For what the JSON parser made: see validate_records."""
    if type(data) is not list:
        return None
    records = _converted(data, list[QuestionRecord])
    if records is None:
        return None
    domain_ids = {d["id"] for d in manifest["domains"]}
    return records if _sound(records, domain_ids, seen) else None


def _converted(value: Any, kind):
    """msgspec.convert(value, kind), or None where it refuses the value. (ValueError too: a
    lone surrogate where a string is not expected makes it fail to encode the message.)"""
    try:
        return msgspec.convert(value, kind)
    except (msgspec.ValidationError, ValueError):
        return None


def _check_practice_exams(manifest: Mapping, question_ids: set[str]) -> None:
    for i, pe in enumerate(manifest.get("practice_exams", [])):
        missing = [qid for qid in pe["questions"] if qid not in question_ids]
        if missing:
            raise PackFormatError(
                f"{MANIFEST}: $.practice_exams[{i}] lists unknown question {missing[0]!r}"
            )


# -- the fast path ----------------------------------------------------------------------------
# msgspec converts the parsed JSON into these in compiled code, checking every field's type
# (strictly: no true for 1, no 1.0 for 1), the id, task, stem and reference patterns, the
# item type and the difficulty's range; _sound then checks what involves several fields.
# Whatever either refuses goes through the checked path (_question), which repeats every check
# to name the problem, so both accept exactly the same questions
# (tests/packs/test_format_fast_path.py).
#
# Unknown keys are allowed by the format (and ignored) but refused here: such a question goes
# through the checked path. That also bounds a fast-path question's depth, which load_questions
# relies on: every field is a scalar or a list of scalars, a choice's fields (level 4) are
# scalars.
class ChoiceRecord(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """Choice's fields (the same names, so storage writes either)."""

    id: str
    text: str
    correct: bool
    why: str = ""


class QuestionRecord(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """A validated question as the importer keeps and writes it: Question's fields without
    pack_id, under the same names (storage writes either). Building the Question and Choice
    objects of 10,000 questions and 40,000 choices took longer than writing them."""

    id: Annotated[str, msgspec.Meta(pattern="^" + QUESTION_ID.pattern)]
    domain: int
    task: Annotated[str, msgspec.Meta(pattern="^" + TASK.pattern)]
    type: ItemType
    # Something besides white space: the re module's \s is what str.strip() strips.
    stem: Annotated[str, msgspec.Meta(pattern=r"\S")]
    choices: tuple[ChoiceRecord, ...]
    select: int = 1
    explanation: str = ""
    references: tuple[Annotated[str, msgspec.Meta(pattern="^https://")], ...] = ()
    difficulty: Annotated[int, msgspec.Meta(ge=1, le=3)] = 2
    services: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    # A null in the pack is refused, as the checked path refuses it. Where the pack leaves it
    # out it is UNSET, and _sound makes it None (as in Question): msgspec checks the types
    # of what it converts, not what is assigned later.
    practice_exam: Annotated[int, msgspec.Meta(ge=INT_MIN, le=INT_MAX)] | UnsetType = UNSET


_SINGLE = ItemType.SINGLE
_CORRECT = operator.attrgetter("correct")
_ID = operator.attrgetter("id")


def _sound(records: list[QuestionRecord], domain_ids, seen: set[str]) -> bool:
    """The checks msgspec cannot make, for records it has converted; adds their ids to `seen`.

    False at the first doubt: the checked path then names the problem. (The choices are read
    with attrgetter through map, not with comprehensions: a comprehension is a function call
    per question, a third of the time here.)"""
    ids = {r.id for r in records}
    if len(ids) != len(records) or not seen.isdisjoint(ids):
        return False
    if not {r.domain for r in records} <= domain_ids:
        return False
    for r in records:
        choices = r.choices
        n = len(choices)
        select = r.select
        if r.type is _SINGLE:
            if select != 1 or not 3 <= n <= 6:
                return False
        elif not 2 <= select < n or not 4 <= n <= 8:
            return False
        if sum(map(_CORRECT, choices)) != select or len(set(map(_ID, choices))) != n:
            return False
        if r.practice_exam is UNSET:
            r.practice_exam = None  # type: ignore[assignment]
    seen |= ids
    return True


# The fields a record and a Question share, under the same names, besides their choices.
_SHARED = tuple(f for f in Question._fields if f not in ("pack_id", "choices"))


def record_of(q: Question) -> QuestionRecord:
    """A Question (from the checked path) as a record."""
    choices = tuple(ChoiceRecord(*c) for c in q.choices)
    return QuestionRecord(choices=choices, **{f: getattr(q, f) for f in _SHARED})


def question_from_record(pack_id: str, r: QuestionRecord) -> Question:
    choices = tuple(Choice(c.id, c.text, c.correct, c.why) for c in r.choices)
    return Question(pack_id=pack_id, choices=choices, **{f: getattr(r, f) for f in _SHARED})


def _question(c: _Check, q, p: str, pack_id: str, domain_ids, seen: set[str]) -> Question:
    c.obj(q, p)
    qid = c.field(q, "id", str, p)
    if not QUESTION_ID.match(qid):
        c.fail(f"{p}.id", "use letters, digits, '.', '_' or '-' (at most 64)")
    if qid in seen:
        c.fail(f"{p}.id", f"question id {qid!r} is used twice")
    seen.add(qid)
    p = f"{p} (question {qid})"
    domain = c.field(q, "domain", int, p)
    if domain not in domain_ids:
        c.fail(f"{p}.domain", f"domain {domain} is not listed in the manifest")
    task = c.field(q, "task", str, p)
    if not TASK.match(task):
        c.fail(f"{p}.task", "expected a task statement such as '3.2'")
    try:
        qtype = ItemType(c.field(q, "type", str, p))
    except ValueError:
        c.fail(f"{p}.type", "expected 'single' or 'multiple'")
    select = c.field(q, "select", int, p, optional=True, default=1)
    if not c.field(q, "stem", str, p).strip():
        c.fail(f"{p}.stem", "must not be empty")
    raw_choices = c.field(q, "choices", list, p)
    choices = []
    for j, ch in enumerate(raw_choices):
        cp = f"{p}.choices[{j}]"
        c.obj(ch, cp)
        choices.append(
            Choice(
                c.field(ch, "id", str, cp),
                c.field(ch, "text", str, cp),
                c.field(ch, "correct", bool, cp),
                c.field(ch, "why", str, cp, optional=True, default=""),
            )
        )
    ids = [ch.id for ch in choices]
    if len(set(ids)) != len(ids):
        c.fail(f"{p}.choices", "choice ids must be unique")
    n_correct = sum(ch.correct for ch in choices)
    if qtype is ItemType.SINGLE:
        if select != 1:
            c.fail(f"{p}.select", "a single-answer question selects exactly 1")
        if not 3 <= len(choices) <= 6:
            c.fail(f"{p}.choices", "a single-answer question has 3 to 6 choices")
    else:
        if not 2 <= select < len(choices):
            c.fail(f"{p}.select", "a multiple-response question selects 2 or more, fewer than all")
        if not 4 <= len(choices) <= 8:
            c.fail(f"{p}.choices", "a multiple-response question has 4 to 8 choices")
    if n_correct != select:
        c.fail(f"{p}.choices", f"has {n_correct} correct choices but select is {select}")
    difficulty = c.field(q, "difficulty", int, p, optional=True, default=2)
    if not 1 <= difficulty <= 3:
        c.fail(f"{p}.difficulty", "expected 1, 2 or 3")
    refs = c.strings(q, "references", p)
    for j, url in enumerate(refs):
        if not url.startswith("https://"):
            c.fail(f"{p}.references[{j}]", "references must be https:// URLs")
    practice = c.field(q, "practice_exam", int, p, optional=True)
    return Question(
        pack_id=pack_id,
        id=qid,
        domain=domain,
        task=task,
        type=qtype,
        select=select,
        stem=q["stem"],
        choices=tuple(choices),
        explanation=c.field(q, "explanation", str, p, optional=True, default=""),
        references=refs,
        difficulty=difficulty,
        services=c.strings(q, "services", p),
        tags=c.strings(q, "tags", p),
        practice_exam=practice,
    )


def question_to_json(q: Question) -> dict:
    d: dict[str, Any] = {
        "id": q.id,
        "domain": q.domain,
        "task": q.task,
        "type": q.type.value,
        "select": q.select,
        "difficulty": q.difficulty,
        "services": list(q.services),
        "tags": list(q.tags),
        "stem": q.stem,
        "choices": [
            {"id": c.id, "text": c.text, "correct": c.correct, **({"why": c.why} if c.why else {})}
            for c in q.choices
        ],
        "explanation": q.explanation,
        "references": list(q.references),
    }
    if q.practice_exam is not None:
        d["practice_exam"] = q.practice_exam
    return d
