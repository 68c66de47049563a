"""An unexpected error is logged and shown to the user, not lost on a console."""

from __future__ import annotations

import sys

from mlcert_desktop.ui import error_log


def test_unexpected_error_is_logged_and_shown(tmp_path, confirmations, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    monkeypatch.setattr(sys, "__excepthook__", lambda *a: None)  # keep the output clean
    log = tmp_path / "errors.log"
    error_log.install(None, log)
    try:
        raise KeyError("q042")
    except KeyError:
        sys.excepthook(*sys.exc_info())
    kind, title, text = confirmations.shown[-1]
    assert kind == "error" and title == "Something went wrong"
    assert "KeyError: 'q042'" in text and str(log) in text
    assert "not something you did" in text
    assert "Traceback" in log.read_text() and "q042" in log.read_text()
