"""A small hand-drawn line chart (QPainter only: no plotting library, no QtCharts in the bundle).

Lines with point markers over labelled x slots, a few y ticks, an optional dashed threshold
(the pass mark), a legend, tooltips on points and an empty state.
"""

# No `from __future__ import annotations` in this module: typing.NamedTuple turns string
# annotations into ForwardRefs, and each one compiles its string (see core/models.py).

import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget


class Series(NamedTuple):
    name: str
    colour: str  # anything QColor accepts, e.g. "#0a5fb4"
    points: Sequence[tuple[int, float | None]]  # (x slot, y); None breaks the line


# Distinct colours that sit well with the theme (accent blue first, then amber, green...).
PALETTE = ("#0a5fb4", "#b36b00", "#1d7a3a", "#7b3fa0", "#0e7c86", "#232f3e", "#c2410c")

MARKER_R = 3.5
HIT_R = 8.0  # how close (px) the pointer must be to a point for its tooltip


def nice_ticks(lo: float, hi: float, max_ticks: int = 6) -> list[float]:
    """Round-numbered ticks inside [lo, hi]: a step of 1, 2, 2.5 or 5 times a power of ten,
    the smallest that gives at most `max_ticks` of them."""
    span = hi - lo
    if span <= 0 or max_ticks < 1:
        return [lo]
    magnitude = 10 ** math.floor(math.log10(span / max_ticks))
    for mult in (1, 2, 2.5, 5, 10, 20):
        step = mult * magnitude
        first = math.ceil(lo / step - 1e-9) * step
        ticks = []
        v = first
        while v <= hi + 1e-9 * span:
            ticks.append(round(v, 10))
            v += step
        if len(ticks) <= max_ticks:
            return ticks
    return [lo, hi]


def label_step(count: int, slot_px: float, label_px: float, gap_px: float = 12.0) -> int:
    """Show every n-th x label so that labels `label_px` wide never overlap."""
    if count <= 1 or slot_px <= 0:
        return 1
    return max(1, math.ceil((label_px + gap_px) / slot_px))


