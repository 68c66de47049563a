"""Draw the app icon with QPainter and write resources/icons/mlcert.{png,ico,icns}.

    QT_QPA_PLATFORM=offscreen python packaging/make_icons.py

The outputs are committed; rerun only when the design changes. No Pillow needed: Qt's own
image plugins write the .ico (Windows executable icon) and .icns (macOS bundle icon); a format
whose plugin is missing is skipped with a message and build.spec then builds without that icon.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import (  # noqa: E402
    QBrush,
    QColor,
    QGuiApplication,
    QImage,
    QImageWriter,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
)

OUT = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZE = 256


def draw(size: int = SIZE) -> QImage:
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 256, size / 256)

    # Background: a rounded square with a calm blue-to-teal gradient.
    bg = QLinearGradient(QPointF(0, 0), QPointF(256, 256))
    bg.setColorAt(0.0, QColor("#1f4e9c"))
    bg.setColorAt(1.0, QColor("#138a8a"))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(bg))
    p.drawRoundedRect(QRectF(8, 8, 240, 240), 52, 52)

    # An exam sheet, slightly tilted.
    p.save()
    p.translate(128, 132)
    p.rotate(-6)
    p.setBrush(QColor("#ffffff"))
    p.drawRoundedRect(QRectF(-66, -86, 132, 172), 14, 14)
    # Answer lines with option bubbles; the second one is chosen.
    for i, y in enumerate((-52, -14, 24)):
        p.setPen(QPen(QColor("#1f4e9c"), 5))
        p.setBrush(QColor("#1f4e9c") if i == 1 else Qt.BrushStyle.NoBrush)
        p.drawEllipse(QPointF(-40, y), 9, 9)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#c9d6ea"))
        p.drawRoundedRect(QRectF(-22, y - 5, 70, 10), 5, 5)
    p.restore()

    # A green check badge in the corner: "passed".
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#ffffff"))
    p.drawEllipse(QPointF(186, 190), 46, 46)
    p.setBrush(QColor("#2e9d4f"))
    p.drawEllipse(QPointF(186, 190), 38, 38)
    tick = QPainterPath(QPointF(166, 191))
    tick.lineTo(181, 206)
    tick.lineTo(207, 176)
    pen = QPen(QColor("#ffffff"), 10)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(tick)
    p.end()
    return img


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - fonts, plugins
    OUT.mkdir(parents=True, exist_ok=True)
    img = draw()
    if not img.save(str(OUT / "mlcert.png"), "PNG"):
        print("could not write mlcert.png", file=sys.stderr)
        return 1
    print(f"wrote {OUT / 'mlcert.png'}")
    writable = {bytes(f).decode() for f in QImageWriter.supportedImageFormats()}
    for fmt in ("ico", "icns"):
        target = OUT / f"mlcert.{fmt}"
        if fmt in writable and img.save(str(target), fmt.upper()):
            print(f"wrote {target}")
        else:
            print(f"skipped {target.name}: Qt has no writer for .{fmt} here", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
