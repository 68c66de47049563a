"""Opening the database: migrations, PRAGMAs, corruption recovery and backups."""

from __future__ import annotations

import itertools
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from mlcert_desktop.storage import db as dbmod
from mlcert_desktop.storage.db import (
    BACKUPS_KEPT,
    DAILY_BACKUP_S,
    DAMAGE_SUFFIX,
    RESTORE_SUFFIX,
    backup,
    backup_file,
    backups,
    daily_backup_due,
    integrity_problem,
    migrate,
    newest_sound_backup,
    open_database,
    request_restore,
    restore_backup,
)
from mlcert_desktop.storage.migrations import MIGRATIONS
from tests import factory

TABLES = {
    "_migrations",
    "packs",
    "domains",
    "questions",
    "media",
    "pack_ratchet",
    "trusted_keys",
    "attempts",
    "attempt_items",
    "settings",
}


def tables(db) -> set[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {r[0] for r in rows} - {"sqlite_sequence"}


@pytest.fixture
def counting_stamps(monkeypatch):
    """Distinct, increasing backup timestamps without waiting for the wall clock."""
    counter = itertools.count(1)
    monkeypatch.setattr(dbmod, "_stamp", lambda: f"20260101-{next(counter):06d}")


def test_migrations_from_empty_create_every_table(tmp_path):
    opened = open_database(tmp_path / "new" / "mlcert.sqlite3")
    try:
        assert opened.moved_aside is None
        assert opened.path.exists()
        assert tables(opened.db) >= TABLES
        names = [r[0] for r in opened.db.execute("SELECT name FROM _migrations ORDER BY rowid")]
        assert names == [name for name, _ in MIGRATIONS]
        assert names[0] == "0001_initial"
        applied_at = opened.db.execute("SELECT applied_at FROM _migrations").fetchone()[0]
        assert applied_at.startswith("20")
    finally:
        opened.db.close()


def test_migrate_twice_is_a_no_op(tmp_path):
    path = tmp_path / "mlcert.sqlite3"
    opened = open_database(path)
    before = list(opened.db.conn.iterdump())
    assert migrate(opened.db, path) == []
    assert list(opened.db.conn.iterdump()) == before
    opened.db.close()
    # Reopening does not migrate again either, and makes no backup.
    again = open_database(path)
    try:
        assert list(again.db.conn.iterdump()) == before
        assert not (tmp_path / "backups").exists()
    finally:
        again.db.close()


def test_a_new_migration_is_applied_once_after_a_backup(tmp_path, monkeypatch, counting_stamps):
    path = tmp_path / "mlcert.sqlite3"
    open_database(path).db.close()

    def add_notes(conn):
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")

    monkeypatch.setattr(dbmod, "MIGRATIONS", [*MIGRATIONS, ("0099_notes", add_notes)])
    opened = open_database(path)
    try:
        assert "notes" in tables(opened.db)
        names = [r[0] for r in opened.db.execute("SELECT name FROM _migrations ORDER BY rowid")]
        assert names[-1] == "0099_notes"
        assert names.count("0099_notes") == 1
        copies = list((tmp_path / "backups").glob("*before-migration*.sqlite3"))
        assert len(copies) == 1
        old = sqlite3.connect(copies[0])  # the backup is the pre-migration state
        try:
            old_tables = {r[0] for r in old.execute("SELECT name FROM sqlite_master")}
        finally:
            old.close()
        assert "notes" not in old_tables and "packs" in old_tables
        assert migrate(opened.db, path) == []
    finally:
        opened.db.close()


def test_wal_and_foreign_keys_are_on(fresh_db):
    assert fresh_db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert fresh_db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError):
        fresh_db.execute("INSERT INTO domains VALUES ('no.such-pack', 1, 'x', 1.0)")


def test_a_garbage_file_is_moved_aside_and_a_fresh_db_created(tmp_path):
    path = tmp_path / "mlcert.sqlite3"
    garbage = b"this is definitely not an SQLite database\x00\xff" * 500
    path.write_bytes(garbage)
    opened = open_database(path)
    try:
        moved = opened.moved_aside
        assert moved is not None
        assert "corrupt-" in moved.name
        assert moved.parent == path.parent
        assert moved.read_bytes() == garbage
        assert tables(opened.db) >= TABLES
        assert opened.db.execute("SELECT count(*) FROM packs").fetchone()[0] == 0
    finally:
        opened.db.close()
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"


