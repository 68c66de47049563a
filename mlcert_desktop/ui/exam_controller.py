"""ExamController: the Qt adapter between an ExamSession (+ its saved attempt) and the widgets.

Every change is saved before the signal announcing it is emitted, so a crash right after any
visible change loses nothing. The clock is checkpointed to the database about once a second.
"""

from __future__ import annotations

import random

from PySide6.QtCore import QObject, QTimer, Signal

from mlcert_desktop.core import scoring
from mlcert_desktop.core.blueprint import build_exam
from mlcert_desktop.core.models import ExamBlueprint, PackInfo
from mlcert_desktop.core.session import ExamSession, SelectionLimitError
from mlcert_desktop.storage import attempts_repo, packs_repo
from mlcert_desktop.ui.context import AppContext

WARNING_MINUTES = (30, 15, 5)
CHECKPOINT_SECONDS = 1.0


class ExamController(QObject):
    questionChanged = Signal(int)  # position now shown
    answerChanged = Signal(int)
    flagChanged = Signal(int)
    tick = Signal()  # time moved on; read remaining from the session
    timeWarning = Signal(int)  # minutes left: 30, 15, 5
    selectionRefused = Signal(str)
    finished = Signal(int)  # attempt id, after the result is saved

    def __init__(
        self,
        ctx: AppContext,
        attempt_id: int,
        session: ExamSession,
        blueprint: ExamBlueprint,
        notice: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.attempt_id = attempt_id
        self.session = session
        self.blueprint = blueprint
        self.notice = notice
        self._last_saved = session.time_used
        limit = session.time_limit
        used = session.time_used
        # Warnings already passed before a resume are not repeated.
        self._warned = {m for m in WARNING_MINUTES if limit is not None and limit - used <= m * 60}
        self._timer = QTimer(self)
        self._timer.setInterval(ctx.tick_ms)
        self._timer.timeout.connect(self._on_tick)

    # -- construction --------------------------------------------------------------------------
    @classmethod
    def start_new(
        cls,
        ctx: AppContext,
        pack: PackInfo,
        blueprint: ExamBlueprint,
        seed: int | None = None,
        parent: QObject | None = None,
    ) -> ExamController:
        if seed is None:
            seed = ctx.exam_seed
        if seed is None:
            seed = random.SystemRandom().randrange(2**31)
        pool = packs_repo.load_questions(ctx.db, pack.pack_id)
        selection = build_exam(pool, blueprint, random.Random(seed))
        if not selection.items:
            raise ValueError("This pack has no questions for the chosen domains.")
        attempt_id = attempts_repo.create_attempt(
            ctx.db, pack.pack_id, "exam", blueprint, seed, selection.items
        )
        session = ExamSession(selection.items, blueprint.time_limit_seconds, clock=ctx.clock)
        return cls(ctx, attempt_id, session, blueprint, selection.notice, parent)

    @classmethod
    def resume(cls, ctx: AppContext, attempt_id: int, parent: QObject | None = None):
        row = attempts_repo.get_attempt(ctx.db, attempt_id)
        if row is None or row.state != "in_progress":
            raise ValueError(f"attempt {attempt_id} cannot be resumed")
        items = attempts_repo.load_items(ctx.db, attempt_id)
        session = ExamSession(
            items,
            row.time_limit_s,
            clock=ctx.clock,
            time_used=row.time_used_s,
            position=row.position,
        )
        return cls(ctx, attempt_id, session, row.blueprint, None, parent)

    # -- clock ---------------------------------------------------------------------------------
    def start(self) -> None:
        self.session.start()
        self._timer.start()
        self.questionChanged.emit(self.session.position)
        self.tick.emit()
        if self.session.expired:
            self.finish()

    def suspend(self) -> None:
        """Stop the clock and save (leaving the exam to resume it later)."""
        self._timer.stop()
        self.session.pause()
        self._save_progress()

    def _on_tick(self) -> None:
        s = self.session
        if s.finished:
            return
        if s.time_used - self._last_saved >= CHECKPOINT_SECONDS:
            self._save_progress()
        remaining = s.remaining
        if remaining is not None:
            for m in WARNING_MINUTES:
                if remaining <= m * 60 and m not in self._warned:
                    self._warned.update(x for x in WARNING_MINUTES if x >= m)
                    self.timeWarning.emit(m)
                    break
        self.tick.emit()
        if s.expired:
            self.finish()

    def _save_progress(self) -> None:
        used = self.session.checkpoint()
        attempts_repo.save_progress(self.ctx.db, self.attempt_id, used, self.session.position)
        self._last_saved = used

    # -- actions -------------------------------------------------------------------------------
    def toggle(self, choice_id: str) -> None:
        s = self.session
        if s.finished:
            return
        try:
            selected = s.toggle(s.position, choice_id)
        except SelectionLimitError as e:
            self.selectionRefused.emit(str(e))
            return
        attempts_repo.save_answer(
            self.ctx.db, self.attempt_id, s.position, selected, s.checkpoint()
        )
        self.answerChanged.emit(s.position)

    def choose_index(self, index: int) -> None:
        order = self.session.current.choice_order
        if 0 <= index < len(order):
            self.toggle(order[index])

    def set_flag(self, flagged: bool) -> None:
        s = self.session
        if s.finished or s.current.flagged == flagged:
            return
        s.flag(s.position, flagged)
        attempts_repo.save_flag(self.ctx.db, self.attempt_id, s.position, flagged, s.checkpoint())
        self.flagChanged.emit(s.position)

    def toggle_flag(self) -> None:
        self.set_flag(not self.session.current.flagged)

    def go_to(self, position: int) -> None:
        self.session.go_to(position)
        self._save_progress()
        self.questionChanged.emit(position)

    def next(self) -> bool:
        return self._moved(self.session.next())

    def previous(self) -> bool:
        return self._moved(self.session.previous())

    def _moved(self, moved: bool) -> bool:
        if moved:
            self._save_progress()
            self.questionChanged.emit(self.session.position)
        return moved

    def finish(self) -> None:
        """End the exam (by the candidate or at 0:00) and score it as it stands."""
        if self.session.finished:
            return
        self._timer.stop()
        self.session.finish()
        bp = self.blueprint
        report = scoring.score(self.session.items, bp.domains, bp.passing_score, bp.score_scale)
        used = self.session.time_used
        if self.session.time_limit is not None:
            used = min(used, self.session.time_limit)
        attempts_repo.finish_attempt(self.ctx.db, self.attempt_id, report.to_dict(), used)
        self.finished.emit(self.attempt_id)
