"""Study logic with no storage and no Qt: drills, grading, spaced repetition, readiness.

Spaced repetition uses the FSRS algorithm from the `fsrs` package; this module only decides
the grade (from right/wrong and the time taken) and keeps the card state as plain JSON so
storage can keep it per question id, across pack updates.
"""

# No `from __future__ import annotations` in this module: typing.NamedTuple turns string
# annotations into ForwardRefs, and each one compiles its string (about 60 fields at every
# start, in models and study).

import datetime as dt
import functools
import random
from collections.abc import Iterable, Sequence
from enum import Enum, IntEnum
from typing import NamedTuple


class Grade(IntEnum):
    """The four FSRS grades, as the user sees them after an answer."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()


class Drill(str, Enum):
    MISSED = "missed"  # answered wrong and not answered right since
    FLAGGED = "flagged"
    UNSEEN = "unseen"  # never answered
    WEAKEST = "weakest"  # questions of the domain with the lowest accuracy
    DUE = "due"  # spaced-repetition reviews due today (see is_due)

    @property
    def title(self) -> str:
        return {
            Drill.MISSED: "Missed questions",
            Drill.FLAGGED: "Flagged questions",
            Drill.UNSEEN: "Never seen",
            Drill.WEAKEST: "Weakest domain",
            Drill.DUE: "Due today",
        }[self]


# Shorter than this share of the exam's time per question, a right answer counts as Easy;
# longer than the whole share, as Hard (it was known, but not fluently).
EASY_SHARE = 0.25
DRILL_SIZE = 20  # questions in one drill session (a due-review session takes all that are due)
DEFAULT_BUDGET_S = 180 * 60 / 65  # MLS-C01's time per question, when a pack does not say


def auto_grade(correct: bool, seconds: float | None, budget_s: float = DEFAULT_BUDGET_S) -> Grade:
    """The grade given when the user does not choose one: wrong is Again; right is Good,
    Easy when answered quickly, Hard when it took longer than the exam allows per question."""
    if not correct:
        return Grade.AGAIN
    if seconds is None or seconds <= 0:
        return Grade.GOOD
    if seconds < EASY_SHARE * budget_s:
        return Grade.EASY
    if seconds > budget_s:
        return Grade.HARD
    return Grade.GOOD


@functools.cache
def _scheduler():
    """fsrs is imported when the first review is scheduled, not at start-up."""
    import datetime as _dt

    from fsrs import Scheduler

    # One 10-minute learning step: a wrong answer comes back in the same sitting, a right one
    # graduates at once (with the default 1 and 10 minutes, every right answer of a finished
    # exam would come due again ten minutes later). No fuzzing: the same answers, the same plan.
    return Scheduler(learning_steps=(_dt.timedelta(minutes=10),), enable_fuzzing=False)


def review(
    card_json: str | None, grade: Grade, when: dt.datetime, duration_s: float | None = None
) -> tuple[str, dt.datetime]:
    """Apply one review to a card's state (None: a new card). Returns the new state and due."""
    from fsrs import Card, Rating

    when = when.astimezone(dt.timezone.utc)
    card = Card.from_json(card_json) if card_json else Card(card_id=1, due=when)
    ms = None if duration_s is None else int(duration_s * 1000)
    card, _log = _scheduler().review_card(card, Rating(int(grade)), when, ms)
    return card.to_json(), card.due


REVIEW_STATE = 2  # fsrs.State.Review: a card scheduled in days, past its learning steps


def day_end(now: dt.datetime) -> dt.datetime:
    """The end of `now`'s day in the local time zone (the next local midnight)."""
    local = now.astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)


def is_due(due: dt.datetime | None, in_review: bool, now: dt.datetime) -> bool:
    """Whether a card is in today's reviews ("Due today"), as spaced-repetition apps count it:
    a card scheduled in days is due for the whole of its day (reviewed yesterday evening with a
    one-day interval, it is due this morning); a card in a learning step (minutes) waits for
    its exact time, so a wrong answer does not come straight back."""
    if due is None:
        return False
    return due <= now or (in_review and due < day_end(now))


