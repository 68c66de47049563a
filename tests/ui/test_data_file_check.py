"""The full check of the data file, which the app runs in the background once its window is up."""

from __future__ import annotations

from pathlib import Path

from mlcert_desktop.storage.db import DAMAGE_SUFFIX, backups
from tests import factory


def _checked(window, monkeypatch) -> list:
    """Runs the check; returns the list its result is appended to, on the GUI thread."""
    results: list = []
    report = window._data_file_checked

    def record(problem):
        results.append(problem)
        report(problem)

    monkeypatch.setattr(window, "_data_file_checked", record)
    window.check_data_file()
    return results


def test_damage_found_after_the_start_is_shown_and_noted_for_the_next_start(
    qtbot, window, ctx, confirmations, monkeypatch
):
    ctx.db.checkpoint()  # the pack's pages into the file, where the damage goes
    path = Path(ctx.db.path())
    factory.damage_page_holding(path, b"Question 7: which")
    results = _checked(window, monkeypatch)
    qtbot.waitUntil(lambda: len(results) == 1)
    assert results[0] is not None
    ((kind, title, text),) = confirmations.shown
    assert kind == "error" and title == "Your data file is damaged"
    assert results[0].splitlines()[0] in text
    assert "Quit the app now" in text and str(path.parent / "backups") in text
    assert Path(str(path) + DAMAGE_SUFFIX).exists()
    assert backups(path.parent / "backups") == []  # no backup of a damaged file


def test_a_sound_data_file_is_checked_without_a_word(
    qtbot, window, ctx, confirmations, monkeypatch
):
    results = _checked(window, monkeypatch)
    qtbot.waitUntil(lambda: len(results) == 1)
    assert results == [None] and confirmations.shown == []
    assert not Path(ctx.db.path() + DAMAGE_SUFFIX).exists()


def test_a_sound_data_file_is_backed_up_once_a_day(qtbot, window, ctx, monkeypatch):
    folder = Path(ctx.db.path()).parent / "backups"
    results = _checked(window, monkeypatch)
    qtbot.waitUntil(lambda: len(results) == 1)
    (daily,) = backups(folder)
    assert daily.name.endswith("-daily.sqlite3")
    window.check_data_file()  # the same day: checked again, not backed up again
    qtbot.waitUntil(lambda: len(results) == 2)
    assert backups(folder) == [daily]
