"""What the Progress screen shows, computed from plain rows with no Qt: full exams, the
readiness input, cumulative accuracy per domain, time per question, the per-domain table."""

from __future__ import annotations

import datetime as dt

import pytest

from mlcert_desktop.core import progress as study
from mlcert_desktop.core.models import Domain
from mlcert_desktop.core.progress import (
    ExamPoint,
    cumulative_accuracy,
    domain_rows,
    is_full_exam,
    pass_percent,
    readiness_input,
    seconds_per_question,
)
from mlcert_desktop.core.study import QuestionStatus
from mlcert_desktop.storage.study_repo import DayStats

DOMAINS = (Domain(1, "Data", 20), Domain(2, "Analysis", 24), Domain(3, "Modeling", 36))
D1, D2, D3 = dt.date(2026, 3, 1), dt.date(2026, 3, 2), dt.date(2026, 3, 4)


def test_full_exam_is_the_pack_length_over_every_domain():
    assert is_full_exam(65, None, 65)
    assert not is_full_exam(20, None, 65)
    assert not is_full_exam(65, frozenset({1, 2}), 65)


def test_readiness_uses_full_exams_newest_first_and_names_the_weakest_domain():
    points = [
        ExamPoint(1, D1, 600, True, None),
        ExamPoint(2, D1, 780, True, None),
        ExamPoint(3, D2, 990, False, None),
        ExamPoint(4, D2, 800, True, None),
        ExamPoint(5, D3, 860, True, None),
    ]
    acc = {
        1: study.DomainAccuracy(1, 8, 10),
        2: study.DomainAccuracy(2, 16, 25),
        3: study.DomainAccuracy(3, 0, 0),
    }
    data = readiness_input(points, acc, DOMAINS, 750)
    assert [e.scaled for e in data.exams] == [860, 800, 990, 780, 600]
    r = study.readiness(data)
    assert r.estimate == 813  # (860 + 800 + 780) / 3: the short exam does not count
    assert r.basis == "Last 3 full exams average 813, weakest domain Analysis 64%."


def test_cumulative_accuracy_adds_every_day_so_far():
    stats = [
        DayStats(D1, 1, 1, 2, 0.0, 0),
        DayStats(D2, 1, 2, 2, 0.0, 0),
        DayStats(D2, 2, 0, 1, 0.0, 0),
        DayStats(D3, 2, 3, 3, 0.0, 0),
    ]
    days, series = cumulative_accuracy(stats, [1, 2, 3])
    assert days == [D1, D2, D3]
    assert series[1] == [50.0, 75.0, 75.0]
    assert series[2] == [None, 0.0, 75.0]
    assert series[3] == [None, None, None]
    assert cumulative_accuracy([], [1]) == ([], {1: []})


def test_seconds_per_question_pools_practice_by_day_and_exams_by_day():
    stats = [
        DayStats(D1, 1, 1, 2, 120.0, 2),  # two timed practice answers, 60 s each
        DayStats(D1, 2, 1, 4, 60.0, 1),  # one timed answer, three exam answers without time
        DayStats(D2, 1, 0, 5, 0.0, 0),  # exam answers only: no practice point that day
    ]
    exams = [
        ExamPoint(1, D2, 700, True, 100.0),
        ExamPoint(2, D2, 700, True, 140.0),
        ExamPoint(3, D3, 700, True, None),
    ]
    pace = seconds_per_question(stats, exams)
    assert pace.days == [D1, D2]
    assert pace.practice == [60.0, None]
    assert pace.exams == [None, 120.0]


def test_domain_rows_count_answers_and_questions_seen():
    statuses = [
        QuestionStatus("a", 1, "1.1", answered=3, right=2, last_correct=True),
        QuestionStatus("b", 1, "1.1"),
        QuestionStatus("c", 3, "3.1", answered=1, right=0, last_correct=False),
        QuestionStatus("z", 9, "9.1", answered=5, right=5, last_correct=True),  # unknown domain
    ]
    rows = domain_rows(statuses, DOMAINS)
    assert [(r.domain.id, r.answered, r.right, r.seen, r.total) for r in rows] == [
        (1, 3, 2, 1, 2),
        (2, 0, 0, 0, 0),
        (3, 1, 0, 1, 1),
    ]
    assert rows[0].percent == pytest.approx(66.667, abs=1e-3)
    assert rows[1].percent is None


def test_pass_percent():
    assert pass_percent(750, (100, 1000)) == pytest.approx(72.22, abs=0.01)
    assert pass_percent(700, (0, 1000)) == 70.0
