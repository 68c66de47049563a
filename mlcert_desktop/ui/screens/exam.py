"""The exam screen: one question at a time, as in the proctored exam."""

from __future__ import annotations

from PySide6.QtCore import Signal

from mlcert_desktop.ui.exam_controller import ExamController
from mlcert_desktop.ui.screens.question_screen import QuestionScreen
from mlcert_desktop.ui.widgets.navigator import Navigator

EXAM_SHORTCUTS = [
    ("1 – 6  or  A – E", "Choose / un-choose option 1–6 (A–E)"),
    ("N  or  →", "Next question"),
    ("P  or  ←", "Previous question"),
    ("F", "Flag / unflag for review"),
    ("R", "Review screen"),
    ("G", "Show / hide the question navigator"),
    ("T", "Hide / show the time remaining"),
    ("F1  or  ?", "This help"),
]


class ExamScreen(QuestionScreen):
    reviewRequested = Signal()
    SHORTCUTS = EXAM_SHORTCUTS
    HELP_NOTE = (
        "Your answers are saved as you give them. If the app closes, start it again "
        "to resume this exam with the time that was left."
    )

    def __init__(self, parent=None) -> None:
        super().__init__("Flag for review", parent)
        self._from_review = False
        self.navigator = Navigator()
        self.navigator.setFixedWidth(280)
        self.navigator.jump.connect(lambda i: self.controller.go_to(i))
        self.middle.addWidget(self.navigator)
        self.body_layout.addStretch(1)

        self.help_btn = self.button("Help (F1)", self.show_help, "secondary")
        self.nav_btn = self.button("Navigator (G)", self.toggle_navigator, "secondary")
        self.back_to_review = self.button("Return to review", self.reviewRequested.emit)
        self.prev_btn = self.button("◀ Previous", lambda: self.controller.previous())
        self.next_btn = self.button("Next ▶", self._next, "primary")
        self.review_btn = self.button("Review (R)", self.reviewRequested.emit)
        bar = self.bottom_layout
        bar.addWidget(self.help_btn)
        bar.addWidget(self.nav_btn)
        bar.addStretch(1)
        for b in (self.back_to_review, self.prev_btn, self.next_btn, self.review_btn):
            bar.addWidget(b)

        self.add_shortcut(["R"], self.reviewRequested.emit)
        self.add_shortcut(["G"], self.toggle_navigator)

    # -- wiring --------------------------------------------------------------------------------
    def attach(self, controller: ExamController) -> None:
        super().attach(controller)
        self.navigator.set_session(controller.session)
        if controller.notice:
            self.show_banner(controller.notice)

    def set_from_review(self, from_review: bool) -> None:
        self._from_review = from_review
        self.back_to_review.setVisible(from_review)

    def _next(self) -> None:
        if not self.controller.next():
            self.reviewRequested.emit()  # after the last question comes the review screen

    def _show_question(self, position: int) -> None:
        s = self.controller.session
        self.next_btn.setText("Next ▶" if position + 1 < len(s) else "Review ▶")
        super()._show_question(position)
        self.navigator.refresh(s)

    def _on_answer(self, position: int) -> None:
        super()._on_answer(position)
        self.navigator.refresh(self.controller.session)

    def _on_flag(self, position: int) -> None:
        super()._on_flag(position)
        self.navigator.refresh(self.controller.session)

    def toggle_navigator(self) -> None:
        self.navigator.setVisible(not self.navigator.isVisible())
