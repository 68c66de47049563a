"""Study storage: judged answers move FSRS cards, exams are judged at the end, flags, the
migration that judges exams finished before study mode existed."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from mlcert_desktop.core.blueprint import build_exam
from mlcert_desktop.core.scoring import score
from mlcert_desktop.core.study import Grade
from mlcert_desktop.packs.importer import import_pack
from mlcert_desktop.storage import attempts_repo, packs_repo, study_repo
from mlcert_desktop.storage.db import connect, migrate
from mlcert_desktop.storage.migrations import MIGRATIONS
from tests import factory

P = factory.PACK_ID
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def db(fresh_db, pack_file, secret_key):
    import_pack(fresh_db, pack_file, [secret_key.public_key])
    return fresh_db


def _status(db, qid):
    return next(s for s in study_repo.statuses(db, P) if s.qid == qid)


def _exam(db, n=4, seed=3):
    info = packs_repo.get_pack(db, P)
    bp = info.blueprint._replace(question_count=n, unscored_count=0)
    items = build_exam(packs_repo.load_questions(db, P), bp, random.Random(seed)).items
    return attempts_repo.create_attempt(db, P, "exam", bp, seed, items), bp, items


def test_outcomes_move_the_card_and_the_status(db):
    with db.atomic():
        study_repo.record_outcome(db, P, "q001", False, Grade.AGAIN, now=NOW)
    s = _status(db, "q001")
    assert (s.answered, s.right, s.last_correct, s.missed) == (1, 0, False, True)
    assert NOW < s.due <= NOW + dt.timedelta(minutes=10)
    assert study_repo.due_count(db, P, NOW + dt.timedelta(minutes=11)) == 1
    assert study_repo.due_count(db, P, NOW) == 0
    with db.atomic():
        study_repo.record_outcome(db, P, "q001", True, Grade.GOOD, now=NOW + dt.timedelta(hours=1))
    s = _status(db, "q001")
    assert (s.answered, s.right, s.missed) == (2, 1, False)
    assert s.due > NOW + dt.timedelta(hours=1)


def test_regrade_replays_the_latest_review_with_the_new_grade(db):
    with db.atomic():
        log_id = study_repo.record_outcome(db, P, "q002", True, Grade.GOOD, now=NOW)
    good_due = _status(db, "q002").due
    study_repo.regrade(db, log_id, Grade.EASY)
    easy_due = _status(db, "q002").due
    assert easy_due > good_due
    study_repo.regrade(db, log_id, Grade.GOOD)
    assert _status(db, "q002").due == good_due  # the same as if Good had been chosen at once
    with db.atomic():
        study_repo.record_outcome(db, P, "q002", True, Grade.GOOD, now=NOW)
    with pytest.raises(ValueError, match="latest"):
        study_repo.regrade(db, log_id, Grade.HARD)


def test_finishing_an_exam_judges_every_item_once(db):
    attempt_id, bp, items = _exam(db)
    right = items[0].question.correct_ids
    attempts_repo.save_answer(db, attempt_id, 0, right, 10)
    wrong = {c.id for c in items[1].question.choices} - items[1].question.correct_ids
    attempts_repo.save_answer(db, attempt_id, 1, sorted(wrong)[:1], 20)
    items[0].selected = frozenset(right)
    report = score(items, bp.domains, bp.passing_score, bp.score_scale)
    attempts_repo.finish_attempt(db, attempt_id, report.to_dict(), 30)
    log = db.execute(
        "SELECT qid, correct, grade FROM review_log WHERE attempt_id = ? ORDER BY position",
        [attempt_id],
    ).fetchall()
    # Only answered items are judged: unanswered ones score as wrong in the exam but stay
    # "never seen" for study, with no card.
    assert [r[0] for r in log] == [it.question.id for it in items[:2]]
    assert [r[1] for r in log] == [1, 0]
    assert [r[2] for r in log] == [Grade.GOOD, Grade.AGAIN]
    assert study_repo.record_exam_outcomes(db, attempt_id) == 0  # already judged
    st = {s.qid: s for s in study_repo.statuses(db, P)}
    assert {q for q, s in st.items() if s.missed} == {items[1].question.id}
    assert all(not st[it.question.id].seen for it in items[2:])
    assert all(st[it.question.id].due is None for it in items[2:])
    # A right exam answer graduates: not due again within the day, a wrong one is.
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)
    assert st[items[0].question.id].due > later > st[items[1].question.id].due


def test_practice_attempts_are_not_judged_again_when_finished(db):
    attempt_id, bp, items = _exam(db)
    db.execute("UPDATE attempts SET mode = 'practice' WHERE id = ?", [attempt_id])
    q = items[0].question
    checked = attempts_repo.check_answer(
        db, attempt_id, 0, q.correct_ids, correct=True, time_spent_s=5, time_used=5, now=NOW
    )
    assert checked.grade is Grade.EASY and checked.correct
    with pytest.raises(ValueError, match="already"):
        attempts_repo.check_answer(
            db, attempt_id, 0, (), correct=False, time_spent_s=1, time_used=6
        )
    state = study_repo.practice_state(db, attempt_id)
    assert list(state) == [0] and state[0].log_id == checked.log_id
    report = score(items, bp.domains, bp.passing_score, bp.score_scale)
    attempts_repo.finish_attempt(db, attempt_id, report.to_dict(), 30)
    assert db.execute("SELECT count(*) FROM review_log").fetchone()[0] == 1


def test_flags_follow_the_question_across_attempts(db):
    attempt_id, _bp, items = _exam(db)
    attempts_repo.save_flag(db, attempt_id, 2, True, 1)
    qid = items[2].question.id
    assert study_repo.flagged_ids(db, P) == {qid}
    assert _status(db, qid).flagged
    attempts_repo.save_flag(db, attempt_id, 2, False, 2)
    assert study_repo.flagged_ids(db, P) == set()


def test_cards_survive_a_pack_update_for_ids_that_remain(db, tmp_path, secret_key):
    with db.atomic():
        study_repo.record_outcome(db, P, "q001", False, Grade.AGAIN, now=NOW)
        study_repo.record_outcome(db, P, "q011", False, Grade.AGAIN, now=NOW)
        study_repo.set_flag(db, P, "q001", True)
    v2 = factory.write_pack(tmp_path / "v2.exampack", secret_key, factory.source(8, version=2))
    import_pack(db, v2, [secret_key.public_key])
    st = {s.qid: s for s in study_repo.statuses(db, P)}
    assert st["q001"].missed and st["q001"].flagged and st["q001"].due is not None
    assert "q011" not in st  # dropped by v2: no longer offered
    assert study_repo.due_count(db, P, NOW + dt.timedelta(days=1)) == 1


def test_migration_judges_exams_finished_before_study_mode(tmp_path, db):
    # Build an old (0001-only) database holding one finished exam, then migrate it.
    path = tmp_path / "old.sqlite3"
    old = connect(path)
    for _name, step in MIGRATIONS[:1]:
        with old.atomic():
            step(old.conn)
    old.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    old.execute("INSERT INTO _migrations VALUES ('0001_initial', '2026-01-01')")
    factory.copy_in_old_layout(db, old)
    key = sorted(_key(db, "q001"))
    old.execute(
        """INSERT INTO attempts (id, pack_id, mode, title, blueprint, seed, started_at,
           finished_at, state) VALUES (7, ?, 'exam', 't', '{}', 1, '2026-05-01T10:00:00+00:00',
           '2026-05-01T12:00:00+00:00', 'finished')""",
        [P],
    )
    old.conn.executemany(
        "INSERT INTO attempt_items (attempt_id, position, pack_id, qid, choice_order, selected,"
        " flagged) VALUES (7, ?, ?, ?, '[]', ?, ?)",
        [(0, P, "q001", json.dumps(key), 0), (1, P, "q002", "[]", 1)],
    )
    # An exam still in progress at the upgrade keeps its flag on the question too.
    old.execute(
        """INSERT INTO attempts (id, pack_id, mode, title, blueprint, seed, started_at, state)
           VALUES (8, ?, 'exam', 't', '{}', 1, '2026-05-02T10:00:00+00:00', 'in_progress')""",
        [P],
    )
    old.execute(
        "INSERT INTO attempt_items (attempt_id, position, pack_id, qid, choice_order, flagged)"
        " VALUES (8, 0, ?, 'q003', '[]', 1)",
        [P],
    )
    assert migrate(old) == [name for name, _ in MIGRATIONS[1:]]  # 0002_study and on
    assert study_repo.flagged_ids(old, P) == {"q002", "q003"}
    st = {s.qid: s for s in study_repo.statuses(old, P)}
    assert st["q001"].last_correct is True
    assert not st["q002"].seen and st["q002"].flagged  # unanswered: flagged, not missed
    assert db_settings(old) == []  # the one-off backfill ran and cleared its flag
    assert st["q001"].due > dt.datetime(2026, 5, 1, 12, tzinfo=dt.timezone.utc)
    old.close()


def _key(db, qid):
    return study_repo.correct_keys(db.conn, P, [qid])[qid]


def db_settings(db):
    return db.execute("SELECT key FROM settings").fetchall()


def test_streak_days_are_local_dates_in_half_hour_time_zones(db, monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Asia/Kolkata")  # UTC+5:30
    time.tzset()
    try:
        with db.atomic():  # 18:45 UTC is 00:15 the next day in Kolkata
            when = dt.datetime(2026, 12, 1, 18, 45, tzinfo=dt.timezone.utc)
            study_repo.record_outcome(db, P, "q001", True, Grade.GOOD, now=when)
        assert study_repo.answer_dates(db) == [dt.date(2026, 12, 2)]
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_drill_counts_agree_with_the_drills_built_from_statuses(db, seed):
    """The home screen's SQL counts and core.study's drills are two readings of one rule."""
    from mlcert_desktop.core.study import Drill, drill_candidates

    rng = random.Random(seed)
    qids = [s.qid for s in study_repo.statuses(db, P)]
    when = NOW - dt.timedelta(days=30)
    with db.atomic():
        for _ in range(14):  # some of the 12 questions stay never seen
            when += dt.timedelta(hours=rng.randint(1, 60))
            right = rng.random() < 0.6
            grade = rng.choice([Grade.HARD, Grade.GOOD, Grade.EASY]) if right else Grade.AGAIN
            study_repo.record_outcome(db, P, rng.choice(qids), right, grade, now=when)
        for qid in rng.sample(qids, 3):
            study_repo.set_flag(db, P, qid, True)
    statuses = study_repo.statuses(db, P)
    for now in (NOW - dt.timedelta(days=10), NOW, NOW + dt.timedelta(days=40)):
        counts = study_repo.drill_counts(db, P, now)
        expected = {d: len(drill_candidates(d, statuses, now)) for d in Drill if d != Drill.WEAKEST}
        assert counts.total == len(statuses)
        assert (counts.due, counts.missed, counts.flagged, counts.unseen) == (
            expected[Drill.DUE],
            expected[Drill.MISSED],
            expected[Drill.FLAGGED],
            expected[Drill.UNSEEN],
        )
    assert counts.due > 0 and counts.missed > 0 and counts.flagged == 3 and counts.unseen > 0


def test_drill_counts_leave_out_dropped_questions_and_read_any_time_zone(db, tmp_path, secret_key):
    from mlcert_desktop.core.study import Drill, drill_candidates

    with db.atomic():
        for qid in ("q001", "q011", "q000"):  # q011 is dropped by v2 below
            study_repo.record_outcome(db, P, qid, False, Grade.AGAIN, now=NOW)
            study_repo.set_flag(db, P, qid, True)
        study_repo.record_outcome(db, P, "ghost", False, Grade.AGAIN, now=NOW)  # in no pack
        study_repo.set_flag(db, P, "ghost", True)
    v2 = factory.write_pack(tmp_path / "v2.exampack", secret_key, factory.source(8, version=2))
    import_pack(db, v2, [secret_key.public_key])
    statuses = study_repo.statuses(db, P)
    new_york = dt.timezone(dt.timedelta(hours=-5))
    for now in (NOW.astimezone(new_york), (NOW + dt.timedelta(hours=2)).astimezone(new_york)):
        counts = study_repo.drill_counts(db, P, now)
        assert counts.total == len(statuses) == 8
        assert counts.missed == len(drill_candidates(Drill.MISSED, statuses, now)) == 2
        assert counts.flagged == len(drill_candidates(Drill.FLAGGED, statuses, now)) == 2
        assert counts.unseen == len(drill_candidates(Drill.UNSEEN, statuses, now)) == 6
        assert counts.due == len(drill_candidates(Drill.DUE, statuses, now))
    assert counts.due == 2  # two hours on, the wrong answers' ten-minute step has passed


def test_due_today_holds_reviews_of_the_local_day_but_not_learning_steps(db, monkeypatch):
    """A card scheduled in days is due for the whole of its local day; a wrong answer's
    ten-minute learning step waits for its time. SQL counts and core.study agree."""
    import time

    from mlcert_desktop.core.study import Drill, drill_candidates

    monkeypatch.setenv("TZ", "America/New_York")  # UTC-5 in December
    time.tzset()
    try:
        evening = dt.datetime(2026, 11, 30, 23, 0, tzinfo=dt.timezone.utc)  # 18:00 local
        with db.atomic():
            study_repo.record_outcome(db, P, "q001", True, Grade.GOOD, now=evening)
        due = _status(db, "q001").due
        assert _status(db, "q001").in_review and due - evening >= dt.timedelta(days=1)
        local_day_of_due = due.astimezone().date()
        # Early on the local day it falls due: due today, not due now.
        morning = dt.datetime.combine(local_day_of_due, dt.time(6, 0)).astimezone()
        assert morning < due
        with db.atomic():  # a wrong answer that morning: due in ten minutes
            study_repo.record_outcome(db, P, "q002", False, Grade.AGAIN, now=morning)
        statuses = study_repo.statuses(db, P)
        for now, expected in (
            (morning - dt.timedelta(days=1), set()),
            (morning, {"q001"}),  # q002 waits for its learning step
            (morning + dt.timedelta(minutes=11), {"q001", "q002"}),
            (dt.datetime.combine(local_day_of_due, dt.time(23, 59)).astimezone(), {"q001", "q002"}),
        ):
            assert {s.qid for s in drill_candidates(Drill.DUE, statuses, now)} == expected
            assert study_repo.drill_counts(db, P, now).due == len(expected)
            assert study_repo.due_count(db, P, now) == len(expected)
            assert study_repo.due_count(db, None, now) == len(expected)
    finally:
        monkeypatch.undo()
        time.tzset()
