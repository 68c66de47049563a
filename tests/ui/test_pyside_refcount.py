"""Guard against PySide6 builds that drop references to None (crashes on Python < 3.12)."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QPushButton


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_void_calls_do_not_drop_references_to_none(qtbot):
    button = QPushButton("x")
    qtbot.addWidget(button)
    before = sys.getrefcount(None)
    for _ in range(2000):
        button.setText("y")
        button.style().polish(button)
    # A sound build holds a few more references afterwards; a broken one loses ~2 per loop.
    assert sys.getrefcount(None) - before > -100
