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
        self.multiple: bool | None = None
        self._selected = False
        self.setObjectName("choiceRow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.letter = QLabel()
        self.letter.setObjectName("choiceLetter")
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)  # from our escaping subset only
        self.label.setWordWrap(True)
        self.label.setObjectName("choiceText")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        # Both indicators exist; the question type decides which one is shown.
        self.radio = QRadioButton()
        self.check = QCheckBox()
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(10, 8, 10, 8)
        self._row.setSpacing(10)
        for b in (self.radio, self.check):
            b.setAutoExclusive(False)  # the session decides what is selected
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(lambda: self.clicked.emit(self.choice_id))
            b.hide()
            self._row.addWidget(b, 0, Qt.AlignmentFlag.AlignTop)
        self.button: QAbstractButton = self.radio
        self._row.addWidget(self.letter, 0, Qt.AlignmentFlag.AlignTop)
        self._row.addWidget(self.label, 1)
        self.set_choice(index, choice, multiple)

    def set_choice(self, index: int, choice: Choice, multiple: bool) -> None:
        """Show another option in this row (rows are reused from question to question)."""
        self.choice_id = choice.id
        multiple = bool(multiple)
        if multiple != self.multiple:
            self.button.hide()
            self.button = self.check if multiple else self.radio
            self.button.setChecked(self._selected)
            self.button.show()
            self.multiple = multiple
        self.button.setAccessibleName(f"Option {LETTERS[index]}")
        self.letter.setText(f"{LETTERS[index]}.")
        self.label.setText(inline(choice.text))

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.choice_id)
        super().mouseReleaseEvent(event)

    def set_verdict(self, verdict: str) -> None:
        """ "right", "wrong" (chosen but wrong) or "" — practice shows the key on the options."""
        if (self.property("verdict") or "") == verdict:
            return
        self.setProperty("verdict", verdict)
        self.style().unpolish(self)
        self.style().polish(self)

    def set_checked(self, checked: bool) -> None:
        self.button.setChecked(checked)
        if checked == self._selected and self.property("selected") is not None:
            return  # re-polishing an unchanged row is what made moving between questions slow
        self._selected = checked
        self.setProperty("selected", checked)
        self.style().unpolish(self)
        self.style().polish(self)


class ChoiceList(QWidget):
    """The options of the current question. Rows are kept and refilled when the question
    changes: building and style-sheet-polishing new widgets took most of each move."""

    choiceClicked = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self.rows: list[ChoiceRow] = []  # the rows in use, in display order
        self._pool: list[ChoiceRow] = []  # every row made so far; those past len(rows) hidden

    def set_choices(self, choices: list[Choice], multiple: bool, selected) -> None:
        # Showing or hiding a child of a visible widget is handled at once (layout, enter/leave
        # checks); while the list itself is hidden it is only a flag, so when indicators or
        # rows must change, hide the list and show it again once.
        changes = len(choices) != len(self.rows) or any(
            row.multiple != bool(multiple) for row in self._pool[: len(choices)]
        )
        was_visible = changes and not self.isHidden()
        if was_visible:
            self.hide()
        for i, c in enumerate(choices):
            if i < len(self._pool):
                self._pool[i].set_choice(i, c, multiple)
            else:
                row = ChoiceRow(i, c, multiple, self)
                row.clicked.connect(self.choiceClicked)
                self._layout.addWidget(row)
                self._pool.append(row)
        self.rows = self._pool[: len(choices)]
        for row in self.rows:
            if row.isHidden():
                row.show()
        for row in self._pool[len(choices) :]:
            if not row.isHidden():
                row.hide()
        self.set_selected(selected)
        if was_visible:
            self.show()

    def set_selected(self, selected) -> None:
        for row in self.rows:
            row.set_checked(row.choice_id in selected)

    def set_verdicts(self, verdicts: dict[str, str]) -> None:
        """Mark options "right" or "wrong" after a practice answer is checked ({} clears)."""
        for row in self.rows:
            row.set_verdict(verdicts.get(row.choice_id, ""))
