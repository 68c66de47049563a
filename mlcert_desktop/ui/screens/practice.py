"""The practice screen: answer, check, see at once why — then grade how well you knew it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QButtonGroup, QFrame, QHBoxLayout, QLabel, QPushButton

from mlcert_desktop.core.session import SessionItem
from mlcert_desktop.core.study import Grade
from mlcert_desktop.storage.study_repo import CheckedItem
from mlcert_desktop.ui.practice_controller import PracticeController
from mlcert_desktop.ui.screens.question_screen import QuestionScreen
from mlcert_desktop.ui.screens.results import answer_html
from mlcert_desktop.ui.widgets.choice_list import LETTERS

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


class PracticeScreen(QuestionScreen):
    pauseRequested = Signal()
    finishRequested = Signal()
    BANNER_MS = 6000
    SHORTCUTS = [
        ("1 – 6  or  A – E", "Choose / un-choose option 1–6 (A–E)"),
        ("Enter  or  Space", "Check the answer; once checked, next question"),
        ("N  or  →", "Next question"),
        ("P  or  ←", "Previous question"),
        ("F", "Flag / unflag the question"),
        ("Ctrl+1 … Ctrl+4", "Grade a checked answer: Again, Hard, Good, Easy"),
        ("T", "Hide / show the time"),
        ("Esc", "Pause (resume later from the home screen)"),
        ("F1  or  ?", "This help"),
    ]
    HELP_NOTE = (
        "Each checked answer is saved and schedules the question's next review. Pause at "
        "any time: Resume practice on the home screen brings you back to this question."
    )

    def __init__(self, parent=None) -> None:
        super().__init__("Flag this question", parent)
        self.controller: PracticeController | None = None
        self.check_btn = self.button("Check answer (Enter)", self.check_or_next, "primary")
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
            b = self.button(
                f"{grade.label} (Ctrl+{int(grade)})",
                lambda _=False, gr=grade: self.controller.regrade(gr),
                "grade",
            )
            b.setCheckable(True)
            b.setToolTip(GRADE_HELP[grade])
            self.grade_group.addButton(b)
            self.grade_buttons[grade] = b
            g.addWidget(b)
        g.addWidget(self.grade_text, 1)
        self.body_layout.addLayout(check_row)
        self.body_layout.addWidget(self.feedback)
        self.body_layout.addWidget(self.grade_box)
        self.body_layout.addStretch(1)

        self.help_btn = self.button("Help (F1)", self.show_help, "secondary")
        self.pause_btn = self.button("Pause (Esc)", self.pauseRequested.emit, "secondary")
        self.finish_btn = self.button("Finish practice", self.finishRequested.emit)
        self.prev_btn = self.button("◀ Previous", lambda: self.controller.previous())
        self.next_btn = self.button("Next ▶", self._next)
        bar = self.bottom_layout
        bar.addWidget(self.help_btn)
        bar.addWidget(self.pause_btn)
        bar.addWidget(self.finish_btn)
        bar.addStretch(1)
        bar.addWidget(self.prev_btn)
        bar.addWidget(self.next_btn)

        for grade in Grade:
            self.add_shortcut([f"Ctrl+{int(grade)}"], lambda gr=grade: self._regrade_key(gr))
        self.add_shortcut(["Return", "Enter", "Space"], self.check_or_next)
        self.add_shortcut(["Escape"], self.pauseRequested.emit)

    # -- wiring --------------------------------------------------------------------------------
    def attach(self, controller: PracticeController) -> None:
        super().attach(controller)
        controller.checked.connect(self._on_checked)

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
        super()._show_question(position)
        self.next_btn.setEnabled(position + 1 < len(self.controller.session))
        self._render_checked()
        self.scroll.verticalScrollBar().setValue(0)

    def _on_checked(self, position: int) -> None:
        if position == self.controller.session.position:
            self._render_checked()
            # Bring the verdict into view once the layout has room for it.
            QTimer.singleShot(
                0, self, lambda: self.scroll.ensureWidgetVisible(self.feedback, 0, 120)
            )

    def _render_checked(self) -> None:
        c = self.controller
        s = c.session
        pos = s.position
        done = c.checked_items.get(pos)
        score = f" · {c.right_count} of {c.checked_count} right" if c.checked_count else ""
        self.counter.setText(f"Question {pos + 1} of {len(s)}{score}")
        self.choices.setEnabled(done is None)
        item = s.current
        self.choices.set_verdicts(
            {}
            if done is None
            else {
                ch.id: "right" if ch.correct else "wrong"
                for ch in item.question.choices
                if ch.correct or ch.id in item.selected
            }
        )
        self.check_btn.setText("Check answer (Enter)" if done is None else "Next question (Enter)")
        self.check_btn.setEnabled(done is None or pos + 1 < len(s))
        self.feedback.setVisible(done is not None)
        self.grade_box.setVisible(done is not None and done.log_id is not None)
        if done is None:
            return
        self.feedback.setText(feedback_html(s.current, done))
        for grade, b in self.grade_buttons.items():
            b.setChecked(grade is done.grade)
            b.setEnabled(done.regradable)
        if not done.regradable:
            self.grade_text.setText(
                "You answered this question again since (in an exam or another session): "
                "its next review follows that later answer."
            )
            return
        auto = " (chosen from your answer and time)" if done.grade is done.auto_grade else ""
        now = dt.datetime.now(dt.timezone.utc)
        due = next_review_text(c.next_due(), now)
        self.grade_text.setText(
            f"{done.grade.label}{auto} · {int(done.time_spent_s)} s" + (f" · {due}" if due else "")
        )


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
