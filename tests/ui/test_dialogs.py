"""The real message boxes (the other GUI tests answer them through the `confirmations` fixture)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from mlcert_desktop.ui import dialogs


@pytest.fixture(autouse=True)
def confirmations():
    """Overrides the package fixture of the same name: these tests use the real dialogs."""


def _press_when_shown(key, seen: list) -> None:
    tries = iter(range(500))  # looks for the box for five seconds at most

    def press():
        box = QApplication.activeModalWidget()
        if box is None:  # not shown yet
            if next(tries, None) is not None:
                QTimer.singleShot(10, press)
            return
        seen.append([b.text() for b in box.findChildren(type(box.defaultButton()))])
        seen.append(box.defaultButton().text())
        QTest.keyClick(box, key)

    QTimer.singleShot(0, press)


@pytest.mark.parametrize(
    ("options", "key", "expected", "default"),
    [
        ({}, Qt.Key.Key_Return, False, "Cancel"),
        ({"default_ok": True}, Qt.Key.Key_Return, True, "Go"),
        ({"default_ok": True, "cancel_text": "Stay"}, Qt.Key.Key_Escape, False, "Go"),
    ],
)
def test_confirm_returns_the_choice_and_enter_takes_the_default(
    qtbot, options, key, expected, default
):
    seen: list = []
    _press_when_shown(key, seen)
    assert dialogs.confirm(None, "Title", "Text", "Go", **options) is expected
    buttons, default_text = seen
    assert default_text.replace("&", "") == default
    assert options.get("cancel_text", "Cancel") in [b.replace("&", "") for b in buttons]


def test_choose_tells_apart_items_that_read_the_same(monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    seen = []

    def get_item(parent, title, text, items, current, editable):
        seen.append(list(items))
        return items[2], True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(get_item))
    assert dialogs.choose(None, "T", "pick", ["same", "other", "same"]) == 2
    assert seen == [["same (1)", "other", "same (2)"]]
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a: ("", False)))
    assert dialogs.choose(None, "T", "pick", ["x"]) is None
