"""At a start that found the data file damaged: the offer to restore the newest sound backup."""

from __future__ import annotations

import pytest

from mlcert_desktop import app
from mlcert_desktop.storage.db import DAMAGE_SUFFIX, backup_file, integrity_problem, open_database
from mlcert_desktop.ui import dialogs
from tests import factory


@pytest.fixture
def damaged(tmp_path):
    """A data file with an answer-like setting, backed up, then damaged and found so."""
    path = factory.file_with_settings(tmp_path / "mlcert.sqlite3")
    backup_file(path, tmp_path / "backups", reason="daily")
    factory.damage_page_holding(path, b"key-0200")
    assert integrity_problem(path) is not None
    return path


def _settings(db) -> int:
    return db.execute("SELECT count(*) FROM settings WHERE key LIKE 'key-%'").fetchone()[0]


@pytest.mark.parametrize("accept", [True, False])
def test_the_newest_sound_backup_is_offered_when_the_file_was_moved_aside(
    damaged, monkeypatch, accept
):
    asked = []

    def confirm(parent, title, text, ok_text, **options):
        asked.append((title, text, ok_text, options))
        return accept

    monkeypatch.setattr(dialogs, "confirm", confirm)
    opened = open_database(damaged)
    assert opened.moved_aside is not None
    result, restored = app.offer_restore(opened)
    try:
        ((title, text, ok_text, options),) = asked
        assert title == "Your data file was damaged" and ok_text == "Restore the backup"
        # Enter keeps the user's data; the other way out says what it does.
        assert options == {"cancel_text": "Start a fresh one", "default_ok": True}
        assert str(opened.moved_aside) in text
        assert restored is accept and result.moved_aside == opened.moved_aside
        assert _settings(result.db) == (400 if accept else 0)
        assert not (damaged.parent / (damaged.name + DAMAGE_SUFFIX)).exists()
    finally:
        result.db.close()


def test_without_a_sound_backup_nothing_is_offered(damaged, monkeypatch):
    for b in (damaged.parent / "backups").iterdir():
        b.write_bytes(b"damaged too" * 100)
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: pytest.fail("nothing to offer"))
    opened = open_database(damaged)
    result, restored = app.offer_restore(opened)
    try:
        assert result is opened and not restored
    finally:
        result.db.close()


def test_a_restore_that_fails_is_told_and_the_fresh_database_used(damaged, monkeypatch):
    from mlcert_desktop.storage import db as dbmod

    errors = []
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    monkeypatch.setattr(dialogs, "error", lambda parent, title, text: errors.append(title))

    def full_disk(backup_path, path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(dbmod, "restore_backup", full_disk)
    opened = open_database(damaged)
    result, restored = app.offer_restore(opened)
    try:
        assert not restored and errors == ["The backup could not be restored"]
        assert result.moved_aside == opened.moved_aside
        assert _settings(result.db) == 0  # the fresh database, open and usable
    finally:
        result.db.close()
