"""The practice screen: answer, check, see at once why — then grade how well you knew it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mlcert_desktop.core.models import ItemType
from mlcert_desktop.core.session import SessionItem
from mlcert_desktop.core.study import Grade
from mlcert_desktop.storage.study_repo import CheckedItem
from mlcert_desktop.ui.markdown import to_html
from mlcert_desktop.ui.practice_controller import PracticeController
from mlcert_desktop.ui.screens.results import answer_html
from mlcert_desktop.ui.widgets.choice_list import LETTERS, ChoiceList
from mlcert_desktop.ui.widgets.timer_label import TimerLabel

GRADE_HELP = {
    Grade.AGAIN: "I did not know it: show it again soon",
    Grade.HARD: "I knew it, with effort",
    Grade.GOOD: "I knew it",
    Grade.EASY: "Too easy: show it much later",
}


def feedback_html(item: SessionItem, checked: CheckedItem) -> str:
    """What the learner sees right after checking: verdict, key, why each option is or is not
    right, the explanation and the references. Pack text goes through the escaping subset."""
    q = item.question
    letters = {cid: LETTERS[i] for i, cid in enumerate(item.choice_order)}
    key = " and ".join(letters[c.id] for c in item.ordered_choices() if c.correct)
    if checked.correct:
        head = f"<span style='color:#1d7a3a'>✔ Correct.</span> The answer is {key}."
    else:
        head = f"<span style='color:#b3261e'>✘ Not quite.</span> The answer is {key}."
    head = f"<p style='font-size:13pt; font-weight:600'>{head}</p>"
    return head + answer_html(q, item.ordered_choices(), item.selected)


class PracticeScreen(QWidget):
    pauseRequested = Signal()
    finishRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("examScreen")
        self.controller: PracticeController | None = None

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
        self._banner_timer = QTimer(self, singleShot=True, interval=6000)
        self._banner_timer.timeout.connect(self.banner.hide)

        self.flag_box = QCheckBox("Flag this question", objectName="flagBox")
        self.flag_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.flag_box.clicked.connect(lambda on: self.controller.set_flag(on))
        self.stem = QLabel(objectName="stem")
        self.stem.setTextFormat(Qt.TextFormat.RichText)  # from our escaping subset only
        self.stem.setWordWrap(True)
        self.stem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = QLabel(objectName="muted")
        self.choices = ChoiceList()
        self.choices.choiceClicked.connect(lambda cid: self.controller.toggle(cid))
        self.check_btn = self._button("Check answer (Enter)", self.check_or_next, "primary")
        check_row = QHBoxLayout()
        check_row.addWidget(self.check_btn)
        check_row.addStretch(1)

        self.feedback = QLabel(objectName="feedback")
        self.feedback.setTextFormat(Qt.TextFormat.RichText)
        self.feedback.setWordWrap(True)
        self.feedback.setOpenExternalLinks(False)
        self.feedback.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        self.feedback.linkActivated.connect(_open_link)
        self.grade_box = QFrame(objectName="gradeBox")
        g = QHBoxLayout(self.grade_box)
        g.setContentsMargins(0, 0, 0, 0)
        self.grade_text = QLabel(objectName="muted")
        self.grade_text.setWordWrap(True)
        g.addWidget(QLabel("How well did you know it?"))
        self.grade_group = QButtonGroup(self)
        self.grade_buttons: dict[Grade, QPushButton] = {}
        for grade in Grade:
            b = QPushButton(f"{grade.label} (Ctrl+{int(grade)})")
            b.setCheckable(True)
            b.setToolTip(GRADE_HELP[grade])
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(lambda _=False, gr=grade: self.controller.regrade(gr))
            self.grade_group.addButton(b)
            self.grade_buttons[grade] = b
            g.addWidget(b)
        g.addWidget(self.grade_text, 1)

        body = QWidget(objectName="questionBody")
        body_l = QVBoxLayout(body)
        body_l.setContentsMargins(32, 20, 32, 20)
        body_l.setSpacing(14)
        for w in (self.flag_box, self.stem, self.hint, self.choices):
            body_l.addWidget(w)
        body_l.addLayout(check_row)
        body_l.addWidget(self.feedback)
        body_l.addWidget(self.grade_box)
        body_l.addStretch(1)
        self.scroll = QScrollArea(objectName="questionScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(body)

        bottom = QFrame(objectName="bottomBar")
        bot_l = QHBoxLayout(bottom)
        bot_l.setContentsMargins(20, 10, 20, 10)
        self.pause_btn = self._button("Pause (Esc)", self.pauseRequested.emit, "secondary")
        self.finish_btn = self._button("Finish practice", self.finishRequested.emit, "")
        self.prev_btn = self._button("◀ Previous", lambda: self.controller.previous(), "")
        self.next_btn = self._button("Next ▶", self._next, "")
        bot_l.addWidget(self.pause_btn)
        bot_l.addWidget(self.finish_btn)
        bot_l.addStretch(1)
        bot_l.addWidget(self.prev_btn)
        bot_l.addWidget(self.next_btn)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.scroll, 1)
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
        for grade in Grade:
            add([f"Ctrl+{int(grade)}"], lambda gr=grade: self._regrade_key(gr))
        add(["Return", "Enter", "Space"], self.check_or_next)
        add(["N", "Right"], self._next)
        add(["P", "Left"], lambda: self.controller.previous())
        add(["F"], lambda: self.controller.toggle_flag())
        add(["T"], self.timer.toggle_hidden)
        add(["Escape"], self.pauseRequested.emit)

    # -- wiring --------------------------------------------------------------------------------
    def attach(self, controller: PracticeController) -> None:
        self.controller = c = controller
        self.title.setText(c.blueprint.title)
        c.questionChanged.connect(self._show_question)
        c.answerChanged.connect(self._on_answer)
        c.flagChanged.connect(lambda _p: self.flag_box.setChecked(c.session.current.flagged))
        c.checked.connect(self._on_checked)
        c.tick.connect(lambda: self.timer.set_remaining(c.session.remaining))
        c.timeWarning.connect(lambda m: self.show_banner(f"{m} minutes remaining."))
        c.selectionRefused.connect(self.show_banner)

    def check_or_next(self) -> None:
        c = self.controller
        if c.is_checked():
            self._next()
        else:
            c.check()

    def _next(self) -> None:
        if not self.controller.next():
            self.show_banner(
                "That was the last question. Press “Finish practice” to see your summary."
            )

    def _regrade_key(self, grade: Grade) -> None:
        if self.controller.is_checked():
            self.controller.regrade(grade)

    def _show_question(self, position: int) -> None:
        s = self.controller.session
        item = s.items[position]
        q = item.question
        self.stem.setText(to_html(q.stem))
        self.choices.set_choices(item.ordered_choices(), q.type is ItemType.MULTIPLE, item.selected)
        self.flag_box.setChecked(item.flagged)
        self.prev_btn.setEnabled(position > 0)
        self.next_btn.setEnabled(position + 1 < len(s))
        self._update_hint()
        self._render_checked()
        self.scroll.verticalScrollBar().setValue(0)
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
        if position == self.controller.session.position:
            self.choices.set_selected(self.controller.session.current.selected)
            self._update_hint()

    def _on_checked(self, position: int) -> None:
        if position == self.controller.session.position:
            self._render_checked()
            # Bring the verdict into view once the layout has room for it.
            QTimer.singleShot(0, lambda: self.scroll.ensureWidgetVisible(self.feedback, 0, 120))

    def _render_checked(self) -> None:
        c = self.controller
        s = c.session
        pos = s.position
        done = c.checked_items.get(pos)
        score = f" · {c.right_count} of {c.checked_count} right" if c.checked_count else ""
        self.counter.setText(f"Question {pos + 1} of {len(s)}{score}")
        self.choices.setEnabled(done is None)
        self.check_btn.setText("Check answer (Enter)" if done is None else "Next question (Enter)")
        self.check_btn.setEnabled(done is None or pos + 1 < len(s))
        self.feedback.setVisible(done is not None)
        self.grade_box.setVisible(done is not None and done.log_id is not None)
        if done is None:
            return
        self.feedback.setText(feedback_html(s.current, done))
        for grade, b in self.grade_buttons.items():
            b.setChecked(grade is done.grade)
        auto = " (chosen from your answer and time)" if done.grade is done.auto_grade else ""
        now = dt.datetime.now(dt.timezone.utc)
        due = next_review_text(c.next_due(), now)
        self.grade_text.setText(
            f"{done.grade.label}{auto} · {int(done.time_spent_s)} s" + (f" · {due}" if due else "")
        )

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()
        self._banner_timer.start()


def _open_link(url: str) -> None:
    if url.startswith("https://"):
        QDesktopServices.openUrl(QUrl(url))


def next_review_text(due: dt.datetime | None, now: dt.datetime) -> str:
    if due is None:
        return ""
    delta = due - now
    if delta < dt.timedelta(hours=1):
        return f"next review in {max(1, round(delta.total_seconds() / 60))} min"
    if delta < dt.timedelta(days=1):
        return f"next review in {round(delta.total_seconds() / 3600)} h"
    return f"next review in {delta.days} days"
