"""Open (or create) the user's database: PRAGMAs, migrations, backups, corruption recovery."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from mlcert_desktop.storage.migrations import MIGRATIONS

if TYPE_CHECKING:
    import sqlite_utils

BACKUPS_KEPT = 5
DAILY_BACKUP_S = 24 * 3600  # the app backs up a sound data file once a day (check_data_file)
# Next to the database file, written when a full check found damage: the next start checks
# the whole file again before using it (and moves it aside if the damage is still there).
DAMAGE_SUFFIX = ".damaged"
RESTORE_SUFFIX = ".restore"  # beside the database: request_restore()
_SELECT = re.compile(r"\s*select\b", re.IGNORECASE)


class Database:
    """The part of sqlite_utils.Database the app uses every day, on an autocommit connection.

    Importing sqlite-utils (with click, pluggy, dateutil) and loading its plugins took about a
    quarter of the app's start-up, so execute(), query(), atomic() and close() are done here
    with sqlite-utils' semantics, and everything else (db["table"], db.table(), enable_fts(),
    ...) goes to a real sqlite_utils.Database on the same connection, created on first use.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._full: sqlite_utils.Database | None = None

    def full(self) -> sqlite_utils.Database:
        """The full sqlite_utils.Database on this connection."""
        if self._full is None:
            import sqlite_utils

            self._full = sqlite_utils.Database(self.conn)
        return self._full

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.full(), name)

    def __getitem__(self, table: str):
        return self.full()[table]

    def execute(self, sql: str, parameters=None) -> sqlite3.Cursor:
        # In autocommit mode a statement outside atomic() commits by itself, as in sqlite-utils.
        if parameters is None:
            return self.conn.execute(sql)
        return self.conn.execute(sql, parameters)

    def query(self, sql: str, params=None) -> Iterator[dict]:
        if not _SELECT.match(sql):  # sqlite-utils guards other statements with a savepoint
            return self.full().query(sql, params)
        cursor = self.execute(sql, params)
        keys = [d[0] for d in cursor.description]
        if len(set(keys)) != len(keys):
            from sqlite_utils.utils import dedupe_keys

            keys = dedupe_keys(keys)
        return (dict(zip(keys, row, strict=True)) for row in cursor)

    @contextlib.contextmanager
    def atomic(self) -> Iterator[Database]:
        """A transaction; nested blocks use savepoints (as Database.atomic)."""
        if self.conn.in_transaction:
            # secrets.token_hex(16) is os.urandom(16).hex(); importing secrets loads OpenSSL.
            savepoint = f"sqlite_utils_{os.urandom(16).hex()}"
            self.conn.execute(f"SAVEPOINT {savepoint};")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {savepoint};")
                    self.conn.execute(f"RELEASE SAVEPOINT {savepoint};")
                raise
            else:
                self.conn.execute(f"RELEASE SAVEPOINT {savepoint};")
        else:
            self.conn.execute("BEGIN")
            try:
                yield self
            except BaseException:
                self.rollback()
                raise
            else:
                try:
                    self.conn.execute("COMMIT")
                except BaseException:
                    self.rollback()
                    raise

    @contextlib.contextmanager
    def checkpoint_deferred(self) -> Iterator[None]:
        """Commits inside the block leave their pages in the write-ahead log.

        SQLite copies the log into the database file when a commit leaves it over 1,000 pages,
        and the committing call waits for that: after a big pack, a third of the import. The
        data is committed either way (the log is part of the database); checkpoint() does the
        copy afterwards, off the caller's path, and SQLite does it anyway at the next commit or
        when the connection closes.
        """
        before = self.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        if before == 0:  # already off: the block that turned it off turns it back on
            yield
            return
        self.conn.execute("PRAGMA wal_autocheckpoint = 0")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA wal_autocheckpoint = {int(before)}")

    def path(self) -> str:
        """The database file ("" for an in-memory database)."""
        return self.conn.execute("PRAGMA database_list").fetchone()[2]

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database file and empty it (see checkpoint())."""
        path = self.path()
        if path:
            checkpoint(path)

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def close(self) -> None:
        self.conn.close()


class OpenedDatabase(NamedTuple):
    db: Database
    path: Path
    # Set when the file was unreadable and was moved aside; the UI tells the user.
    moved_aside: Path | None = None
    # Set when a restore asked for by request_restore() was done: where the data it replaced
    # is kept.
    restored: Path | None = None
    # Set when a requested restore could not be done: why (the data is as it was).
    restore_failed: str | None = None


def checkpoint(path: str | Path) -> None:
    """Copy the write-ahead log of the database at `path` into the database file and empty it.

    On a connection of its own, so that a worker thread can do it while the app's connection
    is in use: on that connection it would be refused while a query of the GUI is still being
    read ("database table is locked"), and it would hold the connection for the whole copy.
    It waits (up to 5 s) for other connections' transactions; if one is still open then, the
    log is copied as far as it can be, and SQLite copies the rest at a later commit or close.
    """
    conn = sqlite3.connect(str(path), timeout=5.0)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        conn.close()


def utcnow() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def connect(path: Path | str) -> Database:
    """A connection in autocommit mode; writes are grouped with db.atomic()."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA recursive_triggers = ON")  # as Database sets it
        conn.execute("PRAGMA foreign_keys = ON")
        if str(path) != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
        # NORMAL in WAL mode: a committed answer survives a crash of the app; only an OS
        # crash may lose the last transactions.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA busy_timeout = 5000")
    except sqlite3.DatabaseError:
        conn.close()  # so a corrupt file can be moved aside (Windows locks open files)
        raise
    return Database(conn)