def test_damage_is_found_by_the_full_check_and_the_file_moved_aside_at_the_next_start(
    tmp_path,
):
    path = tmp_path / "mlcert.sqlite3"
    factory.file_with_settings(path)
    page = factory.damage_page_holding(path, b"key-0200")
    # A start reads the schema, not every page: the damaged file opens.
    opened = open_database(path)
    assert opened.moved_aside is None
    problem = integrity_problem(path)  # what the app runs in the background once it is up
    opened.db.close()
    assert problem is not None and f"page {page}" in problem
    marker = Path(str(path) + DAMAGE_SUFFIX)
    assert marker.read_text(encoding="utf-8") == problem + "\n"
    # The next start checks in full, finds the damage still there and moves the file aside.
    damaged = path.read_bytes()
    again = open_database(path)
    try:
        moved = again.moved_aside
        assert moved is not None and moved.read_bytes() == damaged
        assert Path(str(moved) + DAMAGE_SUFFIX).read_text(encoding="utf-8") == problem + "\n"
        assert not marker.exists()
        assert again.db.execute("SELECT count(*) FROM settings").fetchone()[0] == 0
    finally:
        again.db.close()


def test_a_file_to_migrate_is_checked_in_full_first_and_a_damaged_one_is_not_backed_up(
    tmp_path,
):
    path = tmp_path / "mlcert.sqlite3"
    factory.file_with_settings(path)
    (last, _step) = MIGRATIONS[-1]
    with sqlite3.connect(path) as conn:  # as the previous version of the app left it
        conn.execute("DELETE FROM _migrations WHERE name = ?", [last])
    conn.close()
    factory.damage_page_holding(path, b"key-0200")
    opened = open_database(path)
    try:
        assert opened.moved_aside is not None  # before the migration, not halfway through it
        assert not (tmp_path / "backups").exists()
        assert dbmod.applied_migrations(opened.db)[-1] == last
    finally:
        opened.db.close()


def test_a_note_of_damage_on_a_sound_file_is_dropped_at_the_next_start(tmp_path):
    path = tmp_path / "mlcert.sqlite3"
    factory.file_with_settings(path)
    marker = Path(str(path) + DAMAGE_SUFFIX)
    marker.write_text("On tree page 3 cell 0: ...\n", encoding="utf-8")
    opened = open_database(path)
    try:
        assert opened.moved_aside is None
        assert not marker.exists()
        assert opened.db.execute("SELECT count(*) FROM settings").fetchone()[0] == 400
    finally:
        opened.db.close()


def test_the_full_check_of_a_sound_file_in_use_finds_nothing(tmp_path, fresh_db):
    fresh_db.execute("INSERT INTO settings VALUES ('theme', 'dark')")  # in the log, not the file
    path = Path(fresh_db.path())
    assert integrity_problem(path) is None
    assert not Path(str(path) + DAMAGE_SUFFIX).exists()


def _setting_in(db_file: Path, key: str) -> str | None:
    """A setting read from a database file on a connection of its own."""
    conn = sqlite3.connect(db_file)
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    finally:
        conn.close()
    return None if row is None else row[0]


def test_a_backup_from_the_file_holds_what_is_still_in_the_write_ahead_log(fresh_db, tmp_path):
    fresh_db.execute("INSERT INTO settings VALUES ('theme', 'dark')")
    dest = backup_file(fresh_db.path(), tmp_path / "backups", reason="daily")
    assert dest.name.endswith("-daily.sqlite3") and backups(tmp_path / "backups") == [dest]
    assert _setting_in(dest, "theme") == "dark"


