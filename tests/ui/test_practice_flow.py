"""Practise as a learner does: feedback after each answer, pause, restart, resume, finish."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QPushButton

from mlcert_desktop.core.study import Grade
from mlcert_desktop.storage import attempts_repo, study_repo
from mlcert_desktop.ui.main_window import MainWindow
from mlcert_desktop.ui.screens.practice_setup import PracticeDialog
from tests import factory


def _button(widget, prefix: str) -> QPushButton:
    matches = [b for b in widget.findChildren(QPushButton) if b.text().startswith(prefix)]
    assert matches, f"no button starting with {prefix!r}"
    return matches[0]


def _answer(qtbot, screen, item, right: bool) -> None:
    ids = [i for i, c in enumerate(item.ordered_choices()) if c.correct == right]
    for k in ids[: item.question.select]:
        qtbot.keyClick(screen, Qt.Key(Qt.Key.Key_1 + k))


@pytest.fixture
def five_question_dialog(monkeypatch):
    def accept(self):
        self.count.setValue(5)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PracticeDialog, "exec", accept)


def test_practice_pause_restart_resume_finish(qtbot, window, ctx, clock, five_question_dialog):
    home = window.home
    window.show_progress(factory.PACK_ID)
    assert window.progress.accuracy_chart.is_empty()
    window.show_home()
    qtbot.mouseClick(_button(home, "Practice…"), Qt.MouseButton.LeftButton)
    c = window.controller
    screen = window.practice_screen
    assert window.stack.currentWidget() is screen and len(c.session) == 5
    assert not screen.feedback.isVisible()

    # F1: the practice keys.
    qtbot.keyClick(screen, Qt.Key.Key_F1)
    box = screen.findChild(QMessageBox)
    assert box is not None and "Check the answer" in box.text()
    box.close()

    # Enter without an answer: refused with a message, nothing judged.
    qtbot.keyClick(screen, Qt.Key.Key_Return)
    assert screen.banner.isVisible() and "first" in screen.banner.text()
    assert c.checked_count == 0

    # Two right answers, one wrong; each judged at once with its explanation.
    for pos, right in enumerate([True, True, False]):
        item = c.session.items[pos]
        clock.advance(30)
        _answer(qtbot, screen, item, right)
        qtbot.keyClick(screen, Qt.Key.Key_Return)
        assert screen.feedback.isVisible()
        text = screen.feedback.text()
        assert ("Correct" in text) is right and ("Not quite" in text) is not right
        assert item.question.explanation in text
        assert not screen.choices.isEnabled()  # a checked answer is final
        verdicts = {r.choice_id: r.property("verdict") or "" for r in screen.choices.rows}
        for ch in item.question.choices:  # the key in green, a wrong choice in red
            mine = ch.id in item.selected
            assert verdicts[ch.id] == ("right" if ch.correct else "wrong" if mine else "")
        expected = Grade.GOOD if right else Grade.AGAIN
        assert c.checked_items[pos].grade is expected
        assert c.checked_items[pos].time_spent_s == pytest.approx(30)
        if pos == 2:
            # The learner overrides the grade: it was a slip, they knew it.
            qtbot.mouseClick(screen.grade_buttons[Grade.HARD], Qt.MouseButton.LeftButton)
            assert c.checked_items[pos].grade is Grade.HARD
            assert screen.grade_buttons[Grade.HARD].isChecked()
        qtbot.keyClick(screen, Qt.Key.Key_Return)  # Enter again: next question
    assert c.session.position == 3 and screen.counter.text().endswith("2 of 3 right")
    wrong_qid = c.session.items[2].question.id
    clock.advance(12)
    attempt_id = c.attempt_id

    # Pause with Esc: home offers to resume.
    qtbot.keyClick(screen, Qt.Key.Key_Escape)
    assert window.controller is None and window.stack.currentWidget() is home
    banner = home.practice_banner
    assert banner.isVisible() and not home.exam_banner.isVisible()
    assert banner.resume_btn.text() == "Resume practice"
    assert "question 4 of 5" in banner.text.text()
    window.close()

    # "Restart the app": a new window over the same database.
    w2 = MainWindow(ctx, fullscreen_exams=False)
    qtbot.addWidget(w2)
    w2.show()
    qtbot.waitExposed(w2)
    qtbot.mouseClick(w2.home.practice_banner.resume_btn, Qt.MouseButton.LeftButton)
    c2 = w2.controller
    s2 = w2.practice_screen
    assert c2.attempt_id == attempt_id and c2.session.position == 3
    assert c2.session.time_used == pytest.approx(102)
    assert sorted(c2.checked_items) == [0, 1, 2] and c2.checked_items[2].grade is Grade.HARD
    assert c2.spent[3] == pytest.approx(12)  # time on the current question was kept
    # (Offscreen Qt does not activate a second window, so this part clicks instead of keys.)
    click = lambda b: qtbot.mouseClick(b, Qt.MouseButton.LeftButton)  # noqa: E731
    click(s2.prev_btn)  # back to the wrong one: its feedback is shown again
    assert s2.feedback.isVisible() and "Not quite" in s2.feedback.text()
    click(s2.next_btn)
    for pos in (3, 4):
        item = c2.session.items[pos]
        for row in s2.choices.rows:
            if item.question.choice(row.choice_id).correct:
                click(row)
        click(s2.check_btn)
        assert "Correct" in s2.feedback.text()
        click(s2.check_btn)  # now "Next question"
    with qtbot.waitSignal(c2.finished, timeout=2000):
        qtbot.mouseClick(s2.finish_btn, Qt.MouseButton.LeftButton)
    assert w2.stack.currentWidget() is w2.results
    assert w2.results.verdict.text() == "PRACTICE"
    assert "4 of 5" in w2.results.score.text()
    assert w2.results.missed_ids() == [wrong_qid]
    assert attempts_repo.get_attempt(ctx.db, attempt_id).state == "finished"

    # What was learnt is now in the study data: one missed, the rest scheduled later.
    st = {s.qid: s for s in study_repo.statuses(ctx.db, factory.PACK_ID)}
    assert st[wrong_qid].missed
    assert sum(1 for s in st.values() if s.answered) == 5
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30)
    assert study_repo.due_count(ctx.db, factory.PACK_ID, later) == 5

    # History lists the session beside the exams.
    w2.show_history()
    t = w2.history.table
    cells = [t.item(0, c).text() for c in range(t.columnCount())]
    assert cells[2:4] == ["practice", "4/5 right"]

    # The progress charts now hold the practice answers.
    w2.show_progress(factory.PACK_ID)
    assert w2.stack.currentWidget() is w2.progress
    assert not w2.progress.accuracy_chart.is_empty()
    assert not w2.progress.pace_chart.is_empty()
    w2.show_home()

    # One click from the results: practise what was missed.
    w2.show_results(attempt_id)
    qtbot.mouseClick(w2.results.drill_btn, Qt.MouseButton.LeftButton)
    assert [it.question.id for it in w2.controller.session.items] == [wrong_qid]
    w2.close()


def test_finishing_with_unchecked_questions_asks_first(
    qtbot, window, confirmations, five_question_dialog
):
    window.study(_pack(window), "practice")
    c = window.controller
    confirmations.answers["value"] = False
    qtbot.mouseClick(window.practice_screen.finish_btn, Qt.MouseButton.LeftButton)
    assert "5 questions are not checked" in confirmations.asked[-1][1]
    assert not c.session.finished
    confirmations.answers["value"] = True
    with qtbot.waitSignal(c.finished, timeout=2000):
        qtbot.mouseClick(window.practice_screen.finish_btn, Qt.MouseButton.LeftButton)


def test_missed_drill_from_home_after_an_exam(qtbot, window):
    from tests.ui.test_exam_flow import start_full_exam

    c = start_full_exam(qtbot, window)
    for pos, item in enumerate(c.session.items):  # every question answered wrong
        c.go_to(pos)
        wrong = [i for i, ch in enumerate(item.ordered_choices()) if not ch.correct]
        for i in wrong[: item.question.select]:
            c.choose_index(i)
    with qtbot.waitSignal(c.finished, timeout=2000):
        c.finish()
    window.show_home()
    btn = _button(window.home, "Missed (5)")
    assert btn.isEnabled()
    qtbot.mouseClick(btn, Qt.MouseButton.LeftButton)
    assert window.practice_screen is not None and len(window.controller.session) == 5
    assert _button(window.home, "Never seen (7)").isEnabled()


def _pack(window):
    from mlcert_desktop.storage import packs_repo

    return packs_repo.list_packs(window.ctx.db)[0]


def test_one_unfinished_session_of_each_kind(qtbot, window, confirmations, five_question_dialog):
    from tests.ui.test_exam_flow import start_full_exam

    pack = _pack(window)
    window.study(pack, "practice")
    first = window.controller.attempt_id
    window.pause_practice()
    c = start_full_exam(qtbot, window)  # an exam does not replace a practice session
    assert window.leave_exam()
    home = window.home
    assert home.exam_banner.isVisible() and home.practice_banner.isVisible()
    assert home.exam_banner.attempt_id == c.attempt_id

    # A new practice session asks before it replaces the paused one; "no" keeps it.
    confirmations.answers["value"] = False
    window.study(pack, "practice")
    assert window.controller is None
    assert "Starting a new one discards it" in confirmations.asked[-1][1]
    assert attempts_repo.get_attempt(window.ctx.db, first).state == "in_progress"
    confirmations.answers["value"] = True
    window.study(pack, "practice")
    assert attempts_repo.get_attempt(window.ctx.db, first).state == "abandoned"
    assert [a.id for a in attempts_repo.in_progress(window.ctx.db, "practice")] == [
        window.controller.attempt_id
    ]


def test_weakest_domain_drill_names_the_domain(qtbot, window):
    from tests.ui.test_exam_flow import start_full_exam

    c = start_full_exam(qtbot, window)
    for pos, item in enumerate(c.session.items):  # right everywhere but in "Modeling"
        if item.question.domain != 3:
            c.go_to(pos)
            for i, ch in enumerate(item.ordered_choices()):
                if ch.correct:
                    c.choose_index(i)
    with qtbot.waitSignal(c.finished, timeout=2000):
        c.finish()
    window.start_drill(factory.PACK_ID, "weakest")
    assert window.controller.blueprint.title == "TST-C01 — Weakest domain: Modeling"
    assert {it.question.domain for it in window.controller.session.items} == {3}


def test_time_on_the_current_question_is_saved_with_each_clock_checkpoint(qtbot, window, clock):
    window.start_drill(factory.PACK_ID, "unseen")
    c = window.controller
    clock.advance(40)
    qtbot.waitUntil(lambda: study_repo.time_spent(window.ctx.db, c.attempt_id)[0] >= 40)
    # As after a crash: a new controller over what was saved.
    from mlcert_desktop.ui.practice_controller import PracticeController

    again = PracticeController.resume(window.ctx, c.attempt_id)
    assert again.spent[0] == pytest.approx(40, abs=1)


def test_an_answer_judged_again_since_can_no_longer_be_regraded(
    qtbot, window, ctx, five_question_dialog
):
    window.start_drill(factory.PACK_ID, "unseen")
    c = window.controller
    item = c.session.current
    for i, ch in enumerate(item.ordered_choices()):
        if ch.correct:
            c.choose_index(i)
    assert c.check()
    window.pause_practice()
    with ctx.db.atomic():  # the same question answered later, elsewhere
        study_repo.record_outcome(ctx.db, factory.PACK_ID, item.question.id, True, Grade.GOOD)
    study_repo.set_flag(ctx.db, factory.PACK_ID, item.question.id, True)  # flagged meanwhile
    window.resume_exam(c.attempt_id)
    c2, screen = window.controller, window.practice_screen
    assert c2.session.current.flagged and screen.flag_box.isChecked()
    assert not c2.checked_items[0].regradable
    assert not screen.grade_buttons[Grade.EASY].isEnabled()
    assert "answered this question again since" in screen.grade_text.text()
    c2.regrade(Grade.EASY)  # nothing happens, nothing raised
    assert c2.checked_items[0].grade is Grade.GOOD


def test_home_redraws_when_reviews_come_due(qtbot, window, ctx, monkeypatch):
    window.show_home()
    assert _button(window.home, "Due today (0)")
    later = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=11)
    with ctx.db.atomic():  # a wrong answer eleven minutes ago: due again now
        study_repo.record_outcome(ctx.db, factory.PACK_ID, "q001", False, Grade.AGAIN, now=later)
    window.home.refresh_if_due_changed()  # what the once-a-minute timer calls
    assert _button(window.home, "Due today (1)").isEnabled()
