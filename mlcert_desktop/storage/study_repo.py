"""Study data: judged answers (review_log), FSRS cards, question flags and the search index.

Every judged answer — a checked practice answer, or an answered item of a finished exam — is one
`review_log` row and moves the question's FSRS card in `reviews`. Cards and flags are keyed by
(pack_id, question id), so they survive pack updates for questions whose ids remain.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from mlcert_desktop.core import study
from mlcert_desktop.core.study import Grade, QuestionStatus
from mlcert_desktop.storage.db import utcnow

if TYPE_CHECKING:
    import sqlite_utils


def _conn(db: sqlite_utils.Database | sqlite3.Connection) -> sqlite3.Connection:
    return db if isinstance(db, sqlite3.Connection) else db.conn


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.timezone.utc)


# -- judged answers and cards -------------------------------------------------------------------
def record_outcome(
    db,
    pack_id: str,
    qid: str,
    correct: bool,
    grade: Grade,
    *,
    auto: Grade | None = None,
    duration_s: float | None = None,
    attempt_id: int | None = None,
    position: int | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Log one judged answer and move the question's card. Runs in the caller's transaction."""
    conn = _conn(db)
    when = _now(now)
    row = conn.execute(
        "SELECT card FROM reviews WHERE pack_id = ? AND qid = ?", [pack_id, qid]
    ).fetchone()
    before = row[0] if row else None
    card, due = study.review(before, grade, when, duration_s)
    conn.execute(
        """INSERT INTO reviews VALUES (?, ?, ?, ?) ON CONFLICT(pack_id, qid)
           DO UPDATE SET card = excluded.card, due = excluded.due""",
        [pack_id, qid, card, _iso(due)],
    )
    cur = conn.execute(
        """INSERT INTO review_log (pack_id, qid, attempt_id, position, correct, grade,
               auto_grade, duration_s, reviewed_at, card_before)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            pack_id,
            qid,
            attempt_id,
            position,
            int(correct),
            int(grade),
            int(auto if auto is not None else grade),
            duration_s,
            _iso(when),
            before,
        ],
    )
    return int(cur.lastrowid)


def regrade(db: sqlite_utils.Database, log_id: int, grade: Grade) -> None:
    """The user overrides the grade of an answer: replay that review with the new grade.

    Only the question's latest review can be regraded (a later one was built on it)."""
    conn = db.conn
    row = conn.execute(
        """SELECT pack_id, qid, card_before, reviewed_at, duration_s FROM review_log
           WHERE id = ?""",
        [log_id],
    ).fetchone()
    if row is None:
        raise KeyError(log_id)
    pack_id, qid, before, reviewed_at, duration = row
    latest = conn.execute(
        "SELECT max(id) FROM review_log WHERE pack_id = ? AND qid = ?", [pack_id, qid]
    ).fetchone()[0]
    if latest != log_id:
        raise ValueError("only the latest answer to a question can be regraded")
    card, due = study.review(before, grade, dt.datetime.fromisoformat(reviewed_at), duration)
    with db.atomic():
        conn.execute(
            "UPDATE reviews SET card = ?, due = ? WHERE pack_id = ? AND qid = ?",
            [card, _iso(due), pack_id, qid],
        )
        conn.execute("UPDATE review_log SET grade = ? WHERE id = ?", [int(grade), log_id])


def correct_keys(conn: sqlite3.Connection, pack_id: str, qids: Iterable[str]) -> dict:
    """{question id: the ids of its correct choices} for the given questions of a pack (an
    empty set for an id the pack does not have)."""
    wanted = set(qids)
    keys: dict[str, set[str]] = {q: set() for q in wanted}
    for qid, choices in conn.execute(
        "SELECT qid, choices FROM questions"
        " WHERE pack_id = ? AND qid IN (SELECT value FROM json_each(?))",
        [pack_id, json.dumps(sorted(wanted))],
    ):
        keys[qid] = {c[0] for c in json.loads(choices) if c[2]}
    return keys


def record_exam_outcomes(db, attempt_id: int, now: dt.datetime | None = None) -> int:
    """Judge every answered, not-yet-judged item of a finished exam. An unanswered one scores
    as wrong in the exam, but was never answered: it stays out of Missed and keeps no card."""
    conn = _conn(db)
    rows = conn.execute(
        """SELECT position, pack_id, qid, selected FROM attempt_items
           WHERE attempt_id = ? AND NOT checked ORDER BY position""",
        [attempt_id],
    ).fetchall()
    keys: dict[tuple[str, str], set[str]] = {}
    for pack_id in {r[1] for r in rows}:
        for qid, k in correct_keys(conn, pack_id, [r[2] for r in rows if r[1] == pack_id]).items():
            keys[(pack_id, qid)] = k
    judged = 0
    for position, pack_id, qid, selected in rows:
        chosen = set(json.loads(selected))
        if not chosen:
            continue  # never answered (time ran out, or skipped): not "missed", still unseen
        judged += 1
        key = keys.get((pack_id, qid))
        correct = bool(key) and chosen == key
        grade = study.auto_grade(correct, None)
        record_outcome(
            conn, pack_id, qid, correct, grade, attempt_id=attempt_id, position=position, now=now
        )
    conn.execute("UPDATE attempt_items SET checked = 1 WHERE attempt_id = ?", [attempt_id])
    return judged


def backfill_exam_outcomes(conn: sqlite3.Connection) -> None:
    """Migration helper: judge the exams finished before study mode existed, oldest first."""
    for attempt_id, finished_at in conn.execute(
        """SELECT id, coalesce(finished_at, started_at) FROM attempts
           WHERE state = 'finished' AND mode = 'exam' ORDER BY finished_at, id"""
    ).fetchall():
        when = dt.datetime.fromisoformat(finished_at)
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        record_exam_outcomes(conn, attempt_id, when)


# -- practice -----------------------------------------------------------------------------------
class CheckedItem(NamedTuple):
    position: int
    log_id: int | None
    correct: bool
    grade: Grade
    auto_grade: Grade
    time_spent_s: float
    # False once the question was judged again elsewhere (say, in an exam since): the later
    # answer's review was built on this one, which can no longer be regraded.
    regradable: bool = True


def practice_state(db: sqlite_utils.Database, attempt_id: int) -> dict[int, CheckedItem]:
    """The checked items of a practice attempt, with their grades (for resuming)."""
    out = {}
    for position, spent, log_id, correct, grade, auto, latest in db.execute(
        """SELECT i.position, i.time_spent_s, l.id, l.correct, l.grade, l.auto_grade,
                  l.id = (SELECT max(id) FROM review_log x
                          WHERE x.pack_id = l.pack_id AND x.qid = l.qid)
           FROM attempt_items i JOIN review_log l
             ON l.id = (SELECT max(id) FROM review_log
                        WHERE attempt_id = i.attempt_id AND position = i.position)
           WHERE i.attempt_id = ? AND i.checked ORDER BY i.position""",
        [attempt_id],
    ):
        out[position] = CheckedItem(
            position, log_id, bool(correct), Grade(grade), Grade(auto), spent, bool(latest)
        )
    return out


def time_spent(db: sqlite_utils.Database, attempt_id: int) -> dict[int, float]:
    return dict(
        db.execute(
            "SELECT position, time_spent_s FROM attempt_items WHERE attempt_id = ?", [attempt_id]
        ).fetchall()
    )


# -- flags --------------------------------------------------------------------------------------
def set_flag(db, pack_id: str, qid: str, flagged: bool) -> None:
    conn = _conn(db)
    if flagged:
        conn.execute(
            "INSERT OR IGNORE INTO question_flags VALUES (?, ?, ?)", [pack_id, qid, utcnow()]
        )
    else:
        conn.execute("DELETE FROM question_flags WHERE pack_id = ? AND qid = ?", [pack_id, qid])


def flagged_ids(db, pack_id: str) -> set[str]:
    return {
        r[0]
        for r in _conn(db).execute("SELECT qid FROM question_flags WHERE pack_id = ?", [pack_id])
    }


# -- what the study screens show ----------------------------------------------------------------
def statuses(db: sqlite_utils.Database, pack_id: str) -> list[QuestionStatus]:
    """Every active question of a pack with its study history."""
    rows = db.execute(
        """SELECT q.qid, q.domain, q.task, q.services,
                  coalesce(l.n, 0), coalesce(l.r, 0),
                  (SELECT correct FROM review_log x WHERE x.pack_id = q.pack_id
                     AND x.qid = q.qid ORDER BY x.id DESC LIMIT 1),
                  f.qid IS NOT NULL, r.due, json_extract(r.card, '$.state') = ?
           FROM questions q
           LEFT JOIN (SELECT qid, count(*) AS n, sum(correct) AS r FROM review_log
                      WHERE pack_id = ? GROUP BY qid) l ON l.qid = q.qid
           LEFT JOIN question_flags f ON f.pack_id = q.pack_id AND f.qid = q.qid
           LEFT JOIN reviews r ON r.pack_id = q.pack_id AND r.qid = q.qid
           WHERE q.pack_id = ? AND q.active ORDER BY q.seq""",
        [study.REVIEW_STATE, pack_id, pack_id],
    ).fetchall()
    return [
        QuestionStatus(
            qid=qid,
            domain=domain,
            task=task,
            services=tuple(json.loads(services)),
            answered=n,
            right=r,
            last_correct=None if last is None else bool(last),
            flagged=bool(flagged),
            due=None if due is None else dt.datetime.fromisoformat(due),
            in_review=bool(in_review),
        )
        for qid, domain, task, services, n, r, last, flagged, due, in_review in rows
    ]


# core.study.is_due over the `reviews` row `r`, with the parameters of _due_params.
_DUE_TODAY = "(r.due <= :now OR (json_extract(r.card, '$.state') = :review AND r.due < :day_end))"


class DrillCounts(NamedTuple):
    """How many questions each drill of a pack holds now: the home screen's figures."""

    total: int
    due: int
    missed: int
    flagged: int
    unseen: int


def drill_counts(
    db: sqlite_utils.Database, pack_id: str, now: dt.datetime | None = None
) -> DrillCounts:
    """len(study.drill_candidates(drill, statuses(db, pack_id), now)) for each drill, counted
    by SQLite: the home screen shows them on every start, and building a status for every
    question of a large pack to count them took a noticeable part of the start-up.

    The pack's questions are counted when it is installed (packs.question_count). Each other
    count walks the smaller side (the pack's cards, answers or flags) and looks its
    questions up in the index of active questions (CROSS JOIN keeps SQLite from choosing the
    other order), so a start does not grow with the questions never answered. `latest` holds
    the id of each question's latest judged answer, read from the index alone; only those
    answers' rows are read, for whether they were right.
    """
    active = "questions q ON q.pack_id = :pack AND q.active = 1 AND q.qid"
    row = db.execute(
        f"""SELECT total.n, due.n, answered.missed, flagged.n, total.n - answered.seen
           FROM (SELECT coalesce((SELECT question_count FROM packs WHERE pack_id = :pack), 0)
                   AS n) total,
                (SELECT count(*) AS n FROM reviews r CROSS JOIN {active} = r.qid
                 WHERE r.pack_id = :pack AND {_DUE_TODAY}) due,
                (SELECT coalesce(sum(x.correct = 0), 0) AS missed, count(*) AS seen
                 FROM (SELECT qid, max(id) AS id FROM review_log WHERE pack_id = :pack
                       GROUP BY qid) latest
                 CROSS JOIN {active} = latest.qid
                 JOIN review_log x ON x.id = latest.id) answered,
                (SELECT count(*) AS n FROM question_flags f CROSS JOIN {active} = f.qid
                 WHERE f.pack_id = :pack) flagged""",
        _due_params(now) | {"pack": pack_id},
    ).fetchone()
    return DrillCounts(*row)


def due_count(
    db: sqlite_utils.Database, pack_id: str | None = None, now: dt.datetime | None = None
) -> int:
    """How many reviews are due today (core.study.is_due), in one pack or in all."""
    sql = f"""SELECT count(*) FROM reviews r JOIN questions q
               ON q.pack_id = r.pack_id AND q.qid = r.qid AND q.active WHERE {_DUE_TODAY}"""
    params = _due_params(now)
    if pack_id is not None:
        sql += " AND r.pack_id = :pack"
        params["pack"] = pack_id
    return db.execute(sql, params).fetchone()[0]


# core.study.is_due over the `reviews` row `r`, with the parameters of _due_params.
_DUE_TODAY = "(r.due <= :now OR (json_extract(r.card, '$.state') = :review AND r.due < :day_end))"


def _due_params(now: dt.datetime | None) -> dict:
    """core.study.is_due's bounds for SQL: due dates are stored as _iso strings (UTC, whole
    seconds), so they compare as text."""
    now = _now(now)
    return {"now": _iso(now), "day_end": _iso(study.day_end(now)), "review": study.REVIEW_STATE}


def answer_dates(db: sqlite_utils.Database) -> list[dt.date]:
    """The local dates on which the user answered anything (for the streak)."""
    days = set()
    # To the minute: a time zone may be a half or a quarter hour away from UTC.
    for (at,) in db.execute("SELECT DISTINCT substr(reviewed_at, 1, 16) FROM review_log"):
        stamp = dt.datetime.fromisoformat(at + ":00+00:00")
        days.add(stamp.astimezone().date())
    return sorted(days)


class DayStats(NamedTuple):
    day: dt.date
    domain: int
    right: int
    answered: int
    seconds: float  # time spent on the answers that have a duration
    timed: int  # how many of them have a duration


def daily_stats(db: sqlite_utils.Database, pack_id: str) -> list[DayStats]:
    """Judged answers per local day and domain (for the progress charts)."""
    acc: dict[tuple[dt.date, int], list[float]] = {}
    for at, domain, correct, duration in db.execute(
        """SELECT l.reviewed_at, q.domain, l.correct, l.duration_s FROM review_log l
           JOIN questions q ON q.pack_id = l.pack_id AND q.qid = l.qid
           WHERE l.pack_id = ? ORDER BY l.id""",
        [pack_id],
    ):
        day = dt.datetime.fromisoformat(at).astimezone().date()
        a = acc.setdefault((day, domain), [0, 0, 0.0, 0])
        a[0] += correct
        a[1] += 1
        if duration is not None:
            a[2] += duration
            a[3] += 1
    return [
        DayStats(day, domain, int(a[0]), int(a[1]), a[2], int(a[3]))
        for (day, domain), a in sorted(acc.items())
    ]


# -- full-text search ---------------------------------------------------------------------------
def ensure_search_index(db: sqlite_utils.Database, pack_id: str) -> None:
    """(Re)build a pack's search index if the pack changed since it was built. Done when the
    browser first searches, not at import, so importing stays fast."""
    # The version too: an update installed within the same second as the last import has the
    # same imported_at (a pack version is never installed twice, the ratchet sees to that).
    row = db.execute(
        "SELECT version || '@' || imported_at FROM packs WHERE pack_id = ?", [pack_id]
    ).fetchone()
    if row is None:
        return
    stamp = row[0]
    built = db.execute(
        "SELECT built_for FROM question_fts_state WHERE pack_id = ?", [pack_id]
    ).fetchone()
    if built is not None and built[0] == stamp:
        return
    with db.atomic():
        db.execute("DELETE FROM question_fts WHERE pack_id = ?", [pack_id])
        # The choices' text is joined here, not with SQLite's json_extract: that cuts a string
        # off at an escaped NUL ("\u0000"), which a pack may contain.
        rows = db.execute(
            "SELECT stem, choices, explanation, qid FROM questions WHERE pack_id = ? AND active",
            [pack_id],
        ).fetchall()
        db.conn.executemany(
            "INSERT INTO question_fts (stem, choices, explanation, pack_id, qid)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                (stem, " ".join(f"{c[1]} {c[3]}" for c in json.loads(choices)), expl, pack_id, qid)
                for stem, choices, expl, qid in rows
            ),
        )
        db.execute("INSERT OR REPLACE INTO question_fts_state VALUES (?, ?)", [pack_id, stamp])