def test_a_daily_backup_is_due_when_the_newest_daily_one_is_a_day_old(fresh_db, tmp_path):
    folder = tmp_path / "backups"
    assert daily_backup_due(folder)  # none yet (no folder either)
    backup(fresh_db, folder, reason="before-import")
    assert daily_backup_due(folder)  # a backup of another kind is not checked: still due
    made = backup(fresh_db, folder, reason="daily").stat().st_mtime
    assert not daily_backup_due(folder, now=made + DAILY_BACKUP_S - 60)
    assert daily_backup_due(folder, now=made + DAILY_BACKUP_S)


def test_backups_before_imports_never_push_out_the_newest_daily_one(fresh_db, tmp_path):
    folder = tmp_path / "backups"
    daily = backup(fresh_db, folder, reason="daily")
    for _ in range(BACKUPS_KEPT + 2):  # a failing import of a damaged file, retried
        backup(fresh_db, folder, reason="before-import")
    kept = backups(folder)
    assert daily in kept and len(kept) == BACKUPS_KEPT + 1
    assert newest_sound_backup(folder) == kept[-1]


def test_a_backup_cut_short_leaves_nothing_that_could_be_restored(fresh_db, tmp_path):
    class FullDisk:
        def backup(self, target):
            target.execute("CREATE TABLE half (x)")  # something was written already
            raise sqlite3.OperationalError("database or disk is full")

    folder = tmp_path / "backups"
    sound = backup(fresh_db, folder, reason="daily")
    with pytest.raises(sqlite3.OperationalError):
        dbmod._backup(FullDisk(), folder, "daily")
    assert list(folder.iterdir()) == [sound]


def test_an_empty_database_is_not_a_sound_backup(fresh_db, tmp_path):
    folder = tmp_path / "backups"
    sound = backup(fresh_db, folder, reason="daily")
    sqlite3.connect(folder / "mlcert-99999999-000000-000000-daily.sqlite3").close()  # 0 bytes
    assert newest_sound_backup(folder) == sound


def test_a_restore_that_cannot_copy_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "mlcert.sqlite3"
    factory.file_with_settings(path, n=3)
    saved = backup_file(path, tmp_path / "backups", reason="daily")
    before = path.read_bytes()

    def full_disk(src, dst):
        Path(dst).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(dbmod.shutil, "copyfile", full_disk)
    with pytest.raises(OSError):
        restore_backup(saved, path)
    assert path.read_bytes() == before
    assert not path.with_name(path.name + ".restoring").exists()


def test_the_newest_sound_backup_passes_over_damaged_ones(tmp_path):
    path = tmp_path / "mlcert.sqlite3"
    factory.file_with_settings(path)
    folder = tmp_path / "backups"
    assert newest_sound_backup(folder) is None
    older = backup_file(path, folder, reason="daily")
    newer = backup_file(path, folder, reason="daily")
    factory.damage_page_holding(newer, b"key-0200")
    (folder / "mlcert-99999999-000000-000000-junk.sqlite3").write_bytes(b"not a database" * 99)
    assert newest_sound_backup(folder) == older
    assert not Path(str(newer) + DAMAGE_SUFFIX).exists()  # no note beside a backup


def test_a_restored_backup_replaces_the_fresh_database(tmp_path):
    path = tmp_path / "mlcert.sqlite3"
    factory.file_with_settings(path)
    saved = backup_file(path, tmp_path / "backups", reason="daily")
    path.unlink()
    fresh = open_database(path)  # what the app starts after moving a damaged file aside
    fresh.db.execute("INSERT INTO settings VALUES ('after', 'the backup')")
    fresh.db.close()
    restored = restore_backup(saved, path)
    try:
        db = restored.db
        assert restored.moved_aside is None
        assert db.execute("SELECT count(*) FROM settings WHERE key LIKE 'key-%'").fetchone() == (
            400,
        )
        assert db.execute("SELECT count(*) FROM settings WHERE key = 'after'").fetchone() == (0,)
        assert integrity_problem(path) is None
    finally:
        restored.db.close()
    assert saved.exists() and not path.with_name(path.name + ".restoring").exists()


