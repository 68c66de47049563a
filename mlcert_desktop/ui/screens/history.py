"""History: every finished exam and practice session; open one to review it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QLabel,
    QVBoxLayout,
    QWidget,
)

from mlcert_desktop.storage import attempts_repo
from mlcert_desktop.ui.context import AppContext
from mlcert_desktop.ui.formatting import format_seconds
from mlcert_desktop.ui.widgets.page import top_bar
from mlcert_desktop.ui.widgets.table import data_table, fill_table


def local_time(iso: str) -> str:
    try:
        return dt.datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


def _cells(a) -> list[str]:
    """One row: date, title, score, result, time. A practice session has no scaled score."""
    if a.mode == "practice":
        rep = a.report or {}
        score, result = "practice", f"{rep.get('correct', 0)}/{rep.get('total', 0)} right"
    else:
        score, result = str(a.scaled), "Pass" if a.passed else "Fail"
    when = local_time(a.finished_at or a.started_at)
    return [when, a.title, score, result, format_seconds(a.time_used_s)]


class HistoryScreen(QWidget):
    openAttempt = Signal(int)
    homeRequested = Signal()

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        top = top_bar("History", self.homeRequested.emit)
        self.table = data_table(
            ["Date", "Exam or practice", "Score", "Result", "Time used"], stretch=1
        )
        self.table.cellActivated.connect(self._open_row)
        self.table.cellDoubleClicked.connect(self._open_row)
        self.empty = QLabel(
            "No finished exams or practice sessions yet. Start one from the home screen.",
            objectName="muted",
        )
        self.hint = QLabel("Double-click a row (or press Enter) to review it.", objectName="muted")
        body = QVBoxLayout()
        body.setContentsMargins(32, 20, 32, 20)
        body.addWidget(self.hint)
        body.addWidget(self.empty)
        body.addWidget(self.table, 1)
        body.addStretch(0)  # takes the room when the table is hidden: the message stays on top
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addLayout(body, 1)
        self._ids: list[int] = []

    def refresh(self) -> None:
        rows = attempts_repo.history(self.ctx.db, "exam")
        rows += attempts_repo.history(self.ctx.db, "practice")
        rows.sort(key=lambda a: a.id, reverse=True)
        self._ids = [a.id for a in rows]
        fill_table(self.table, [_cells(a) for a in rows], centered=(2, 3, 4))
        self.empty.setVisible(not rows)
        self.hint.setVisible(bool(rows))
        self.table.setVisible(bool(rows))

    def _open_row(self, row: int, _col: int = 0) -> None:
        self.openAttempt.emit(self._ids[row])
