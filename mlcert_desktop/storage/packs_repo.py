"""Installed packs and their questions."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from json.encoder import encode_basestring as _encode_text  # keeps non-ASCII as it is
from json.encoder import encode_basestring_ascii as _encode_str

from mlcert_desktop.core.models import (
    Choice,
    Domain,
    ExamBlueprint,
    ExamStatus,
    ItemType,
    PackInfo,
    PracticeExam,
    Question,
    question_record,
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
    questions: Sequence[Question] | Sequence[tuple],
    media: Mapping[str, bytes],
    key_id: str,
    on_progress=None,
) -> None:
    """Install or replace a pack in ONE transaction.

    `questions` are Question objects or, from the importer, QuestionRecord tuples
    (Question's fields in order without pack_id, choices as (id, text, correct, why)).
    Questions of an older version that are gone are kept but marked inactive, so past
    attempts can still be reviewed; questions whose id remains are updated in place and keep
    their history.

    The pack's pages stay in the write-ahead log: call db.checkpoint() when nobody waits.
    """
    # `type(...) is tuple`, not isinstance: a Question is a NamedTuple (a tuple too), with
    # pack_id first; a record starts at the id (tests/storage/test_packs_repo.py passes both).
    records = [q if type(q) is tuple else question_record(q) for q in questions]
    pack_id = manifest["pack_id"]
    exam = manifest["exam"]
    with db.checkpoint_deferred(), db.atomic():
        db.execute(
            """INSERT INTO packs (pack_id, version, title, exam_code, exam_name, status, key_id,
                                  imported_at, manifest)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(pack_id) DO UPDATE SET version=excluded.version,
                 title=excluded.title, exam_code=excluded.exam_code,
                 exam_name=excluded.exam_name, status=excluded.status, key_id=excluded.key_id,
                 imported_at=excluded.imported_at, manifest=excluded.manifest""",
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
        for first in range(0, len(records), PROGRESS_CHUNK):
            chunk = records[first : first + PROGRESS_CHUNK]
            db.conn.executemany(insert_question, _question_rows(pack_id, chunk, first))
            if on_progress:
                on_progress(first + len(chunk), len(records))
        db.execute("DELETE FROM media WHERE pack_id = ?", [pack_id])
        db.conn.executemany(
            "INSERT INTO media VALUES (?, ?, ?)", [(pack_id, n, b) for n, b in media.items()]
        )
        db.execute(
            """INSERT INTO pack_ratchet VALUES (?, ?) ON CONFLICT(pack_id)
               DO UPDATE SET version = max(version, excluded.version)""",
            [pack_id, manifest["pack_version"]],
        )


_JSON_BOOLEANS = ("false", "true")


def _choices_json(choices: tuple[tuple, ...]) -> str:
    """A question's choices, each (id, text, correct, why), as the compact JSON array of
    [id, text, correct, why] that `questions.choices` holds (json.dumps of it, without
    building an encoder for each of tens of thousands of questions). TypeError if an id, text
    or why is not a string: the database has no column types to refuse it."""
    try:
        return (
            "["
            + ",".join(
                f"[{_encode_text(c[0])},{_encode_text(c[1])},{_JSON_BOOLEANS[c[2]]},"
                f"{_encode_text(c[3])}]"
                for c in choices
            )
            + "]"
        )
    except IndexError:  # `correct` is not a bool, 0 or 1 (Question objects from other callers)
        return json.dumps(
            [[c[0], c[1], bool(c[2]), c[3]] for c in choices],
            ensure_ascii=False,
            separators=(",", ":"),
        )


def _json_strs(items: tuple[str, ...]) -> str:
    """json.dumps(list(items)) for a tuple of strings, without building an encoder each time
    (that was a third of the time spent writing a 10,000-question pack)."""
    if not items:
        return "[]"
    try:
        return "[" + ", ".join(map(_encode_str, items)) + "]"
    except TypeError:  # not all strings (Question objects from other callers may hold anything)
        return json.dumps(list(items))


def _question_rows(pack_id: str, records: Iterable[tuple], start: int = 0):
    for seq, r in enumerate(records, start):
        yield (
            pack_id,
            r[0],
            seq,
            r[1],
            r[2],
            r[3]._value_,  # ItemType's value without Enum's property lookup (10,000 times)
            r[4],
            r[5],
            r[7],
            _json_strs(r[8]),
            r[9],
            _json_strs(r[10]),
            _json_strs(r[11]),
            r[12],
            _choices_json(r[6]),
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
        """SELECT p.pack_id, p.version, p.key_id, p.imported_at, p.manifest,
                  (SELECT count(*) FROM questions q WHERE q.pack_id = p.pack_id AND q.active)
           FROM packs p ORDER BY p.title"""
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
    return db.execute("SELECT count(*) FROM questions WHERE active").fetchone()[0]
