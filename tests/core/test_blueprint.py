"""Blueprint allocation and exam assembly from a question pool."""

from __future__ import annotations

import random
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from mlcert_desktop.core.blueprint import allocate, build_exam
from mlcert_desktop.core.models import Domain, ExamBlueprint
from tests import factory

MLS_DOMAINS = (
    Domain(1, "Data Engineering", 20),
    Domain(2, "Exploratory Data Analysis", 24),
    Domain(3, "Modeling", 36),
    Domain(4, "ML Implementation and Operations", 20),
)


def blueprint(**kw) -> ExamBlueprint:
    defaults = dict(
        title="MLS-C01",
        question_count=65,
        duration_minutes=180,
        unscored_count=15,
        passing_score=750,
        domains=MLS_DOMAINS,
    )
    defaults.update(kw)
    return ExamBlueprint(**defaults)


def pool(per_domain: dict[int, int]) -> list:
    out = []
    i = 0
    for domain, n in per_domain.items():
        for _ in range(n):
            out.append(factory.question(i, domain=domain, multiple=i % 7 == 3))
            i += 1
    return out


BIG_POOL = pool({1: 40, 2: 40, 3: 50, 4: 40})


# -- allocate -------------------------------------------------------------------------------------
def test_allocate_largest_remainder_for_the_mls_weights():
    plenty = {1: 100, 2: 100, 3: 100, 4: 100}
    assert allocate(65, MLS_DOMAINS, plenty) == {1: 13, 2: 16, 3: 23, 4: 13}
    assert allocate(50, MLS_DOMAINS, plenty) == {1: 10, 2: 12, 3: 18, 4: 10}


def test_allocate_breaks_remainder_ties_by_domain_id():
    domains = (Domain(1, "a", 1), Domain(2, "b", 1), Domain(3, "c", 1))
    assert allocate(4, domains, {1: 9, 2: 9, 3: 9}) == {1: 2, 2: 1, 3: 1}
    assert allocate(5, domains, {1: 9, 2: 9, 3: 9}) == {1: 2, 2: 2, 3: 1}


def test_allocate_caps_by_availability_and_redistributes():
    alloc = allocate(65, MLS_DOMAINS, {1: 5, 2: 100, 3: 100, 4: 100})
    assert alloc[1] == 5
    assert sum(alloc.values()) == 65
    # The 8 questions domain 1 can't supply go to the heaviest domain first.
    assert alloc == {1: 5, 2: 16, 3: 31, 4: 13}


def test_allocate_redistributes_past_a_full_domain():
    # Domain 3 can only take 2 of domain 1's spare 8; domain 2 (next heaviest) takes the rest.
    alloc = allocate(65, MLS_DOMAINS, {1: 5, 2: 100, 3: 25, 4: 100})
    assert alloc == {1: 5, 2: 22, 3: 25, 4: 13}


def test_allocate_gives_everything_when_the_pool_is_too_small():
    assert allocate(65, MLS_DOMAINS, {1: 3, 2: 4, 3: 5, 4: 6}) == {1: 3, 2: 4, 3: 5, 4: 6}


def test_allocate_skips_domains_without_questions():
    alloc = allocate(10, MLS_DOMAINS, {1: 0, 3: 50})
    assert alloc == {3: 10}
    assert allocate(10, MLS_DOMAINS, {}) == {}


@settings(max_examples=60, deadline=None)
@given(
    total=st.integers(0, 100),
    weights=st.lists(st.integers(1, 50), min_size=1, max_size=6),
    avail=st.lists(st.integers(0, 40), min_size=6, max_size=6),
)
def test_allocate_properties(total, weights, avail):
    domains = [Domain(i + 1, f"d{i}", float(w)) for i, w in enumerate(weights)]
    available = {d.id: avail[i] for i, d in enumerate(domains)}
    alloc = allocate(total, domains, available)
    for d, n in alloc.items():
        assert 0 <= n <= available[d]
    assert sum(alloc.values()) == min(total, sum(available.values()))


def test_allocate_fills_the_exam_when_all_weights_are_zero():
    domains = (Domain(1, "a", 0), Domain(2, "b", 0))
    alloc = allocate(10, domains, {1: 10, 2: 10})
    assert sum(alloc.values()) == 10


