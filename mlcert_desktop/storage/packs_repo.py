"""Installed packs and their questions."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence

from mlcert_desktop.core.models import (
    Choice,
    Domain,
    ExamBlueprint,
    ExamStatus,
    ItemType,
    PackInfo,
    PracticeExam,
    Question,
)
from mlcert_desktop.storage.db import Database, utcnow

PROGRESS_CHUNK = 500  # questions written between two progress reports

_UPSERT_QUESTION = """INSERT INTO questions (pack_id, qid, seq, domain, task, type,
                 select_count, stem, explanation, refs, difficulty, services, tags,
                 practice_exam, choices, active)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
               ON CONFLICT(pack_id, qid) DO UPDATE SET seq=excluded.seq,
                 domain=excluded.domain, task=excluded.task, type=excluded.type,
                 select_count=excluded.select_count, stem=excluded.stem,
                 explanation=excluded.explanation, refs=excluded.refs,
                 difficulty=excluded.difficulty, services=excluded.services,
                 tags=excluded.tags, practice_exam=excluded.practice_exam,
                 choices=excluded.choices, active=1"""


_INSERT_QUESTION = """INSERT INTO questions (pack_id, qid, seq, domain, task, type,
                 select_count, stem, explanation, refs, difficulty, services, tags,
                 practice_exam, choices, active)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)"""


def ratchet_version(db: Database, pack_id: str) -> int | None:
    row = db.execute("SELECT version FROM pack_ratchet WHERE pack_id = ?", [pack_id]).fetchone()
    return None if row is None else int(row[0])


def installed_version(db: Database, pack_id: str) -> int | None:
    row = db.execute("SELECT version FROM packs WHERE pack_id = ?", [pack_id]).fetchone()
    return None if row is None else int(row[0])


def write_pack(
    db: Database,
    manifest: Mapping,
    questions: Sequence,
    media: Mapping[str, bytes],
    key_id: str,
    on_progress=None,
) -> None:
    """Install or replace a pack in ONE transaction.

    `questions` are Question objects or, from the importer, records with the same attributes
    (packs.format.QuestionRecord).
    Questions of an older version that are gone are kept but marked inactive, so past
    attempts can still be reviewed; questions whose id remains are updated in place and keep
    their history.

    The pack's pages stay in the write-ahead log: call db.checkpoint() when nobody waits.
    """
    pack_id = manifest["pack_id"]
    exam = manifest["exam"]
    with db.checkpoint_deferred(), db.atomic():
        db.execute(
            """INSERT INTO packs (pack_id, version, title, exam_code, exam_name, status, key_id,
                                  imported_at, manifest, question_count)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(pack_id) DO UPDATE SET version=excluded.version,
                 title=excluded.title, exam_code=excluded.exam_code,
                 exam_name=excluded.exam_name, status=excluded.status, key_id=excluded.key_id,
                 imported_at=excluded.imported_at, manifest=excluded.manifest,
                 question_count=excluded.question_count""",
            [
                pack_id,
                manifest["pack_version"],
                manifest["title"],
                exam["code"],
                exam["name"],
                exam.get("status", "current"),
                key_id,
                utcnow(),
                json.dumps(manifest, sort_keys=True),
                len(questions),  # all of them active, the rest not (their ids are unique)
            ],
        )
        db.execute("DELETE FROM domains WHERE pack_id = ?", [pack_id])
        db.conn.executemany(
            "INSERT INTO domains VALUES (?, ?, ?, ?)",
            [(pack_id, d["id"], d["name"], d["weight"]) for d in manifest["domains"]],
        )
        # A first install has no rows to update or delete: plain INSERTs, which SQLite does
        # faster than upserts. An update replaces rows in place and keeps inactive ones.
        first_install = (
            db.execute("SELECT 1 FROM questions WHERE pack_id = ? LIMIT 1", [pack_id]).fetchone()
            is None
        )
        if not first_install:
            db.execute("UPDATE questions SET active = 0 WHERE pack_id = ?", [pack_id])
        insert_question = _INSERT_QUESTION if first_install else _UPSERT_QUESTION
        for first in range(0, len(questions), PROGRESS_CHUNK):
            chunk = questions[first : first + PROGRESS_CHUNK]
            db.conn.executemany(insert_question, _question_rows(pack_id, chunk, first))
            if on_progress:
                on_progress(first + len(chunk), len(questions))
        db.execute("DELETE FROM media WHERE pack_id = ?", [pack_id])
        db.conn.executemany(
            "INSERT INTO media VALUES (?, ?, ?)", [(pack_id, n, b) for n, b in media.items()]
        )
        db.execute(
            """INSERT INTO pack_ratchet VALUES (?, ?) ON CONFLICT(pack_id)
               DO UPDATE SET version = max(version, excluded.version)""",
            [pack_id, manifest["pack_version"]],
        )


def _question_rows(pack_id: str, questions: Iterable, start: int = 0):
    """The questions' rows in `_INSERT_QUESTION`'s order, from Question objects or the
    importer's records (which have the same attributes). The lists are stored as compact JSON:
    choices as [id, text, correct, why] arrays, the rest as arrays of strings.

    Encoded by msgspec, imported here on the first write and not at start-up (where it would
    cost 30 ms): six times as fast as encoding each string with the json module's functions.
    """
    from msgspec.json import Encoder

    encode = Encoder().encode
    for seq, q in enumerate(questions, start):
        yield (
            pack_id,
            q.id,
            seq,
            q.domain,
            q.task,
            q.type._value_,  # ItemType's value without Enum's property lookup (10,000 times)
            q.select,
            q.stem,
            q.explanation,
            encode(q.references).decode(),
            q.difficulty,
            encode(q.services).decode(),
            encode(q.tags).decode(),
            q.practice_exam,
            encode([(c.id, c.text, c.correct, c.why) for c in q.choices]).decode(),
        )


def blueprint_from_manifest(manifest: Mapping) -> ExamBlueprint:
    exam = manifest["exam"]
    return ExamBlueprint(
        title=manifest["title"],
        question_count=int(exam["question_count"]),
        duration_minutes=int(exam["duration_minutes"]),
        unscored_count=int(exam.get("unscored_count", 0)),
        passing_score=int(exam["passing_score"]),
        score_scale=tuple(exam.get("score_scale", (100, 1000))),  # type: ignore[arg-type]
        domains=tuple(
            Domain(int(d["id"]), d["name"], float(d["weight"])) for d in manifest["domains"]
        ),
    )


def list_packs(db: Database) -> list[PackInfo]:
    rows = db.execute(
        """SELECT pack_id, version, key_id, imported_at, manifest, question_count
           FROM packs ORDER BY title"""
    ).fetchall()
    return [_pack_info(*r) for r in rows]


def get_pack(db: Database, pack_id: str) -> PackInfo | None:
    return next((p for p in list_packs(db) if p.pack_id == pack_id), None)


def _pack_info(pack_id, version, key_id, imported_at, manifest_json, count) -> PackInfo:
    m = json.loads(manifest_json)
    exam = m["exam"]
    return PackInfo(
        pack_id=pack_id,
        version=int(version),
        title=m["title"],
        exam_code=exam["code"],
        exam_name=exam["name"],
        status=ExamStatus(exam.get("status", "current")),
        retired_on=exam.get("retired_on"),
        successor=exam.get("successor"),
        key_id=key_id,
        imported_at=imported_at,
        question_count=int(count),
        blueprint=blueprint_from_manifest(m),
        practice_exams=tuple(
            PracticeExam(str(p["id"]), p["title"], tuple(p["questions"]))
            for p in m.get("practice_exams", [])
        ),
    )


def load_questions(
    db: Database,
    pack_id: str,
    qids: Iterable[str] | None = None,
    *,
    active_only: bool = True,
) -> list[Question]:
    """The pack's questions in pack order: all active ones, or those with the given ids (active
    or not). Only the asked-for rows are read: in a pack of 100,000 questions, the one question
    a screen shows costs a key lookup."""
    params: list = [pack_id]
    by_id = ""
    if qids is not None:
        by_id = " AND qid IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(qids)))
    active = " AND active" if active_only and qids is None else ""
    out = []
    for row in db.query(
        f"SELECT * FROM questions WHERE pack_id = ?{by_id}{active} ORDER BY seq", params
    ):
        out.append(
            Question(
                pack_id=pack_id,
                id=row["qid"],
                domain=row["domain"],
                task=row["task"],
                type=ItemType(row["type"]),
                select=row["select_count"],
                stem=row["stem"],
                choices=tuple(
                    Choice(cid, text, bool(correct), why)
                    for cid, text, correct, why in json.loads(row["choices"])
                ),
                explanation=row["explanation"],
                references=tuple(json.loads(row["refs"])),
                difficulty=row["difficulty"],
                services=tuple(json.loads(row["services"])),
                tags=tuple(json.loads(row["tags"])),
                practice_exam=row["practice_exam"],
            )
        )
    return out


def question_count(db: Database) -> int:
    return db.execute("SELECT coalesce(sum(question_count), 0) FROM packs").fetchone()[0]
