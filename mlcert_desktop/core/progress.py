"""Progress sums with no storage and no Qt: streak, readiness estimate, chart series.

Only the progress screen needs these, so they live apart from the study logic the home
screen loads at start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from mlcert_desktop.core.models import Domain
from mlcert_desktop.core.study import DomainAccuracy, QuestionStatus


# -- progress -----------------------------------------------------------------------------------
def study_streak(days: Iterable[dt.date], today: dt.date) -> int:
    """Consecutive days with at least one answer, ending today (or yesterday: today's session
    may not have happened yet)."""
    have = set(days)
    day = today if today in have else today - dt.timedelta(days=1)
    n = 0
    while day in have:
        n += 1
        day -= dt.timedelta(days=1)
    return n


@dataclass(frozen=True)
class Readiness:
    level: str  # "not enough data" | "not ready" | "borderline" | "ready"
    estimate: int | None  # expected scaled score
    basis: str  # one sentence saying where the estimate comes from
    weakest: str | None = None


@dataclass(frozen=True)
class ExamScore:
    scaled: int
    passing: int
    full: bool  # a full-length exam (not a custom or short one)


@dataclass(frozen=True)
class NamedAccuracy:
    name: str
    percent: float | None


@dataclass
class ReadinessInput:
    exams: Sequence[ExamScore]  # newest first
    domains: Sequence[NamedAccuracy] = field(default_factory=tuple)
    passing: int = 750
    last_n: int = 3


def readiness(data: ReadinessInput) -> Readiness:
    """Average of the last few full-length exams, against the pass mark with a margin of 50."""
    full = [e for e in data.exams if e.full][: data.last_n]
    rated = [d for d in data.domains if d.percent is not None]
    weakest = min(rated, key=lambda d: d.percent) if rated else None  # type: ignore[arg-type]
    weak_txt = f", weakest domain {weakest.name} {weakest.percent:.0f}%" if weakest else ""
    if not full:
        return Readiness(
            "not enough data",
            None,
            "Sit a full-length exam to get an estimate" + weak_txt + ".",
            weakest.name if weakest else None,
        )
    avg = round(sum(e.scaled for e in full) / len(full))
    n = len(full)
    basis = f"Last {n} full exam{'s' if n > 1 else ''} average {avg}{weak_txt}."
    if avg >= data.passing + 50:
        level = "ready"
    elif avg >= data.passing - 25:
        level = "borderline"
    else:
        level = "not ready"
    return Readiness(level, avg, basis, weakest.name if weakest else None)


# -- progress charts ----------------------------------------------------------------------------
class DayRow(Protocol):
    """One day's judged answers in one domain (storage's DayStats)."""

    @property
    def day(self) -> dt.date: ...
    @property
    def domain(self) -> int: ...
    @property
    def right(self) -> int: ...
    @property
    def answered(self) -> int: ...
    @property
    def seconds(self) -> float: ...  # time spent on the answers that have a duration
    @property
    def timed(self) -> int: ...  # how many answers have a duration


def is_full_exam(question_count: int, domain_filter: object, full_count: int) -> bool:
    """A full-length exam: the pack's number of questions, over every domain."""
    return question_count == full_count and domain_filter is None


@dataclass(frozen=True)
class ExamPoint:
    """One finished exam as the progress charts see it."""

    attempt_id: int
    day: dt.date  # local date it was finished
    scaled: int
    full: bool
    seconds_per_question: float | None


def readiness_input(
    points: Sequence[ExamPoint],
    accuracy: dict[int, DomainAccuracy],
    domains: Sequence[Domain],
    passing: int,
) -> ReadinessInput:
    """Exams oldest first and per-domain accuracy -> what readiness() weighs."""
    return ReadinessInput(
        exams=[ExamScore(p.scaled, passing, p.full) for p in reversed(points)],
        domains=[
            NamedAccuracy(d.name, accuracy[d.id].percent) for d in domains if d.id in accuracy
        ],
        passing=passing,
    )


def cumulative_accuracy(
    stats: Iterable[DayRow], domains: Sequence[int]
) -> tuple[list[dt.date], dict[int, list[float | None]]]:
    """Per domain, the accuracy (%) of every answer up to and including each study day.
    None until the domain's first answer."""
    per_day: dict[dt.date, dict[int, tuple[int, int]]] = {}
    for s in stats:
        r, n = per_day.setdefault(s.day, {}).get(s.domain, (0, 0))
        per_day[s.day][s.domain] = (r + s.right, n + s.answered)
    days = sorted(per_day)
    totals = {d: [0, 0] for d in domains}
    series: dict[int, list[float | None]] = {d: [] for d in domains}
    for day in days:
        for d in domains:
            r, n = per_day[day].get(d, (0, 0))
            totals[d][0] += r
            totals[d][1] += n
            right, answered = totals[d]
            series[d].append(100.0 * right / answered if answered else None)
    return days, series


@dataclass(frozen=True)
class PaceSeries:
    days: list[dt.date]
    practice: list[float | None]  # mean seconds per timed practice answer that day
    exams: list[float | None]  # mean seconds per question over that day's exams


def seconds_per_question(stats: Iterable[DayRow], exams: Iterable[ExamPoint]) -> PaceSeries:
    """Time per question by day: practice answers carry their own durations; an exam gives
    its time used over its number of questions (several exams a day are averaged)."""
    practice: dict[dt.date, list[float]] = {}
    for s in stats:
        if s.timed:
            a = practice.setdefault(s.day, [0.0, 0])
            a[0] += s.seconds
            a[1] += s.timed
    exam: dict[dt.date, list[float]] = {}
    for e in exams:
        if e.seconds_per_question is not None:
            exam.setdefault(e.day, []).append(e.seconds_per_question)
    days = sorted(set(practice) | set(exam))
    return PaceSeries(
        days,
        [practice[d][0] / practice[d][1] if d in practice else None for d in days],
        [sum(exam[d]) / len(exam[d]) if d in exam else None for d in days],
    )


@dataclass(frozen=True)
class DomainRow:
    domain: Domain
    answered: int
    right: int
    percent: float | None
    seen: int  # questions answered at least once
    total: int  # active questions in the domain


def domain_rows(statuses: Iterable[QuestionStatus], domains: Sequence[Domain]) -> list[DomainRow]:
    """Answers, accuracy and questions seen per domain, in the pack's domain order."""
    acc = {d.id: [0, 0, 0, 0] for d in domains}
    for s in statuses:
        if s.domain in acc:
            a = acc[s.domain]
            a[0] += s.answered
            a[1] += s.right
            a[2] += int(s.seen)
            a[3] += 1
    rows = []
    for d in domains:
        n, r, seen, total = acc[d.id]
        rows.append(DomainRow(d, n, r, 100.0 * r / n if n else None, seen, total))
    return rows


def pass_percent(passing: int, scale: tuple[int, int]) -> float:
    """The pass mark as a percentage of questions right (72.2 for 750 on 100-1000)."""
    lo, hi = scale
    return 100.0 * (passing - lo) / (hi - lo)