def test_backup_is_a_readable_copy(fresh_db, tmp_path):
    fresh_db.execute("INSERT INTO settings VALUES ('theme', 'dark')")
    dest = backup(fresh_db, tmp_path / "backups", reason="manual")
    assert dest.exists()
    assert "manual" in dest.name
    conn = sqlite3.connect(dest)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT value FROM settings WHERE key = 'theme'").fetchone() == (
            "dark",
        )
    finally:
        conn.close()


def test_backup_keeps_only_the_newest_few(fresh_db, tmp_path, counting_stamps):
    folder = tmp_path / "backups"
    made = [backup(fresh_db, folder, reason="before-import") for _ in range(BACKUPS_KEPT + 3)]
    kept = sorted(folder.glob("mlcert-*.sqlite3"))
    assert len(kept) == BACKUPS_KEPT
    assert set(kept) == set(made[-BACKUPS_KEPT:])


def test_backups_in_the_same_second_keep_the_newest(fresh_db, tmp_path, monkeypatch):
    monkeypatch.setattr(dbmod, "_stamp", lambda: "20260101-120000")
    folder = tmp_path / "backups"
    made = [backup(fresh_db, folder, reason="before-import") for _ in range(11)]
    assert made[-1].exists()
    assert set(folder.glob("mlcert-*.sqlite3")) == set(made[-BACKUPS_KEPT:])


# -- the sqlite-utils subset (storage.db.Database) ------------------------------------------------
@pytest.fixture
def small(tmp_path):
    db = open_database(tmp_path / "t.sqlite3").db
    db.execute("CREATE TABLE t (a INTEGER, b TEXT)")
    yield db
    db.close()


def test_atomic_commits_and_rolls_back_with_nested_savepoints(small):
    with small.atomic():
        small.execute("INSERT INTO t VALUES (1, 'x')")
        with pytest.raises(RuntimeError), small.atomic():
            small.execute("INSERT INTO t VALUES (2, 'y')")
            raise RuntimeError
        with small.atomic():
            small.execute("INSERT INTO t VALUES (3, 'z')")
    assert [r[0] for r in small.execute("SELECT a FROM t ORDER BY a")] == [1, 3]
    with pytest.raises(RuntimeError), small.atomic():
        small.execute("INSERT INTO t VALUES (4, 'w')")
        raise RuntimeError
    assert not small.conn.in_transaction
    assert small.execute("SELECT count(*) FROM t").fetchone()[0] == 2


def test_query_returns_dicts_and_dedupes_keys(small):
    small.execute("INSERT INTO t VALUES (1, 'x')")
    assert list(small.query("SELECT * FROM t")) == [{"a": 1, "b": "x"}]
    assert list(small.query(" select a, a FROM t WHERE b = ?", ["x"])) == [{"a": 1, "a_2": 1}]
    with pytest.raises(ValueError):
        list(small.query("DELETE FROM t"))  # sqlite-utils refuses statements without rows
    assert small.execute("SELECT count(*) FROM t").fetchone()[0] == 1


def test_everything_else_comes_from_sqlite_utils(small):
    small["t"].insert({"a": 5, "b": "v"})
    assert small.table_names()[-1] == "t"
    assert small.full().execute("SELECT max(a) FROM t").fetchone()[0] == 5
    assert small.execute("PRAGMA recursive_triggers").fetchone()[0] == 1


def test_a_new_database_opens_without_loading_the_study_backfill(tmp_path):
    """The one-off study backfill judges finished exams; a new database has none, so opening
    it clears the flag without importing study_repo (run in a fresh interpreter)."""
    code = (
        "import sys; from pathlib import Path; from mlcert_desktop.storage.db import open_database;"
        f"db = open_database(Path({str(tmp_path / 'n.sqlite3')!r})).db;"
        "print('mlcert_desktop.storage.study_repo' in sys.modules,"
        " db.execute(\"SELECT count(*) FROM settings WHERE key = 'study_backfill_pending'\")"
        ".fetchone()[0])"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "0"]


def _database_at(path: Path, steps: int):
    """A database made by the first `steps` migrations only, as an older app left it."""
    old = dbmod.connect(path)
    old.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for name, step in MIGRATIONS[:steps]:
        with old.atomic():
            step(old.conn)
            old.execute("INSERT INTO _migrations VALUES (?, '2026-01-01')", [name])
    return old


