"""Writing packs: the rows write_pack stores, checked against the records they come from."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from mlcert_desktop.core.models import Choice, ItemType, Question
from mlcert_desktop.storage import packs_repo
from tests import factory


def _question(i: int, n_choices: int) -> Question:
    multiple = n_choices >= 4 and i % 2 == 1
    choices = tuple(
        Choice(f"c{j}", f"Option {j} of {i}", j < (2 if multiple else 1), "" if j else f"Why {i}")
        for j in reversed(range(n_choices))  # ids not in sorted order: seq keeps the order
    )
    return Question(
        factory.PACK_ID,
        f"q{i}",
        1 + i % 4,
        "1.1",
        ItemType.MULTIPLE if multiple else ItemType.SINGLE,
        2 if multiple else 1,
        f"Stem {i}",
        choices,
    )


def test_choices_are_stored_in_their_question_row_in_order(fresh_db, monkeypatch):
    """Each question's row holds its choices, in the pack's order, as the JSON array of
    [id, text, correct, why] that migration 0004 writes too; across progress chunks."""
    monkeypatch.setattr(packs_repo, "PROGRESS_CHUNK", 4)
    questions = [_question(i, 3 + i % 6) for i in range(15)]
    packs_repo.write_pack(fresh_db, factory.manifest(), questions, {}, "KEY")
    stored = dict(fresh_db.execute("SELECT qid, choices FROM questions").fetchall())
    for q in questions:
        expected = [[c.id, c.text, c.correct, c.why] for c in q.choices]
        assert stored[q.id] == json.dumps(expected, ensure_ascii=False, separators=(",", ":"))
    loaded = packs_repo.load_questions(fresh_db, factory.PACK_ID)
    assert sorted(loaded) == sorted(questions)


@pytest.mark.parametrize(
    "choices",
    [
        (),
        (Choice("a", "x", True, ""),),
        (
            Choice("a", 'quote " and \\ slash', False, "é ü ✓ 😀"),
            Choice("b", "\n\t\x00", True, "</script>"),
        ),
    ],
)
def test_choices_are_stored_as_compact_json_arrays(choices):
    (row,) = packs_repo._question_rows(factory.PACK_ID, [_question(0, 3)._replace(choices=choices)])
    expected = [[c.id, c.text, c.correct, c.why] for c in choices]
    assert row[-1] == json.dumps(expected, ensure_ascii=False, separators=(",", ":"))


def test_foreign_keys_hold_after_an_install_and_an_update(fresh_db):
    packs_repo.write_pack(fresh_db, factory.manifest(), factory.source(9).questions, {}, "K")
    v2 = factory.source(7, version=2)
    packs_repo.write_pack(fresh_db, v2.manifest, v2.questions, {"a.png": b"x"}, "K")
    assert fresh_db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert fresh_db.execute("PRAGMA foreign_key_check").fetchall() == []
    with pytest.raises(sqlite3.IntegrityError):  # a question needs its pack
        fresh_db.execute(
            packs_repo._INSERT_QUESTION,
            ["no.such", "q", 0, 1, "1.1", "single", 1, "s", "", "[]", 2, "[]", "[]", None, "[]"],
        )


@pytest.mark.parametrize(
    "items", [(), ("a",), ("https://x", 'quote " and \\ slash'), ("é ü ✓ 😀", "\n\t")]
)
def test_lists_of_strings_are_stored_as_json(items):
    q = _question(0, 3)._replace(references=items, services=items, tags=items)
    (row,) = packs_repo._question_rows(factory.PACK_ID, [q])
    for column in (9, 11, 12):  # refs, services, tags
        assert json.loads(row[column]) == list(items)


def _file_sizes(db) -> tuple[int, int]:
    """The database file's size and its write-ahead log's."""
    path = Path(db.path())
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size, wal.stat().st_size if wal.exists() else 0


def test_a_pack_is_committed_to_the_log_and_checkpointed_later(fresh_db):
    """write_pack commits without copying its pages into the database file (the import does
    not wait for that); checkpoint() copies them, and the usual automatic checkpoint is back."""
    src = factory.source(600)
    fresh_db.execute("PRAGMA wal_autocheckpoint = 20")  # pages; the pack takes about 100
    fresh_db.checkpoint()
    empty, _ = _file_sizes(fresh_db)
    packs_repo.write_pack(fresh_db, src.manifest, src.questions, {}, "KEY")
    assert _file_sizes(fresh_db)[0] == empty  # not copied yet
    assert _file_sizes(fresh_db)[1] > 50 * 4096  # but in the log
    assert fresh_db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 20
    # Another connection (another process) sees the pack: it is committed.
    other = sqlite3.connect(fresh_db.path())
    assert other.execute("SELECT count(*) FROM questions").fetchone()[0] == 600
    other.close()
    fresh_db.checkpoint()
    size, log = _file_sizes(fresh_db)
    assert size > empty + 50 * 4096 and log == 0
    assert len(packs_repo.load_questions(fresh_db, factory.PACK_ID)) == 600


def test_overlapping_deferrals_never_leave_the_automatic_checkpoint_off(fresh_db):
    """Two writers on one connection (one ends before the other): the automatic checkpoint is
    back on once the first one that turned it off is done, and stays on."""
    first, second = fresh_db.checkpoint_deferred(), fresh_db.checkpoint_deferred()
    first.__enter__()
    second.__enter__()
    assert fresh_db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    first.__exit__(None, None, None)
    second.__exit__(None, None, None)
    assert fresh_db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000


def test_a_failed_write_restores_the_automatic_checkpoint(fresh_db):
    src = factory.source(5)
    with pytest.raises(sqlite3.IntegrityError):
        packs_repo.write_pack(fresh_db, src.manifest, src.questions * 2, {}, "KEY")
    assert fresh_db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    assert packs_repo.list_packs(fresh_db) == []


def test_load_questions_by_id_reads_those_in_pack_order_active_or_not(fresh_db):
    src = factory.source(12)
    packs_repo.write_pack(fresh_db, src.manifest, src.questions, {}, "KEY")
    v2 = factory.source(12, version=2)
    kept = [q for q in v2.questions if q.id != "q003"]  # q003 is dropped by version 2
    packs_repo.write_pack(fresh_db, v2.manifest, kept, {}, "KEY")
    assert "q003" not in [q.id for q in packs_repo.load_questions(fresh_db, factory.PACK_ID)]
    asked = ["q007", "q003", "nope", "q001", "q007"]
    got = packs_repo.load_questions(fresh_db, factory.PACK_ID, asked)
    assert [q.id for q in got] == ["q001", "q003", "q007"]  # pack order, each once
    everything = {q.id: q for q in packs_repo.load_questions(fresh_db, factory.PACK_ID, None)}
    assert got[0] == everything["q001"] and got[2] == everything["q007"]
    assert [c.id for c in got[1].choices] == [c.id for c in src.questions[3].choices]
    assert packs_repo.load_questions(fresh_db, factory.PACK_ID, []) == []
    assert packs_repo.load_questions(fresh_db, "org.example.other", ["q001"]) == []
