"""The options of one question: radio buttons (single) or check boxes (multiple response).

Qt's QRadioButton/QCheckBox do not wrap long text, so each row pairs the indicator with a
word-wrapping label; clicking anywhere on the row counts as clicking the option.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from mlcert_desktop.core.models import Choice
from mlcert_desktop.ui.markdown import inline

LETTERS = "ABCDEFGH"


class ChoiceRow(QWidget):
    clicked = Signal(str)

    def __init__(self, index: int, choice: Choice, multiple: bool, parent=None) -> None:
        super().__init__(parent)
        self.choice_id = choice.id
        self.setObjectName("choiceRow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.button: QAbstractButton = QCheckBox() if multiple else QRadioButton()
        self.button.setAutoExclusive(False)  # the session decides what is selected
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.setAccessibleName(f"Option {LETTERS[index]}")
        self.button.clicked.connect(lambda: self.clicked.emit(self.choice_id))
        letter = QLabel(f"{LETTERS[index]}.")
        letter.setObjectName("choiceLetter")
        self.label = QLabel(inline(choice.text))
        self.label.setTextFormat(Qt.TextFormat.RichText)  # from our escaping subset only
        self.label.setWordWrap(True)
        self.label.setObjectName("choiceText")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 8, 10, 8)
        row.setSpacing(10)
        row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(letter, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.label, 1)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.choice_id)
        super().mouseReleaseEvent(event)

    def set_checked(self, checked: bool) -> None:
        self.button.setChecked(checked)
        self.setProperty("selected", checked)
        self.style().unpolish(self)
        self.style().polish(self)


class ChoiceList(QWidget):
    choiceClicked = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self.rows: list[ChoiceRow] = []

    def set_choices(self, choices: list[Choice], multiple: bool, selected) -> None:
        for row in self.rows:
            row.setParent(None)
            row.deleteLater()
        self.rows = []
        for i, c in enumerate(choices):
            row = ChoiceRow(i, c, multiple, self)
            row.clicked.connect(self.choiceClicked)
            self._layout.addWidget(row)
            self.rows.append(row)
        self.set_selected(selected)

    def set_selected(self, selected) -> None:
        for row in self.rows:
            row.set_checked(row.choice_id in selected)
