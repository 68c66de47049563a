"""The custom exam dialog: how many questions, how long, which domains."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
)

from mlcert_desktop.core.models import ExamBlueprint, PackInfo


class CustomExamDialog(QDialog):
    def __init__(self, pack: PackInfo, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Custom exam")
        self.pack = pack
        bp = pack.blueprint
        form = QFormLayout(self)
        self.count = QSpinBox(minimum=1, maximum=max(1, pack.question_count))
        self.count.setValue(min(20, pack.question_count))
        self.minutes = QSpinBox(minimum=1, maximum=600, suffix=" min")
        self.minutes.setValue(max(1, round(bp.duration_minutes * 20 / bp.question_count)))
        self.untimed = QCheckBox("Untimed")
        self.untimed.toggled.connect(lambda on: self.minutes.setEnabled(not on))
        self.count.valueChanged.connect(self._suggest_minutes)
        timing = QHBoxLayout()
        timing.addWidget(self.minutes)
        timing.addWidget(self.untimed)
        form.addRow("Questions", self.count)
        form.addRow("Time", timing)
        self.domain_boxes = {}
        for d in bp.domains:
            box = QCheckBox(f"Domain {d.id}: {d.name}")
            box.setChecked(True)
            self.domain_boxes[d.id] = box
            form.addRow("" if d is not bp.domains[0] else "Domains", box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Start exam")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.error = QLabel(objectName="errorText")
        form.addRow(self.error)

    def _suggest_minutes(self, n: int) -> None:
        bp = self.pack.blueprint
        self.minutes.setValue(max(1, round(bp.duration_minutes * n / bp.question_count)))

    def _accept(self) -> None:
        if not any(b.isChecked() for b in self.domain_boxes.values()):
            self.error.setText("Choose at least one domain.")
            return
        self.accept()

    def blueprint(self) -> ExamBlueprint:
        chosen = frozenset(d for d, b in self.domain_boxes.items() if b.isChecked())
        return self.pack.blueprint._replace(
            title=f"{self.pack.exam_code} custom exam",
            question_count=self.count.value(),
            duration_minutes=None if self.untimed.isChecked() else self.minutes.value(),
            unscored_count=0,
            domain_filter=None if len(chosen) == len(self.domain_boxes) else chosen,
        )
