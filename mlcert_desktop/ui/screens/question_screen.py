"""What the exam and practice screens share: one question at a time, as in the real exam.

The dark top bar (title, "Question n of N", the clock), a banner for short messages, the
question (flag, stem, the multiple-response hint, the options) in a scroll area, a bottom bar,
and the keys both screens answer to. Each screen adds its own buttons and panels.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mlcert_desktop.core.models import ItemType
from mlcert_desktop.core.session import SessionItem
from mlcert_desktop.ui.exam_controller import ExamController
from mlcert_desktop.ui.markdown import to_html
from mlcert_desktop.ui.widgets.choice_list import ChoiceList
from mlcert_desktop.ui.widgets.page import scroll_area
from mlcert_desktop.ui.widgets.timer_label import TimerLabel


def selection_hint(item: SessionItem) -> str | None:
    """'Select 2 answers — selected 1 of 2.' for multiple response; None for single."""
    q = item.question
    if q.type is not ItemType.MULTIPLE:
        return None
    return f"Select {q.select} answers — selected {len(item.selected)} of {q.select}."


def shortcuts_html(shortcuts) -> str:
    rows = "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in shortcuts)
    return f"<table cellspacing='6'>{rows}</table>"


class QuestionScreen(QWidget):
    BANNER_MS = 8000
    SHORTCUTS: list[tuple[str, str]] = []  # (keys, what they do) for the F1 help
    HELP_NOTE = ""

    def __init__(self, flag_text: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("examScreen")
        self.controller: ExamController | None = None

        top = QFrame(objectName="topBar")
        top_l = QHBoxLayout(top)
        top_l.setContentsMargins(20, 10, 20, 10)
        top_l.setSpacing(24)  # a long exam title must not run into "Question n of N"
        self.title = QLabel(objectName="examTitle")
        self.counter = QLabel(objectName="questionCounter")
        self.timer = TimerLabel()
        top_l.addWidget(self.title, 1)
        top_l.addWidget(self.counter, 0, Qt.AlignmentFlag.AlignCenter)
        top_l.addWidget(self.timer, 1, Qt.AlignmentFlag.AlignRight)

        self.banner = QLabel(objectName="banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self._banner_timer = QTimer(self, singleShot=True, interval=self.BANNER_MS)
        self._banner_timer.timeout.connect(self.banner.hide)

        self.flag_box = QCheckBox(flag_text, objectName="flagBox")
        self.flag_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.flag_box.clicked.connect(lambda checked: self.controller.set_flag(checked))
        self.stem = QLabel(objectName="stem")
        self.stem.setTextFormat(Qt.TextFormat.RichText)  # from our escaping subset only
        self.stem.setWordWrap(True)
        self.stem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = QLabel(objectName="muted")
        self.choices = ChoiceList()
        self.choices.choiceClicked.connect(lambda cid: self.controller.toggle(cid))
        body = QWidget(objectName="questionBody")
        self.body_layout = QVBoxLayout(body)
        self.body_layout.setContentsMargins(32, 20, 32, 20)
        self.body_layout.setSpacing(14)
        for w in (self.flag_box, self.stem, self.hint, self.choices):
            self.body_layout.addWidget(w)
        self.scroll = scroll_area(body, "questionScroll")
        self.middle = QHBoxLayout()
        self.middle.setContentsMargins(0, 0, 0, 0)
        self.middle.addWidget(self.scroll, 1)

        bottom = QFrame(objectName="bottomBar")
        self.bottom_layout = QHBoxLayout(bottom)
        self.bottom_layout.setContentsMargins(20, 10, 20, 10)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addWidget(self.banner)
        layout.addLayout(self.middle, 1)
        layout.addWidget(bottom)

        for i in range(6):
            keys = [str(i + 1)] + (["ABCDE"[i]] if i < 5 else [])
            self.add_shortcut(keys, lambda i=i: self.controller.choose_index(i))
        self.add_shortcut(["N", "Right"], self._next)
        self.add_shortcut(["P", "Left"], lambda: self.controller.previous())
        self.add_shortcut(["F"], lambda: self.controller.toggle_flag())
        self.add_shortcut(["T"], self.timer.toggle_hidden)
        self.add_shortcut(["F1", "?", "Shift+?"], self.show_help)

    # -- building blocks for the screens ---------------------------------------------------------
    def button(self, text: str, slot, role: str = "") -> QPushButton:
        """A bottom-bar style button that never takes the keyboard focus from the question."""
        b = QPushButton(text)
        b.setProperty("role", role)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        b.clicked.connect(slot)
        return b

    def add_shortcut(self, keys, slot) -> None:
        for k in keys:
            sc = QShortcut(QKeySequence(k), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)

    def _next(self) -> None:
        raise NotImplementedError

    # -- wiring --------------------------------------------------------------------------------
    def attach(self, controller: ExamController) -> None:
        self.controller = c = controller
        self.title.setText(c.blueprint.title)
        c.questionChanged.connect(self._show_question)
        c.answerChanged.connect(self._on_answer)
        c.flagChanged.connect(self._on_flag)
        c.tick.connect(lambda: self.timer.set_remaining(c.session.remaining))
        c.timeWarning.connect(lambda m: self.show_banner(f"{m} minutes remaining."))
        c.selectionRefused.connect(self.show_banner)

    def _show_question(self, position: int) -> None:
        s = self.controller.session
        item = s.items[position]
        q = item.question
        self.counter.setText(f"Question {position + 1} of {len(s)}")
        self.stem.setText(to_html(q.stem))
        multiple = q.type is ItemType.MULTIPLE
        self.choices.set_choices(item.ordered_choices(), multiple, item.selected)
        self.flag_box.setChecked(item.flagged)
        self.prev_btn.setEnabled(position > 0)
        self._update_hint()
        self.setFocus()

    def _update_hint(self) -> None:
        text = selection_hint(self.controller.session.current)
        self.hint.setVisible(text is not None)
        if text is not None:
            self.hint.setText(text)

    def _on_answer(self, position: int) -> None:
        s = self.controller.session
        if position == s.position:
            self.choices.set_selected(s.current.selected)
            self._update_hint()

    def _on_flag(self, position: int) -> None:
        s = self.controller.session
        if position == s.position:
            self.flag_box.setChecked(s.current.flagged)

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()
        self._banner_timer.start()

    def show_help(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self)
        box.setWindowTitle("Keyboard shortcuts")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(shortcuts_html(self.SHORTCUTS))
        box.setInformativeText(self.HELP_NOTE)
        box.open()