def open_database(path: Path, *, carry_out_restore: bool = False) -> OpenedDatabase:
    """Open, migrate; if the file is corrupt, move it aside with a timestamp and start fresh.

    The file counts as corrupt when SQLite cannot read it as a database, or when a full check
    finds damage. The full check reads the whole file, so it runs here only when the last one
    (integrity_problem(), which the app runs once its window is up, or note_damage()) found
    damage, and before migrations, which rewrite the file and back it up first. Reading the
    whole file at every start would make starting slower with every pack installed (about
    60 ms for 20,000 questions)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    restored, restore_failed = _requested_restore(path) if carry_out_restore else (None, None)
    moved = None
    try:
        db = connect(path)
        done = set(applied_migrations(db))  # reads the schema: a file that is not a database fails
        _check(db, path, full=any(name not in done for name, _ in MIGRATIONS))
    except sqlite3.DatabaseError as e:
        if isinstance(e, sqlite3.OperationalError) and "not a database" not in str(e):
            raise  # locked, read-only, disk full...: not corruption; never move the file
        if "db" in locals():
            db.close()  # type: ignore[has-type]
        moved = _free_name(path, "corrupt")
        _move_with_companions(path, moved)
        db = connect(path)
    migrate(db, path)
    return OpenedDatabase(db, path, moved, restored, restore_failed)


def request_restore(path: Path, backup_path: Path) -> None:
    """Ask the next open_database(carry_out_restore=True) of `path` to put this backup in its
    place: the app cannot swap the file under its own open connection, so it closes and its
    next start does it. The backup is checked and copied beside the database now (the request
    is that copy, made whole before it is named), so rotating the backups cannot take it away.
    Raises ValueError when the backup fails SQLite's check, OSError when it cannot be copied."""
    if not Path(backup_path).is_file():  # connecting would create an empty database there
        raise FileNotFoundError(2, "no such file", str(backup_path))
    if not _sound_copy(backup_path):
        raise ValueError(f"the backup {backup_path} fails SQLite's check")
    request = Path(str(path) + RESTORE_SUFFIX)
    partial = Path(str(request) + ".partial")
    try:
        shutil.copyfile(backup_path, partial)
        os.replace(partial, request)
    finally:
        partial.unlink(missing_ok=True)


def cancel_restore(path: Path) -> None:
    """Take back a request_restore() not yet carried out."""
    Path(str(path) + RESTORE_SUFFIX).unlink(missing_ok=True)


# The files that belong with a database file, moved together.
_COMPANIONS = ("", "-wal", "-shm", DAMAGE_SUFFIX)


def _move_with_companions(src: Path, dest: Path) -> None:
    """Move the database file `src` and its companions to the name `dest`; one already moved
    (a move cut short, repeated) is left where it is, and nothing is moved onto a file."""
    for suffix in _COMPANIONS:
        moving, to = Path(str(src) + suffix), Path(str(dest) + suffix)
        if moving.exists() and not to.exists():
            shutil.move(moving, to)


def _free_name(path: Path, label: str) -> Path:
    """mlcert.<label>-<time>[-n].sqlite3 beside `path`, with no file of that name or of its
    companions: moving onto an existing file would replace it."""
    base = path.with_name(f"{path.stem}.{label}-{_stamp()}{path.suffix}")
    candidate, n = base, 1
    while any(Path(str(candidate) + s).exists() for s in _COMPANIONS):
        n += 1
        candidate = base.with_name(f"{base.stem}-{n}{base.suffix}")
    return candidate


