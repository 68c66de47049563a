"""Turn a pool of questions and a blueprint into the items of one exam sitting."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from mlcert_desktop.core.models import Domain, ExamBlueprint, Question
from mlcert_desktop.core.session import SessionItem


@dataclass(frozen=True)
class Selection:
    items: list[SessionItem]
    shortfall: int  # how many questions the blueprint wanted but the pool could not give

    @property
    def notice(self) -> str | None:
        if not self.shortfall:
            return None
        n = len(self.items)
        return (
            f"This pack has fewer questions than the exam blueprint asks for, so this exam has "
            f"{n} question{'s' if n != 1 else ''} instead of {n + self.shortfall}."
        )


def allocate(total: int, domains: Sequence[Domain], available: dict[int, int]) -> dict[int, int]:
    """Questions per domain: proportional to weight (largest remainder), capped by what exists.

    What a domain cannot supply is handed to the others, heaviest first, so the exam is as
    long as the pool allows.
    """
    weights = {d.id: d.weight for d in domains if available.get(d.id, 0) > 0}
    if not weights:
        return {}
    if not any(weights.values()):
        weights = dict.fromkeys(weights, 1.0)  # no weights given: share equally
    wsum = sum(weights.values())
    exact = {d: total * w / wsum for d, w in weights.items()}
    alloc = {d: math.floor(x) for d, x in exact.items()}
    by_remainder = sorted(weights, key=lambda d: (-(exact[d] - alloc[d]), d))
    for d in by_remainder[: total - sum(alloc.values())]:
        alloc[d] += 1
    # Cap by availability and redistribute the excess.
    spare = 0
    for d in alloc:
        if alloc[d] > available[d]:
            spare += alloc[d] - available[d]
            alloc[d] = available[d]
    for d in sorted(weights, key=lambda d: (-weights[d], d)):
        take = min(spare, available[d] - alloc[d])
        alloc[d] += take
        spare -= take
    return alloc


def build_exam(pool: Sequence[Question], blueprint: ExamBlueprint, rng: random.Random) -> Selection:
    """Random selection by domain weight, random order, shuffled options, hidden unscored items."""
    if blueprint.question_ids is not None:
        by_id = {q.id: q for q in pool}
        chosen = [by_id[qid] for qid in blueprint.question_ids if qid in by_id]
        rng.shuffle(chosen)
        shortfall = len(blueprint.question_ids) - len(chosen)
    else:
        if blueprint.domain_filter is not None:
            pool = [q for q in pool if q.domain in blueprint.domain_filter]
        by_domain: dict[int, list[Question]] = {}
        for q in pool:
            by_domain.setdefault(q.domain, []).append(q)
        domains = [d for d in blueprint.domains if d.id in by_domain]
        # Questions whose domain is not in the blueprint still count, with a small weight.
        known = {d.id for d in domains}
        domains += [Domain(d, f"Domain {d}", 1.0) for d in sorted(by_domain) if d not in known]
        want = blueprint.question_count
        alloc = allocate(want, domains, {d: len(qs) for d, qs in by_domain.items()})
        chosen = []
        for d, n in alloc.items():
            chosen += rng.sample(sorted(by_domain[d], key=lambda q: q.id), n)
        rng.shuffle(chosen)
        shortfall = max(0, want - len(chosen))
    unscored = _unscored_count(blueprint, len(chosen))
    unscored_positions = set(rng.sample(range(len(chosen)), unscored))
    items = []
    for i, q in enumerate(chosen):
        order = [c.id for c in q.choices]
        rng.shuffle(order)
        items.append(SessionItem(q, tuple(order), scored=i not in unscored_positions))
    return Selection(items, shortfall)


def _unscored_count(blueprint: ExamBlueprint, n: int) -> int:
    """Keep the blueprint's share of unscored items when the exam is shorter than planned."""
    if not blueprint.unscored_count or not blueprint.question_count or n < 2:
        return 0
    share = blueprint.unscored_count / blueprint.question_count
    return min(n - 1, round(n * share))
