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


def test_file_restore_a_backup_closes_and_leaves_a_checked_copy_for_the_next_start(
    qtbot, window, ctx, confirmations, monkeypatch
):
    from mlcert_desktop.storage.db import RESTORE_SUFFIX, backup_file
    from mlcert_desktop.ui import dialogs

    path = Path(ctx.db.path())
    older = backup_file(path, path.parent / "backups", reason="before-import")
    newer = backup_file(path, path.parent / "backups", reason="daily")
    offered = []

    def choose(parent, title, text, items):
        offered.append(items)
        return 1  # the second newest

    monkeypatch.setattr(dialogs, "choose", choose)
    window.restore_backup()
    ((labels,),) = [offered]
    assert len(labels) == 2 and labels[0].split(" · ")[1] == "daily"
    assert labels[1].split(" · ")[1] == "before-import" and labels[1].endswith(" MB")
    ((title, text),) = confirmations.asked
    assert title == "Restore a backup" and labels[1] in text and "not deleted" in text
    assert Path(str(path) + RESTORE_SUFFIX).read_bytes() == older.read_bytes()
    assert not window.isVisible()
    assert newer.exists()


def test_restore_a_backup_asks_nothing_more_when_cancelled_or_when_there_is_none(
    window, ctx, confirmations, monkeypatch
):
    from mlcert_desktop.storage.db import RESTORE_SUFFIX, backup_file
    from mlcert_desktop.ui import dialogs

    path = Path(ctx.db.path())
    window.restore_backup()  # no backups yet
    ((kind, title, text),) = confirmations.shown
    assert kind == "info" and "no automatic backups" in text
    backup_file(path, path.parent / "backups", reason="daily")
    monkeypatch.setattr(dialogs, "choose", lambda *a: None)
    window.restore_backup()
    confirmations.answers["value"] = False
    monkeypatch.setattr(dialogs, "choose", lambda *a: 0)
    window.restore_backup()  # chosen, then not confirmed
    assert len(confirmations.asked) == 1
    assert not Path(str(path) + RESTORE_SUFFIX).exists() and window.isVisible()


def test_a_restore_is_taken_back_when_the_window_stays_open(window, ctx, monkeypatch):
    from mlcert_desktop.storage.db import RESTORE_SUFFIX, backup_file
    from mlcert_desktop.ui import dialogs

    path = Path(ctx.db.path())
    backup_file(path, path.parent / "backups", reason="daily")
    monkeypatch.setattr(dialogs, "choose", lambda *a: 0)
    monkeypatch.setattr(window, "close", lambda: False)  # as when a close is refused
    window.restore_backup()
    assert not Path(str(path) + RESTORE_SUFFIX).exists()


def test_a_damaged_backup_is_refused_with_the_data_as_it_was(
    window, ctx, confirmations, monkeypatch
):
    from mlcert_desktop.storage.db import RESTORE_SUFFIX, backup_file
    from mlcert_desktop.ui import dialogs

    path = Path(ctx.db.path())
    ctx.db.checkpoint()
    saved = backup_file(path, path.parent / "backups", reason="daily")
    factory.damage_page_holding(saved, b"Question 7: which")
    monkeypatch.setattr(dialogs, "choose", lambda *a: 0)
    window.restore_backup()
    (*_, (kind, title, text)) = confirmations.shown
    assert kind == "error" and "cannot be restored" in text and "as it was" in text
    assert not Path(str(path) + RESTORE_SUFFIX).exists() and window.isVisible()
