"""The application object and its style sheet (resources/themes)."""

from __future__ import annotations

import os

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from mlcert_desktop import paths

STYLE = "Fusion"  # the same look on every OS, and the QSS applies fully
_STYLED = "mlcertStyle"  # dynamic property: the style was chosen when the app was created


def create_application(argv: list[str]) -> QApplication:
    """A QApplication that starts with the Fusion style.

    Qt reads QT_STYLE_OVERRIDE when the application is created, so Fusion is built directly;
    QApplication.setStyle() afterwards would make PySide wrap the QStyle object and create its
    Python enums (about 10 ms of every start). The variable is restored at once, so processes
    the app starts do not inherit it.
    """
    before = os.environ.get("QT_STYLE_OVERRIDE")
    os.environ["QT_STYLE_OVERRIDE"] = STYLE
    try:
        app = QApplication(argv)
    finally:
        if before is None:
            del os.environ["QT_STYLE_OVERRIDE"]
        else:
            os.environ["QT_STYLE_OVERRIDE"] = before
    app.setProperty(_STYLED, STYLE)
    return app


def apply_theme(app: QApplication, name: str = "light") -> None:
    if app.property(_STYLED) != STYLE:  # an application created elsewhere (tests)
        app.setStyle(STYLE)
        app.setProperty(_STYLED, STYLE)
    font = QFont(app.font())
    font.setPointSizeF(max(font.pointSizeF(), 11.0))
    app.setFont(font)
    folder = paths.resource("themes")
    qss = (folder / f"{name}.qss").read_text(encoding="utf-8")
    # Style sheets resolve url() against the working directory; point them at our folder.
    app.setStyleSheet(qss.replace("@THEME@", folder.as_posix()))
