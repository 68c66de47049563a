"""Attempts: create from a built exam, save every change, reload, finish, abandon."""

from __future__ import annotations

import random

import pytest

from mlcert_desktop.core.blueprint import build_exam
from mlcert_desktop.core.models import ExamBlueprint
from mlcert_desktop.core.scoring import score
from mlcert_desktop.packs.importer import import_pack
from mlcert_desktop.storage import attempts_repo as repo
from mlcert_desktop.storage import packs_repo
from tests import factory


@pytest.fixture
def installed(fresh_db, pack_file, secret_key):
    import_pack(fresh_db, pack_file, [secret_key.public_key])
    return fresh_db


def _blueprint(db) -> ExamBlueprint:
    info = packs_repo.get_pack(db, factory.PACK_ID)
    assert info is not None
    return info.blueprint


def _new_attempt(db, seed=1, mode="exam", **bp_changes):
    bp = _blueprint(db)
    if bp_changes:
        bp = bp._replace(**bp_changes)
    pool = packs_repo.load_questions(db, factory.PACK_ID)
    sel = build_exam(pool, bp, random.Random(seed))
    attempt_id = repo.create_attempt(db, factory.PACK_ID, mode, bp, seed, sel.items)
    return attempt_id, bp, sel.items


def test_create_and_reload_a_fresh_attempt(installed):
    attempt_id, bp, items = _new_attempt(installed, question_count=10, unscored_count=3)
    row = repo.get_attempt(installed, attempt_id)
    assert row is not None
    assert row.state == "in_progress"
    assert row.pack_id == factory.PACK_ID
    assert row.mode == "exam"
    assert row.blueprint == bp
    assert row.time_limit_s == bp.time_limit_seconds == 600
    assert row.time_used_s == 0
    assert row.position == 0
    assert row.question_count == 10
    assert row.finished_at is None and row.report is None and row.passed is None
    loaded = repo.load_items(installed, attempt_id)
    assert [it.question for it in loaded] == [it.question for it in items]
    assert [it.choice_order for it in loaded] == [it.choice_order for it in items]
    assert [it.scored for it in loaded] == [it.scored for it in items]
    assert sum(not it.scored for it in loaded) == 3
    assert all(it.selected == frozenset() and not it.flagged for it in loaded)


def test_answers_flags_and_progress_survive_a_reload(installed):
    attempt_id, _, items = _new_attempt(installed, question_count=12)  # all of them
    multi = next(i for i, it in enumerate(items) if it.question.select == 2)
    single = next(i for i, it in enumerate(items) if it.question.select == 1)
    other = next(i for i in range(len(items)) if i not in (multi, single))
    repo.save_answer(installed, attempt_id, multi, {"a", "e"}, time_used=10.0)
    repo.save_answer(installed, attempt_id, single, {"c"}, time_used=20.0)
    repo.save_answer(installed, attempt_id, single, {"b"}, time_used=25.0)  # changed mind
    repo.save_flag(installed, attempt_id, other, True, time_used=30.0)
    repo.save_flag(installed, attempt_id, single, True, time_used=31.0)
    repo.save_flag(installed, attempt_id, single, False, time_used=32.0)
    repo.save_progress(installed, attempt_id, 123.5, position=other)

    loaded = repo.load_items(installed, attempt_id)
    assert loaded[multi].selected == frozenset({"a", "e"})
    assert loaded[single].selected == frozenset({"b"})
    assert [it.flagged for it in loaded] == [i == other for i in range(len(items))]
    assert [it.choice_order for it in loaded] == [it.choice_order for it in items]
    for i, it in enumerate(loaded):
        if i not in (multi, single):
            assert it.selected == frozenset()
    row = repo.get_attempt(installed, attempt_id)
    assert row.time_used_s == pytest.approx(123.5)
    assert row.position == other
    answered = installed.execute(
        "SELECT count(*) FROM attempt_items WHERE attempt_id = ? AND answered_at IS NOT NULL",
        [attempt_id],
    ).fetchone()[0]
    assert answered == 2


def test_progress_without_position_keeps_the_position(installed):
    attempt_id, _, _ = _new_attempt(installed)
    repo.save_progress(installed, attempt_id, 5.0, position=3)
    repo.save_progress(installed, attempt_id, 9.0)
    row = repo.get_attempt(installed, attempt_id)
    assert (row.time_used_s, row.position) == (9.0, 3)


def test_finish_stores_the_report_and_appears_in_history(installed):
    attempt_id, bp, _ = _new_attempt(installed, question_count=6)
    items = repo.load_items(installed, attempt_id)
    for i, it in enumerate(items):
        repo.save_answer(installed, attempt_id, i, it.question.correct_ids, time_used=float(i))
    items = repo.load_items(installed, attempt_id)
    report = score(items, bp.domains, bp.passing_score, bp.score_scale).to_dict()
    assert report["scaled"] == 1000
    repo.finish_attempt(installed, attempt_id, report, time_used=300.0)

    row = repo.get_attempt(installed, attempt_id)
    assert row.state == "finished"
    assert row.finished_at is not None
    assert row.report == report
    assert row.scaled == 1000
    assert row.passed is True
    assert row.time_used_s == 300.0
    assert [a.id for a in repo.history(installed)] == [attempt_id]
    assert repo.in_progress(installed) == []
    # A late checkpoint from the UI must not change a finished attempt's time.
    repo.save_progress(installed, attempt_id, 999.0, position=2)
    assert repo.get_attempt(installed, attempt_id).time_used_s == 300.0


def test_in_progress_lists_only_unfinished_attempts_of_that_mode(installed):
    first, _, _ = _new_attempt(installed, seed=1)
    second, _, _ = _new_attempt(installed, seed=2)
    done, bp, _ = _new_attempt(installed, seed=3)
    practice, _, _ = _new_attempt(installed, seed=4, mode="practice")
    report = score(repo.load_items(installed, done), bp.domains, bp.passing_score).to_dict()
    repo.finish_attempt(installed, done, report, time_used=1.0)

    assert [a.id for a in repo.in_progress(installed)] == [second, first]  # newest first
    assert [a.id for a in repo.in_progress(installed, mode="practice")] == [practice]
    assert [a.id for a in repo.history(installed)] == [done]
    assert repo.history(installed)[0].passed is False


def test_abandon_removes_from_in_progress(installed):
    keep, _, _ = _new_attempt(installed, seed=1)
    drop, _, _ = _new_attempt(installed, seed=2)
    repo.abandon_attempt(installed, drop)
    assert [a.id for a in repo.in_progress(installed)] == [keep]
    assert repo.history(installed) == []
    row = repo.get_attempt(installed, drop)
    assert row.state == "abandoned"
    assert row.finished_at is not None


def test_get_attempt_of_an_unknown_id_is_none(installed):
    assert repo.get_attempt(installed, 12345) is None


def test_blueprint_json_round_trip_with_filters():
    bp = ExamBlueprint(
        title="Custom",
        question_count=3,
        duration_minutes=None,
        unscored_count=0,
        passing_score=720,
        domains=(),
        score_scale=(100, 1000),
        domain_filter=frozenset({2, 4}),
        question_ids=("q1", "q2", "q3"),
    )
    assert repo.blueprint_from_json(repo.blueprint_to_json(bp)) == bp