def _requested_restore(path: Path) -> tuple[Path | None, str | None]:
    """Carry out a request_restore(): (where the replaced data went, None), (None, why it was
    not done), or (None, None) when nothing was asked.

    Safe to repeat after a crash: the name the replaced files go to is written down first
    (RESTORE_SUFFIX + "-kept"), the moves skip what was already moved, and the copy is renamed
    into place last."""
    request = Path(str(path) + RESTORE_SUFFIX)
    journal = Path(str(request) + "-kept")
    if not request.exists():
        if not journal.exists():
            return None, None
        kept = Path(journal.read_text(encoding="utf-8"))  # done, but not yet told
        journal.unlink(missing_ok=True)
        return kept, None
    if not _sound_copy(request):
        request.unlink(missing_ok=True)
        journal.unlink(missing_ok=True)
        return None, "the copy of the backup fails SQLite's check"
    try:
        if journal.exists():
            kept = Path(journal.read_text(encoding="utf-8"))
        else:
            kept = _free_name(path, "before-restore")
            written = Path(str(journal) + ".partial")
            written.write_text(str(kept), encoding="utf-8")
            os.replace(written, journal)
        _move_with_companions(path, kept)
        os.replace(request, path)
    except OSError as e:
        with contextlib.suppress(OSError, UnboundLocalError):  # the data back where it was
            _move_with_companions(kept, path)
            journal.unlink(missing_ok=True)
        return None, f"it could not be put in place ({e.strerror or e}); the next start tries again"
    journal.unlink(missing_ok=True)
    return kept, None


