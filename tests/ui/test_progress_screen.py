"""The Progress screen over real storage: empty states, then exams and practice answers
seeded through the repositories show up in the charts, the readiness text and the table."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from mlcert_desktop.core import scoring
from mlcert_desktop.core.models import ExamBlueprint
from mlcert_desktop.core.session import SessionItem
from mlcert_desktop.core.study import Grade
from mlcert_desktop.packs import importer
from mlcert_desktop.storage import attempts_repo, packs_repo, study_repo
from mlcert_desktop.storage.attempts_repo import AttemptRow
from mlcert_desktop.ui.screens.progress import ProgressScreen, ceil_nice, exam_points
from mlcert_desktop.ui.widgets import chart as chart_module
from mlcert_desktop.ui.widgets.chart import LineChart, Series, label_step, nice_ticks
from tests import factory


@pytest.fixture
def screen(qtbot, ctx):
    s = ProgressScreen(ctx)
    qtbot.addWidget(s)
    s.resize(1100, 760)
    s.show()
    qtbot.waitExposed(s)
    return s


def sit_exam(db, pack, bp: ExamBlueprint, right: int, time_used: float) -> dict:
    """A finished exam whose first `right` questions are answered correctly."""
    pool = packs_repo.load_questions(db, pack.pack_id)
    if bp.domain_filter is not None:
        pool = [q for q in pool if q.domain in bp.domain_filter]
    items = [SessionItem(q, tuple(c.id for c in q.choices)) for q in pool[: bp.question_count]]
    attempt_id = attempts_repo.create_attempt(db, pack.pack_id, "exam", bp, 1, items)
    for i, it in enumerate(items[:right]):
        it.selected = it.question.correct_ids
        attempts_repo.save_answer(db, attempt_id, i, it.selected, 10.0 * (i + 1))
    report = scoring.score(items, bp.domains, bp.passing_score, bp.score_scale).to_dict()
    attempts_repo.finish_attempt(db, attempt_id, report, time_used)
    return report


def practise(db, pack_id: str, answers, when: dt.datetime) -> None:
    """Practice answers: (question id, right, seconds)."""
    with db.atomic():
        for qid, right, seconds in answers:
            grade = Grade.GOOD if right else Grade.AGAIN
            study_repo.record_outcome(db, pack_id, qid, right, grade, duration_s=seconds, now=when)


def test_empty_screen_shows_empty_states_and_not_enough_data(screen):
    screen.refresh()
    assert "Not enough data" in screen.level.text()
    assert screen.basis.text() == "Sit a full-length exam to get an estimate."
    assert "Study streak: 0 days" in screen.facts.text()
    assert "0 of 12 questions seen" in screen.facts.text()
    for chart in (screen.score_chart, screen.accuracy_chart, screen.pace_chart):
        assert chart.is_empty()
        assert not chart.grab().isNull()
    assert not screen.weakest_btn.isEnabled() and not screen.missed_btn.isEnabled()
    assert not screen.pack_row.isVisible()  # one pack: nothing to choose
    assert screen.table.rowCount() == 4
    assert screen.table.item(0, 3).text() == "—"


def test_exams_and_practice_show_up(qtbot, screen, ctx, pack_info):
    db, bp = ctx.db, pack_info.blueprint
    now = dt.datetime.now(dt.timezone.utc)
    practise(
        db,
        pack_info.pack_id,
        [("q000", True, 30.0), ("q001", False, 90.0), ("q002", True, 60.0)],
        now - dt.timedelta(days=1),
    )
    first = sit_exam(db, pack_info, bp, right=4, time_used=250.0)
    second = sit_exam(db, pack_info, bp, right=5, time_used=200.0)
    short = bp._replace(question_count=2, domain_filter=frozenset({1}))
    sit_exam(db, pack_info, short, right=0, time_used=30.0)
    screen.refresh()

    full = screen.score_chart.values("Full-length exams")
    assert full == [first["scaled"], second["scaled"]] == [820, 1000]
    assert screen.score_chart.values("Custom and short exams") == [100]
    assert screen.score_chart.threshold == 750
    avg = round((first["scaled"] + second["scaled"]) / 2)
    assert f"Last 2 full exams average {avg}" in screen.basis.text()
    assert screen.readiness is not None and screen.readiness.level == "ready"
    assert "Ready" in screen.level.text()
    assert "Study streak: 2 days" in screen.facts.text()  # yesterday's practice and today
    assert "3 exams finished" in screen.facts.text()

    # Yesterday's practice, then today's exams: accuracy accumulates per domain.
    acc = screen.accuracy_chart
    assert len(acc.x_labels) == 2
    assert acc.threshold == pytest.approx(72.22, abs=0.01)
    assert not acc.is_empty()
    pace = screen.pace_chart
    assert pace.values("Practice") == [60.0]  # (30 + 90 + 60) / 3
    assert pace.values("Exams") == [pytest.approx((50 + 40 + 15) / 3)]
    assert pace.threshold == 120.0  # 10 minutes for 5 questions

    assert screen.table.rowCount() == 4
    assert [screen.table.item(r, 0).text() for r in range(4)][0] == "Domain 1: Data"
    assert all(not c.grab().isNull() for c in (screen.score_chart, acc, pace))


def test_drill_buttons_emit_the_pack_and_drill(qtbot, screen, ctx, pack_info):
    practise(ctx.db, pack_info.pack_id, [("q000", False, 20.0)], dt.datetime.now(dt.timezone.utc))
    screen.refresh()
    assert screen.missed_btn.isEnabled() and screen.weakest_btn.isEnabled()
    with qtbot.waitSignal(screen.drillRequested) as got:
        qtbot.mouseClick(screen.missed_btn, Qt.MouseButton.LeftButton)
    assert got.args == [pack_info.pack_id, "missed"]
    with qtbot.waitSignal(screen.drillRequested) as got:
        qtbot.mouseClick(screen.weakest_btn, Qt.MouseButton.LeftButton)
    assert got.args == [pack_info.pack_id, "weakest"]
    with qtbot.waitSignal(screen.homeRequested):
        home = [b for b in screen.findChildren(type(screen.missed_btn)) if b.text() == "Home"]
        qtbot.mouseClick(home[0], Qt.MouseButton.LeftButton)


def test_pack_chooser_switches_packs(qtbot, screen, ctx, tmp_path, secret_key, pack_info):
    src = factory.source(8)
    src.manifest.update(pack_id="org.example.second", title="Another pack")
    pack = factory.write_pack(tmp_path / "second.exampack", secret_key, src)
    importer.import_pack(ctx.db, pack, [secret_key.public_key])
    practise(ctx.db, "org.example.second", [("q000", True, 12.0)], dt.datetime.now(dt.timezone.utc))
    screen.refresh()
    assert screen.pack_row.isVisible()
    assert screen.pack_box.count() == 2
    screen.pack_box.setCurrentIndex(screen.pack_box.findData("org.example.second"))
    assert screen.pack_id == "org.example.second"
    assert "1 of 8 questions seen" in screen.facts.text()
    screen.set_pack(pack_info.pack_id)
    assert screen.pack_box.currentData() == pack_info.pack_id
    assert "0 of 12 questions seen" in screen.facts.text()


def _move(widget, pos: QPointF) -> QMouseEvent:
    return QMouseEvent(
        QEvent.Type.MouseMove,
        pos,
        QPointF(widget.mapToGlobal(pos.toPoint())),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )


def test_chart_paints_thinned_labels_and_finds_points(qtbot, monkeypatch):
    shown = []
    # The offscreen platform warns when a tooltip window is raised; record the text instead.
    monkeypatch.setattr(
        chart_module.QToolTip, "showText", lambda pos, text, w=None: shown.append(text)
    )
    monkeypatch.setattr(chart_module.QToolTip, "hideText", lambda: shown.append(None))
    chart = LineChart()
    qtbot.addWidget(chart)
    chart.resize(400, 240)
    labels = [f"Day {i}" for i in range(40)]
    chart.set_series(
        [
            Series("Scores", "#0a5fb4", [(i, 100.0 + 20 * i) for i in range(40)]),
            Series("Gaps", "#b36b00", [(0, 500.0), (1, None), (2, 700.0)]),
        ],
        y_range=(100, 1000),
        threshold=750,
        threshold_label="Pass 750",
        x_labels=labels,
    )
    chart.show()
    qtbot.waitExposed(chart)
    assert not chart.grab().isNull()
    assert chart.summary() == "Scores: latest 880; Gaps: latest 700"
    plot, _top, _ticks = chart._layout()
    at = QPointF(chart._x(plot, 2), chart._y(plot, 700.0))
    assert chart.point_at(at) == "Gaps\nDay 2: 700"
    assert chart.point_at(QPointF(1, 1)) is None
    for pos in (at, QPointF(2, 2)):  # sent directly: synthetic cursor moves may be merged
        QApplication.sendEvent(chart, _move(chart, pos))
    assert shown == ["Gaps\nDay 2: 700", None]


def test_chart_size_and_empty_state(qtbot):
    chart = LineChart(empty_text="Nothing here")
    qtbot.addWidget(chart)
    assert chart.minimumHeight() >= 220
    assert chart.sizeHint().height() >= 220
    chart.set_series([Series("x", "#000000", [(0, None)])], y_range=(0, 0), x_labels=["a"])
    assert chart.is_empty() and chart.summary() == "Nothing here"
    assert chart.point_at(QPointF(10, 10)) is None
    assert not chart.grab().isNull()


# -- the pure helpers of the screen and the chart ------------------------------------------------
def attempt(id_, scaled, finished, bp, *, n=5, pack="p", state="finished", time_used=250.0):
    return AttemptRow(
        id=id_,
        pack_id=pack,
        mode="exam",
        title="t",
        blueprint=bp,
        started_at=finished,
        finished_at=finished,
        time_limit_s=600,
        time_used_s=time_used,
        position=0,
        state=state,
        scaled=scaled,
        passed=None if scaled is None else scaled >= 750,
        report=None,
        question_count=n,
    )


def test_exam_points_oldest_first_for_one_pack_only(pack_info):
    bp = pack_info.blueprint
    custom = bp._replace(domain_filter=frozenset({1, 2}))
    rows = [
        attempt(3, 820, "2026-03-04T09:00:00+00:00", bp),
        attempt(2, 640, "2026-03-02T09:00:00+00:00", bp, n=2, time_used=100.0),
        attempt(6, 700, "2026-03-03T09:00:00+00:00", custom),
        attempt(1, 700, "2026-03-01T09:00:00+00:00", bp),
        attempt(4, 900, "2026-03-01T09:00:00+00:00", bp, pack="other"),
        attempt(5, None, "2026-03-01T09:00:00+00:00", bp, state="in_progress"),
    ]
    points = exam_points(rows, "p", bp)
    assert [p.attempt_id for p in points] == [1, 2, 6, 3]
    assert [p.full for p in points] == [True, False, False, True]
    assert [p.seconds_per_question for p in points] == [50.0, 50.0, 50.0, 50.0]
    assert points[0].day == dt.datetime(2026, 3, 1, 9, tzinfo=dt.timezone.utc).astimezone().date()


def test_seconds_axis_ends_on_a_round_number():
    assert ceil_nice(10) == 30
    assert ceil_nice(166 * 1.1) == 240
    assert ceil_nice(5000) == 5000


@pytest.mark.parametrize(
    ("lo", "hi", "most", "ticks"),
    [
        (100, 1000, 6, [200, 400, 600, 800, 1000]),
        (0, 100, 6, [0, 20, 40, 60, 80, 100]),
        (0, 100, 3, [0, 50, 100]),
        (0, 240, 5, [0, 50, 100, 150, 200]),
        (0, 1, 4, [0, 0.5, 1.0]),
        (5, 5, 4, [5]),
    ],
)
def test_nice_ticks(lo, hi, most, ticks):
    got = nice_ticks(lo, hi, most)
    assert got == pytest.approx(ticks)
    assert len(got) <= most


def test_label_step_keeps_labels_apart():
    assert label_step(5, 200, 50) == 1
    assert label_step(45, 10, 50) == 7  # 50 px labels + 12 px gap over 10 px slots
    assert label_step(1, 5, 50) == 1
