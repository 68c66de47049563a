"""A word-wrapped label that lays its text out once per width."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel


class WrappedLabel(QLabel):
    """QLabel with word wrap, for paragraphs in box and grid layouts.

    While a window opens, its layouts ask a wrapped label for its height at the same few widths
    again and again (the home screen's introduction: 32 times at 6 widths), and QLabel lays the
    text out anew each time; its size hints cost three more layouts (one of them at width 0,
    a word per line). Here each width is laid out once, and the size hints are one line of
    text: the layout gives the label its width and asks `heightForWidth` for the rest.

    So it is for layouts that ask for height-for-width (QBoxLayout, QGridLayout, QFormLayout,
    a QScrollArea with widgetResizable), not for item views, tool bars or status bars, which
    would give it the one line of its size hint.
    """

    MIN_CHARS = 12  # the narrowest the label gets, in average characters
    PREFERRED_CHARS = 40

    def __init__(self, text: str = "", parent=None, **kwargs) -> None:
        super().__init__(text, parent, **kwargs)
        self.setWordWrap(True)
        self._heights: dict[tuple, int] = {}

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        # Keyed on everything that changes the layout: the text, however it was set (setText,
        # setNum, clear, a property), margin, indent, the font, and the contents margins a style
        # sheet's padding and border set. (Not cleared in changeEvent: overriding it makes
        # PySide build QEvent and its 170 enum values at start-up, 2 ms.)
        m = self.contentsMargins()
        key = (
            width,
            self.text(),
            self.margin(),
            self.indent(),
            self.font().key(),
            m.left(),
            m.top(),
            m.right(),
            m.bottom(),
        )
        height = self._heights.get(key)
        if height is None:
            if len(self._heights) > 64:  # a label resized through many widths
                self._heights.clear()
            height = self._heights[key] = super().heightForWidth(width)
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