def fts_query(text: str) -> str | None:
    """User words -> an FTS5 query: every word must match (prefix match on each), and no
    character the user types can be taken as FTS syntax."""
    text = "".join(ch if ch.isprintable() else " " for ch in text)  # NUL ends an FTS string
    words = [w.replace('"', "") for w in text.split()]
    # A word with no letter or digit ("*", "-", "(") has no token to match: it would turn the
    # whole query into one that matches nothing.
    words = [w for w in words if any(ch.isalnum() for ch in w)]
    if not words:
        return None
    return " ".join(f'"{w}"*' for w in words)


def search(db: sqlite_utils.Database, pack_id: str, text: str) -> list[str]:
    """Question ids matching `text` in stem, options, distractor notes or explanation, best
    match first. Empty text: every active question in pack order."""
    query = fts_query(text)
    if query is None:
        return [
            r[0]
            for r in db.execute(
                "SELECT qid FROM questions WHERE pack_id = ? AND active ORDER BY seq", [pack_id]
            )
        ]
    ensure_search_index(db, pack_id)
    return [
        r[0]
        for r in db.execute(
            """SELECT qid FROM question_fts WHERE question_fts MATCH ? AND pack_id = ?
               ORDER BY bm25(question_fts)""",
            [query, pack_id],
        )
    ]


def question_rows(
    db: sqlite_utils.Database, pack_id: str, stem_chars: int = 400
) -> list[tuple[str, str, int, str]]:
    """(qid, type, select count, the stem's first `stem_chars` characters) of every active
    question in pack order: what the browser's table needs, without options or explanations."""
    return [
        (qid, qtype, int(select), stem)
        for qid, qtype, select, stem in db.execute(
            """SELECT qid, type, select_count, substr(stem, 1, ?) FROM questions
               WHERE pack_id = ? AND active ORDER BY seq""",
            [stem_chars, pack_id],
        )
    ]


def card_due(db: sqlite_utils.Database, pack_id: str, qid: str) -> dt.datetime | None:
    row = db.execute(
        "SELECT due FROM reviews WHERE pack_id = ? AND qid = ?", [pack_id, qid]
    ).fetchone()
    return None if row is None else dt.datetime.fromisoformat(row[0])