class QuestionStatus(NamedTuple):
    """What the study screens know of one question, from every attempt so far."""

    qid: str
    domain: int
    task: str
    services: tuple[str, ...] = ()
    answered: int = 0  # how many times an answer was judged
    right: int = 0
    last_correct: bool | None = None  # None: never answered
    flagged: bool = False
    due: dt.datetime | None = None  # None: no review scheduled yet
    in_review: bool = False  # scheduled in days (FSRS Review state), not in a learning step

    @property
    def seen(self) -> bool:
        return self.answered > 0

    @property
    def missed(self) -> bool:
        return self.last_correct is False


class StudyFilter(NamedTuple):
    """Which questions a practice session may use; empty sets mean 'any'."""

    domains: frozenset[int] = frozenset()
    tasks: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()

    def accepts(self, s: QuestionStatus) -> bool:
        return (
            (not self.domains or s.domain in self.domains)
            and (not self.tasks or s.task in self.tasks)
            and (not self.services or bool(self.services.intersection(s.services)))
        )


class DomainAccuracy(NamedTuple):
    domain: int
    right: int
    answered: int

    @property
    def percent(self) -> float | None:
        return None if not self.answered else 100.0 * self.right / self.answered


def domain_accuracy(
    statuses: Iterable[QuestionStatus], domains: Sequence[int]
) -> dict[int, DomainAccuracy]:
    """Right / answered over every judged answer, per domain (in the given order)."""
    acc = {d: [0, 0] for d in domains}
    for s in statuses:
        a = acc.setdefault(s.domain, [0, 0])
        a[0] += s.right
        a[1] += s.answered
    return {d: DomainAccuracy(d, r, n) for d, (r, n) in acc.items()}


def weakest_domain(statuses: Sequence[QuestionStatus], weights: dict[int, float]) -> int | None:
    """The domain with the lowest accuracy; one never practised counts as 0 %. Ties go to
    the heavier domain (it is worth more on the exam)."""
    domains = list(weights) or sorted({s.domain for s in statuses})
    if not domains:
        return None
    acc = domain_accuracy(statuses, domains)
    present = {s.domain for s in statuses}
    candidates = [d for d in domains if d in present]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda d: ((acc[d].percent or 0.0), -weights.get(d, 0.0), d),
    )


def drill_candidates(
    drill: Drill,
    statuses: Sequence[QuestionStatus],
    now: dt.datetime,
    weights: dict[int, float] | None = None,
) -> list[QuestionStatus]:
    """The questions a drill is made of, most useful first."""
    if drill is Drill.MISSED:
        return [s for s in statuses if s.missed]
    if drill is Drill.FLAGGED:
        return [s for s in statuses if s.flagged]
    if drill is Drill.UNSEEN:
        return [s for s in statuses if not s.seen]
    if drill is Drill.DUE:
        due = [s for s in statuses if is_due(s.due, s.in_review, now)]
        return sorted(due, key=lambda s: s.due)  # type: ignore[arg-type, return-value]
    if drill is Drill.WEAKEST:
        d = weakest_domain(statuses, weights or {})
        pool = [s for s in statuses if s.domain == d]
        # Missed first, then never seen, then the rest.
        return sorted(pool, key=lambda s: (not s.missed, s.seen))
    raise ValueError(drill)


def pick(
    candidates: Sequence[QuestionStatus], count: int | None, rng: random.Random, *, keep_order=False
) -> list[str]:
    """Up to `count` question ids; random unless the order matters (due reviews, weakest)."""
    ids = [s.qid for s in candidates]
    if not keep_order:
        rng.shuffle(ids)
    return ids if count is None else ids[:count]


def select_practice(
    statuses: Sequence[QuestionStatus],
    filt: StudyFilter,
    count: int,
    rng: random.Random,
) -> list[str]:
    """A practice set: matching questions, never-seen and missed ones first, then the rest."""
    pool = [s for s in statuses if filt.accepts(s)]
    rng.shuffle(pool)
    pool.sort(key=lambda s: 0 if s.missed else (1 if not s.seen else 2))
    return [s.qid for s in pool[:count]]
