"""A grid of question numbers showing answered / incomplete / flagged at a glance."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from mlcert_desktop.core.session import ExamSession, ItemState

COLUMNS = 5


class Navigator(QWidget):
    jump = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("navigator")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QVBoxLayout(self)
        title = QLabel("Questions")
        title.setObjectName("navigatorTitle")
        outer.addWidget(title)
        legend = QLabel("Blue: answered · white: incomplete · ⚑ flagged")
        legend.setObjectName("muted")
        legend.setWordWrap(True)
        outer.addWidget(legend)
        self._grid = QGridLayout()
        self._grid.setSpacing(4)
        outer.addLayout(self._grid)
        outer.addStretch(1)
        self.buttons: list[QPushButton] = []
        self._states: list[tuple | None] = []  # what each button shows, kept on the Python side

    def set_session(self, session: ExamSession) -> None:
        for b in self.buttons:
            b.setParent(None)
            b.deleteLater()
        self.buttons = []
        self._states: list[tuple | None] = [None] * len(session)
        for i in range(len(session)):
            b = QPushButton(str(i + 1))
            b.setObjectName("navButton")
            b.setFixedSize(44, 32)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(lambda _=False, i=i: self.jump.emit(i))
            self._grid.addWidget(b, i // COLUMNS, i % COLUMNS)
            self.buttons.append(b)
        self.refresh(session)

    def refresh(self, session: ExamSession) -> None:
        states = self._states
        for i, (b, item) in enumerate(zip(self.buttons, session.items, strict=False)):
            answered = item.state is ItemState.ANSWERED
            state = (answered, item.flagged, i == session.position)
            if states[i] == state:
                continue  # re-polishing 65 buttons on every move is what makes it slow
            states[i] = state
            b.setText(f"{i + 1}{' ⚑' if item.flagged else ''}")
            b.setProperty("answered", answered)
            b.setProperty("current", i == session.position)
            b.setToolTip(
                f"Question {i + 1}: {'answered' if answered else 'incomplete'}"
                f"{', flagged for review' if item.flagged else ''}"
            )
            b.style().unpolish(b)
            b.style().polish(b)
