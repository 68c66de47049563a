"""Raw result -> scaled score, pass/fail and the per-domain report.

The mapping (documented in docs/scoring.md): with p = correct scored items / scored items and
the scale [lo, hi], scaled = lo + floor(p * (hi - lo)). The pass fraction is therefore
(passing - lo) / (hi - lo) — 72.2 % for 750 on 100–1000 — and a raw percentage exactly equal to
it scores exactly the pass mark. Exact fractions avoid floating-point surprises at the mark.
A domain "meets competencies" when its own percentage reaches the same pass fraction.
Unscored items never count; there is no partial credit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from mlcert_desktop.core.models import Domain
from mlcert_desktop.core.session import SessionItem


@dataclass(frozen=True)
class DomainResult:
    domain_id: int
    name: str
    correct: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 * self.correct / self.total if self.total else 0.0


@dataclass(frozen=True)
class ScoreReport:
    correct: int
    total: int
    scaled: int
    passing_score: int
    score_scale: tuple[int, int]
    domains: tuple[DomainResult, ...]
    meets: tuple[bool, ...]  # parallel to domains

    @property
    def passed(self) -> bool:
        return self.scaled >= self.passing_score

    @property
    def percent(self) -> float:
        return 100.0 * self.correct / self.total if self.total else 0.0

    def to_dict(self) -> dict:
        return {
            "correct": self.correct,
            "total": self.total,
            "scaled": self.scaled,
            "passing_score": self.passing_score,
            "score_scale": list(self.score_scale),
            "passed": self.passed,
            "domains": [
                {
                    "id": d.domain_id,
                    "name": d.name,
                    "correct": d.correct,
                    "total": d.total,
                    "meets": m,
                }
                for d, m in zip(self.domains, self.meets, strict=False)
            ],
        }


def pass_fraction(passing_score: int, scale: tuple[int, int]) -> Fraction:
    lo, hi = scale
    return Fraction(passing_score - lo, hi - lo)


def scale_score(correct: int, total: int, scale: tuple[int, int]) -> int:
    lo, hi = scale
    if total <= 0:
        return lo
    return lo + math.floor(Fraction(correct, total) * (hi - lo))


def score(
    items: Iterable[SessionItem],
    domains: Sequence[Domain],
    passing_score: int,
    scale: tuple[int, int] = (100, 1000),
) -> ScoreReport:
    scored = [it for it in items if it.scored]
    correct = sum(1 for it in scored if it.correct)
    names = {d.id: d.name for d in domains}
    per: dict[int, list[int]] = {}
    for it in scored:
        c_t = per.setdefault(it.question.domain, [0, 0])
        c_t[0] += int(it.correct)
        c_t[1] += 1
    order = [d.id for d in domains if d.id in per] + sorted(set(per) - set(names))
    results = tuple(
        DomainResult(d, names.get(d, f"Domain {d}"), per[d][0], per[d][1]) for d in order
    )
    frac = pass_fraction(passing_score, scale)
    meets = tuple(Fraction(r.correct, r.total) >= frac for r in results)
    return ScoreReport(
        correct=correct,
        total=len(scored),
        scaled=scale_score(correct, len(scored), scale),
        passing_score=passing_score,
        score_scale=scale,
        domains=results,
        meets=meets,
    )
