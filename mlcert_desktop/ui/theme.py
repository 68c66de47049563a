"""Load the application style sheet from resources/themes."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from mlcert_desktop import paths


def apply_theme(app: QApplication, name: str = "light") -> None:
    app.setStyle("Fusion")  # the same look on every OS, and the QSS applies fully
    font = QFont(app.font())
    font.setPointSizeF(max(font.pointSizeF(), 11.0))
    app.setFont(font)
    folder = paths.resource("themes")
    qss = (folder / f"{name}.qss").read_text(encoding="utf-8")
    # Style sheets resolve url() against the working directory; point them at our folder.
    app.setStyleSheet(qss.replace("@THEME@", folder.as_posix()))
