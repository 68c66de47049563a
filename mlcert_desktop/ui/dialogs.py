"""Small modal questions and messages. One module, so tests can answer them."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def confirm(
    parent: QWidget | None,
    title: str,
    text: str,
    ok_text: str,
    *,
    cancel_text: str = "",
    default_ok: bool = False,
) -> bool:
    """True when the user chose `ok_text`. Enter chooses Cancel (or `cancel_text`) unless
    `default_ok`; Escape always cancels."""
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent
    )
    ok = box.addButton(ok_text, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.button(QMessageBox.StandardButton.Cancel)
    if cancel_text:
        cancel.setText(cancel_text)
    box.setDefaultButton(ok if default_ok else cancel)
    box.exec()
    return box.clickedButton() is ok


def choose(parent: QWidget | None, title: str, text: str, items: list[str]) -> int | None:
    """The index of the item the user picked from a list, or None when they cancelled. The list
    gives back the text picked, so items that read the same are numbered apart."""
    from PySide6.QtWidgets import QInputDialog

    shown = [
        f"{x} ({items[:i].count(x) + 1})" if items.count(x) > 1 else x for i, x in enumerate(items)
    ]
    item, ok = QInputDialog.getItem(parent, title, text, shown, 0, False)
    return shown.index(item) if ok and item in shown else None


def error(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.critical(parent, title, text)


def info(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)
