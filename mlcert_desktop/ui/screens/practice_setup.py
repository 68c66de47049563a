"""The "Practice…" dialog: which domains, task statements and services, how many, timed or not."""

from __future__ import annotations

import random

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
)

from mlcert_desktop.core import study
from mlcert_desktop.core.models import PackInfo
from mlcert_desktop.core.study import QuestionStatus, StudyFilter


def _checklist(values: list[tuple[str, str]]) -> QListWidget:
    """A list of check boxes; none ticked means 'any'."""
    w = QListWidget()
    w.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    for data, text in values:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, data)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        w.addItem(item)
    w.setMaximumHeight(130)
    return w


def _ticked(w: QListWidget) -> frozenset[str]:
    return frozenset(
        w.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(w.count())
        if w.item(i).checkState() == Qt.CheckState.Checked
    )


class PracticeDialog(QDialog):
    def __init__(self, pack: PackInfo, statuses: list[QuestionStatus], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Practice — {pack.exam_code}")
        self.setMinimumWidth(560)
        self.pack = pack
        self.statuses = statuses
        form = QFormLayout(self)
        form.addRow(
            QLabel(
                "Answer one question at a time and see at once whether you were right, and "
                "why. Questions you missed and questions you have never seen come first.",
                wordWrap=True,
                objectName="muted",
            )
        )
        self.domains = {}
        for d in pack.blueprint.domains:
            box = QCheckBox(f"Domain {d.id}: {d.name}")
            box.setChecked(True)
            box.toggled.connect(self._update_count)
            self.domains[d.id] = box
            form.addRow("Domains" if len(self.domains) == 1 else "", box)
        tasks = sorted({s.task for s in statuses}, key=_task_key)
        self.tasks = _checklist([(t, f"Task {t}") for t in tasks])
        self.tasks.itemChanged.connect(self._update_count)
        form.addRow("Task statements\n(none ticked: all)", self.tasks)
        services = sorted({x for s in statuses for x in s.services}, key=str.lower)
        self.services = _checklist([(x, x) for x in services])
        self.services.itemChanged.connect(self._update_count)
        if services:
            form.addRow("Services\n(none ticked: all)", self.services)
        self.count = QSpinBox(minimum=1, maximum=200)
        self.count.setValue(10)
        self.available = QLabel(objectName="muted")
        row = QHBoxLayout()
        row.addWidget(self.count)
        row.addWidget(self.available, 1)
        form.addRow("Questions", row)
        self.timed = QCheckBox("Timed, at the exam's pace")
        self.minutes = QSpinBox(minimum=1, maximum=600, suffix=" min")
        self.minutes.setEnabled(False)
        self.timed.toggled.connect(self.minutes.setEnabled)
        self.count.valueChanged.connect(self._suggest_minutes)
        trow = QHBoxLayout()
        trow.addWidget(self.timed)
        trow.addWidget(self.minutes)
        trow.addStretch(1)
        form.addRow("Time", trow)
        self.error = QLabel(objectName="errorText")
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Start practice")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._suggest_minutes(self.count.value())
        self._update_count()

    def filter(self) -> StudyFilter:
        return StudyFilter(
            domains=frozenset(d for d, b in self.domains.items() if b.isChecked()),
            tasks=_ticked(self.tasks),
            services=_ticked(self.services),
        )

    def _matching(self) -> int:
        f = self.filter()
        if not f.domains:
            return 0
        return sum(1 for s in self.statuses if f.accepts(s))

    def _update_count(self, *_args) -> None:
        n = self._matching()
        self.available.setText(f"{n} question{'s' if n != 1 else ''} match these choices")
        self.ok.setEnabled(n > 0)

    def _suggest_minutes(self, n: int) -> None:
        bp = self.pack.blueprint
        per = bp.duration_minutes / bp.question_count if bp.question_count else 3
        self.minutes.setValue(max(1, round(per * n)))

    def _accept(self) -> None:
        if not any(b.isChecked() for b in self.domains.values()):
            self.error.setText("Choose at least one domain.")
            return
        self.accept()

    def question_ids(self, rng: random.Random) -> list[str]:
        return study.select_practice(self.statuses, self.filter(), self.count.value(), rng)

    def time_minutes(self) -> int | None:
        return self.minutes.value() if self.timed.isChecked() else None


def _task_key(task: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in task.split("."))
