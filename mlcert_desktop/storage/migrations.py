"""Named, ordered schema migrations. Append new steps; never edit a released one."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = tuple[str, Callable[[sqlite3.Connection], None]]


def _run_script(conn: sqlite3.Connection, sql: str) -> None:
    """Statement by statement: executescript() would COMMIT the migration's transaction."""
    for statement in sql.split(";"):
        if statement.strip():
            conn.execute(statement)


def _initial(conn: sqlite3.Connection) -> None:
    _run_script(
        conn,
        """
        CREATE TABLE packs (
            pack_id TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            title TEXT NOT NULL,
            exam_code TEXT NOT NULL,
            exam_name TEXT NOT NULL,
            status TEXT NOT NULL,
            key_id TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            manifest TEXT NOT NULL
        );
        CREATE TABLE domains (
            pack_id TEXT NOT NULL REFERENCES packs(pack_id) ON DELETE CASCADE,
            id INTEGER NOT NULL,
            name TEXT NOT NULL,
            weight REAL NOT NULL,
            PRIMARY KEY (pack_id, id)
        );
        CREATE TABLE questions (
            pack_id TEXT NOT NULL REFERENCES packs(pack_id) ON DELETE CASCADE,
            qid TEXT NOT NULL,
            seq INTEGER NOT NULL,
            domain INTEGER NOT NULL,
            task TEXT NOT NULL,
            type TEXT NOT NULL,
            select_count INTEGER NOT NULL,
            stem TEXT NOT NULL,
            explanation TEXT NOT NULL,
            refs TEXT NOT NULL,
            difficulty INTEGER NOT NULL,
            services TEXT NOT NULL,
            tags TEXT NOT NULL,
            practice_exam INTEGER,
            active INTEGER NOT NULL DEFAULT 1,  -- 0: dropped by a newer pack version
            PRIMARY KEY (pack_id, qid)
        );
        CREATE TABLE choices (
            pack_id TEXT NOT NULL,
            qid TEXT NOT NULL,
            cid TEXT NOT NULL,
            seq INTEGER NOT NULL,
            text TEXT NOT NULL,
            correct INTEGER NOT NULL,
            why TEXT NOT NULL,
            PRIMARY KEY (pack_id, qid, cid),
            FOREIGN KEY (pack_id, qid) REFERENCES questions(pack_id, qid) ON DELETE CASCADE
        );
        CREATE TABLE media (
            pack_id TEXT NOT NULL REFERENCES packs(pack_id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (pack_id, name)
        );
        CREATE TABLE pack_ratchet (
            pack_id TEXT PRIMARY KEY,
            version INTEGER NOT NULL
        );
        CREATE TABLE trusted_keys (
            key_id TEXT PRIMARY KEY,
            public_key TEXT NOT NULL,
            comment TEXT NOT NULL,
            added_at TEXT NOT NULL
        );
        CREATE TABLE attempts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            pack_id TEXT NOT NULL,
            mode TEXT NOT NULL,              -- exam | practice
            title TEXT NOT NULL,
            blueprint TEXT NOT NULL,         -- json
            seed INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            time_limit_s REAL,               -- NULL: untimed
            time_used_s REAL NOT NULL DEFAULT 0,
            position INTEGER NOT NULL DEFAULT 0,
            state TEXT NOT NULL,             -- in_progress | finished | abandoned
            scaled INTEGER,
            passed INTEGER,
            report TEXT                      -- json ScoreReport
        );
        CREATE TABLE attempt_items (
            attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            pack_id TEXT NOT NULL,
            qid TEXT NOT NULL,
            choice_order TEXT NOT NULL,      -- json list of choice ids as shown
            selected TEXT NOT NULL DEFAULT '[]',
            flagged INTEGER NOT NULL DEFAULT 0,
            scored INTEGER NOT NULL DEFAULT 1,
            answered_at TEXT,
            PRIMARY KEY (attempt_id, position)
        );
        CREATE INDEX attempt_items_question ON attempt_items(pack_id, qid);
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """,
    )


MIGRATIONS: list[Migration] = [
    ("0001_initial", _initial),
]