# -- build_exam -----------------------------------------------------------------------------------
def test_build_exam_picks_the_blueprint_counts_per_domain():
    sel = build_exam(BIG_POOL, blueprint(), random.Random(7))
    assert sel.shortfall == 0
    assert sel.notice is None
    assert len(sel.items) == 65
    assert Counter(it.question.domain for it in sel.items) == {1: 13, 2: 16, 3: 23, 4: 13}
    ids = [it.question.id for it in sel.items]
    assert len(set(ids)) == 65


def test_build_exam_is_deterministic_for_a_seed():
    def snapshot(seed):
        sel = build_exam(BIG_POOL, blueprint(), random.Random(seed))
        return [(it.question.id, it.choice_order, it.scored) for it in sel.items]

    assert snapshot(42) == snapshot(42)
    assert snapshot(42) != snapshot(43)


def test_build_exam_shuffles_question_and_choice_order():
    sel = build_exam(BIG_POOL, blueprint(), random.Random(3))
    pool_order = {q.id: n for n, q in enumerate(BIG_POOL)}
    positions = [pool_order[it.question.id] for it in sel.items]
    assert positions != sorted(positions)
    natural = 0
    for it in sel.items:
        assert sorted(it.choice_order) == sorted(c.id for c in it.question.choices)
        natural += it.choice_order == tuple(c.id for c in it.question.choices)
    # 65 items of 4-5 options: a handful may come out in natural order by chance, not most.
    assert natural < 15


def test_full_blueprint_marks_exactly_the_unscored_count():
    for seed in range(5):
        sel = build_exam(BIG_POOL, blueprint(), random.Random(seed))
        assert sum(not it.scored for it in sel.items) == 15


def test_no_unscored_items_when_the_blueprint_has_none():
    sel = build_exam(BIG_POOL, blueprint(unscored_count=0), random.Random(1))
    assert all(it.scored for it in sel.items)


def test_shortfall_gives_a_notice_and_proportionally_fewer_unscored():
    small = pool({1: 6, 2: 8, 3: 10, 4: 6})  # 30 questions for a 65-question blueprint
    sel = build_exam(small, blueprint(), random.Random(5))
    assert len(sel.items) == 30
    assert sel.shortfall == 35
    assert sel.notice is not None
    assert "30 questions instead of 65" in sel.notice
    unscored = sum(not it.scored for it in sel.items)
    assert unscored == round(30 * 15 / 65) == 7
    assert unscored < 15


def test_a_single_question_exam_is_always_scored():
    sel = build_exam(pool({3: 1}), blueprint(), random.Random(0))
    assert len(sel.items) == 1
    assert sel.items[0].scored
    assert "1 question instead of 65" in sel.notice


def test_domain_filter_only_uses_those_domains():
    bp = blueprint(question_count=20, unscored_count=0, domain_filter=frozenset({2, 4}))
    sel = build_exam(BIG_POOL, bp, random.Random(11))
    assert len(sel.items) == 20
    counts = Counter(it.question.domain for it in sel.items)
    assert set(counts) == {2, 4}
    assert counts == {2: 11, 4: 9}  # 24:20 weights, largest remainder


def test_questions_of_domains_missing_from_the_blueprint_still_count():
    odd = pool({9: 5})
    sel = build_exam(odd, blueprint(question_count=5, unscored_count=0), random.Random(2))
    assert sorted(it.question.id for it in sel.items) == sorted(q.id for q in odd)


def test_question_ids_select_exactly_those_questions():
    wanted = tuple(q.id for q in BIG_POOL[5:25:2])
    bp = blueprint(question_count=len(wanted), unscored_count=0, question_ids=wanted)
    sel = build_exam(BIG_POOL, bp, random.Random(9))
    assert sorted(it.question.id for it in sel.items) == sorted(wanted)
    assert sel.shortfall == 0
    assert all(it.scored for it in sel.items)


def test_question_ids_report_missing_ones_as_shortfall():
    wanted = (BIG_POOL[0].id, "no-such-question", BIG_POOL[1].id)
    bp = blueprint(question_count=3, unscored_count=0, question_ids=wanted)
    sel = build_exam(BIG_POOL, bp, random.Random(9))
    assert sorted(it.question.id for it in sel.items) == sorted([BIG_POOL[0].id, BIG_POOL[1].id])
    assert sel.shortfall == 1
