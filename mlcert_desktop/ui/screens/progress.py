"""Progress: readiness estimate and its basis, study streak, score and accuracy charts.

The sums behind the charts and the table are in core/progress.py; this module only turns
storage rows into chart points and lays them out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mlcert_desktop.core import progress, study
from mlcert_desktop.core.models import Domain, ExamBlueprint, PackInfo
from mlcert_desktop.core.progress import DayRow, ExamPoint, Readiness
from mlcert_desktop.core.study import Drill, QuestionStatus
from mlcert_desktop.storage import attempts_repo, packs_repo, study_repo
from mlcert_desktop.storage.attempts_repo import AttemptRow
from mlcert_desktop.ui.context import AppContext
from mlcert_desktop.ui.widgets.chart import PALETTE, LineChart, Series
from mlcert_desktop.ui.widgets.page import scroll_area, top_bar
from mlcert_desktop.ui.widgets.table import data_table, fill_table


# -- storage rows -> chart points ---------------------------------------------------------------
def local_day(iso: str) -> dt.date:
    when = dt.datetime.fromisoformat(iso)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone().date()


def day_label(day: dt.date) -> str:
    return f"{day:%b} {day.day}"


def exam_points(
    attempts: Iterable[AttemptRow], pack_id: str, pack_blueprint: ExamBlueprint
) -> list[ExamPoint]:
    """The pack's finished, scored exams, oldest first."""
    rows = [
        a
        for a in attempts
        if a.pack_id == pack_id and a.state == "finished" and a.scaled is not None
    ]
    rows.sort(key=lambda a: (a.finished_at or a.started_at, a.id))
    return [
        ExamPoint(
            a.id,
            local_day(a.finished_at or a.started_at),
            int(a.scaled),  # type: ignore[arg-type]
            progress.is_full_exam(
                a.question_count, a.blueprint.domain_filter, pack_blueprint.question_count
            ),
            a.time_used_s / a.question_count if a.question_count and a.time_used_s else None,
        )
        for a in rows
    ]


def ceil_nice(value: float) -> float:
    """A round upper bound for a y axis in seconds."""
    for bound in (30, 60, 90, 120, 180, 240, 300, 450, 600, 900, 1200, 1800, 3600):
        if value <= bound:
            return float(bound)
    return float(value)


def _known(values: Sequence[float | None]) -> list[tuple[int, float]]:
    """(slot, value) for the slots that have a value, so the line joins across the gaps."""
    return [(i, v) for i, v in enumerate(values) if v is not None]


# -- the screen ------------------------------------------------------------------------------
LEVELS = {
    "ready": ("Ready", "#1d7a3a"),
    "borderline": ("Borderline", "#b36b00"),
    "not ready": ("Not ready yet", "#b3261e"),
    "not enough data": ("Not enough data", "#545b64"),
}


def _section(title: str) -> QLabel:
    return QLabel(title, objectName="sectionTitle")


def _note(text: str) -> QLabel:
    label = QLabel(text, objectName="muted")
    label.setWordWrap(True)
    return label


