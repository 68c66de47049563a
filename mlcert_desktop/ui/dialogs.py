"""Small modal questions and messages. One module, so tests can answer them."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def confirm(parent: QWidget | None, title: str, text: str, ok_text: str) -> bool:
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent
    )
    ok = box.addButton(ok_text, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is ok


def error(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.critical(parent, title, text)


def info(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def install_error_handler(parent: QWidget, log_path) -> None:
    """An unexpected error in the app is written to `log_path` and shown, instead of being
    printed where nobody sees it. Every answer is saved before it is shown, so the user may
    carry on (or restart) without losing anything."""
    import datetime as dt
    import sys
    import traceback

    def handler(exc_type, exc, tb) -> None:
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        sys.__excepthook__(exc_type, exc, tb)
        try:
            with open(log_path, "a", encoding="utf-8") as f:
                f.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')}\n{details}")
        except OSError:
            pass
        error(
            parent,
            "Something went wrong",
            "mlcert-desktop ran into an unexpected error. This is a bug in the app, not "
            "something you did; your answers so far are saved.\n\n"
            f"{exc_type.__name__}: {exc}\n\nThe details were written to {log_path}. "
            "If it happens again, restart the app and send that file to its authors.",
        )

    sys.excepthook = handler
