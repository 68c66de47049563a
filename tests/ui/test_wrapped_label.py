"""WrappedLabel: a word-wrapped label that lays its text out once per width."""

from __future__ import annotations

import pytest

from mlcert_desktop.ui.widgets.wrapped_label import WrappedLabel

TEXT = "Sit a full exam with a countdown, or study with instant feedback. " * 3


def test_heights_match_qlabel_and_follow_text_and_font_changes(qtbot):
    from PySide6.QtWidgets import QLabel

    ours, plain = WrappedLabel(TEXT), QLabel(TEXT)
    plain.setWordWrap(True)
    for w in (ours, plain):
        qtbot.addWidget(w)
    assert ours.wordWrap() and ours.hasHeightForWidth()
    for width in (120, 300, 800, 300):
        assert ours.heightForWidth(width) == plain.heightForWidth(width)
    narrow = ours.heightForWidth(300)
    ours.setText("short")
    plain.setText("short")
    assert ours.heightForWidth(300) == plain.heightForWidth(300) < narrow
    font = ours.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    ours.setFont(font)
    plain.setFont(font)
    assert ours.heightForWidth(300) == plain.heightForWidth(300)


def test_size_hints_are_one_line_and_a_narrow_minimum(qtbot):
    label = WrappedLabel(TEXT)
    qtbot.addWidget(label)
    line = label.fontMetrics().height()
    assert label.sizeHint().height() == label.minimumSizeHint().height() == line
    assert label.minimumSizeHint().width() < label.sizeHint().width()
    assert label.sizeHint().width() < label.fontMetrics().horizontalAdvance(TEXT)


def test_heights_follow_every_way_the_text_or_its_box_changes(qtbot):
    from PySide6.QtWidgets import QLabel

    ours, plain = WrappedLabel(TEXT), QLabel(TEXT)
    plain.setWordWrap(True)
    for w in (ours, plain):
        qtbot.addWidget(w)
        w.heightForWidth(300)  # cached now
    for change in (
        lambda w: w.setMargin(20),
        lambda w: w.setIndent(30),
        lambda w: w.setNum(5),
        lambda w: w.clear(),
        lambda w: w.setProperty("text", TEXT + TEXT),
        lambda w: w.setStyleSheet("QLabel { padding: 12px; }"),
        lambda w: w.setStyleSheet("QLabel { font-size: 30px; }"),
        lambda w: w.setStyleSheet("QLabel { border: 9px solid red; }"),
    ):
        for w in (ours, plain):
            change(w)
            w.ensurePolished()  # a style sheet sets fonts and margins when the widget polishes
        assert ours.heightForWidth(300) == plain.heightForWidth(300)


def test_heights_follow_a_font_inherited_from_the_parent(qtbot):
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    label = WrappedLabel(TEXT, parent)
    QVBoxLayout(parent).addWidget(label)
    before = label.heightForWidth(300)
    font = parent.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    parent.setFont(font)
    assert label.heightForWidth(300) > before


@pytest.mark.parametrize("side", ["left", "right", "top", "bottom"])
def test_heights_follow_padding_on_one_side(qtbot, side):
    """Each side of the contents margins counts on its own (the others unchanged)."""
    from PySide6.QtWidgets import QLabel

    ours, plain = WrappedLabel(TEXT), QLabel(TEXT)
    plain.setWordWrap(True)
    for w in (ours, plain):
        qtbot.addWidget(w)
        w.setStyleSheet("QLabel { padding: 4px; }")
        w.heightForWidth(300)  # cached now
        w.setStyleSheet(f"QLabel {{ padding: 4px; padding-{side}: 90px; }}")
        w.ensurePolished()  # as a layout does before asking: the style sheet sets the margins
    assert ours.heightForWidth(300) == plain.heightForWidth(300)