class ProgressScreen(QWidget):
    homeRequested = Signal()
    drillRequested = Signal(str, str)  # pack_id, Drill value ("missed", "weakest")

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("progressScreen")
        self.today: Callable[[], dt.date] = dt.date.today
        self.pack_id: str | None = None
        self.readiness: Readiness | None = None

        self.pack_row = QWidget()
        row = QHBoxLayout(self.pack_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Pack:"))
        self.pack_box = QComboBox()
        self.pack_box.currentIndexChanged.connect(self._pack_chosen)
        row.addWidget(self.pack_box)
        row.addStretch(1)

        self.level = QLabel()
        self.level.setTextFormat(Qt.TextFormat.RichText)
        self.basis = QLabel()
        self.basis.setWordWrap(True)
        self.facts = _note("")
        self.weakest_btn = QPushButton("Drill weakest domain")
        self.weakest_btn.clicked.connect(lambda: self._drill(Drill.WEAKEST))
        self.missed_btn = QPushButton("Drill missed questions")
        self.missed_btn.clicked.connect(lambda: self._drill(Drill.MISSED))
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(self.level)
        text.addWidget(self.basis)
        text.addWidget(self.facts)
        buttons = QVBoxLayout()
        buttons.addWidget(self.weakest_btn)
        buttons.addWidget(self.missed_btn)
        buttons.addStretch(1)
        headline = QFrame(objectName="packCard")
        head = QHBoxLayout(headline)
        head.setContentsMargins(20, 16, 20, 16)
        head.setSpacing(24)
        head.addLayout(text, 1)
        head.addLayout(buttons)

        self.score_chart = LineChart(empty_text="No finished exams yet: sit one to see it here.")
        self.accuracy_chart = LineChart(empty_text="No answers yet.")
        self.pace_chart = LineChart(empty_text="No timed answers yet.")
        self.table = data_table(["Domain", "Answered", "Right", "Accuracy", "Seen"], stretch=0)
        self.table.horizontalHeader().setMinimumSectionSize(96)
        self.table.setWordWrap(False)  # one line per domain: the table's height is known
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        host = QWidget()
        body = QVBoxLayout(host)
        body.setContentsMargins(32, 20, 32, 24)
        body.setSpacing(8)
        body.addWidget(self.pack_row)
        body.addWidget(headline)
        body.addWidget(_section("Exam scores"))
        body.addWidget(self.score_chart)
        body.addWidget(_section("Accuracy by domain over time"))
        body.addWidget(_note("Every answer up to each study day, practice and exams together."))
        body.addWidget(self.accuracy_chart)
        body.addWidget(_section("Time per question"))
        self.pace_note = _note("")
        body.addWidget(self.pace_note)
        body.addWidget(self.pace_chart)
        body.addWidget(_section("By domain"))
        body.addWidget(self.table)
        body.addStretch(1)
        scroll = scroll_area(host)
        self.scroll = scroll

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top_bar("Progress", self.homeRequested.emit))
        layout.addWidget(scroll, 1)

    # -- public -------------------------------------------------------------------------------
    def set_pack(self, pack_id: str) -> None:
        """Show this pack's progress (e.g. when opened from a pack card)."""
        self.pack_id = pack_id
        self.refresh()

    def refresh(self) -> None:
        packs = packs_repo.list_packs(self.ctx.db)
        self.pack_box.blockSignals(True)
        self.pack_box.clear()
        for p in packs:
            self.pack_box.addItem(f"{p.title} ({p.exam_code})", p.pack_id)
        ids = [p.pack_id for p in packs]
        if self.pack_id not in ids:
            self.pack_id = ids[0] if ids else None
        if self.pack_id is not None:
            self.pack_box.setCurrentIndex(ids.index(self.pack_id))
        self.pack_box.blockSignals(False)
        self.pack_row.setVisible(len(packs) > 1)
        pack = next((p for p in packs if p.pack_id == self.pack_id), None)
        self._show(pack)

    # -- internals ----------------------------------------------------------------------------
    def _pack_chosen(self, index: int) -> None:
        if index >= 0:
            self.pack_id = self.pack_box.itemData(index)
            self.refresh()

    def _drill(self, drill: Drill) -> None:
        if self.pack_id is not None:
            self.drillRequested.emit(self.pack_id, drill.value)

    def _show(self, pack: PackInfo | None) -> None:
        db = self.ctx.db
        if pack is None:
            self._show_readiness(None, [], [])
            for chart in (self.score_chart, self.accuracy_chart, self.pace_chart):
                chart.set_series([], y_range=(0, 1), x_labels=[])
            fill_table(self.table, [])
            self._fit_table()
            return
        bp = pack.blueprint
        domains = list(bp.domains)
        statuses = study_repo.statuses(db, pack.pack_id)
        stats = study_repo.daily_stats(db, pack.pack_id)
        points = exam_points(attempts_repo.history(db, "exam"), pack.pack_id, bp)
        accuracy = study.domain_accuracy(statuses, [d.id for d in domains])
        self.readiness = progress.readiness(
            progress.readiness_input(points, accuracy, domains, bp.passing_score)
        )
        self._show_readiness(pack, statuses, points)
        self._show_scores(points, bp)
        self._show_accuracy(stats, domains, bp)
        self._show_pace(stats, points, bp)
        self._show_table(statuses, domains)

    def _show_readiness(
        self, pack: PackInfo | None, statuses: Sequence[QuestionStatus], points
    ) -> None:
        r = self.readiness if pack is not None else None
        level, colour = LEVELS.get(r.level if r else "not enough data", LEVELS["not enough data"])
        estimate = ""
        if r is not None and r.estimate is not None:
            estimate = (
                f"<span style='font-size:13pt'> · estimated score {r.estimate} "
                f"(pass {pack.blueprint.passing_score})</span>"  # type: ignore[union-attr]
            )
        self.level.setText(
            f"<span style='font-size:18pt; font-weight:700; color:{colour}'>{level}</span>"
            f"{estimate}"
        )
        self.basis.setText(r.basis if r else "Install a question pack to track your progress.")
        if pack is None:
            self.facts.setText("")
            self.weakest_btn.setEnabled(False)
            self.missed_btn.setEnabled(False)
            return
        streak = progress.study_streak(study_repo.answer_dates(self.ctx.db), self.today())
        due = study_repo.due_count(self.ctx.db, pack.pack_id)
        seen = sum(1 for s in statuses if s.seen)
        missed = sum(1 for s in statuses if s.missed)
        self.facts.setText(
            f"Study streak: {streak} day{'s' if streak != 1 else ''} · "
            f"{due} review{'s' if due != 1 else ''} due today · "
            f"{seen} of {len(statuses)} questions seen · "
            f"{len(points)} exam{'s' if len(points) != 1 else ''} finished"
        )
        self.weakest_btn.setEnabled(seen > 0)
        # The primary look has no disabled variant in the theme: only an enabled button gets it.
        self.weakest_btn.setProperty("role", "primary" if seen else None)
        self.weakest_btn.style().unpolish(self.weakest_btn)
        self.weakest_btn.style().polish(self.weakest_btn)
        self.weakest_btn.setToolTip(
            f"Practise {r.weakest}, your weakest domain" if r and r.weakest else ""
        )
        self.missed_btn.setEnabled(missed > 0)
        self.missed_btn.setToolTip(
            f"{missed} question{'s' if missed != 1 else ''} answered wrong last time"
        )

    def _show_scores(self, points: Sequence[ExamPoint], bp: ExamBlueprint) -> None:
        full = [(i, float(p.scaled)) for i, p in enumerate(points) if p.full]
        other = [(i, float(p.scaled)) for i, p in enumerate(points) if not p.full]
        self.score_chart.set_series(
            [
                Series("Full-length exams", PALETTE[0], full),
                Series("Custom and short exams", PALETTE[1], other),
            ],
            y_range=bp.score_scale,
            threshold=bp.passing_score,
            threshold_label=f"Pass {bp.passing_score}",
            x_labels=[day_label(p.day) for p in points],
            y_format=lambda v: f"{v:.0f}",
        )

    def _show_accuracy(
        self, stats: Sequence[DayRow], domains: Sequence[Domain], bp: ExamBlueprint
    ) -> None:
        days, series = progress.cumulative_accuracy(stats, [d.id for d in domains])
        mark = progress.pass_percent(bp.passing_score, bp.score_scale)
        self.accuracy_chart.set_series(
            [
                Series(d.name, PALETTE[i % len(PALETTE)], _known(series[d.id]))
                for i, d in enumerate(domains)
            ],
            y_range=(0, 100),
            threshold=mark,
            threshold_label=f"Pass {mark:.0f}%",
            x_labels=[day_label(d) for d in days],
            y_format=lambda v: f"{v:.0f}%",
        )

    def _show_pace(
        self, stats: Sequence[DayRow], points: Sequence[ExamPoint], bp: ExamBlueprint
    ) -> None:
        pace = progress.seconds_per_question(stats, points)
        budget = (
            bp.duration_minutes * 60 / bp.question_count
            if bp.duration_minutes and bp.question_count
            else None
        )
        values = [v for v in pace.practice + pace.exams if v is not None]
        top = ceil_nice(max(values + ([budget * 1.1] if budget else [])) if values else 60)
        self.pace_chart.set_series(
            [
                Series("Practice", PALETTE[2], _known(pace.practice)),
                Series("Exams", PALETTE[0], _known(pace.exams)),
            ],
            y_range=(0, top),
            threshold=budget,
            threshold_label=f"Exam allows {budget:.0f} s" if budget else "",
            x_labels=[day_label(d) for d in pace.days],
            y_format=lambda v: f"{v:.0f} s",
        )
        self.pace_note.setText(
            "Average seconds per question each day."
            + (
                f" The real exam allows {budget:.0f} s per question"
                f" ({bp.duration_minutes} minutes for {bp.question_count})."
                if budget
                else ""
            )
        )

    def _show_table(self, statuses: Sequence[QuestionStatus], domains: Sequence[Domain]) -> None:
        rows = progress.domain_rows(statuses, domains)
        fill_table(
            self.table,
            [
                [
                    f"Domain {r.domain.id}: {r.domain.name}",
                    str(r.answered),
                    str(r.right),
                    "—" if r.percent is None else f"{r.percent:.0f}%",
                    f"{r.seen} of {r.total}",
                ]
                for r in rows
            ],
            centered=(1, 2, 3, 4),
        )
        self._fit_table()

    def _fit_table(self) -> None:
        """Show every row: the page scrolls, not the table."""
        height = self.table.horizontalHeader().sizeHint().height()
        height += sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(height + 2 * self.table.frameWidth() + 2)
