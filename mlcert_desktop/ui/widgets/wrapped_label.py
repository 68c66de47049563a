"""A word-wrapped label that lays its text out once per width."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import QLabel


class WrappedLabel(QLabel):
    """QLabel with word wrap, for paragraphs in layouts.

    While a window opens, its layouts ask a wrapped label for its height at the same few widths
    again and again (the home screen's introduction: 32 times at 6 widths), and QLabel lays the
    text out anew each time; its size hints cost three more layouts (one of them at width 0,
    a word per line). Here each width is laid out once, and the size hints are one line of
    text: the layout gives the label its width and asks `heightForWidth` for the rest.
    """

    MIN_CHARS = 12  # the narrowest the label gets, in average characters
    PREFERRED_CHARS = 40

    def __init__(self, text: str = "", parent=None, **kwargs) -> None:
        super().__init__(text, parent, **kwargs)
        self.setWordWrap(True)
        self._heights: dict[int, int] = {}

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        self._heights.clear()
        super().setText(text)

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = super().heightForWidth(width)
        return height

    def _line(self, chars: int) -> QSize:
        m = self.contentsMargins()
        fm = self.fontMetrics()
        return QSize(
            fm.averageCharWidth() * chars + m.left() + m.right(),
            fm.height() + m.top() + m.bottom(),
        )

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self._line(self.MIN_CHARS)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self._line(self.PREFERRED_CHARS)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        # A new font or style sheet (padding, font size) changes every height.
        self._heights.clear()
        super().changeEvent(event)
