"""Moodle XML -> pack source: HTML to text, categories, fractions, and XML attacks refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlcert_desktop.packs.convert import common, convert_file, moodle_xml
from mlcert_desktop.packs.errors import PackFormatError

FIXTURE = Path(__file__).parents[1] / "fixtures" / "convert" / "sample.xml"


@pytest.fixture(scope="module")
def result():
    return convert_file(FIXTURE, "moodle")[0]


def test_single_answer_html_is_plain_text_with_feedback(result):
    q = result.questions[0]
    assert q["id"] == "sample-001"
    assert q["stem"] == (
        "Which IAM feature gives an EC2 instance temporary credentials?\n\nZürich & 東京 – both!"
    )
    assert q["choices"] == [
        {
            "id": "a",
            "text": "An instance profile with an IAM role",
            "correct": True,
            "why": "Right: temporary credentials.",
        },
        {
            "id": "b",
            "text": "Access keys in user data",
            "correct": False,
            "why": "Long-lived keys leak.",
        },
        {"id": "c", "text": "A security group", "correct": False},
    ]
    assert q["explanation"] == "Instance profiles deliver role credentials."
    assert "<" not in str(result.questions)


def test_multiple_response_from_fractions(result):
    q = result.questions[1]
    assert q["id"] == "sample-003"
    assert (q["type"], q["select"], q["domain"], q["task"]) == ("multiple", 2, 2, "2.1")
    assert q["stem"] == "Which metrics suit regression? (Choose TWO.)"
    assert [(c["text"], c["correct"]) for c in q["choices"]] == [
        ("RMSE", True),
        ("MAE", True),
        ("Accuracy", False),
        ("F1 score", False),
    ]
    assert q["choices"][2]["why"] == "A classification metric."


def test_category_questions_become_domains(result):
    # '//' is Moodle's escape for a '/' inside a category name.
    assert result.manifest["domains"] == [
        {"id": 1, "name": "Security", "weight": 50},
        {"id": 2, "name": "Modeling", "weight": 50},
    ]


def test_skips_are_reported_with_lines(result):
    assert [s.message() for s in result.skipped] == [
        "skipped question 2 (line 25): essay questions are not supported",
        "skipped question 4 (line 41): the weights of the correct answers add up to 150%, not "
        "100% (partial credit cannot be represented)",
    ]


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>
<quiz><question type="multichoice"><questiontext><text>&lol2;</text></questiontext>
</question></quiz>
"""


@pytest.mark.parametrize(
    "data",
    [
        BOMB,
        b'<!DOCTYPE quiz SYSTEM "http://example.com/x.dtd"><quiz/>',
        b'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY x SYSTEM "file:///etc/passwd">]><quiz>&x;</quiz>',
    ],
)
def test_dtds_and_entities_are_refused(data):
    with pytest.raises(PackFormatError, match="refused"):
        moodle_xml.parse(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"<quiz><question>", "not well-formed"), (b"<html/>", "Expected a Moodle XML <quiz>")],
)
def test_broken_or_foreign_xml_is_refused(data, message):
    with pytest.raises(PackFormatError, match=message):
        moodle_xml.parse(data)


def test_single_with_partial_credit_is_skipped():
    xml = b"""<quiz><question type="multichoice"><questiontext format="plain_text"><text>Q?</text>
    </questiontext><single>true</single><answer fraction="100"><text>a</text></answer>
    <answer fraction="50"><text>b</text></answer><answer fraction="0"><text>c</text></answer>
    </question></quiz>"""
    raws, skipped = moodle_xml.parse(xml)
    assert skipped == [] and raws[0].line == 1 and raws[0].single

    with pytest.raises(common.Skip, match="exactly one fully correct answer"):
        common.to_question(raws[0], "x-001", 1)
