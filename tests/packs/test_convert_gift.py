"""GIFT -> pack source: tokenizer, question types, escapes, categories, feedback, skips."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlcert_desktop.packs.convert import common, convert_file, gift
from mlcert_desktop.packs.errors import PackFormatError

FIXTURE = Path(__file__).parents[1] / "fixtures" / "convert" / "sample.gift"


@pytest.fixture(scope="module")
def result():
    return convert_file(FIXTURE, "gift")[0]


def by_id(result) -> dict:
    return {q["id"]: q for q in result.questions}


def test_tokenizer_marks_escaped_characters():
    assert gift.tokenize(r"a\=b\{\}\n~") == [
        ("a", False),
        ("=", True),
        ("b", False),
        ("{", True),
        ("}", True),
        ("\n", True),
        ("~", False),
    ]


def test_single_answer_with_feedback_and_general_feedback(result):
    q = by_id(result)["sample-001"]
    assert q == {
        "id": "sample-001",
        "domain": 1,
        "task": "1.1",
        "type": "single",
        "select": 1,
        "difficulty": 2,
        "services": [],
        "tags": [],
        "stem": "Which service ingests streaming data in real time?",
        "choices": [
            {
                "id": "a",
                "text": "Amazon Kinesis Data Streams",
                "correct": True,
                "why": "It is built for real-time streams.",
            },
            {
                "id": "b",
                "text": "Amazon S3 Glacier",
                "correct": False,
                "why": "Glacier is for archives.",
            },
            {"id": "c", "text": "AWS Snowball", "correct": False},
        ],
        "explanation": "Kinesis Data Streams ingests and stores streams for real-time processing.",
        "references": [],
    }


def test_escapes_and_unicode_survive(result):
    q = by_id(result)["sample-002"]
    assert q["stem"] == (
        "A formula uses 1 = 1 and braces {x} and a colon: here. "
        'Which city is written "Zürich – 東京"?'
    )
    assert [(c["text"], c["correct"], c.get("why")) for c in q["choices"]] == [
        ("Zürich only", False, None),
        ("Zürich – 東京", True, "Correct: both names ~ kept."),
        ("東京 only", False, "Not # this one."),
    ]


def test_multiple_answer_weights_multi_line_stem_and_choose_suffix(result):
    q = by_id(result)["sample-003"]
    assert q["domain"] == 2 and q["task"] == "2.1"
    assert q["type"] == "multiple" and q["select"] == 2
    assert q["stem"] == (
        "Which TWO metrics suit an imbalanced binary classifier?\n"
        "Think about the minority class. (Choose TWO.)"
    )
    assert [c["correct"] for c in q["choices"]] == [True, True, False, False]
    assert q["choices"][2]["why"] == "Misleading when classes are imbalanced."


def test_html_marker_is_reduced_to_text(result):
    q = by_id(result)["sample-006"]
    assert q["stem"] == "Which algorithm & setting is best?\n\nPick one."
    assert [c["text"] for c in q["choices"]] == ["XGBoost", "Linear <regression>", "K-means"]
    assert q["choices"][2]["why"] == "Clustering, not supervised."


def test_missing_word_question_gets_a_gap(result):
    q = by_id(result)["sample-008"]
    assert q["stem"] == "The SageMaker built-in algorithm for tabular data is _____ in most cases."
    assert [c["correct"] for c in q["choices"]] == [True, False, False]


def test_categories_become_weighted_domains(result):
    assert result.manifest["domains"] == [
        {"id": 1, "name": "Data Engineering", "weight": 40},
        {"id": 2, "name": "Modeling", "weight": 60},
    ]
    assert result.manifest["exam"]["question_count"] == 5
    assert result.manifest["exam"]["duration_minutes"] == 10


def test_every_skip_is_reported_with_its_line(result):
    assert [s.message() for s in result.skipped] == [
        "skipped question 4 (line 30): essay questions are not supported",
        "skipped question 5 (line 32): the weights of the correct answers add up to 75%, not 100% "
        "(partial credit cannot be represented)",
        "skipped question 7 (line 45): true/false questions are not supported",
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Q? {=a =b ~c}", "exactly one fully correct answer"),
        ("Q? {=yes}", "short answer questions are not supported"),
        ("Q? {#3.14:0.01}", "numerical questions are not supported"),
        ("Q? {=a -> 1 =b -> 2 =c -> 3}", "matching questions are not supported"),
        ("Just a description.", "description items"),
        ("Q? {~a ~b ~c}", "no answer is marked correct"),
        ("Q? {=a ~b}", "has 2 choices"),
        ("Q? {=a ~b ~c", "no closing '}'"),
        ("::Title Q? {=a ~b ~c}", "no closing '::'"),
        ("Q? {~%x%a =b ~c}", "not a number like %50%"),
        ("Q? junk {=a ~b ~c} {=d ~e ~f}", "more than one answer block"),
    ],
)
def test_unsupported_or_broken_questions_are_skipped(text, reason):
    raws, skipped = gift.parse(f"// header\n\n{text}\n".encode())
    assert len(raws) + len(skipped) == 1
    if raws:
        with pytest.raises(common.Skip, match=reason):
            common.to_question(raws[0], "x-001", 1)
    else:
        assert skipped[0].line == 3
        assert reason in skipped[0].reason


def test_escaped_braces_do_not_open_an_answer_block():
    raws, skipped = gift.parse(b"Is \\{ a brace? {=yes ~no ~maybe}\n")
    assert skipped == []
    assert raws[0].stem == "Is { a brace?"
    assert [a.text for a in raws[0].answers] == ["yes", "no", "maybe"]


def test_bad_utf8_is_refused():
    with pytest.raises(PackFormatError, match="not UTF-8"):
        gift.parse(b"Q? {=\xff ~b ~c}")
