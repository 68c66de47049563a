"""Exam attempts: every answer, flag and move is one small committed transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from mlcert_desktop.core import study
from mlcert_desktop.core.models import Domain, ExamBlueprint
from mlcert_desktop.storage import study_repo
from mlcert_desktop.storage.db import utcnow
from mlcert_desktop.storage.packs_repo import load_questions

if TYPE_CHECKING:
    import sqlite_utils

    from mlcert_desktop.core.session import SessionItem


class AttemptRow(NamedTuple):
    id: int
    pack_id: str
    mode: str
    title: str
    blueprint: ExamBlueprint
    started_at: str
    finished_at: str | None
    time_limit_s: float | None
    time_used_s: float
    position: int
    state: str
    scaled: int | None
    passed: bool | None
    report: dict | None
    question_count: int = 0


def blueprint_to_json(bp: ExamBlueprint) -> str:
    return json.dumps(
        {
            "title": bp.title,
            "question_count": bp.question_count,
            "duration_minutes": bp.duration_minutes,
            "unscored_count": bp.unscored_count,
            "passing_score": bp.passing_score,
            "score_scale": list(bp.score_scale),
            "domains": [[d.id, d.name, d.weight] for d in bp.domains],
            "domain_filter": None if bp.domain_filter is None else sorted(bp.domain_filter),
            "question_ids": None if bp.question_ids is None else list(bp.question_ids),
        }
    )


def blueprint_from_json(text: str) -> ExamBlueprint:
    d = json.loads(text)
    return ExamBlueprint(
        title=d["title"],
        question_count=d["question_count"],
        duration_minutes=d["duration_minutes"],
        unscored_count=d["unscored_count"],
        passing_score=d["passing_score"],
        score_scale=tuple(d["score_scale"]),  # type: ignore[arg-type]
        domains=tuple(Domain(i, n, w) for i, n, w in d["domains"]),
        domain_filter=None if d["domain_filter"] is None else frozenset(d["domain_filter"]),
        question_ids=None if d["question_ids"] is None else tuple(d["question_ids"]),
    )


def create_attempt(
    db: sqlite_utils.Database,
    pack_id: str,
    mode: str,
    blueprint: ExamBlueprint,
    seed: int,
    items: Sequence[SessionItem],
) -> int:
    with db.atomic():
        cur = db.execute(
            """INSERT INTO attempts (pack_id, mode, title, blueprint, seed, started_at,
                                     time_limit_s, state)
               VALUES (?, ?, ?, ?, ?, ?, ?, 'in_progress')""",
            [
                pack_id,
                mode,
                blueprint.title,
                blueprint_to_json(blueprint),
                seed,
                utcnow(),
                blueprint.time_limit_seconds,
            ],
        )
        attempt_id = int(cur.lastrowid)
        db.conn.executemany(
            """INSERT INTO attempt_items (attempt_id, position, pack_id, qid, choice_order,
                                          scored, flagged) VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [
                (
                    attempt_id,
                    i,
                    it.question.pack_id,
                    it.question.id,
                    json.dumps(list(it.choice_order)),
                    int(it.scored),
                    int(it.flagged),
                )
                for i, it in enumerate(items)
            ],
        )
    return attempt_id


def save_answer(
    db: sqlite_utils.Database,
    attempt_id: int,
    position: int,
    selected,
    time_used: float,
) -> None:
    with db.atomic():
        db.execute(
            """UPDATE attempt_items SET selected = ?, answered_at = ?
               WHERE attempt_id = ? AND position = ?""",
            [json.dumps(sorted(selected)), utcnow(), attempt_id, position],
        )
        _touch(db, attempt_id, time_used, position)


def save_flag(
    db: sqlite_utils.Database, attempt_id: int, position: int, flagged: bool, time_used: float
) -> None:
    with db.atomic():
        db.execute(
            "UPDATE attempt_items SET flagged = ? WHERE attempt_id = ? AND position = ?",
            [int(flagged), attempt_id, position],
        )
        # The flag also marks the question itself, for the Flagged drill.
        pack_id, qid = db.execute(
            "SELECT pack_id, qid FROM attempt_items WHERE attempt_id = ? AND position = ?",
            [attempt_id, position],
        ).fetchone()
        study_repo.set_flag(db, pack_id, qid, flagged)
        _touch(db, attempt_id, time_used, position)


def save_progress(
    db: sqlite_utils.Database,
    attempt_id: int,
    time_used: float,
    position: int | None = None,
    time_on_question: float | None = None,
) -> None:
    """The periodic checkpoint of the clock (and the current question; in practice, also the
    time spent on that question so far)."""
    with db.atomic():
        if time_on_question is not None and position is not None:
            db.execute(
                "UPDATE attempt_items SET time_spent_s = ? WHERE attempt_id = ? AND position = ?",
                [time_on_question, attempt_id, position],
            )
        _touch(db, attempt_id, time_used, position)