def _reordered(questions, mark: str):
    """The questions with their choices' ids out of sorted order and some text beyond ASCII,
    so that neither id order nor encoding can stand in for the pack's order."""
    return [
        q._replace(
            choices=tuple(
                c._replace(id=chr(ord("z") - i), text=f"{c.text} · {mark} ✓ “q”", why=c.why + "é")
                for i, c in enumerate(q.choices)
            )
        )
        for q in questions
    ]


@pytest.mark.parametrize("steps", [2, 3])
def test_choices_move_into_their_questions_rows(tmp_path, steps):
    """0003 (choices clustered by key) and 0004 (choices into their question's row): an
    existing database's choices end up exactly as an import writes them today, in the pack's
    order, each pack's with its own questions (two packs share question ids here); a question
    with no choice rows gets none; the choices table is gone."""
    from mlcert_desktop.storage import packs_repo
    from tests import factory

    current = open_database(tmp_path / "current.sqlite3").db
    src = factory.source(12)  # multiple-response questions too (5 choices, two correct)
    v2 = factory.source(9, version=2)  # an update: questions 9-11 stay, inactive
    packs_repo.write_pack(current, src.manifest, _reordered(src.questions, "one"), {}, "KEY")
    packs_repo.write_pack(current, v2.manifest, _reordered(v2.questions, "two"), {}, "KEY")
    other = {**factory.manifest(), "pack_id": "org.example.other-pack"}
    packs_repo.write_pack(current, other, _reordered(src.questions, "other"), {}, "KEY")
    old = _database_at(tmp_path / "old.sqlite3", steps)
    with old.atomic():
        factory.copy_in_old_layout(current, old)
        old.execute("DELETE FROM choices WHERE pack_id = ? AND qid = 'q005'", [factory.PACK_ID])
    current.execute(
        "UPDATE questions SET choices = '[]' WHERE pack_id = ? AND qid = 'q005'",
        [factory.PACK_ID],
    )
    assert migrate(old) == [n for n, _ in MIGRATIONS[steps:]]
    assert "choices" not in tables(old)
    query = "SELECT * FROM questions ORDER BY pack_id, qid"
    assert old.execute(query).fetchall() == current.execute(query).fetchall()
    for pack_id in (factory.PACK_ID, "org.example.other-pack"):
        ids = [q.id for q in src.questions]
        migrated = packs_repo.load_questions(old, pack_id, ids)
        assert len(migrated) == 12
        assert migrated == packs_repo.load_questions(current, pack_id, ids)
    by_id = {q.id: q for q in packs_repo.load_questions(old, factory.PACK_ID, ["q001", "q005"])}
    assert [c.id for c in by_id["q001"].choices] == ["z", "y", "x", "w"]
    assert "one" not in by_id["q001"].choices[0].text  # version 2's text, not version 1's
    assert by_id["q005"].choices == ()
    assert old.execute("PRAGMA foreign_key_check").fetchall() == []
    assert old.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # 0006 counted each pack's active questions as an import now stores them.
    counts = "SELECT pack_id, question_count FROM packs ORDER BY pack_id"
    assert old.execute(counts).fetchall() == current.execute(counts).fetchall()
    assert dict(current.execute(counts).fetchall()) == {
        factory.PACK_ID: 9,
        "org.example.other-pack": 12,
    }
    old.close()
    current.close()


def _count(db, like: str) -> int:
    return db.execute("SELECT count(*) FROM settings WHERE key LIKE ?", [like]).fetchone()[0]


def test_a_requested_restore_is_done_at_the_next_start_and_the_old_data_kept(tmp_path):
    path = factory.file_with_settings(tmp_path / "mlcert.sqlite3", n=3)
    saved = backup_file(path, tmp_path / "backups", reason="daily")
    opened = open_database(path)
    opened.db.execute("INSERT INTO settings VALUES ('after', 'the backup')")
    request_restore(path, saved)
    saved.unlink()  # rotated away before the next start: the request holds its own copy
    opened.db.close()
    other = open_database(path)  # not the app's start (mlcert-pack, tests): nothing is done
    assert other.restored is None and _count(other.db, "after") == 1
    other.db.close()
    again = open_database(path, carry_out_restore=True)
    try:
        kept = again.restored
        assert again.restore_failed is None and "before-restore" in kept.name
        assert _count(again.db, "after") == 0 and _count(again.db, "key-%") == 3
        assert _setting_in(kept, "after") == "the backup"
    finally:
        again.db.close()
    assert not Path(str(path) + RESTORE_SUFFIX).exists()
    third = open_database(path, carry_out_restore=True)  # done once, not at every start
    try:
        assert third.restored is None
    finally:
        third.db.close()