def get_setting(db: Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return None if row is None else row[0]


def set_setting(db: Database, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO settings VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
        [key, value],
    )


def _check(db: Database, path: Path, full: bool) -> None:
    """SQLite's full check, when asked for or when the last one found damage; a sound file's
    note of damage is dropped."""
    marker = Path(str(path) + DAMAGE_SUFFIX)
    noted = marker.exists()
    if not (full or noted):
        return
    # After a note, the thorough check: it also finds what only reading the file through an
    # index shows (an entry without its row), which the quick one does not look for.
    problem = _quick_check(path, "integrity_check" if noted else "quick_check")
    if problem is not None:
        raise sqlite3.DatabaseError(f"integrity check failed: {problem}")
    marker.unlink(missing_ok=True)  # sound after all (the damage was elsewhere, or repaired)


def integrity_problem(path: str | Path) -> str | None:
    """SQLite's full check of the database at `path` (every page and index; it reads the whole
    file): None when it is sound, else what SQLite found. On a connection of its own, so a
    worker thread can run it while the app uses its connection. Damage is noted beside the file
    (note_damage)."""
    if not Path(path).is_file():  # connecting would create an empty database there
        raise FileNotFoundError(f"no database at {path}")
    problem = _quick_check(path)
    if problem is not None:
        note_damage(path, problem)
    return problem


def note_damage(path: str | Path, problem: str) -> None:
    """Leave a note beside the database that it is damaged: the next open_database() checks it
    in full and moves it aside if the damage is still there. (If the note cannot be written,
    the damage shows again at the next full check.)"""
    with contextlib.suppress(OSError):
        Path(str(path) + DAMAGE_SUFFIX).write_text(problem + "\n", encoding="utf-8")


def first_findings(problem: str, lines: int = 1) -> str:
    """The first lines of what SQLite's check found, without its "*** in database main ***"."""
    return "\n".join([x for x in problem.splitlines() if not x.startswith("***")][:lines])


def _quick_check(path: str | Path, pragma: str = "quick_check") -> str | None:
    conn = sqlite3.connect(str(path), timeout=5.0)
    try:
        row = conn.execute(f"PRAGMA {pragma}").fetchone()
        return None if row and row[0] == "ok" else (row[0] if row else "no answer")
    except sqlite3.OperationalError as e:
        if "not a database" in str(e):
            return str(e)
        raise  # locked, unreadable...: the check could not run, which says nothing of the file
    except sqlite3.DatabaseError as e:  # "database disk image is malformed"
        return str(e)
    finally:
        conn.close()


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def applied_migrations(db: Database) -> list[str]:
    db.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    return [r[0] for r in db.execute("SELECT name FROM _migrations ORDER BY rowid")]


def migrate(db: Database, path: Path | None = None) -> list[str]:
    """Apply pending migrations in order, each in its own transaction; back up first."""
    done = set(applied_migrations(db))
    pending = [(n, f) for n, f in MIGRATIONS if n not in done]
    if pending and done and path is not None:
        backup(db, path.parent / "backups", reason="before-migration")
    for name, step in pending:
        with db.atomic():
            step(db.conn)
            db.execute("INSERT INTO _migrations VALUES (?, ?)", [name, utcnow()])
    if pending:
        _data_steps(db)
    return [n for n, _ in pending]


def _data_steps(db: Database) -> None:
    """Work that migrations leave to the app's code, run once the schema is current."""
    flag = "SELECT 1 FROM settings WHERE key = 'study_backfill_pending'"
    if db.execute(flag).fetchone() is None:
        return
    # Only finished exams are judged: a new database has none, and need not load study_repo
    # and the study core (a few milliseconds of a first start or of opening a fresh file).
    exams = "SELECT 1 FROM attempts WHERE state = 'finished' AND mode = 'exam' LIMIT 1"
    with db.atomic():
        if db.execute(exams).fetchone() is not None:
            from mlcert_desktop.storage import study_repo

            study_repo.backfill_exam_outcomes(db.conn)
        db.execute("DELETE FROM settings WHERE key = 'study_backfill_pending'")


def backup(db: Database, folder: Path, reason: str) -> Path:
    """A consistent copy via SQLite's online backup API; keeps the newest few."""
    return _backup(db.conn, folder, reason)


def backup_file(path: str | Path, folder: Path, reason: str) -> Path:
    """backup() of the database at `path`, on a connection of its own: a worker thread can copy
    it while the app's connection stays free."""
    conn = sqlite3.connect(str(path), timeout=5.0)
    try:
        return _backup(conn, folder, reason)
    finally:
        conn.close()


def _backup(conn: sqlite3.Connection, folder: Path, reason: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    dest = folder / f"mlcert-{stamp}-{reason}.sqlite3"
    n = 1
    while dest.exists():
        n += 1
        dest = folder / f"mlcert-{stamp}-{n:03d}-{reason}.sqlite3"
    # Copied under another name and renamed once whole: a copy cut short (disk full) is never
    # taken for a backup.
    partial = dest.with_name(dest.name + ".partial")
    try:
        target = sqlite3.connect(str(partial))
        try:
            conn.backup(target)
        finally:
            target.close()
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    _rotate(folder, keep=dest)
    return dest


def _rotate(folder: Path, keep: Path) -> None:
    """Keep the newest BACKUPS_KEPT backups, and always the newest daily one: the backups made
    before imports and migrations are not checked, and must not push out the last copy that
    was (a failing import of a damaged file is retried, each time after a backup)."""
    newest_daily = _dailies(folder)[-1:]
    others = [p for p in backups(folder) if p != keep]
    for old in others[: max(0, len(others) - (BACKUPS_KEPT - 1))]:
        if old not in newest_daily:
            old.unlink(missing_ok=True)


def backups(folder: Path) -> list[Path]:
    """The automatic backups in `folder`, oldest first (their names start with the time)."""
    return sorted(folder.glob("mlcert-*.sqlite3"))


def _dailies(folder: Path) -> list[Path]:
    return [p for p in backups(folder) if p.name.endswith("-daily.sqlite3")]


def daily_backup_due(folder: Path, now: float | None = None) -> bool:
    """Whether the newest daily backup in `folder` is a day old or more (or there is none)."""
    newest = _dailies(folder)[-1:]
    try:
        made = newest[0].stat().st_mtime
    except (IndexError, OSError):
        return True
    return (time.time() if now is None else now) - made >= DAILY_BACKUP_S


def newest_sound_backup(folder: Path) -> Path | None:
    """The newest backup in `folder` that passes SQLite's full check and holds the app's data
    (an empty file passes the check too)."""
    return next((c for c in reversed(backups(folder)) if _sound_copy(c)), None)


def _sound_copy(path: Path) -> bool:
    """Whether the database file at `path` (a backup, a copy of one) passes SQLite's full
    check and holds the app's data: an empty file passes the check too. Unreadable: False."""
    try:
        if _quick_check(path) is not None:
            return False
        conn = sqlite3.connect(str(path))
        try:
            return conn.execute("SELECT count(*) FROM _migrations").fetchone()[0] > 0
        finally:
            conn.close()
    except (sqlite3.Error, OSError):
        return False


def restore_backup(backup_path: Path, path: Path) -> OpenedDatabase:
    """Put a copy of the backup in place of the database at `path`, which must be closed, and
    open it (migrating a backup that an older version of the app made). An OSError (disk
    full) leaves the database at `path` as it was."""
    partial = path.with_name(path.name + ".restoring")
    try:
        shutil.copyfile(backup_path, partial)
        for suffix in ("-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return open_database(path)
