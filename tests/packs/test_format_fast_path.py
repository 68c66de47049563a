"""The fast validation path accepts exactly what the checked path accepts, with the same result,
and strict JSON's depth and duplicate-key checks keep their exact limits."""

from __future__ import annotations

import copy
import json

import pytest

from mlcert_desktop.core.models import Choice, Question
from mlcert_desktop.packs import format as fmt
from mlcert_desktop.packs.errors import PackFormatError
from tests import factory

BAD_VALUES = [
    None,
    True,
    False,
    1,
    1.0,
    1.5,
    2**64,
    "",
    "x",
    " ",
    [],
    ["x"],
    [1],
    {},
    {"a": 1},
    -1,
    0,
    2,
    9,
]
QUESTION_KEYS = [
    "id",
    "domain",
    "task",
    "type",
    "select",
    "stem",
    "choices",
    "explanation",
    "references",
    "difficulty",
    "services",
    "tags",
    "practice_exam",
]
CHOICE_KEYS = ["id", "text", "correct", "why"]


def _questions() -> list[dict]:
    src = factory.source(10)
    return [fmt.question_to_json(q) for q in src.questions]


def _mutations():
    for qi in (0, 4):  # a single- and a multiple-answer question
        for key in QUESTION_KEYS:
            yield qi, key, None, "drop"
            for v in BAD_VALUES:
                yield qi, key, None, v
        for key in CHOICE_KEYS:
            yield qi, "choices", key, "drop"
            for v in BAD_VALUES:
                yield qi, "choices", key, v


def _checked(data, manifest):
    """The reference: the checked path only."""
    c = fmt._Check(fmt.QUESTIONS)
    domain_ids = {d["id"] for d in manifest["domains"]}
    seen: set[str] = set()
    return [
        fmt._question(c, q, f"$[{i}]", manifest["pack_id"], domain_ids, seen)
        for i, q in enumerate(data)
    ]


def _fast_then_checked(data, manifest):
    """The import's path for each question: the fast path, and the checked one where it refuses
    (load_questions takes it after the whole-file fast path refused)."""
    records = fmt._records(data, manifest, fmt.QUESTIONS, fast=True)
    return [fmt.question_from_record(manifest["pack_id"], r) for r in records]


def _outcome(fn, data, manifest):
    try:
        return fn(data, manifest)
    except PackFormatError as e:
        return str(e)


def _mutated(mutation) -> list:
    """The test questions with one field changed (or dropped) as `_mutations` describes."""
    qi, key, choice_key, value = mutation
    data = _questions()
    target = data[qi] if choice_key is None else data[qi]["choices"][1]
    k = key if choice_key is None else choice_key
    if value == "drop":
        target.pop(k, None)
    else:
        target[k] = copy.deepcopy(value)
    return data


@pytest.mark.parametrize("mutation", list(_mutations()), ids=str)
def test_fast_path_agrees_with_checked_path(mutation):
    data = _mutated(mutation)
    manifest = factory.manifest()
    assert _outcome(_fast_then_checked, data, manifest) == _outcome(_checked, data, manifest)


def test_fast_path_agrees_on_duplicate_ids_and_valid_packs():
    manifest = factory.manifest()
    data = _questions()
    assert _fast_then_checked(data, manifest) == _checked(data, manifest)
    fast = fmt._fast_records(data, manifest, set())  # the fast path takes a valid pack whole
    assert fast is not None
    assert [fmt.question_from_record(factory.PACK_ID, r) for r in fast] == _checked(data, manifest)
    data[3]["id"] = data[1]["id"]
    assert _outcome(_fast_then_checked, data, manifest) == _outcome(_checked, data, manifest)


