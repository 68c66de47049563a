"""The countdown in the top-right corner; click it to hide or show the time."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QPushButton

from mlcert_desktop.ui.formatting import format_seconds


class TimerLabel(QPushButton):
    hiddenChanged = Signal(bool)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("timerLabel")
        self.setFlat(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setToolTip("Click to hide or show the time remaining")
        self.time_hidden = False
        self._remaining: float | None = None
        self.clicked.connect(self.toggle_hidden)

    def toggle_hidden(self) -> None:
        self.time_hidden = not self.time_hidden
        self._render()
        self.hiddenChanged.emit(self.time_hidden)

    def set_remaining(self, remaining: float | None) -> None:
        self._remaining = remaining
        level = ""
        if remaining is not None and remaining <= 5 * 60:
            level = "critical"
        elif remaining is not None and remaining <= 15 * 60:
            level = "low"
        if self.property("level") != level:
            self.setProperty("level", level)
            self.style().unpolish(self)
            self.style().polish(self)
        self._render()

    def _render(self) -> None:
        if self._remaining is None:
            self.setText("Untimed")
        elif self.time_hidden:
            self.setText("Time remaining: hidden")
        else:
            self.setText(f"Time remaining  {format_seconds(self._remaining)}")
