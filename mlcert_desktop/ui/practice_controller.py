"""PracticeController: an ExamController that judges each answer as soon as it is checked.

A practice session is an attempt with mode "practice": the same saving, clock and resume as an
exam, plus, per question, the time spent on it and — once checked — its judged outcome and
spaced-repetition grade (which the user may override).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal

from mlcert_desktop.core import study
from mlcert_desktop.core.models import PackInfo
from mlcert_desktop.core.session import ExamSession, ItemState, SessionItem
from mlcert_desktop.core.study import DEFAULT_BUDGET_S, DRILL_SIZE, Drill, Grade
from mlcert_desktop.storage import attempts_repo, packs_repo, study_repo
from mlcert_desktop.storage.study_repo import CheckedItem
from mlcert_desktop.ui.context import AppContext
from mlcert_desktop.ui.exam_controller import ExamController

PRACTICE_MAX = 200  # questions in one practice session


class PracticeController(ExamController):
    checked = Signal(int)  # position: its answer was judged (or regraded) and saved

    def __init__(self, ctx: AppContext, attempt_id: int, session: ExamSession, blueprint, *a, **k):
        super().__init__(ctx, attempt_id, session, blueprint, *a, **k)
        self.checked_items: dict[int, CheckedItem] = study_repo.practice_state(ctx.db, attempt_id)
        self.spent: dict[int, float] = study_repo.time_spent(ctx.db, attempt_id)
        row = attempts_repo.get_attempt(ctx.db, attempt_id)
        pack = packs_repo.get_pack(ctx.db, row.pack_id) if row else None
        self.budget_s = _budget(pack)
        self._shown_at = session.time_used
        if row is not None and row.state == "in_progress":
            # A flag is on the question: it may have changed (browser, exam) while paused.
            flagged = study_repo.flagged_ids(ctx.db, row.pack_id)
            for item in session.items:
                item.flagged = item.question.id in flagged

    @classmethod
    def start_practice(
        cls,
        ctx: AppContext,
        pack: PackInfo,
        qids: Sequence[str],
        title: str,
        minutes: int | None = None,
        seed: int | None = None,
        parent: QObject | None = None,
    ) -> PracticeController:
        """A practice session over these questions, in this order (options shuffled)."""
        if seed is None:
            seed = ctx.exam_seed if ctx.exam_seed is not None else random.randrange(2**31)
        rng = random.Random(seed)
        wanted = list(dict.fromkeys(qids))[:PRACTICE_MAX]
        by_id = {q.id: q for q in packs_repo.load_questions(ctx.db, pack.pack_id, wanted)}
        questions = [by_id[q] for q in wanted if q in by_id]
        if not questions:
            raise ValueError("There are no questions to practise with these choices.")
        flagged = study_repo.flagged_ids(ctx.db, pack.pack_id)
        items = []
        for q in questions:
            order = [c.id for c in q.choices]
            rng.shuffle(order)
            items.append(SessionItem(q, tuple(order), flagged=q.id in flagged))
        blueprint = pack.blueprint._replace(
            title=title,
            question_count=len(items),
            duration_minutes=minutes,
            unscored_count=0,
            question_ids=tuple(q.id for q in questions),
        )
        attempt_id = attempts_repo.create_attempt(
            ctx.db, pack.pack_id, "practice", blueprint, seed, items
        )
        session = ExamSession(items, blueprint.time_limit_seconds, clock=ctx.clock)
        return cls(ctx, attempt_id, session, blueprint, None, parent)

    # -- time per question ---------------------------------------------------------------------
    def _bank_time(self) -> float:
        """Add the time on the current question to its total; returns that total."""
        pos = self.session.position
        now = self.session.time_used
        if pos not in self.checked_items:
            self.spent[pos] = self.spent.get(pos, 0.0) + max(0.0, now - self._shown_at)
        self._shown_at = now
        return self.spent.get(pos, 0.0)

    def go_to(self, position: int) -> None:
        self._leave_question()
        super().go_to(position)

    def next(self) -> bool:
        if self.session.position + 1 >= len(self.session):
            return False
        self._leave_question()
        return super().next()

    def previous(self) -> bool:
        if self.session.position == 0:
            return False
        self._leave_question()
        return super().previous()

    def _leave_question(self) -> None:
        """Bank and save the time on the question being left, before the position moves."""
        self._save_progress()

    def suspend(self) -> None:
        self._leave_question()
        super().suspend()

    def _save_progress(self) -> None:
        """The clock checkpoint also saves the time on the current question, so a crash
        loses at most a second of it (and of the grade it leads to)."""
        pos = self.session.position
        used = self.session.checkpoint()
        spent = self._bank_time()
        checked = pos in self.checked_items
        attempts_repo.save_progress(
            self.ctx.db, self.attempt_id, used, pos, None if checked else spent
        )
        self._last_saved = used

    # -- answering -----------------------------------------------------------------------------
    def is_checked(self, position: int | None = None) -> bool:
        pos = self.session.position if position is None else position
        return pos in self.checked_items

    def toggle(self, choice_id: str) -> None:
        if not self.is_checked():
            super().toggle(choice_id)

    def check(self) -> bool:
        """Judge the current answer; False (with a message) when it is not complete yet."""
        s = self.session
        pos = s.position
        if s.finished or self.is_checked():
            return False
        item = s.current
        if item.state is not ItemState.ANSWERED:
            n = item.question.select
            self.selectionRefused.emit(
                "Choose an answer first." if n == 1 else f"Choose {n} answers first."
            )
            return False
        spent = self._bank_time()
        self.checked_items[pos] = attempts_repo.check_answer(
            self.ctx.db,
            self.attempt_id,
            pos,
            item.selected,
            correct=item.correct,
            time_spent_s=spent,
            time_used=s.checkpoint(),
            budget_s=self.budget_s,
        )
        self.checked.emit(pos)
        return True

    def regrade(self, grade: Grade) -> None:
        """The user's own grade for the current (checked) answer replaces the automatic one."""
        c = self.checked_items.get(self.session.position)
        if c is None or c.log_id is None or c.grade is grade or not c.regradable:
            return
        try:
            study_repo.regrade(self.ctx.db, c.log_id, grade)
        except ValueError:  # judged again since this answer: the later review stands
            self.checked_items[c.position] = c._replace(regradable=False)
        else:
            self.checked_items[c.position] = c._replace(grade=grade)
        self.checked.emit(c.position)

    def next_due(self) -> dt.datetime | None:
        """When the current question comes up for review again."""
        q = self.session.current.question
        return study_repo.card_due(self.ctx.db, q.pack_id, q.id)

    def finish(self) -> None:
        """End the session; only checked answers count in its summary."""
        if self.session.finished:
            return
        for pos, item in enumerate(self.session.items):
            item.scored = pos in self.checked_items
        attempts_repo.set_scored(self.ctx.db, self.attempt_id, self.checked_items)
        super().finish()

    @property
    def checked_count(self) -> int:
        return len(self.checked_items)

    @property
    def right_count(self) -> int:
        return sum(1 for c in self.checked_items.values() if c.correct)