def _nested(levels: int, inner: str) -> bytes:
    return ("[" * levels + inner + "]" * levels).encode()


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        (_nested(16, "1"), True),  # the scalar sits at level 16
        (_nested(17, ""), True),  # the innermost (empty) list sits at level 16
        (_nested(17, "1"), False),
        (_nested(18, ""), False),
        (b'{"a": ' + _nested(16, "") + b"}", True),
        (b'{"a": ' + _nested(16, "0") + b"}", False),
        (b'[1, {"a": [[{"b": 2}]]}, "x"]', True),
    ],
)
def test_depth_limit_is_exact(text, ok):
    if ok:
        assert fmt.strict_json(text, "t.json") == json.loads(text)
    else:
        with pytest.raises(PackFormatError, match="nested deeper than 16"):
            fmt.strict_json(text, "t.json")


def test_duplicate_keys_are_named():
    with pytest.raises(PackFormatError, match="duplicate key 'b'"):
        fmt.strict_json(b'{"a": 1, "b": 2, "c": {"d": 1}, "b": 3}', "t.json")
    assert fmt.strict_json(b'{"a": {"a": 1}}', "t.json") == {"a": {"a": 1}}


def test_records_are_the_questions_fields():
    """What the importer writes (records) is what validate_questions returns, field by field,
    and storage's own conversion of a Question agrees with format's."""

    manifest = factory.manifest()
    data = _questions()
    data[2]["choices"][0]["correct"] = 1  # this one goes through the checked path: refused
    with pytest.raises(PackFormatError):
        fmt.validate_records(data, manifest)
    data = _questions()
    data[2]["extra"] = {"kept": "apart"}  # unknown keys are allowed
    records = fmt.validate_records(data, manifest)
    questions = fmt.validate_questions(data, manifest)
    assert [fmt.record_of(q) for q in questions] == records
    assert [fmt.question_from_record(manifest["pack_id"], r) for r in records] == questions


# -- load_questions: strict_json + validate_records, with the depth walk skipped when the fast
# path has bounded every question's depth. It must give the same records or the same error.
def _reference(data: bytes, manifest):
    return fmt.validate_records(fmt.strict_json(data, fmt.QUESTIONS), manifest)


def _as_bytes(data) -> bytes:
    return json.dumps(data).encode()


def _deep_extra(levels: int, where: str) -> bytes:
    """Questions with an unknown key whose value has a scalar `levels` deep inside it."""
    data = _questions()
    # choices[0] is the right answer, which has no "why"; choices[1] has one.
    target = data[2] if where == "question" else data[2]["choices"][where == "choice"]
    target["extra"] = "@"
    return _as_bytes(data).replace(b'"@"', _nested(levels, "1"))


@pytest.mark.parametrize(
    ("where", "levels", "ok"),
    [
        # The question sits at level 1, its values at 2: 14 more levels reach level 16.
        ("question", 14, True),
        ("question", 15, False),
        # A choice sits at level 3, its values at 4.
        ("choice", 12, True),
        ("choice", 13, False),
        ("choice without why", 12, True),
        ("choice without why", 13, False),
    ],
)
def test_load_questions_depth_limit_under_unknown_keys_is_exact(where, levels, ok):
    manifest = factory.manifest()
    data = _deep_extra(levels, where)
    assert _outcome(fmt.load_questions, data, manifest) == _outcome(_reference, data, manifest)
    if ok:
        records = fmt.load_questions(data, manifest)
        assert records == _reference(data, manifest)
        checked = _checked(json.loads(data), manifest)  # the checked path alone
        assert [fmt.question_from_record(factory.PACK_ID, r) for r in records] == checked
    else:
        with pytest.raises(PackFormatError, match="questions.json: nested deeper than 16"):
            fmt.load_questions(data, manifest)


def test_load_questions_reports_depth_before_an_earlier_validation_error():
    manifest = factory.manifest()
    data = _questions()
    data[0]["domain"] = 99  # a validation error in the first question...
    data[2]["extra"] = "@"  # ...and a too-deep value in a later one
    raw = _as_bytes(data).replace(b'"@"', _nested(40, "1"))
    with pytest.raises(PackFormatError, match="nested deeper than 16"):
        fmt.load_questions(raw, manifest)
    assert _outcome(fmt.load_questions, raw, manifest) == _outcome(_reference, raw, manifest)


