"""Sit a short exam the way a candidate does: keyboard only, review screen, results."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from mlcert_desktop.core.session import ItemState
from mlcert_desktop.storage import attempts_repo


def _button(widget, text: str) -> QPushButton:
    matches = [b for b in widget.findChildren(QPushButton) if b.text() == text]
    assert matches, f"no button {text!r}"
    return matches[0]


def _key(qtbot, widget, key) -> None:
    qtbot.keyClick(widget, key)


def start_full_exam(qtbot, window):
    qtbot.mouseClick(_button(window.home, "Start full exam"), Qt.MouseButton.LeftButton)
    assert window.controller is not None
    assert window.stack.currentWidget() is window.exam_screen
    return window.controller


def correct_index(item) -> int:
    return next(i for i, c in enumerate(item.ordered_choices()) if c.correct)


def test_sit_exam_with_keyboard_flag_review_and_submit(qtbot, window, confirmations):
    c = start_full_exam(qtbot, window)
    s = c.session
    exam = window.exam_screen
    assert len(s) == 5
    assert exam.counter.text() == "Question 1 of 5"
    assert exam.timer.text() == "Time remaining  0:10:00"
    # Pack text goes through the escaping subset, never Qt's own Markdown/HTML rendering.
    assert exam.stem.textFormat() == Qt.TextFormat.RichText
    assert exam.stem.text().startswith("<p>Question ")

    # Answer questions 1-4 correctly with number keys (multiple response needs two keys).
    for pos in range(4):
        item = s.items[pos]
        keys = [i for i, ch in enumerate(item.ordered_choices()) if ch.correct]
        for k in keys:
            _key(qtbot, exam, Qt.Key(Qt.Key.Key_1 + k))
        assert item.state is ItemState.ANSWERED
        if pos == 1:
            _key(qtbot, exam, Qt.Key.Key_F)
            assert item.flagged and exam.flag_box.isChecked()
        _key(qtbot, exam, Qt.Key.Key_N)
    assert exam.counter.text() == "Question 5 of 5"
    assert s.position == 4

    # Leave question 5 unanswered; "Next" on the last question opens the review screen.
    _key(qtbot, exam, Qt.Key.Key_N)
    review = window.review_screen
    assert window.stack.currentWidget() is review
    assert "4</b> answered" in review.summary.text()
    review.set_filter("incomplete")
    assert review.visible_positions() == [4]
    review.set_filter("flagged")
    assert review.visible_positions() == [1]

    # Jump to the flagged question, change nothing, and come back with one click.
    qtbot.mouseClick(
        _button(review, "Question 2   Answered   ⚑ Flagged"), Qt.MouseButton.LeftButton
    )
    assert window.stack.currentWidget() is exam and s.position == 1
    assert exam.back_to_review.isVisible()
    qtbot.mouseClick(exam.back_to_review, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is review

    # End the exam; the confirmation names what is unanswered and flagged.
    with qtbot.waitSignal(c.finished, timeout=2000) as finished:
        qtbot.mouseClick(review.end_btn, Qt.MouseButton.LeftButton)
    title, text = confirmations.asked[-1]
    assert title == "End exam" and "1 question(s) are incomplete" in text
    assert "1 question(s) are flagged" in text

    attempt = attempts_repo.get_attempt(window.ctx.db, finished.args[0])
    assert attempt.state == "finished"
    assert attempt.report["correct"] == 4 and attempt.report["total"] == 5
    assert window.stack.currentWidget() is window.results
    # 4 of 5 = 80 % -> 100 + floor(0.8 * 900) = 820: a pass at 750.
    assert window.results.verdict.text() == "PASS"
    assert "820" in window.results.score.text()
    html = window.results.browser.toHtml()
    assert "Unanswered" in html and "Explanation" in html and "Not this." in html


def test_multiple_response_refuses_a_third_box(qtbot, window):
    c = start_full_exam(qtbot, window)
    s = c.session
    pos = next(i for i, it in enumerate(s.items) if it.question.select == 2)
    c.go_to(pos)
    exam = window.exam_screen
    assert "Select 2 answers" in exam.hint.text()
    for k in (Qt.Key.Key_1, Qt.Key.Key_2):
        _key(qtbot, exam, k)
    assert len(s.current.selected) == 2
    with qtbot.waitSignal(c.selectionRefused):
        _key(qtbot, exam, Qt.Key.Key_3)
    assert len(s.current.selected) == 2
    assert exam.banner.isVisible() and "two answers" in exam.banner.text()
    # Un-ticking one frees a place.
    _key(qtbot, exam, Qt.Key.Key_1)
    _key(qtbot, exam, Qt.Key.Key_3)
    assert len(s.current.selected) == 2


def test_time_runs_out_and_exam_is_scored_as_it_stands(qtbot, window, clock):
    c = start_full_exam(qtbot, window)
    exam = window.exam_screen
    first = c.session.items[0]
    assert first.question.select == 1
    _key(qtbot, exam, Qt.Key(Qt.Key.Key_1 + correct_index(first)))
    warnings = []
    c.timeWarning.connect(warnings.append)
    clock.advance(10 * 60 - 4.5 * 60)  # 4.5 minutes left: the 5-minute warning shows
    qtbot.waitUntil(lambda: warnings == [5], timeout=2000)
    assert "5 minutes remaining" in exam.banner.text()
    with qtbot.waitSignal(c.finished, timeout=2000) as finished:
        clock.advance(5 * 60)
    attempt = attempts_repo.get_attempt(window.ctx.db, finished.args[0])
    assert attempt.report["correct"] == 1
    assert attempt.time_used_s == 600
    assert window.stack.currentWidget() is window.results


def test_escape_does_not_leave_the_exam_and_quitting_asks(qtbot, window, confirmations):
    c = start_full_exam(qtbot, window)
    _key(qtbot, window.exam_screen, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.exam_screen
    confirmations.answers["value"] = False
    window.close()
    assert window.isVisible() and confirmations.asked[-1][0] == "Quit during the exam?"
    assert not c.session.finished


def test_leave_and_resume_keeps_answers_flags_position_and_time(
    qtbot, window, clock, confirmations
):
    c = start_full_exam(qtbot, window)
    exam = window.exam_screen
    _key(qtbot, exam, Qt.Key.Key_2)
    _key(qtbot, exam, Qt.Key.Key_F)
    _key(qtbot, exam, Qt.Key.Key_N)
    clock.advance(90)
    assert window.leave_exam()
    saved = [(it.selected, it.flagged) for it in c.session.items]
    clock.advance(3600)  # time away from the exam does not count
    assert window.stack.currentWidget() is window.home
    assert window.home.exam_banner.isVisible()
    assert "question 2 of 5" in window.home.exam_banner.text.text()
    qtbot.mouseClick(window.home.exam_banner.resume_btn, Qt.MouseButton.LeftButton)
    r = window.controller
    assert r is not c and r.session.position == 1
    assert [(it.selected, it.flagged) for it in r.session.items] == saved
    assert abs(r.session.remaining - (600 - 90)) < 0.01
    assert window.exam_screen.counter.text() == "Question 2 of 5"


def test_history_lists_finished_exams_and_opens_results(qtbot, window, confirmations):
    window.show_history()  # nothing yet: the message sits under the top bar, without the hint
    h = window.history
    assert h.empty.isVisible() and not h.hint.isVisible() and not h.table.isVisible()
    assert h.empty.mapTo(h, h.empty.rect().topLeft()).y() < 150
    window.show_home()
    c = start_full_exam(qtbot, window)
    with qtbot.waitSignal(c.finished):
        c.finish()
    window.show_history()
    assert window.history.table.rowCount() == 1
    assert h.hint.isVisible() and h.table.isVisible() and not h.empty.isVisible()
    assert window.history.table.item(0, 3).text() == "Fail"
    window.show_home()
    window.show_history()
    window.history.table.cellDoubleClicked.emit(0, 0)
    assert window.stack.currentWidget() is window.results
    assert window.results.verdict.text() == "FAIL"


def test_retired_pack_is_marked_on_home(qtbot, tmp_path, fresh_db, secret_key):
    from mlcert_desktop.packs import importer
    from mlcert_desktop.ui.context import AppContext
    from mlcert_desktop.ui.main_window import MainWindow
    from tests import factory

    src = factory.source(8, status="retired", retired_on="2026-03-31", successor="NEW-C02")
    importer.import_pack(
        fresh_db,
        factory.write_pack(tmp_path / "r.exampack", secret_key, src),
        [secret_key.public_key],
    )
    w = MainWindow(AppContext(fresh_db, tmp_path), fullscreen_exams=False)
    qtbot.addWidget(w)
    texts = [lbl.text() for lbl in w.home.findChildren(QLabel)]
    assert "RETIRED 2026-03-31" in texts
    assert any("successor is NEW-C02" in t for t in texts)


def test_custom_exam_dialog_sets_size_time_and_domains(qtbot, pack_info):
    from mlcert_desktop.ui.screens.custom_exam import CustomExamDialog

    dlg = CustomExamDialog(pack_info)
    qtbot.addWidget(dlg)
    bp = pack_info.blueprint
    dlg.count.setValue(6)  # the time follows the exam's pace
    assert dlg.minutes.value() == round(bp.duration_minutes * 6 / bp.question_count)
    for box in dlg.domain_boxes.values():
        box.setChecked(False)
    dlg._accept()
    assert dlg.result() == 0 and "at least one domain" in dlg.error.text()
    dlg.domain_boxes[1].setChecked(True)
    dlg.domain_boxes[2].setChecked(True)
    dlg.untimed.setChecked(True)
    assert not dlg.minutes.isEnabled()
    dlg._accept()
    assert dlg.result() == 1
    custom = dlg.blueprint()
    assert custom.question_count == 6 and custom.duration_minutes is None
    assert custom.domain_filter == frozenset({1, 2}) and custom.unscored_count == 0
    assert custom.title.endswith("custom exam") and custom.domains == bp.domains


def test_custom_exam_button_starts_the_chosen_exam(qtbot, window, monkeypatch):
    from mlcert_desktop.ui.screens.custom_exam import CustomExamDialog

    def choose(dlg):
        dlg.count.setValue(3)
        dlg.minutes.setValue(7)
        return 1

    monkeypatch.setattr(CustomExamDialog, "exec", choose)
    qtbot.mouseClick(_button(window.home, "Custom exam…"), Qt.MouseButton.LeftButton)
    session = window.controller.session
    assert window.stack.currentWidget() is window.exam_screen
    assert len(session.items) == 3 and session.time_limit == 7 * 60
