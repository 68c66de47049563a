"""Unexpected errors are written to errors.log in the data folder and shown to the user.

Installed at start-up, so it imports nothing of Qt until an error has to be shown."""

from __future__ import annotations

import sys


def install(parent, log_path) -> None:
    """An unexpected error in the app is written to `log_path` and shown, instead of being
    printed where nobody sees it. Every answer is saved before it is shown, so the user may
    carry on (or restart) without losing anything."""

    def handler(exc_type, exc, tb) -> None:
        import datetime as dt
        import traceback

        from mlcert_desktop.ui import dialogs

        details = "".join(traceback.format_exception(exc_type, exc, tb))
        sys.__excepthook__(exc_type, exc, tb)
        try:
            with open(log_path, "a", encoding="utf-8") as f:
                f.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')}\n{details}")
        except OSError:
            pass
        dialogs.error(
            parent,
            "Something went wrong",
            "mlcert-desktop ran into an unexpected error. This is a bug in the app, not "
            "something you did; your answers so far are saved.\n\n"
            f"{exc_type.__name__}: {exc}\n\nThe details were written to {log_path}. "
            "If it happens again, restart the app and send that file to its authors.",
        )

    sys.excepthook = handler