@pytest.mark.parametrize("backup_state", ["missing", "damaged"])
def test_a_backup_that_fails_its_check_is_not_taken(tmp_path, backup_state):
    path = factory.file_with_settings(tmp_path / "mlcert.sqlite3", n=400)
    saved = backup_file(path, tmp_path / "backups", reason="daily")
    if backup_state == "missing":
        saved.unlink()
    else:
        factory.damage_page_holding(saved, b"key-0200")
    with pytest.raises((ValueError, OSError)):
        request_restore(path, saved)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backups", "mlcert.sqlite3"]


def test_a_request_damaged_before_the_start_is_dropped_and_the_data_kept(tmp_path):
    path = factory.file_with_settings(tmp_path / "mlcert.sqlite3", n=400)
    request_restore(path, backup_file(path, tmp_path / "backups", reason="daily"))
    factory.damage_page_holding(Path(str(path) + RESTORE_SUFFIX), b"key-0200")
    opened = open_database(path, carry_out_restore=True)
    try:
        assert opened.restored is None and "fails SQLite's check" in opened.restore_failed
        assert _count(opened.db, "key-%") == 400
    finally:
        opened.db.close()
    assert not Path(str(path) + RESTORE_SUFFIX).exists()
    assert list(tmp_path.glob("*before-restore*")) == []


def test_a_restore_cut_short_by_a_crash_is_finished_with_the_same_names(tmp_path):
    """The crash came after the main file was moved and before its log was: the next start
    moves the log to the same name and puts the copy in place."""
    path = factory.file_with_settings(tmp_path / "mlcert.sqlite3", n=3)
    request_restore(path, backup_file(path, tmp_path / "backups", reason="daily"))
    kept = tmp_path / "mlcert.before-restore-20261202-101010.sqlite3"
    Path(str(path) + RESTORE_SUFFIX + "-kept").write_text(str(kept), encoding="utf-8")
    Path(str(path) + "-wal").write_bytes(b"the log of the data replaced")
    path.rename(kept)
    opened = open_database(path, carry_out_restore=True)
    try:
        assert opened.restored == kept and _count(opened.db, "key-%") == 3
    finally:
        opened.db.close()
    assert Path(str(kept) + "-wal").read_bytes() == b"the log of the data replaced"
    assert not Path(str(path) + RESTORE_SUFFIX + "-kept").exists()


def test_a_restore_done_just_before_a_crash_is_still_told(tmp_path):
    path = factory.file_with_settings(tmp_path / "mlcert.sqlite3", n=3)
    kept = tmp_path / "mlcert.before-restore-20261202-101010.sqlite3"
    Path(str(path) + RESTORE_SUFFIX + "-kept").write_text(str(kept), encoding="utf-8")
    opened = open_database(path, carry_out_restore=True)
    opened.db.close()
    assert opened.restored == kept
    assert not Path(str(path) + RESTORE_SUFFIX + "-kept").exists()


def test_two_restores_in_the_same_second_keep_both_replaced_files(tmp_path, monkeypatch):
    monkeypatch.setattr(dbmod, "_stamp", lambda: "20261202-101010")
    path = factory.file_with_settings(tmp_path / "mlcert.sqlite3", n=3)
    saved = backup_file(path, tmp_path / "backups", reason="daily")
    kept = []
    for _ in range(2):
        request_restore(path, saved)
        opened = open_database(path, carry_out_restore=True)
        kept.append(opened.restored)
        opened.db.close()
    assert kept[0] != kept[1] and all(k.exists() for k in kept)
