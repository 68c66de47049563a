"""ExamSession: one sitting of an exam — answers, flags, navigation and the clock.

Time is measured with an injected monotonic clock, never the wall clock, so tests can run a
180-minute exam in milliseconds and a wall-clock change neither adds nor removes exam time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from mlcert_desktop.core.models import ItemType, Question

Clock = Callable[[], float]


class SelectionLimitError(ValueError):
    """The candidate tried to tick more boxes than the question asks for."""

    def __init__(self, select: int) -> None:
        self.select = select
        word = {2: "two", 3: "three", 4: "four"}.get(select, str(select))
        super().__init__(
            f"This question asks for {word} answers. Clear one of your choices before "
            "selecting another."
        )


class ItemState(str, Enum):
    ANSWERED = "answered"
    INCOMPLETE = "incomplete"  # unanswered, or fewer boxes ticked than asked for


@dataclass
class SessionItem:
    question: Question
    choice_order: tuple[str, ...]
    scored: bool = True
    selected: frozenset[str] = field(default_factory=frozenset)
    flagged: bool = False

    @property
    def state(self) -> ItemState:
        complete = len(self.selected) == self.question.select
        return ItemState.ANSWERED if complete else ItemState.INCOMPLETE

    @property
    def correct(self) -> bool:
        """No partial credit: exactly the keyed options, nothing more, nothing less."""
        return self.selected == self.question.correct_ids

    def ordered_choices(self):
        by_id = {c.id: c for c in self.question.choices}
        return [by_id[cid] for cid in self.choice_order]


class ExamSession:
    def __init__(
        self,
        items: Sequence[SessionItem],
        time_limit: float | None,
        *,
        clock: Clock = time.monotonic,
        time_used: float = 0.0,
        position: int = 0,
    ) -> None:
        if not items:
            raise ValueError("an exam needs at least one question")
        self.items = list(items)
        self.time_limit = time_limit
        self._clock = clock
        self._time_used = float(time_used)
        self._running_since: float | None = None
        self._last_seen = 0.0
        self.position = min(max(position, 0), len(self.items) - 1)
        self.finished = False

    # -- the clock -------------------------------------------------------------------------
    def start(self) -> None:
        """Start (or resume) counting time."""
        if self._running_since is None and not self.finished:
            self._running_since = self._last_seen = self._clock()

    def pause(self) -> None:
        self.checkpoint()
        self._running_since = None

    @property
    def running(self) -> bool:
        return self._running_since is not None

    def _observe(self) -> None:
        """Read the clock. If it ever steps back, keep the time that had already run."""
        if self._running_since is None:
            return
        now = self._clock()
        if now < self._last_seen:
            self._time_used += self._last_seen - self._running_since
            self._running_since = now
        self._last_seen = now

    def checkpoint(self) -> float:
        """Fold the running time into time_used and return it (this is what gets saved)."""
        self._observe()
        if self._running_since is not None:
            self._time_used += self._last_seen - self._running_since
            self._running_since = self._last_seen
        return self._time_used

    @property
    def time_used(self) -> float:
        self._observe()
        if self._running_since is None:
            return self._time_used
        return self._time_used + (self._last_seen - self._running_since)

    @property
    def remaining(self) -> float | None:
        if self.time_limit is None:
            return None
        return max(0.0, self.time_limit - self.time_used)

    @property
    def expired(self) -> bool:
        return self.time_limit is not None and self.time_used >= self.time_limit

    # -- navigation ------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.items)

    @property
    def current(self) -> SessionItem:
        return self.items[self.position]

    def go_to(self, position: int) -> None:
        if not 0 <= position < len(self.items):
            raise IndexError(f"no question {position + 1} in this exam")
        self.position = position

    def next(self) -> bool:
        if self.position + 1 < len(self.items):
            self.position += 1
            return True
        return False

    def previous(self) -> bool:
        if self.position > 0:
            self.position -= 1
            return True
        return False

    # -- answering -------------------------------------------------------------------------
    def _ensure_open(self) -> None:
        if self.finished:
            raise RuntimeError("this exam has ended; answers can no longer change")

    def toggle(self, position: int, choice_id: str) -> frozenset[str]:
        """Click on an option: a radio button selects, a check box toggles."""
        item = self.items[position]
        if choice_id not in item.choice_order:
            raise KeyError(choice_id)
        if item.question.type is ItemType.SINGLE:
            return self.set_answer(position, {choice_id})
        if choice_id in item.selected:
            return self.set_answer(position, item.selected - {choice_id})
        return self.set_answer(position, item.selected | {choice_id})

    def set_answer(self, position: int, choice_ids) -> frozenset[str]:
        self._ensure_open()
        item = self.items[position]
        chosen = frozenset(choice_ids)
        unknown = chosen - set(item.choice_order)
        if unknown:
            raise KeyError(sorted(unknown)[0])
        if len(chosen) > item.question.select:
            raise SelectionLimitError(item.question.select)
        item.selected = chosen
        return chosen

    def clear(self, position: int) -> None:
        self.set_answer(position, ())

    def flag(self, position: int, flagged: bool = True) -> None:
        self._ensure_open()
        self.items[position].flagged = flagged

    # -- summary ---------------------------------------------------------------------------
    def positions(self, *, incomplete: bool = False, flagged: bool = False) -> list[int]:
        out = []
        for i, item in enumerate(self.items):
            if incomplete and item.state is not ItemState.INCOMPLETE:
                continue
            if flagged and not item.flagged:
                continue
            out.append(i)
        return out

    @property
    def answered_count(self) -> int:
        return sum(1 for it in self.items if it.state is ItemState.ANSWERED)

    @property
    def incomplete_count(self) -> int:
        return len(self.items) - self.answered_count

    @property
    def flagged_count(self) -> int:
        return sum(1 for it in self.items if it.flagged)

    def finish(self) -> None:
        self.checkpoint()
        self._running_since = None
        self.finished = True