def test_load_questions_skips_the_depth_walk_for_a_well_formed_file(monkeypatch):
    """The point of load_questions: the fast path's checks stand in for the walk."""
    walked = []
    monkeypatch.setattr(fmt, "_depth", lambda value, limit: walked.append(limit))
    manifest = factory.manifest()
    fmt.load_questions(_as_bytes(_questions()), manifest)
    assert walked == []
    data = _questions()
    data[1]["stem"] = ""  # a question the fast path refuses: the file is walked first
    with pytest.raises(PackFormatError, match="must not be empty"):
        fmt.load_questions(_as_bytes(data), manifest)
    assert walked == [fmt.MAX_DEPTH]


@pytest.mark.parametrize(
    "data",
    [
        b"{}",
        b"[]",
        b'{"a": ' + _nested(20, "") + b"}",
        b"[1, " + _nested(20, "") + b"]",
        b'[{"id": "q1", "id": "q2"}]',
        b"[NaN]",
        b"[1,",
    ],
    ids=str,
)
def test_load_questions_agrees_on_odd_files(data):
    manifest = factory.manifest()
    assert _outcome(fmt.load_questions, data, manifest) == _outcome(_reference, data, manifest)


@pytest.mark.parametrize("mutation", list(_mutations()), ids=str)
def test_load_questions_agrees_with_strict_json_and_validate_records(mutation):
    raw = _as_bytes(_mutated(mutation))
    manifest = factory.manifest()
    assert _outcome(fmt.load_questions, raw, manifest) == _outcome(_reference, raw, manifest)


@pytest.mark.parametrize(
    ("where", "value"),
    [
        # values the per-column regexes see joined by newlines
        ("id", "q1\nq2"),
        ("id", "q1\n"),
        ("task", "1.1\n2.2"),
        ("task", "1.1\n"),
        ("task", "\n1.1"),
        ("task", "\u0661.\u0661"),  # Arabic-Indic digits: a task number is ASCII
        ("choice id", "a"),  # the same as the first choice's
    ],
    ids=str,
)
def test_load_questions_refuses_newlines_and_repeated_choice_ids(where, value):
    manifest = factory.manifest()
    data = _questions()
    if where == "choice id":
        data[3]["choices"][1]["id"] = value
    else:
        data[3][where] = value
    raw = _as_bytes(data)
    outcome = _outcome(fmt.load_questions, raw, manifest)
    assert isinstance(outcome, str)  # refused,
    assert outcome == _outcome(_reference, raw, manifest)  # by each path alike
    assert outcome == _outcome(_checked, data, manifest)


@pytest.mark.parametrize("ids", [("q001", "q001"), ("q001", "q002")], ids=str)
def test_load_questions_refuses_a_question_id_used_twice(ids):
    """Also across the questions the caller has already seen (validate_records' `seen`)."""
    manifest = factory.manifest()
    data = _questions()
    data[3]["id"] = ids[0]
    raw = _as_bytes(data)
    with pytest.raises(PackFormatError, match="used twice"):
        fmt.load_questions(raw, manifest)
    assert _outcome(fmt.load_questions, raw, manifest) == _outcome(_reference, raw, manifest)
    data = _questions()
    seen = {ids[1]}
    assert fmt._fast_records(data, manifest, seen) is None
    assert fmt._fast_records(data, manifest, set()) == _reference(_as_bytes(data), manifest)


def test_load_questions_of_a_valid_pack_and_its_practice_exams():
    manifest = factory.manifest()
    raw = _as_bytes(_questions())
    assert fmt.load_questions(raw, manifest) == _reference(raw, manifest)
    manifest["practice_exams"] = [{"id": "1", "title": "P", "questions": ["q001", "nope"]}]
    with pytest.raises(PackFormatError, match="unknown question 'nope'"):
        fmt.load_questions(raw, manifest)


