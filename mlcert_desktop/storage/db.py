"""Open (or create) the user's database: PRAGMAs, migrations, backups, corruption recovery."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from mlcert_desktop.storage.migrations import MIGRATIONS

BACKUPS_KEPT = 5


@dataclass
class OpenedDatabase:
    db: sqlite_utils.Database
    path: Path
    # Set when the file was unreadable and was moved aside; the UI tells the user.
    moved_aside: Path | None = None


def utcnow() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def connect(path: Path | str) -> sqlite_utils.Database:
    """A connection in autocommit mode; writes are grouped with db.atomic()."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
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
    return sqlite_utils.Database(conn)


def open_database(path: Path) -> OpenedDatabase:
    """Open, migrate; if the file is corrupt, move it aside with a timestamp and start fresh."""
    path.parent.mkdir(parents=True, exist_ok=True)
    moved = None
    try:
        db = connect(path)
        _check(db)
    except sqlite3.DatabaseError as e:
        if isinstance(e, sqlite3.OperationalError) and "not a database" not in str(e):
            raise  # locked, read-only, disk full...: not corruption; never move the file
        if "db" in locals():
            db.close()  # type: ignore[has-type]
        moved = path.with_name(f"{path.stem}.corrupt-{_stamp()}{path.suffix}")
        for suffix in ("", "-wal", "-shm"):
            src = Path(str(path) + suffix)
            if src.exists():
                shutil.move(src, Path(str(moved) + suffix))
        db = connect(path)
    migrate(db, path)
    return OpenedDatabase(db, path, moved)


def _check(db: sqlite_utils.Database) -> None:
    row = db.execute("PRAGMA quick_check").fetchone()
    if row is None or row[0] != "ok":
        raise sqlite3.DatabaseError(f"integrity check failed: {row}")


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S")


def applied_migrations(db: sqlite_utils.Database) -> list[str]:
    db.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    return [r[0] for r in db.execute("SELECT name FROM _migrations ORDER BY rowid")]


def migrate(db: sqlite_utils.Database, path: Path | None = None) -> list[str]:
    """Apply pending migrations in order, each in its own transaction; back up first."""
    done = set(applied_migrations(db))
    pending = [(n, f) for n, f in MIGRATIONS if n not in done]
    if pending and done and path is not None:
        backup(db, path.parent / "backups", reason="before-migration")
    for name, step in pending:
        with db.atomic():
            step(db.conn)
            db.execute("INSERT INTO _migrations VALUES (?, ?)", [name, utcnow()])
    return [n for n, _ in pending]


def backup(db: sqlite_utils.Database, folder: Path, reason: str) -> Path:
    """A consistent copy via SQLite's online backup API; keeps the newest few."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    dest = folder / f"mlcert-{stamp}-{reason}.sqlite3"
    n = 1
    while dest.exists():
        n += 1
        dest = folder / f"mlcert-{stamp}-{n:03d}-{reason}.sqlite3"
    target = sqlite3.connect(str(dest))
    try:
        db.conn.backup(target)
    finally:
        target.close()
    others = sorted(p for p in folder.glob("mlcert-*.sqlite3") if p != dest)
    for old in others[: max(0, len(others) - (BACKUPS_KEPT - 1))]:
        old.unlink(missing_ok=True)
    return dest
