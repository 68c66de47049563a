"""Named, ordered schema migrations. Append new steps; never edit a released one."""

from __future__ import annotations

import json
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


def _study(conn: sqlite3.Connection) -> None:
    """Study mode: judged answers, spaced-repetition cards, flags on questions, search."""
    _run_script(
        conn,
        """
        ALTER TABLE attempt_items ADD COLUMN checked INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE attempt_items ADD COLUMN time_spent_s REAL NOT NULL DEFAULT 0;
        CREATE TABLE review_log (             -- one row per judged answer (exam or practice)
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            pack_id TEXT NOT NULL,
            qid TEXT NOT NULL,
            attempt_id INTEGER REFERENCES attempts(id) ON DELETE SET NULL,
            position INTEGER,
            correct INTEGER NOT NULL,
            grade INTEGER NOT NULL,           -- 1 Again, 2 Hard, 3 Good, 4 Easy
            auto_grade INTEGER NOT NULL,      -- what the app chose before any override
            duration_s REAL,
            reviewed_at TEXT NOT NULL,
            card_before TEXT                  -- FSRS state before this review (undo / regrade)
        );
        CREATE INDEX review_log_question ON review_log(pack_id, qid, id);
        CREATE INDEX review_log_attempt ON review_log(attempt_id, position, id);
        CREATE TABLE reviews (                -- FSRS card per question id, kept across pack updates
            pack_id TEXT NOT NULL,
            qid TEXT NOT NULL,
            card TEXT NOT NULL,
            due TEXT NOT NULL,
            PRIMARY KEY (pack_id, qid)
        );
        CREATE TABLE question_flags (
            pack_id TEXT NOT NULL,
            qid TEXT NOT NULL,
            flagged_at TEXT NOT NULL,
            PRIMARY KEY (pack_id, qid)
        );
        CREATE VIRTUAL TABLE question_fts USING fts5(
            stem, choices, explanation, pack_id UNINDEXED, qid UNINDEXED,
            tokenize = 'porter unicode61'
        );
        CREATE TABLE question_fts_state (     -- which install of a pack the index holds
            pack_id TEXT PRIMARY KEY,
            built_for TEXT NOT NULL           -- "<pack version>@<imported_at>"
        );
        INSERT OR IGNORE INTO question_flags
            SELECT i.pack_id, i.qid, coalesce(a.finished_at, a.started_at)
            FROM attempt_items i JOIN attempts a ON a.id = i.attempt_id
            WHERE i.flagged AND a.state != 'abandoned';
        INSERT OR REPLACE INTO settings VALUES ('study_backfill_pending', '1')
        """,
    )
    # The exams finished before study mode are judged by the app's code once every
    # migration has run (storage.db.migrate): a migration must not call code that later
    # schema changes could break.


def _choices_clustered(conn: sqlite3.Connection) -> None:
    """Choices are stored in their key's order (pack, question, choice), WITHOUT ROWID: a
    question's choices sit together, and writing one no longer also updates a separate key
    index (an eighth of the time of installing a pack's rows). The new table is the old one's
    own definition (columns, key, foreign key) with WITHOUT ROWID added."""
    (definition,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'choices'"
    ).fetchone()
    clustered = definition.replace("CREATE TABLE choices", "CREATE TABLE choices_clustered", 1)
    conn.execute(clustered + " WITHOUT ROWID")
    _run_script(
        conn,
        """
        INSERT INTO choices_clustered SELECT pack_id, qid, cid, seq, text, correct, why
            FROM choices;
        DROP TABLE choices;
        ALTER TABLE choices_clustered RENAME TO choices
        """,
    )


def _choices_in_questions(conn: sqlite3.Connection) -> None:
    """Each question's choices move into its own row: `questions.choices`, a JSON array of
    [id, text, correct, why] in the pack's order. A question and its choices are always read
    together, and an import writes one row per question instead of one more per choice (about
    half the time of writing a pack's rows). The choices table goes."""
    conn.execute("ALTER TABLE questions ADD COLUMN choices TEXT NOT NULL DEFAULT '[]'")
    grouped: dict[tuple[str, str], list] = {}
    rows = conn.execute(
        "SELECT pack_id, qid, cid, text, correct, why FROM choices ORDER BY pack_id, qid, seq"
    )
    for pack_id, qid, cid, text, correct, why in rows:
        grouped.setdefault((pack_id, qid), []).append([cid, text, bool(correct), why])
    conn.executemany(
        "UPDATE questions SET choices = ? WHERE pack_id = ? AND qid = ?",
        (
            (json.dumps(choices, ensure_ascii=False, separators=(",", ":")), pack_id, qid)
            for (pack_id, qid), choices in grouped.items()
        ),
    )
    conn.execute("DROP TABLE choices")


def _active_questions_index(conn: sqlite3.Connection) -> None:
    """An index of each pack's active questions: what the home screen counts at every start
    (questions in a pack, never seen, missed, flagged, due) is read from it alone. Without
    it, each count read every question's whole row (stem, choices, explanation): with a
    20,000-question pack installed, about 60 ms of every start."""
    conn.execute("CREATE INDEX questions_active ON questions(pack_id, active, qid)")


def _pack_question_counts(conn: sqlite3.Connection) -> None:
    """Each pack's count of active questions, kept in its row: the home screen shows it (and
    counts never-seen questions from it) at every start, and counting them took a few
    milliseconds per 20,000 questions. packs_repo.write_pack sets it."""
    _run_script(
        conn,
        """
        ALTER TABLE packs ADD COLUMN question_count INTEGER NOT NULL DEFAULT 0;
        UPDATE packs SET question_count =
            (SELECT count(*) FROM questions q WHERE q.pack_id = packs.pack_id AND q.active)
        """,
    )


MIGRATIONS: list[Migration] = [
    ("0001_initial", _initial),
    ("0002_study", _study),
    ("0003_choices_clustered", _choices_clustered),
    ("0004_choices_in_questions", _choices_in_questions),
    ("0005_active_questions_index", _active_questions_index),
    ("0006_pack_question_counts", _pack_question_counts),
]
