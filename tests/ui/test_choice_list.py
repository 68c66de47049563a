"""The option rows are refilled, not rebuilt, when the question changes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mlcert_desktop.core.models import Choice
from mlcert_desktop.ui.widgets.choice_list import ChoiceList


def _choices(n: int, prefix: str) -> list[Choice]:
    return [Choice(f"{prefix}{i}", f"**Option** {i} of {prefix}", i == 0) for i in range(n)]


def test_rows_are_reused_and_show_the_right_indicator(qtbot):
    widget = ChoiceList()
    qtbot.addWidget(widget)
    widget.show()
    widget.set_choices(_choices(4, "s"), False, {"s1"})
    first = list(widget.rows)
    assert [r.button.isVisibleTo(r) for r in first] == [True] * 4
    assert all(r.button is r.radio and r.check.isHidden() for r in first)
    assert [r.button.isChecked() for r in first] == [False, True, False, False]
    assert first[0].label.text() == "<b>Option</b> 0 of s"

    widget.set_choices(_choices(5, "m"), True, {"m0", "m4"})
    assert widget.rows[:4] == first  # the same widgets, refilled
    assert all(r.button is r.check and r.radio.isHidden() for r in widget.rows)
    assert [r.button.isChecked() for r in widget.rows] == [True, False, False, False, True]
    assert [r.letter.text() for r in widget.rows] == ["A.", "B.", "C.", "D.", "E."]
    assert [r.property("selected") for r in widget.rows] == [True, False, False, False, True]
    assert widget.isVisible()

    widget.set_choices(_choices(3, "t"), False, set())
    assert len(widget.rows) == 3 and widget._pool[3].isHidden() and widget._pool[4].isHidden()
    assert not any(r.button.isChecked() or r.property("selected") for r in widget.rows)
    count = len(QApplication.allWidgets())
    for _ in range(5):
        widget.set_choices(_choices(5, "m"), True, set())
        widget.set_choices(_choices(4, "s"), False, set())
    assert len(QApplication.allWidgets()) == count  # no widgets made or left behind


def test_a_click_reports_the_choice_now_shown(qtbot):
    widget = ChoiceList()
    qtbot.addWidget(widget)
    widget.show()
    widget.set_choices(_choices(4, "a"), False, set())
    widget.set_choices(_choices(4, "b"), True, set())
    with qtbot.waitSignal(widget.choiceClicked) as blocker:
        qtbot.mouseClick(widget.rows[2].button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["b2"]
    with qtbot.waitSignal(widget.choiceClicked) as blocker:
        qtbot.mouseClick(widget.rows[1], Qt.MouseButton.LeftButton)
    assert blocker.args == ["b1"]
