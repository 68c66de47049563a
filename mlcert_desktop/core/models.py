"""Plain, typed data shared by every layer: questions, domains, blueprints."""

# No `from __future__ import annotations` in this module: typing.NamedTuple turns string
# annotations into ForwardRefs, and each one compiles its string (about 60 fields at every
# start, in models and study).

from enum import Enum
from typing import NamedTuple


class ItemType(str, Enum):
    SINGLE = "single"  # multiple choice: one correct option, radio buttons
    MULTIPLE = "multiple"  # multiple response: "Choose TWO", check boxes


class ExamStatus(str, Enum):
    CURRENT = "current"
    RETIRED = "retired"


class Choice(NamedTuple):
    id: str
    text: str
    correct: bool
    why: str = ""


class Question(NamedTuple):
    pack_id: str
    id: str
    domain: int
    task: str
    type: ItemType
    select: int
    stem: str
    choices: tuple[Choice, ...]
    explanation: str = ""
    references: tuple[str, ...] = ()
    difficulty: int = 2
    services: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    practice_exam: int | None = None

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.choices if c.correct)

    def choice(self, choice_id: str) -> Choice:
        for c in self.choices:
            if c.id == choice_id:
                return c
        raise KeyError(choice_id)


class Domain(NamedTuple):
    id: int
    name: str
    weight: float


class ExamBlueprint(NamedTuple):
    """What one exam sitting looks like; full exams take it from the pack manifest."""

    title: str
    question_count: int
    duration_minutes: int | None  # None = untimed
    unscored_count: int
    passing_score: int
    domains: tuple[Domain, ...]
    score_scale: tuple[int, int] = (100, 1000)
    domain_filter: frozenset[int] | None = None  # custom exams may pick domains
    question_ids: tuple[str, ...] | None = None  # fixed practice exams list their questions

    @property
    def time_limit_seconds(self) -> float | None:
        return None if self.duration_minutes is None else self.duration_minutes * 60.0


class PracticeExam(NamedTuple):
    id: str
    title: str
    question_ids: tuple[str, ...]


class PackInfo(NamedTuple):
    """An installed pack as the home and packs screens show it."""

    pack_id: str
    version: int
    title: str
    exam_code: str
    exam_name: str
    status: ExamStatus
    retired_on: str | None
    successor: str | None
    key_id: str
    imported_at: str
    question_count: int
    blueprint: ExamBlueprint
    practice_exams: tuple[PracticeExam, ...] = ()

    @property
    def retired(self) -> bool:
        return self.status is ExamStatus.RETIRED
