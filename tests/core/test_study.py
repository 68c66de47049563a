"""Study logic without storage: grading, FSRS transitions, drills, streak, readiness."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from mlcert_desktop.core import progress, study
from mlcert_desktop.core.progress import ExamScore, NamedAccuracy, ReadinessInput
from mlcert_desktop.core.study import Drill, Grade, QuestionStatus, StudyFilter

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


def _state(card_json: str) -> str:
    """The FSRS learning state stored in a card (fsrs.State: 1, 2, 3)."""
    return {1: "learning", 2: "review", 3: "relearning"}[json.loads(card_json)["state"]]


def qs(qid, domain=1, answered=0, right=0, last=None, flagged=False, due=None, task="1.1"):
    return QuestionStatus(
        qid,
        domain,
        task,
        ("sagemaker",) if domain == 3 else (),
        answered,
        right,
        last,
        flagged,
        due,
    )


@pytest.mark.parametrize(
    ("correct", "seconds", "grade"),
    [
        (False, 10, Grade.AGAIN),
        (False, None, Grade.AGAIN),
        (True, None, Grade.GOOD),
        (True, 20, Grade.EASY),  # under a quarter of 166 s
        (True, 100, Grade.GOOD),
        (True, 400, Grade.HARD),  # longer than the exam allows per question
    ],
)
def test_auto_grade_from_right_wrong_and_time(correct, seconds, grade):
    assert study.auto_grade(correct, seconds) is grade


def test_fsrs_new_card_wrong_answer_is_due_again_within_minutes():
    card, due = study.review(None, Grade.AGAIN, NOW)
    assert NOW < due <= NOW + dt.timedelta(minutes=10)
    assert _state(card) == "learning"


def test_fsrs_good_answers_push_the_review_further_each_time():
    card, due1 = study.review(None, Grade.GOOD, NOW)
    card, due2 = study.review(card, Grade.GOOD, due1)
    card, due3 = study.review(card, Grade.GOOD, due2)
    assert due3 - due2 > due2 - due1 > dt.timedelta(0)
    assert _state(card) == "review"


def test_fsrs_a_lapse_brings_a_review_card_back_soon():
    card, due = study.review(None, Grade.EASY, NOW)
    assert due - NOW >= dt.timedelta(days=1)
    assert _state(card) == "review"
    card, due2 = study.review(card, Grade.AGAIN, due)
    assert due2 - due < dt.timedelta(hours=1)
    assert _state(card) == "relearning"


def test_fsrs_is_deterministic():
    a = study.review(None, Grade.GOOD, NOW)
    b = study.review(None, Grade.GOOD, NOW)
    assert a == b
    assert json.loads(a[0])["due"] == a[1].isoformat()


def test_drills_select_the_right_questions():
    s = [
        qs("a", answered=2, right=1, last=False),  # missed
        qs("b", answered=1, right=1, last=True, flagged=True),
        qs("c"),  # never seen
        qs("d", answered=1, right=0, last=False, due=NOW - dt.timedelta(hours=1)),
        qs("e", answered=1, right=1, last=True, due=NOW + dt.timedelta(days=3)),
        qs("f", answered=1, right=1, last=True, due=NOW - dt.timedelta(days=2)),
    ]
    ids = lambda d: [x.qid for x in study.drill_candidates(d, s, NOW)]  # noqa: E731
    assert ids(Drill.MISSED) == ["a", "d"]
    assert ids(Drill.FLAGGED) == ["b"]
    assert ids(Drill.UNSEEN) == ["c"]
    assert ids(Drill.DUE) == ["f", "d"]  # most overdue first


def test_weakest_domain_counts_unpractised_domains_as_zero_and_prefers_heavy_ones():
    weights = {1: 20, 2: 24, 3: 36, 4: 20}
    s = [
        qs("a", 1, answered=4, right=4, last=True),
        qs("b", 2, answered=4, right=2, last=False),
        qs("c", 3),
        qs("d", 4),
    ]
    assert study.weakest_domain(s, weights) == 3  # 0 % and heavier than domain 4
    s = s[:2]
    assert study.weakest_domain(s, weights) == 2
    pool = study.drill_candidates(Drill.WEAKEST, s + [qs("e", 2)], NOW, weights)
    assert [x.qid for x in pool] == ["b", "e"]  # missed first, then unseen
    assert study.weakest_domain([], weights) is None


def test_practice_selection_honours_filters_and_puts_missed_and_new_first():
    s = [qs(f"s{i}", answered=1, right=1, last=True) for i in range(10)]
    s += [qs("m", answered=1, last=False), qs("n"), qs("x", domain=3, task="3.2")]
    picked = study.select_practice(s, StudyFilter(domains=frozenset({1})), 3, random.Random(1))
    assert picked[:2] == ["m", "n"] and len(picked) == 3 and "x" not in picked
    by_task = study.select_practice(s, StudyFilter(tasks=frozenset({"3.2"})), 5, random.Random(1))
    assert by_task == ["x"]
    by_service = study.select_practice(
        s, StudyFilter(services=frozenset({"sagemaker"})), 5, random.Random(1)
    )
    assert by_service == ["x"]


def test_study_streak():
    today = dt.date(2026, 12, 2)
    days = [dt.date(2026, 11, 28), dt.date(2026, 11, 30), dt.date(2026, 12, 1)]
    assert progress.study_streak(days, today) == 2  # yesterday and the day before
    assert progress.study_streak(days + [today], today) == 3
    assert progress.study_streak([dt.date(2026, 11, 29)], today) == 0
    assert progress.study_streak([], today) == 0


def test_readiness_explains_its_basis():
    domains = [NamedAccuracy("Modeling", 64.0), NamedAccuracy("Data Engineering", 80.0)]
    exams = [
        ExamScore(800, 750, True),
        ExamScore(500, 750, False),
        ExamScore(824, 750, True),
        ExamScore(812, 750, True),
        ExamScore(300, 750, True),
    ]
    r = progress.readiness(ReadinessInput(exams, domains, 750))
    assert r.estimate == 812
    assert r.basis == "Last 3 full exams average 812, weakest domain Modeling 64%."
    assert r.level == "ready"
    none = progress.readiness(ReadinessInput([], domains, 750))
    assert none.level == "not enough data" and none.estimate is None
    assert "Modeling 64%" in none.basis
    low = progress.readiness(ReadinessInput([ExamScore(600, 750, True)], [], 750))
    assert low.level == "not ready" and low.basis == "Last 1 full exam average 600."
