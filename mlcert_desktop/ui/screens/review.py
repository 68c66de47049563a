"""The end-of-exam review screen: every question's state, filters, jump back, end exam."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mlcert_desktop.core.session import ItemState
from mlcert_desktop.ui import dialogs
from mlcert_desktop.ui.exam_controller import ExamController
from mlcert_desktop.ui.widgets.page import scroll_area
from mlcert_desktop.ui.widgets.timer_label import TimerLabel

COLUMNS = 4


class ReviewScreen(QWidget):
    jumpTo = Signal(int)
    endConfirmed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewScreen")
        self.controller: ExamController | None = None
        self.filter = "all"

        top = QFrame(objectName="topBar")
        top_l = QHBoxLayout(top)
        top_l.setContentsMargins(20, 10, 20, 10)
        self.title = QLabel(objectName="examTitle")
        heading = QLabel("Review", objectName="questionCounter")
        self.timer = TimerLabel()
        top_l.addWidget(self.title, 1)
        top_l.addWidget(heading, 0, Qt.AlignmentFlag.AlignCenter)
        top_l.addWidget(self.timer, 1, Qt.AlignmentFlag.AlignRight)

        intro = QLabel(
            "Below is a summary of your answers. Select a question to go back to it, or use "
            "the buttons to review all, incomplete or flagged questions. When you are done, "
            "choose End exam.",
            objectName="muted",
        )
        intro.setWordWrap(True)
        self.summary = QLabel(objectName="reviewSummary")

        filters = QHBoxLayout()
        self.filter_group = QButtonGroup(self)
        self.filter_buttons = {}
        for key, text in (
            ("all", "Review all"),
            ("incomplete", "Review incomplete"),
            ("flagged", "Review flagged"),
        ):
            b = QPushButton(text)
            b.setCheckable(True)
            b.setProperty("role", "filter")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(lambda _=False, k=key: self.set_filter(k))
            self.filter_group.addButton(b)
            self.filter_buttons[key] = b
            filters.addWidget(b)
        filters.addStretch(1)
        self.filter_buttons["all"].setChecked(True)

        self.grid_host = QWidget(objectName="reviewGrid")
        self.grid = QGridLayout(self.grid_host)
        self.grid.setSpacing(6)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = scroll_area(self.grid_host)
        self.empty = QLabel(objectName="muted")

        body = QVBoxLayout()
        body.setContentsMargins(32, 20, 32, 12)
        body.setSpacing(12)
        body.addWidget(intro)
        body.addWidget(self.summary)
        body.addLayout(filters)
        body.addWidget(self.empty)
        body.addWidget(scroll, 1)

        bottom = QFrame(objectName="bottomBar")
        bot_l = QHBoxLayout(bottom)
        bot_l.setContentsMargins(20, 10, 20, 10)
        self.back_btn = QPushButton("◀ Back to questions")
        self.back_btn.clicked.connect(self._back)
        self.end_btn = QPushButton("End exam")
        self.end_btn.setProperty("role", "danger")
        self.end_btn.clicked.connect(self.confirm_end)
        for b in (self.back_btn, self.end_btn):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        bot_l.addWidget(self.back_btn)
        bot_l.addStretch(1)
        bot_l.addWidget(self.end_btn)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addLayout(body, 1)
        layout.addWidget(bottom)

        for keys, slot in (
            (["1"], lambda: self.set_filter("all")),
            (["2"], lambda: self.set_filter("incomplete")),
            (["3"], lambda: self.set_filter("flagged")),
            (["E"], self.confirm_end),
            (["Escape", "Backspace"], self._back),
        ):
            for k in keys:
                sc = QShortcut(QKeySequence(k), self)
                sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                sc.activated.connect(slot)

    def attach(self, controller: ExamController) -> None:
        self.controller = controller
        self.title.setText(controller.blueprint.title)
        controller.tick.connect(lambda: self.timer.set_remaining(controller.session.remaining))

    def refresh(self) -> None:
        s = self.controller.session
        self.timer.set_remaining(s.remaining)
        self.summary.setText(
            f"<b>{s.answered_count}</b> answered · <b>{s.incomplete_count}</b> incomplete · "
            f"<b>{s.flagged_count}</b> flagged for review"
        )
        while self.grid.count():
            w = self.grid.takeAt(0).widget()
            if w is not None:
                w.setParent(None)
                w.deleteLater()
        positions = self.visible_positions()
        for n, i in enumerate(positions):
            item = s.items[i]
            state = "Answered" if item.state is ItemState.ANSWERED else "Incomplete"
            b = QPushButton(f"Question {i + 1}   {state}{'   ⚑ Flagged' if item.flagged else ''}")
            b.setObjectName("reviewItem")
            b.setProperty("answered", item.state is ItemState.ANSWERED)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(lambda _=False, i=i: self.jumpTo.emit(i))
            self.grid.addWidget(b, n // COLUMNS, n % COLUMNS)
        self.empty.setText(
            {
                "incomplete": "No incomplete questions.",
                "flagged": "No questions are flagged for review.",
            }.get(self.filter, "")
        )
        self.empty.setVisible(not positions)

    def visible_positions(self) -> list[int]:
        s = self.controller.session
        return s.positions(incomplete=self.filter == "incomplete", flagged=self.filter == "flagged")

    def set_filter(self, key: str) -> None:
        self.filter = key
        self.filter_buttons[key].setChecked(True)
        self.refresh()

    def _back(self) -> None:
        self.jumpTo.emit(self.controller.session.position)

    def end_message(self) -> str:
        s = self.controller.session
        parts = []
        if s.incomplete_count:
            parts.append(
                f"{s.incomplete_count} question(s) are incomplete and will be scored as wrong"
            )
        if s.flagged_count:
            parts.append(f"{s.flagged_count} question(s) are flagged for review")
        detail = (". ".join(parts) + ".") if parts else "All questions are answered."
        return f"{detail}\n\nEnd the exam now? You cannot change your answers afterwards."

    def confirm_end(self) -> None:
        if dialogs.confirm(self, "End exam", self.end_message(), "End exam"):
            self.endConfirmed.emit()