def _blend(a: QColor, b: QColor, t: float) -> QColor:
    """`t` of the way from a to b."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


class LineChart(QWidget):
    """Call set_series(); the chart repaints itself at any size and device pixel ratio."""

    def __init__(self, parent=None, *, empty_text: str = "No data yet") -> None:
        super().__init__(parent)
        self.empty_text = empty_text
        self.series: list[Series] = []
        self.x_labels: list[str] = []
        self.y_range: tuple[float, float] = (0.0, 1.0)
        self.threshold: float | None = None
        self.threshold_label = ""
        self.y_format: Callable[[float], str] = lambda v: f"{v:g}"
        self.setMinimumHeight(220)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    # -- data ---------------------------------------------------------------------------------
    def set_series(
        self,
        series: Sequence[Series],
        *,
        y_range: tuple[float, float],
        threshold: float | None = None,
        threshold_label: str = "",
        x_labels: Sequence[str],
        y_format: Callable[[float], str] | None = None,
    ) -> None:
        lo, hi = y_range
        if hi <= lo:
            hi = lo + 1
        self.series = [Series(s.name, s.colour, list(s.points)) for s in series]
        self.x_labels = list(x_labels)
        self.y_range = (float(lo), float(hi))
        self.threshold = threshold
        self.threshold_label = threshold_label
        if y_format is not None:
            self.y_format = y_format
        self.setAccessibleDescription(self.summary())
        self.update()

    def is_empty(self) -> bool:
        return not any(y is not None for s in self.series for _x, y in s.points)

    def values(self, name: str) -> list[float]:
        """The y values of one series, in order (for tests and the accessible summary)."""
        for s in self.series:
            if s.name == name:
                return [y for _x, y in s.points if y is not None]
        raise KeyError(name)

    def summary(self) -> str:
        if self.is_empty():
            return self.empty_text
        parts = []
        for s in self.series:
            vals = [y for _x, y in s.points if y is not None]
            if vals:
                parts.append(f"{s.name}: latest {self.y_format(vals[-1])}")
        return "; ".join(parts)

    # -- geometry -----------------------------------------------------------------------------
    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(640, 240)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(280, 220)

    def _visible_series(self) -> list[Series]:
        return [s for s in self.series if any(y is not None for _x, y in s.points)]

    def _legend_rows(self, width: float) -> list[list[tuple[Series, float]]]:
        """Legend entries (series, entry width) wrapped into rows that fit `width`."""
        fm = self.fontMetrics()
        rows: list[list[tuple[Series, float]]] = [[]]
        used = 0.0
        for s in self._visible_series():
            w = 22 + fm.horizontalAdvance(s.name) + 18
            if rows[-1] and used + w > width:
                rows.append([])
                used = 0.0
            rows[-1].append((s, w))
            used += w
        return [r for r in rows if r]

    def _layout(self) -> tuple[QRectF, float, list[float]]:
        """The plot rectangle, the legend's top and the y ticks."""
        fm = self.fontMetrics()
        lo, hi = self.y_range
        usable = max(1, self.height() - 90)
        ticks = nice_ticks(lo, hi, max(2, min(6, int(usable // (fm.height() * 2)))))
        label_w = max(fm.horizontalAdvance(self.y_format(t)) for t in ticks)
        left = 12 + label_w + 8
        right = 16
        legend_h = len(self._legend_rows(self.width() - left - right)) * (fm.height() + 6)
        top = 10 + legend_h + (8 if legend_h else 0)
        bottom = fm.height() + 14
        plot = QRectF(left, top, self.width() - left - right, self.height() - top - bottom)
        return plot, 10.0, ticks

    def _x(self, plot: QRectF, slot: float) -> float:
        n = max(1, len(self.x_labels))
        return plot.left() + (slot + 0.5) * plot.width() / n

    def _y(self, plot: QRectF, value: float) -> float:
        lo, hi = self.y_range
        value = min(max(value, lo), hi)
        return plot.bottom() - (value - lo) / (hi - lo) * plot.height()

    def _points(self, plot: QRectF):
        """Every drawn point: (series, position, x slot, y)."""
        for s in self._visible_series():
            for x, y in s.points:
                if y is not None:
                    yield s, QPointF(self._x(plot, x), self._y(plot, y)), x, y

    def point_at(self, pos: QPointF) -> str | None:
        """The tooltip text of the point nearest `pos`, if one is within reach."""
        if self.is_empty():
            return None
        plot, _top, _ticks = self._layout()
        best, best_d = None, HIT_R
        for s, p, x, y in self._points(plot):
            d = math.hypot(p.x() - pos.x(), p.y() - pos.y())
            if d <= best_d:
                label = self.x_labels[x] if 0 <= x < len(self.x_labels) else ""
                best, best_d = f"{s.name}\n{label}: {self.y_format(y)}", d
        return best

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        text = self.point_at(event.position())
        if text:
            QToolTip.showText(event.globalPosition().toPoint(), text, self)
        else:
            QToolTip.hideText()
        super().mouseMoveEvent(event)

    # -- painting -----------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        try:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            pal = self.palette()
            bg = pal.color(self.backgroundRole())
            fg = pal.color(QPalette.ColorRole.WindowText)
            colours = {
                "bg": bg,
                "fg": fg,
                "muted": _blend(fg, bg, 0.4),
                "grid": _blend(fg, bg, 0.88),
            }
            p.fillRect(self.rect(), bg)
            if self.is_empty():
                self._paint_empty(p, colours)
                return
            plot, legend_top, ticks = self._layout()
            self._paint_legend(p, legend_top, plot, colours)
            self._paint_axes(p, plot, ticks, colours)
            self._paint_threshold(p, plot, colours)
            self._paint_lines(p, plot, colours)
        finally:
            p.end()

    def _paint_empty(self, p: QPainter, c: dict) -> None:
        box = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        p.setPen(QPen(c["grid"], 1, Qt.PenStyle.DashLine))
        p.drawRoundedRect(box, 6, 6)
        p.setPen(c["muted"])
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, self.empty_text)

    def _paint_legend(self, p: QPainter, top: float, plot: QRectF, c: dict) -> None:
        fm = self.fontMetrics()
        y = top
        for row in self._legend_rows(plot.width()):
            x = plot.left()
            mid = y + fm.height() / 2
            for s, w in row:
                colour = QColor(s.colour)
                p.setPen(QPen(colour, 2.5))
                p.drawLine(QPointF(x, mid), QPointF(x + 16, mid))
                p.setBrush(colour)
                p.drawEllipse(QPointF(x + 8, mid), MARKER_R - 0.5, MARKER_R - 0.5)
                p.setPen(c["fg"])
                p.drawText(
                    QRectF(x + 22, y, w - 22, fm.height()),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    s.name,
                )
                x += w
            y += fm.height() + 6

    def _paint_axes(self, p: QPainter, plot: QRectF, ticks: list[float], c: dict) -> None:
        fm = self.fontMetrics()
        h = fm.height()
        for t in ticks:
            y = self._y(plot, t)
            p.setPen(QPen(c["grid"], 1))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(c["muted"])
            p.drawText(
                QRectF(0, y - h / 2, plot.left() - 8, h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                self.y_format(t),
            )
        p.setPen(QPen(c["muted"], 1))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        p.drawLine(plot.bottomLeft(), plot.topLeft())
        n = len(self.x_labels)
        if not n:
            return
        slot = plot.width() / n
        widest = max(fm.horizontalAdvance(s) for s in self.x_labels)
        step = label_step(n, slot, widest)
        # Count from the newest label so the latest day is always named.
        for i in range(n - 1, -1, -step):
            x = self._x(plot, i)
            p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4))
            w = fm.horizontalAdvance(self.x_labels[i]) + 4
            left = min(max(x - w / 2, 0), self.width() - w)
            p.drawText(
                QRectF(left, plot.bottom() + 6, w, h),
                Qt.AlignmentFlag.AlignCenter,
                self.x_labels[i],
            )

    def _paint_threshold(self, p: QPainter, plot: QRectF, c: dict) -> None:
        lo, hi = self.y_range
        if self.threshold is None or not lo <= self.threshold <= hi:
            return
        y = self._y(plot, self.threshold)
        colour = QColor("#b3261e")
        pen = QPen(colour, 1.5, Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        if not self.threshold_label:
            return
        fm = self.fontMetrics()
        w, h = fm.horizontalAdvance(self.threshold_label) + 8, fm.height()
        above = y - h - 2 >= plot.top() - 2
        box = QRectF(plot.right() - w, y - h - 2 if above else y + 2, w, h)
        p.fillRect(box, c["bg"])
        p.setPen(colour)
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, self.threshold_label)

    def _paint_lines(self, p: QPainter, plot: QRectF, c: dict) -> None:
        for s in self._visible_series():
            colour = QColor(s.colour)
            path = QPainterPath()
            pen_down = False
            for x, y in s.points:
                if y is None:
                    pen_down = False
                    continue
                pt = QPointF(self._x(plot, x), self._y(plot, y))
                if pen_down:
                    path.lineTo(pt)
                else:
                    path.moveTo(pt)
                    pen_down = True
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(
                QPen(
                    colour,
                    2.2,
                    Qt.PenStyle.SolidLine,
                    Qt.PenCapStyle.RoundCap,
                    Qt.PenJoinStyle.RoundJoin,
                )
            )
            p.drawPath(path)
        crowded = plot.width() / max(1, len(self.x_labels)) < 3 * MARKER_R
        for s, pt, _x, _y in self._points(plot):
            if crowded and len(s.points) > 1:
                continue  # markers would merge into a thick line; the tooltip still works
            p.setPen(QPen(c["bg"], 1.5))
            p.setBrush(QColor(s.colour))
            p.drawEllipse(pt, MARKER_R, MARKER_R)
