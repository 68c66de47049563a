"""The question browser: search, filters, flags, the study view and the practise buttons."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from mlcert_desktop.core.study import Grade
from mlcert_desktop.packs.importer import import_pack
from mlcert_desktop.storage import packs_repo, study_repo
from mlcert_desktop.ui.context import AppContext
from mlcert_desktop.ui.screens.browser import (
    EMPTY_MESSAGE,
    PRACTICE_LIMIT,
    BrowserScreen,
    first_line,
    question_html,
)
from tests import factory

P = factory.PACK_ID
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


def study_source(n: int = 12):
    """The usual test pack, with a few words found in only one place each."""
    src = factory.source(n)
    qs = src.questions
    qs[3] = qs[3]._replace(explanation="Heteroscedasticity makes the residuals fan out.")
    choices = list(qs[7].choices)
    choices[2] = choices[2]._replace(why="Quantization only shrinks the weights.")
    qs[7] = qs[7]._replace(choices=tuple(choices))
    qs[5] = qs[5]._replace(services=("Amazon SageMaker",))
    qs[6] = qs[6]._replace(services=("Amazon S3", "Amazon SageMaker"))
    return src


def install(db, tmp_path, key, src, name="p.exampack"):
    import_pack(db, factory.write_pack(tmp_path / name, key, src), [key.public_key])


@pytest.fixture
def make_screen(qtbot, tmp_path, fresh_db, secret_key):
    def make(src=None) -> BrowserScreen:
        install(fresh_db, tmp_path, secret_key, src or study_source())
        w = BrowserScreen(AppContext(db=fresh_db, data_dir=tmp_path))
        w.now = lambda: NOW
        qtbot.addWidget(w)
        w.resize(1366, 768)
        w.refresh()
        w.show()
        qtbot.waitExposed(w)
        return w

    return make


@pytest.fixture
def screen(make_screen):
    return make_screen()


def search(qtbot, w: BrowserScreen, text: str) -> None:
    """Type like a user; the list follows once typing pauses."""
    w.search_box.clear()
    qtbot.keyClicks(w.search_box, text)
    qtbot.waitUntil(lambda: not w.search_timer.isActive())


def table_ids(w: BrowserScreen) -> list[str]:
    return [w.table.item(r, 0).text() for r in range(w.table.rowCount())]


def choose(box, data) -> None:
    box.setCurrentIndex(box.findData(data))


def select(w: BrowserScreen, qid: str) -> None:
    w.table.setCurrentCell(w.visible_ids().index(qid), 0)


def test_lists_every_question_with_its_columns(screen):
    assert screen.count_label.text() == "12 questions"
    assert table_ids(screen) == [f"q{i:03d}" for i in range(12)]
    assert [screen.table.item(4, c).text() for c in range(6)] == [
        "q004",
        "1",
        "1.1",
        "Choose TWO",
        "new",
        "Question 4: which two options are right? (Choose TWO.)",
    ]
    assert screen.table.item(0, 3).text() == "single"
    assert not screen.pack_box.isVisibleTo(screen)  # only one pack
    assert [screen.domain_box.itemText(i) for i in range(screen.domain_box.count())] == [
        "All",
        "1 Data",
        "2 Analysis",
        "3 Modeling",
        "4 Operations",
    ]


def test_search_is_debounced_and_finds_explanations_and_distractor_notes(qtbot, screen):
    qtbot.keyClicks(screen.search_box, "heteroscedastic")
    assert screen.search_timer.isActive()  # nothing searched per keystroke
    assert screen.count_label.text() == "12 questions"
    qtbot.waitUntil(lambda: screen.visible_ids() == ["q003"])
    assert screen.count_label.text() == "1 question"
    assert screen.current_qid() == "q003"  # the first match opens in the study view
    search(qtbot, screen, "quantization shrinks")
    assert screen.visible_ids() == ["q007"]
    search(qtbot, screen, "option c of question 9")
    assert screen.visible_ids() == ["q009"]


def test_odd_characters_never_reach_fts_as_syntax(qtbot, screen):
    expected = {
        '"': 12,  # nothing searchable: everything
        "*": 12,
        "(": 12,
        "AND": 0,
        "question AND": 0,
        "NEAR(": 0,
        "OR -": 0,
        '"question 3': 1,
        "question* 3)": 1,
        "(Choose TWO.)": 2,
        "right?": 12,
        "explanation 11.": 1,
    }
    for text, count in expected.items():
        screen.search_box.setText(text)
        qtbot.keyClick(screen.search_box, Qt.Key.Key_Return)  # Enter searches at once
        assert len(screen.visible_ids()) == count, text
    screen.search_box.setText('"question 3')
    qtbot.keyClick(screen.search_box, Qt.Key.Key_Return)
    assert screen.visible_ids() == ["q003"]


def test_filters_narrow_the_list(screen):
    choose(screen.domain_box, 2)
    assert screen.visible_ids() == ["q001", "q005", "q009"]
    choose(screen.domain_box, None)
    choose(screen.task_box, "3.1")
    assert screen.visible_ids() == ["q002", "q006", "q010"]
    choose(screen.task_box, None)
    assert screen.service_box.findData("Amazon S3") > 0
    choose(screen.service_box, "Amazon SageMaker")
    assert screen.visible_ids() == ["q005", "q006"]
    choose(screen.domain_box, 3)
    assert screen.visible_ids() == ["q006"]
    screen.clear_filters()
    assert len(screen.visible_ids()) == 12


def test_flag_from_the_study_view_then_filter_flagged(qtbot, screen):
    choose(screen.status_box, "flagged")
    assert screen.visible_ids() == []
    choose(screen.status_box, "all")
    select(screen, "q003")
    assert screen.flag_button.text() == "Flag"
    qtbot.mouseClick(screen.flag_button, Qt.MouseButton.LeftButton)
    assert study_repo.flagged_ids(screen.ctx.db, P) == {"q003"}
    assert screen.flag_button.text() == "Unflag"
    assert screen.table.item(3, 4).text() == "new · flagged"
    assert "flagged" in screen.history.text()
    choose(screen.status_box, "flagged")
    assert screen.visible_ids() == ["q003"]
    qtbot.mouseClick(screen.flag_button, Qt.MouseButton.LeftButton)
    assert study_repo.flagged_ids(screen.ctx.db, P) == set()
    assert screen.table.item(0, 4).text() == "new"


def test_status_filters_follow_the_study_history(screen):
    db = screen.ctx.db
    with db.atomic():
        study_repo.record_outcome(db, P, "q001", False, Grade.AGAIN, now=NOW)
        study_repo.record_outcome(db, P, "q002", True, Grade.GOOD, now=NOW)
    screen.refresh()
    choose(screen.status_box, "missed")
    assert screen.visible_ids() == ["q001"]
    assert screen.table.item(0, 4).text() == "missed"
    choose(screen.status_box, "unseen")
    assert len(screen.visible_ids()) == 10
    choose(screen.status_box, "due")
    assert screen.visible_ids() == []  # nothing due yet
    screen.now = lambda: NOW + dt.timedelta(days=3)  # a right first answer: due in 2 days
    screen.refresh()
    assert screen.visible_ids() == ["q001", "q002"]
    assert screen.table.item(1, 4).text() == "right 1/1 · due"
    select(screen, "q002")
    assert screen.history.text() == "Answered once, 1 right · last answer right · review due now"


def test_practise_the_list_or_one_question(qtbot, screen):
    choose(screen.domain_box, 1)
    with qtbot.waitSignal(screen.practiceRequested) as sig:
        qtbot.mouseClick(screen.practice_button, Qt.MouseButton.LeftButton)
    assert sig.args == [P, ["q000", "q004", "q008"]]
    select(screen, "q004")
    with qtbot.waitSignal(screen.practiceRequested) as sig:
        qtbot.mouseClick(screen.practise_one_button, Qt.MouseButton.LeftButton)
    assert sig.args == [P, ["q004"]]
    screen.table.setFocus()
    with qtbot.waitSignal(screen.practiceRequested) as sig:
        qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    assert sig.args == [P, ["q004"]]


def test_double_click_practises_that_question_once(qtbot, screen):
    got = []
    screen.practiceRequested.connect(lambda pid, ids: got.append(ids))
    rect = screen.table.visualItemRect(screen.table.item(2, 1))
    viewport = screen.table.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert got == [] and screen.current_qid() == "q002"  # a click only opens it
    qtbot.mouseDClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: got != [])
    assert got == [["q002"]]


def test_practise_these_takes_at_most_the_limit(qtbot, make_screen):
    w = make_screen(factory.source(PRACTICE_LIMIT + 10))
    assert w.practice_button.text() == f"Practise the first {PRACTICE_LIMIT}"
    with qtbot.waitSignal(w.practiceRequested) as sig:
        w.practise_list()
    assert sig.args[1] == w.visible_ids()[:PRACTICE_LIMIT]
    assert len(sig.args[1]) == PRACTICE_LIMIT


def test_study_view_marks_the_key_and_shows_the_explanation(screen):
    select(screen, "q004")  # multiple response, a and b correct
    text = screen.view.toPlainText()
    assert "Question 4: which two options are right?" in text
    assert text.count("✔") == 2
    assert "Not this." in text  # why each distractor is wrong
    assert "Explanation 4." in text
    assert "https://docs.aws.amazon.com/" in text
    html = question_html(packs_repo.load_questions(screen.ctx.db, P, ["q004"])[0])
    for letter in "AB":
        assert f"✔</td><td style='color:#1d7a3a; font-weight:bold'>{letter}. Option" in html
    assert "✔</td><td style='color:#1d7a3a; font-weight:bold'>C." not in html


def test_pack_text_is_escaped_in_the_study_view_and_the_table():
    q = factory.question(1)._replace(
        stem="<img src='http://evil.example/x.png'> **Which** one?\nsecond line",
        explanation="<script>alert(1)</script>",
    )
    html = question_html(q)
    assert "<img" not in html and "<script>" not in html
    assert "&lt;img" in html and "<b>Which</b>" in html
    assert first_line(q.stem) == "<img src='http://evil.example/x.png'> Which one?"
    assert first_line("x" * 300).endswith("…") and len(first_line("x" * 300)) == 120


def test_empty_state_and_ctrl_f(qtbot, screen):
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow)
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(screen.search_box.hasFocus)
    search(qtbot, screen, "walrus")
    assert screen.count_label.text() == "0 questions"
    assert screen.empty.isVisibleTo(screen) and not screen.table.isVisibleTo(screen)
    assert screen.empty_text.text() == EMPTY_MESSAGE
    assert not screen.practice_button.isVisibleTo(screen)
    assert not screen.flag_button.isEnabled()
    qtbot.mouseClick(screen.empty_clear, Qt.MouseButton.LeftButton)
    assert screen.search_box.text() == "" and len(screen.visible_ids()) == 12


def test_refresh_picks_up_a_second_pack(tmp_path, secret_key, screen):
    other = factory.source(3)
    other.manifest.update(pack_id="org.example.other", title="Another pack")
    install(screen.ctx.db, tmp_path, secret_key, other, "other.exampack")
    screen.refresh()
    assert screen.pack_box.isVisibleTo(screen) and screen.pack_box.count() == 2
    assert screen.pack.pack_id == P  # the chosen pack stays chosen
    choose(screen.pack_box, "org.example.other")
    assert screen.visible_ids() == ["q000", "q001", "q002"]
    assert screen.pack.pack_id == "org.example.other"
    screen.set_pack(P)
    assert screen.pack_box.currentData() == P and len(screen.visible_ids()) == 12
    screen.set_pack("org.example.gone")  # unknown: the first pack
    assert screen.pack.pack_id == screen.pack_box.itemData(0)