def check_answer(
    db: sqlite_utils.Database,
    attempt_id: int,
    position: int,
    selected,
    *,
    correct: bool,
    time_spent_s: float,
    time_used: float,
    budget_s: float = study.DEFAULT_BUDGET_S,
    now=None,
) -> study_repo.CheckedItem:
    """A practice answer is submitted: save it, judge it and schedule its next review, in one
    transaction."""
    grade = study.auto_grade(correct, time_spent_s, budget_s)
    with db.atomic():
        row = db.execute(
            """SELECT pack_id, qid, checked FROM attempt_items
               WHERE attempt_id = ? AND position = ?""",
            [attempt_id, position],
        ).fetchone()
        if row is None:
            raise KeyError(position)
        if row[2]:
            raise ValueError("this answer has already been checked")
        db.execute(
            """UPDATE attempt_items SET selected = ?, answered_at = ?, checked = 1,
                   time_spent_s = ? WHERE attempt_id = ? AND position = ?""",
            [json.dumps(sorted(selected)), utcnow(), time_spent_s, attempt_id, position],
        )
        log_id = study_repo.record_outcome(
            db,
            row[0],
            row[1],
            correct,
            grade,
            duration_s=time_spent_s,
            attempt_id=attempt_id,
            position=position,
            now=now,
        )
        _touch(db, attempt_id, time_used, position)
    return study_repo.CheckedItem(position, log_id, correct, grade, grade, time_spent_s)


def _touch(db, attempt_id: int, time_used: float, position: int | None) -> None:
    if position is None:
        db.execute(
            "UPDATE attempts SET time_used_s = ? WHERE id = ? AND state = 'in_progress'",
            [time_used, attempt_id],
        )
    else:
        db.execute(
            """UPDATE attempts SET time_used_s = ?, position = ?
               WHERE id = ? AND state = 'in_progress'""",
            [time_used, position, attempt_id],
        )


def set_scored(db: sqlite_utils.Database, attempt_id: int, positions) -> None:
    """Only these items count (a practice session counts the answers that were checked)."""
    with db.atomic():
        db.execute(
            """UPDATE attempt_items SET scored = position IN (SELECT value FROM json_each(?))
               WHERE attempt_id = ?""",
            [json.dumps(sorted(positions)), attempt_id],
        )


def finish_attempt(
    db: sqlite_utils.Database, attempt_id: int, report: dict, time_used: float
) -> None:
    """Score it; an exam's answers are also judged for study (Missed, reviews, accuracy)."""
    with db.atomic():
        (mode,) = db.execute("SELECT mode FROM attempts WHERE id = ?", [attempt_id]).fetchone()
        if mode == "exam":
            study_repo.record_exam_outcomes(db, attempt_id)
        db.execute(
            """UPDATE attempts SET state = 'finished', finished_at = ?, time_used_s = ?,
                 scaled = ?, passed = ?, report = ? WHERE id = ?""",
            [
                utcnow(),
                time_used,
                report["scaled"],
                int(report["passed"]),
                json.dumps(report),
                attempt_id,
            ],
        )


def abandon_attempt(db: sqlite_utils.Database, attempt_id: int) -> None:
    with db.atomic():
        db.execute(
            "UPDATE attempts SET state = 'abandoned', finished_at = ? WHERE id = ?",
            [utcnow(), attempt_id],
        )


_ATTEMPT_SQL = """SELECT a.*, (SELECT count(*) FROM attempt_items i WHERE i.attempt_id = a.id)
                  AS n FROM attempts a"""


def _row(r: dict) -> AttemptRow:
    return AttemptRow(
        id=r["id"],
        pack_id=r["pack_id"],
        mode=r["mode"],
        title=r["title"],
        blueprint=blueprint_from_json(r["blueprint"]),
        started_at=r["started_at"],
        finished_at=r["finished_at"],
        time_limit_s=r["time_limit_s"],
        time_used_s=r["time_used_s"],
        position=r["position"],
        state=r["state"],
        scaled=r["scaled"],
        passed=None if r["passed"] is None else bool(r["passed"]),
        report=None if r["report"] is None else json.loads(r["report"]),
        question_count=r["n"],
    )


def get_attempt(db: sqlite_utils.Database, attempt_id: int) -> AttemptRow | None:
    rows = list(db.query(_ATTEMPT_SQL + " WHERE a.id = ?", [attempt_id]))
    return _row(rows[0]) if rows else None


def in_progress(db: sqlite_utils.Database, mode: str = "exam") -> list[AttemptRow]:
    sql = _ATTEMPT_SQL + " WHERE a.state = 'in_progress' AND a.mode = ? ORDER BY a.id DESC"
    return [_row(r) for r in db.query(sql, [mode])]


def history(db: sqlite_utils.Database, mode: str = "exam") -> list[AttemptRow]:
    sql = _ATTEMPT_SQL + " WHERE a.state = 'finished' AND a.mode = ? ORDER BY a.id DESC"
    return [_row(r) for r in db.query(sql, [mode])]


def load_items(db: sqlite_utils.Database, attempt_id: int) -> list[SessionItem]:
    # Not at import: the home screen needs this module at start-up, not sessions.
    from mlcert_desktop.core.session import SessionItem

    rows = list(
        db.query("SELECT * FROM attempt_items WHERE attempt_id = ? ORDER BY position", [attempt_id])
    )
    questions = {}
    for pack_id in {r["pack_id"] for r in rows}:
        qids = [r["qid"] for r in rows if r["pack_id"] == pack_id]
        for q in load_questions(db, pack_id, qids, active_only=False):
            questions[(pack_id, q.id)] = q
    items = []
    for r in rows:
        q = questions[(r["pack_id"], r["qid"])]
        order = [
            cid for cid in json.loads(r["choice_order"]) if any(c.id == cid for c in q.choices)
        ]
        # A pack update may have added options: show them too rather than hide them.
        order += [c.id for c in q.choices if c.id not in order]
        selected = frozenset(json.loads(r["selected"])) & set(order)
        items.append(SessionItem(q, tuple(order), bool(r["scored"]), selected, bool(r["flagged"])))
    return items
