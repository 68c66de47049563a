"""Building blocks shared by the screens: the top bar and scroll areas (tables: widgets.table).

The home screen imports this module at start-up, so it stays free of the `Qt` namespace,
whose ~100 Python enums PySide creates on first use (about 15 ms)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
)


def scroll_area(content, object_name: str = "", parent=None) -> QScrollArea:
    """A frameless scroll area whose content follows its width (only scrolls vertically)."""
    scroll = QScrollArea(parent, objectName=object_name)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(content)
    return scroll


def top_bar(title: str, on_home: Callable[[], None]) -> QFrame:
    """The dark bar with the screen's title and a Home button."""
    bar = QFrame(objectName="topBar")
    row = QHBoxLayout(bar)
    row.setContentsMargins(20, 10, 20, 10)
    row.addWidget(QLabel(title, objectName="examTitle"), 1)
    home = QPushButton("Home")
    home.clicked.connect(on_home)
    row.addWidget(home)
    return bar
