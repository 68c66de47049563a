"""Home: installed packs, start an exam, resume an unfinished one."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mlcert_desktop.core.models import ExamBlueprint, PackInfo
from mlcert_desktop.core.study import DRILL_SIZE, Drill
from mlcert_desktop.storage import attempts_repo, packs_repo, study_repo
from mlcert_desktop.ui.context import AppContext
from mlcert_desktop.ui.formatting import format_seconds
from mlcert_desktop.ui.widgets.page import scroll_area
from mlcert_desktop.ui.widgets.wrapped_label import WrappedLabel


def _escape(text: str) -> str:
    """html.escape without importing html (and its entity tables) at start-up."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


class PackCard(QFrame):
    startRequested = Signal(object, object)  # PackInfo, ExamBlueprint | None (None: custom)
    studyRequested = Signal(object, str)  # PackInfo, "practice" | "browse" | "progress" | Drill

    def __init__(self, pack: PackInfo, counts: study_repo.DrillCounts, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("packCard")
        bp = pack.blueprint
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        title_row = QHBoxLayout()
        title = QLabel(pack.title, objectName="packTitle")
        title.setWordWrap(True)
        title_row.addWidget(title, 1)
        if pack.retired:
            badge = QLabel(f"RETIRED {pack.retired_on or ''}".strip(), objectName="retiredBadge")
            # At the top of the row, at its own height, as Qt.AlignmentFlag.AlignTop would
            # place it (the Qt namespace's enums cost PySide about 15 ms to create at start).
            top = QVBoxLayout()
            top.addWidget(badge)
            top.addStretch(1)
            title_row.addLayout(top)
        layout.addLayout(title_row)
        facts = WrappedLabel(
            f"{pack.exam_code} · {bp.question_count} questions · {bp.duration_minutes} minutes · "
            f"passing score {bp.passing_score} of {bp.score_scale[1]} · "
            f"{pack.question_count} questions in this pack (v{pack.version})",
            objectName="muted",
        )
        layout.addWidget(facts)
        if pack.retired:
            text = (
                f"AWS retired this exam on {pack.retired_on}."
                if pack.retired_on
                else ("AWS has retired this exam.")
            )
            if pack.successor:
                text += f" Its successor is {pack.successor}."
            text += " The content is still useful for study."
            note = WrappedLabel(text, objectName="retiredNote")
            layout.addWidget(note)
        buttons = QHBoxLayout()
        full = QPushButton("Start full exam")
        full.setProperty("role", "primary")
        full.clicked.connect(lambda: self.startRequested.emit(pack, bp))
        buttons.addWidget(full)
        for pe in pack.practice_exams:
            b = QPushButton(pe.title)
            pe_bp = bp._replace(
                title=f"{pack.exam_code} {pe.title}",
                question_ids=pe.question_ids,
                question_count=len(pe.question_ids),
            )
            b.clicked.connect(lambda _=False, x=pe_bp: self.startRequested.emit(pack, x))
            buttons.addWidget(b)
        custom = QPushButton("Custom exam…")
        custom.clicked.connect(lambda: self.startRequested.emit(pack, None))
        buttons.addWidget(custom)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addLayout(self._study_row(pack, counts))

    def _study_row(self, pack: PackInfo, counts: study_repo.DrillCounts) -> QGridLayout:
        """Study: practice, due reviews, the drills with their sizes, the browser, progress."""
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.addWidget(QLabel("Study:", objectName="sectionTitle"), 0, 0)
        grid.addWidget(QLabel("Drills:", objectName="sectionTitle"), 1, 0)
        rows = [QHBoxLayout(), QHBoxLayout()]
        for r, row in enumerate(rows):
            grid.addLayout(row, r, 1)
            row.setSpacing(8)

        def add(row: int, text: str, what: str, tip: str, on=True, role: str = "") -> None:
            b = QPushButton(text)
            b.setToolTip(tip)
            b.setEnabled(on)
            b.setProperty("role", role)
            b.clicked.connect(lambda: self.studyRequested.emit(pack, what))
            rows[row].addWidget(b)

        due = counts.due
        add(
            0,
            f"Due today ({due})",
            Drill.DUE.value,
            "Spaced-repetition reviews due today (a wrong answer comes back after ten minutes)",
            due > 0,
            "primary" if due else "",
        )
        add(0, "Practice…", "practice", "Practice with immediate feedback and explanations")
        add(0, "Browse questions", "browse", "Search and filter every question")
        add(0, "Progress", "progress", "Charts, readiness estimate and study streak")
        for drill, label, tip, n in (
            (Drill.MISSED, "Missed", "Answered wrong, and not answered right since", counts.missed),
            (
                Drill.FLAGGED,
                "Flagged",
                "Questions you flagged, in exams or practice",
                counts.flagged,
            ),
            (Drill.UNSEEN, "Never seen", "Questions you have never answered", counts.unseen),
        ):
            add(1, f"{label} ({n})", drill.value, f"{tip}; up to {DRILL_SIZE} a session", n > 0)
        add(
            1,
            Drill.WEAKEST.title,
            Drill.WEAKEST.value,
            f"Your lowest-accuracy domain; up to {DRILL_SIZE} questions a session",
            counts.total > 0,
        )
        for row in rows:
            row.addStretch(1)
        return grid


class ResumeBanner(QFrame):
    """ "You have an unfinished exam …" with Resume and Discard."""

    resume = Signal(int)
    discard = Signal(int)

    def __init__(self, mode: str, parent=None) -> None:
        super().__init__(parent, objectName="resumeBanner")
        self.mode = mode
        self.attempt_id = 0
        self.hide()  # most starts have nothing to resume: the contents are built when needed

    def _build(self) -> None:
        row = QHBoxLayout(self)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        what = "Resume exam" if self.mode == "exam" else "Resume practice"
        self.resume_btn = QPushButton(what, self)
        self.resume_btn.setProperty("role", "primary")
        self.discard_btn = QPushButton("Discard", self)
        row.addWidget(self.text, 1)
        row.addWidget(self.resume_btn)
        row.addWidget(self.discard_btn)
        self.resume_btn.clicked.connect(lambda: self.resume.emit(self.attempt_id))
        self.discard_btn.clicked.connect(lambda: self.discard.emit(self.attempt_id))

    def show_attempt(self, a) -> None:
        """Show this unfinished attempt (an AttemptRow), or hide when there is none."""
        if a is None:
            self.hide()
            return
        if self.layout() is None:
            self._build()
        left = (
            f"{format_seconds(max(0.0, a.time_limit_s - a.time_used_s))} left"
            if a.time_limit_s
            else "untimed"
        )
        what = "exam" if self.mode == "exam" else "practice session"
        self.text.setText(
            f"<b>You have an unfinished {what}:</b> {_escape(a.title)}, question "
            f"{a.position + 1} of {a.question_count}, {left}. Every answer you gave is saved."
        )
        self.attempt_id = a.id
        self.show()


class HomeScreen(QWidget):
    startExam = Signal(object, object)  # PackInfo, ExamBlueprint
    studyRequested = Signal(object, str)  # PackInfo, what (see PackCard)
    resumeExam = Signal(int)
    discardExam = Signal(int)
    historyRequested = Signal()
    packsRequested = Signal()

    DUE_CHECK_MS = 60_000

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("homeScreen")
        # Reviews come due while the home screen is open (a wrong answer after ten minutes):
        # look once a minute and redraw when the count changed.
        self._due_seen = -1
        self._due_timer = QTimer(self, interval=self.DUE_CHECK_MS)
        self._due_timer.timeout.connect(self.refresh_if_due_changed)
        self._due_timer.start()
        # Built top-down, each widget under its final parent: with a style sheet, moving a
        # widget to another parent restyles it and everything in it (and a polished subtree
        # is unpolished and polished again), which made start-up measurably slower.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        header = QFrame(self, objectName="topBar")
        layout.addWidget(header)
        h = QHBoxLayout(header)
        h.setContentsMargins(24, 12, 24, 12)
        h.addWidget(QLabel("mlcert-desktop", header, objectName="examTitle"))
        h.addStretch(1)
        for text, signal in (("Packs", self.packsRequested), ("History", self.historyRequested)):
            # QPushButton(text, parent) would make PySide create QIcon and QPixmap (an
            # overload takes an icon): about 2 ms of every start.
            button = QPushButton(header)
            button.setText(text)
            button.clicked.connect(signal.emit)
            h.addWidget(button)

        self._host = host = QWidget()
        inner = QVBoxLayout(host)
        inner.setContentsMargins(32, 24, 32, 24)
        inner.setSpacing(16)
        # One banner per kind of unfinished session (an exam and a practice session can
        # both be waiting).
        self.exam_banner = ResumeBanner("exam", host)
        self.practice_banner = ResumeBanner("practice", host)
        for b in (self.exam_banner, self.practice_banner):
            b.resume.connect(self.resumeExam)
            b.discard.connect(self.discardExam)
        intro = WrappedLabel(
            "Sit a full exam — full screen with a countdown, like the proctored one — or "
            "study: practise with instant feedback, drill what you missed, and review what "
            "is due. Every answer is saved as you give it.",
            host,
            objectName="muted",
        )
        self.cards = QVBoxLayout()
        self.cards.setSpacing(16)
        inner.addWidget(self.exam_banner)
        inner.addWidget(self.practice_banner)
        inner.addWidget(intro)
        inner.addLayout(self.cards)
        inner.addStretch(1)
        layout.addWidget(scroll_area(host, parent=self), 1)

    def refresh_if_due_changed(self) -> None:
        if self.isVisible() and study_repo.due_count(self.ctx.db) != self._due_seen:
            self.refresh()

    def refresh(self) -> None:
        self._due_seen = study_repo.due_count(self.ctx.db)
        while self.cards.count():
            w = self.cards.takeAt(0).widget()
            if w is not None:
                w.setParent(None)
                w.deleteLater()
        packs = packs_repo.list_packs(self.ctx.db)
        for p in packs:
            card = PackCard(p, study_repo.drill_counts(self.ctx.db, p.pack_id), self._host)
            card.startRequested.connect(self._start)
            card.studyRequested.connect(self.studyRequested)
            self.cards.addWidget(card)
        if not packs:
            self.cards.addWidget(
                QLabel("No question packs are installed.", self._host, objectName="muted")
            )
        for banner in (self.exam_banner, self.practice_banner):
            pending = attempts_repo.in_progress(self.ctx.db, banner.mode)
            banner.show_attempt(pending[0] if pending else None)

    def _start(self, pack: PackInfo, blueprint: ExamBlueprint | None) -> None:
        if blueprint is None:
            from mlcert_desktop.ui.screens.custom_exam import CustomExamDialog

            dlg = CustomExamDialog(pack, self)
            if not dlg.exec():
                return
            blueprint = dlg.blueprint()
        self.startExam.emit(pack, blueprint)