def _dup_in(where: str) -> bytes:
    """A valid file whose third question (or its second choice) repeats a key."""
    raw = _as_bytes(_questions())
    if where == "question":  # "stem" twice, the second value first-class and valid
        return raw.replace(b'"stem": "Question 2', b'"stem": "x", "stem": "Question 2', 1)
    if where == "choice":
        return raw.replace(b'"text": "Option b of question 2"', b'"text": "y", "text": "z"', 1)
    # under an unknown key: a nested object the fast path does not look into
    return raw.replace(b'"stem": "Question 2', b'"extra": {"k": 1, "k": 2}, "stem": "Question 2')


@pytest.mark.parametrize("where", ["question", "choice", "unknown key"])
def test_load_questions_refuses_a_repeated_key_anywhere(where):
    data = _dup_in(where)
    manifest = factory.manifest()
    with pytest.raises(PackFormatError, match="duplicate key"):
        fmt.load_questions(data, manifest)
    assert _outcome(fmt.load_questions, data, manifest) == _outcome(_reference, data, manifest)


def test_load_questions_refuses_a_byte_order_mark():
    manifest = factory.manifest()
    raw = b"\xef\xbb\xbf" + _as_bytes(_questions())
    with pytest.raises(PackFormatError, match="not valid JSON"):
        fmt.load_questions(raw, manifest)


# The fast path checks "not blank" with a pattern (\S) and "https://" with another: the same
# characters as str.strip() and str.startswith() on the checked path, Unicode included.
TRICKY_TEXT = ["\u00a0", "\u2003\n", "\x1c\x1d\x1e\x1f", "\u200b", "\u3000x", "\t\v\f\r", "\x85"]


@pytest.mark.parametrize("stem", TRICKY_TEXT)
def test_blank_stems_are_judged_alike(stem):
    data = _questions()
    data[1]["stem"] = stem
    manifest = factory.manifest()
    assert _outcome(_fast_then_checked, data, manifest) == _outcome(_checked, data, manifest)
    fast = fmt._fast_records(data, manifest, set())
    assert (fast is not None) == bool(stem.strip())


@pytest.mark.parametrize(
    "url", ["https://x", "http://x", " https://x", "HTTPS://x", "https:/x", "\nhttps://x", ""]
)
def test_reference_schemes_are_judged_alike(url):
    data = _questions()
    data[1]["references"] = ["https://docs.aws.amazon.com/", url]
    manifest = factory.manifest()
    assert _outcome(_fast_then_checked, data, manifest) == _outcome(_checked, data, manifest)
    assert (fmt._fast_records(data, manifest, set()) is not None) == url.startswith("https://")


def test_records_have_the_fields_of_questions_and_choices():
    """Storage writes records and Question objects alike, by attribute name."""
    assert set(fmt.QuestionRecord.__struct_fields__) == set(Question._fields) - {"pack_id"}
    assert fmt.ChoiceRecord.__struct_fields__ == Choice._fields


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("tags", ("a", "b")),  # JSON has no tuples, sets or other mappings: YAML and Python do
        ("tags", {"a", "b"}),
        ("references", ("https://x",)),
        ("choices", "tuple"),
        ("domain", "\ud800"),  # msgspec fails to encode its message: a ValueError
        ("\ud800", 1),
    ],
    ids=str,
)
def test_python_data_is_judged_by_the_checked_path(key, value):
    """validate_questions (pack sources, converters) reads Python data by the checked path only:
    msgspec would take tuples and sets for lists. The fast path, for parsed JSON, refuses them
    (and a lone surrogate) without an exception, so that the checked path names the problem."""
    data = _questions()
    data[1][key] = tuple(data[1]["choices"]) if value == "tuple" else value
    manifest = factory.manifest()
    assert _outcome(fmt.validate_questions, data, manifest) == _outcome(_checked, data, manifest)
    if key == "tags" or key == "references" or value == "tuple":
        with pytest.raises(PackFormatError, match="expected a list"):
            fmt.validate_questions(data, manifest)
    if "\ud800" in (key, value):
        assert fmt._fast_records(data, manifest, set()) is None
        assert _outcome(_fast_then_checked, data, manifest) == _outcome(_checked, data, manifest)