def _budget(pack: PackInfo | None) -> float:
    """The exam's time per question: answering within it is fluent enough for 'Good'."""
    if pack is None:
        return DEFAULT_BUDGET_S
    bp = pack.blueprint
    if bp.duration_minutes and bp.question_count:
        return bp.duration_minutes * 60 / bp.question_count
    return DEFAULT_BUDGET_S


def drill_session(
    ctx: AppContext, pack: PackInfo, drill: Drill, count: int | None = None
) -> tuple[list[str], str]:
    """The questions of a drill (missed, flagged, never seen, weakest domain, due), and the
    session's title ("MLS-C01 — Weakest domain: Modeling")."""
    statuses = study_repo.statuses(ctx.db, pack.pack_id)
    weights = {d.id: d.weight for d in pack.blueprint.domains}
    now = dt.datetime.now(dt.timezone.utc)
    candidates = study.drill_candidates(drill, statuses, now, weights)
    rng = random.Random(ctx.exam_seed)
    keep_order = drill in (Drill.DUE, Drill.WEAKEST)
    if drill is Drill.DUE:
        count = None  # a due session holds every review that is due (up to PRACTICE_MAX)
    elif count is None:
        count = DRILL_SIZE
    title = f"{pack.exam_code} — {drill.title}"
    if drill is Drill.WEAKEST and candidates:
        names = {d.id: d.name for d in pack.blueprint.domains}
        title += f": {names.get(candidates[0].domain, f'Domain {candidates[0].domain}')}"
    return study.pick(candidates, count, rng, keep_order=keep_order), title
