"""Scaled score, pass/fail at the mark, unscored items, no partial credit, domain report."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from mlcert_desktop.core.models import Domain
from mlcert_desktop.core.scoring import pass_fraction, scale_score, score
from mlcert_desktop.core.session import SessionItem
from tests import factory

DOMAINS = (
    Domain(1, "Data", 20),
    Domain(2, "Analysis", 24),
    Domain(3, "Modeling", 36),
    Domain(4, "Operations", 20),
)


def item(i: int, *, domain: int = 1, multiple=False, right=True, blank=False, scored=True):
    q = factory.question(i, domain=domain, multiple=multiple)
    it = SessionItem(q, tuple(c.id for c in q.choices), scored=scored)
    if blank:
        return it
    if right:
        it.selected = q.correct_ids
    else:
        wrong = [c.id for c in q.choices if not c.correct][: q.select]
        it.selected = frozenset(wrong)
    return it


def exam(n_right: int, n_total: int, domain: int = 1) -> list[SessionItem]:
    return [item(i, domain=domain, right=i < n_right) for i in range(n_total)]


def test_all_right_scores_the_top_of_the_scale_and_passes():
    r = score(exam(18, 18), DOMAINS, 750)
    assert (r.correct, r.total, r.scaled) == (18, 18, 1000)
    assert r.passed
    assert r.percent == 100


def test_all_wrong_scores_the_bottom_of_the_scale_and_fails():
    r = score(exam(0, 18), DOMAINS, 750)
    assert (r.correct, r.total, r.scaled) == (0, 18, 100)
    assert not r.passed


def test_exactly_at_the_pass_mark_passes_and_one_fewer_fails():
    # 13/18 = 0.7222... = (750 - 100) / 900 exactly
    assert pass_fraction(750, (100, 1000)) == Fraction(13, 18)
    at = score(exam(13, 18), DOMAINS, 750)
    assert at.scaled == 750
    assert at.passed
    below = score(exam(12, 18), DOMAINS, 750)
    assert below.scaled == 700
    assert not below.passed


def test_a_720_pass_mark_on_a_different_exam_size():
    # MLA-C01: 720 on 100-1000 -> pass fraction 620/900 = 31/45; 31 of 45 passes, 30 fails.
    assert score(exam(31, 45), DOMAINS, 720).passed
    assert score(exam(31, 45), DOMAINS, 720).scaled == 720
    assert not score(exam(30, 45), DOMAINS, 720).passed


@pytest.mark.parametrize(
    ("correct", "total", "expected"),
    [(0, 50, 100), (50, 50, 1000), (25, 50, 550), (1, 3, 400), (2, 3, 700), (0, 0, 100)],
)
def test_scale_score(correct, total, expected):
    assert scale_score(correct, total, (100, 1000)) == expected


def test_unscored_items_are_excluded():
    base = exam(13, 18)
    with_unscored_wrong = base + [item(100 + i, right=False, scored=False) for i in range(5)]
    r = score(with_unscored_wrong, DOMAINS, 750)
    assert (r.correct, r.total, r.scaled) == (13, 18, 750)
    assert r.passed
    # ... and unscored right answers don't lift a failing score either.
    failing = exam(12, 18) + [item(200 + i, scored=False) for i in range(5)]
    r = score(failing, DOMAINS, 750)
    assert (r.correct, r.total, r.scaled) == (12, 18, 700)
    assert not r.passed


def test_no_partial_credit_for_multiple_response():
    half = item(1, multiple=True, blank=True)
    q = half.question
    half.selected = frozenset({"a", "c"})  # a is right, c is wrong
    assert "a" in q.correct_ids and "c" not in q.correct_ids
    only_one = item(2, multiple=True, blank=True)
    only_one.selected = frozenset({"a"})
    full = item(3, multiple=True)
    r = score([half, only_one, full], DOMAINS, 750)
    assert r.correct == 1
    assert r.total == 3


def test_unanswered_counts_as_wrong():
    items = [item(0), item(1, blank=True), item(2, multiple=True, blank=True)]
    r = score(items, DOMAINS, 750)
    assert (r.correct, r.total) == (1, 3)
    assert r.scaled == 400


def test_per_domain_meets_or_needs_improvement():
    items = (
        [item(i, domain=1) for i in range(4)]  # 4/4 -> meets
        + [item(10 + i, domain=3, right=i < 1) for i in range(4)]  # 1/4 -> needs improvement
        + [item(20 + i, domain=2, right=i < 13) for i in range(18)]  # 13/18 -> exactly meets
    )
    r = score(items, DOMAINS, 750)
    by_id = {d.domain_id: (d, m) for d, m in zip(r.domains, r.meets, strict=True)}
    # Report order follows the blueprint's domain order; domains without items are left out.
    assert [d.domain_id for d in r.domains] == [1, 2, 3]
    assert by_id[1][0].correct == 4 and by_id[1][0].total == 4 and by_id[1][1] is True
    assert by_id[2][0].correct == 13 and by_id[2][1] is True
    assert by_id[3][0].correct == 1 and by_id[3][1] is False
    assert by_id[3][0].percent == 25
    assert by_id[1][0].name == "Data"


def test_unknown_domain_gets_a_generic_name():
    r = score([item(0, domain=9)], DOMAINS, 750)
    assert r.domains[0].domain_id == 9
    assert r.domains[0].name == "Domain 9"


def test_to_dict_round_trips_through_json():
    items = exam(13, 18, domain=2) + [item(50 + i, domain=4, right=False) for i in range(2)]
    r = score(items, DOMAINS, 750)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["correct"] == r.correct == 13
    assert d["total"] == r.total == 20
    assert d["scaled"] == r.scaled
    assert d["passing_score"] == 750
    assert d["score_scale"] == [100, 1000]
    assert d["passed"] is r.passed is False  # 13/20 = 0.65 < 13/18
    assert d["domains"] == [
        {"id": 2, "name": "Analysis", "correct": 13, "total": 18, "meets": True},
        {"id": 4, "name": "Operations", "correct": 0, "total": 2, "meets": False},
    ]
