"""The exam screen: one question at a time, as in the proctored exam."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mlcert_desktop.core.models import ItemType
from mlcert_desktop.ui.exam_controller import ExamController
from mlcert_desktop.ui.markdown import to_html
from mlcert_desktop.ui.widgets.choice_list import ChoiceList
from mlcert_desktop.ui.widgets.navigator import Navigator
from mlcert_desktop.ui.widgets.timer_label import TimerLabel

SHORTCUTS_HELP = [
    ("1 – 6  or  A – E", "Choose / un-choose option 1–6 (A–E)"),
    ("N  or  →", "Next question"),
    ("P  or  ←", "Previous question"),
    ("F", "Flag / unflag for review"),
    ("R", "Review screen"),
    ("G", "Show / hide the question navigator"),
    ("T", "Hide / show the time remaining"),
    ("F1  or  ?", "This help"),
]


def shortcuts_html() -> str:
    rows = "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in SHORTCUTS_HELP)
    return f"<table cellspacing='6'>{rows}</table>"


class ExamScreen(QWidget):
    reviewRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("examScreen")
        self.controller: ExamController | None = None
        self._from_review = False

        # Top bar: title, position, time.
        top = QFrame(objectName="topBar")
        top_l = QHBoxLayout(top)
        top_l.setContentsMargins(20, 10, 20, 10)
        self.title = QLabel(objectName="examTitle")
        self.counter = QLabel(objectName="questionCounter")
        self.timer = TimerLabel()
        top_l.addWidget(self.title, 1)
        top_l.addWidget(self.counter, 0, Qt.AlignmentFlag.AlignCenter)
        top_l.addWidget(self.timer, 1, Qt.AlignmentFlag.AlignRight)

        self.banner = QLabel(objectName="banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self._banner_timer = QTimer(self, singleShot=True, interval=8000)
        self._banner_timer.timeout.connect(self.banner.hide)

        # Question body.
        self.flag_box = QCheckBox("Flag for review", objectName="flagBox")
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
        body_l = QVBoxLayout(body)
        body_l.setContentsMargins(32, 20, 32, 20)
        body_l.setSpacing(14)
        body_l.addWidget(self.flag_box)
        body_l.addWidget(self.stem)
        body_l.addWidget(self.hint)
        body_l.addWidget(self.choices)
        body_l.addStretch(1)
        scroll = QScrollArea(objectName="questionScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.navigator = Navigator()
        self.navigator.setFixedWidth(280)
        self.navigator.jump.connect(lambda i: self.controller.go_to(i))
        middle = QHBoxLayout()
        middle.setContentsMargins(0, 0, 0, 0)
        middle.addWidget(scroll, 1)
        middle.addWidget(self.navigator)

        # Bottom bar.
        bottom = QFrame(objectName="bottomBar")
        bot_l = QHBoxLayout(bottom)
        bot_l.setContentsMargins(20, 10, 20, 10)
        self.help_btn = self._button("Help (F1)", self.show_help, "secondary")
        self.nav_btn = self._button("Navigator (G)", self.toggle_navigator, "secondary")
        self.back_to_review = self._button("Return to review", self.reviewRequested.emit, "")
        self.prev_btn = self._button("◀ Previous", lambda: self.controller.previous(), "")
        self.next_btn = self._button("Next ▶", self._next, "primary")
        self.review_btn = self._button("Review (R)", self.reviewRequested.emit, "")
        bot_l.addWidget(self.help_btn)
        bot_l.addWidget(self.nav_btn)
        bot_l.addStretch(1)
        bot_l.addWidget(self.back_to_review)
        bot_l.addWidget(self.prev_btn)
        bot_l.addWidget(self.next_btn)
        bot_l.addWidget(self.review_btn)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addWidget(self.banner)
        layout.addLayout(middle, 1)
        layout.addWidget(bottom)
        self._shortcuts()

    def _button(self, text: str, slot, role: str) -> QPushButton:
        b = QPushButton(text)
        b.setProperty("role", role)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        b.clicked.connect(slot)
        return b

    def _shortcuts(self) -> None:
        def add(keys, slot):
            for k in keys:
                sc = QShortcut(QKeySequence(k), self)
                sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                sc.activated.connect(slot)

        for i in range(6):
            keys = [str(i + 1)] + (["ABCDE"[i]] if i < 5 else [])
            add(keys, lambda i=i: self.controller.choose_index(i))
        add(["N", "Right"], self._next)
        add(["P", "Left"], lambda: self.controller.previous())
        add(["F"], lambda: self.controller.toggle_flag())
        add(["R"], self.reviewRequested.emit)
        add(["G"], self.toggle_navigator)
        add(["T"], self.timer.toggle_hidden)
        add(["F1", "?", "Shift+?"], self.show_help)

    # -- wiring --------------------------------------------------------------------------------
    def attach(self, controller: ExamController) -> None:
        self.controller = controller
        c = controller
        self.title.setText(c.blueprint.title)
        self.navigator.set_session(c.session)
        c.questionChanged.connect(self._show_question)
        c.answerChanged.connect(self._on_answer)
        c.flagChanged.connect(self._on_flag)
        c.tick.connect(self._on_tick)
        c.timeWarning.connect(self._on_warning)
        c.selectionRefused.connect(self.show_banner)
        if c.notice:
            self.show_banner(c.notice)

    def set_from_review(self, from_review: bool) -> None:
        self._from_review = from_review
        self.back_to_review.setVisible(from_review)

    def _next(self) -> None:
        if not self.controller.next():
            self.reviewRequested.emit()  # after the last question comes the review screen

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
        self.next_btn.setText("Next ▶" if position + 1 < len(s) else "Review ▶")
        self._update_hint()
        self.navigator.refresh(s)
        self.setFocus()

    def _update_hint(self) -> None:
        item = self.controller.session.current
        if item.question.type is ItemType.MULTIPLE:
            self.hint.setText(
                f"Select {item.question.select} answers — selected {len(item.selected)}"
                f" of {item.question.select}."
            )
            self.hint.show()
        else:
            self.hint.hide()

    def _on_answer(self, position: int) -> None:
        s = self.controller.session
        if position == s.position:
            self.choices.set_selected(s.current.selected)
            self._update_hint()
        self.navigator.refresh(s)

    def _on_flag(self, position: int) -> None:
        s = self.controller.session
        if position == s.position:
            self.flag_box.setChecked(s.current.flagged)
        self.navigator.refresh(s)

    def _on_tick(self) -> None:
        self.timer.set_remaining(self.controller.session.remaining)

    def _on_warning(self, minutes: int) -> None:
        self.show_banner(f"{minutes} minutes remaining.")

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()
        self._banner_timer.start()

    def toggle_navigator(self) -> None:
        self.navigator.setVisible(not self.navigator.isVisible())

    def show_help(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("Keyboard shortcuts")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(shortcuts_html())
        box.setInformativeText(
            "Your answers are saved as you give them. If the app closes, start it again "
            "to resume this exam with the time that was left."
        )
        box.open()
