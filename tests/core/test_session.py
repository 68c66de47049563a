"""ExamSession: navigation, answering rules, flags, summaries and the injected clock."""

from __future__ import annotations

import pytest

from mlcert_desktop.core.session import (
    ExamSession,
    ItemState,
    SelectionLimitError,
    SessionItem,
)
from tests import factory

MINUTE = 60.0


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _item(i: int, multiple: bool = False) -> SessionItem:
    q = factory.question(i, multiple=multiple)
    return SessionItem(q, tuple(c.id for c in q.choices))


def make_session(
    n: int = 5, *, multiple_at=(), time_limit: float | None = 10 * MINUTE, **kwargs
) -> ExamSession:
    items = [_item(i, multiple=i in multiple_at) for i in range(n)]
    return ExamSession(items, time_limit, **kwargs)


# -- construction and navigation -----------------------------------------------------------------
def test_needs_at_least_one_question():
    with pytest.raises(ValueError):
        ExamSession([], None)


def test_starts_at_first_question_and_clamps_resume_position():
    assert make_session(5).position == 0
    assert make_session(5, position=3).position == 3
    assert make_session(5, position=99).position == 4
    assert make_session(5, position=-7).position == 0


def test_next_and_previous_stop_at_the_ends():
    s = make_session(3)
    assert s.previous() is False
    assert s.position == 0
    assert s.next() is True
    assert s.next() is True
    assert s.position == 2
    assert s.next() is False
    assert s.position == 2
    assert s.previous() is True
    assert s.position == 1
    assert s.current is s.items[1]
    assert len(s) == 3


@pytest.mark.parametrize("bad", [-1, 3, 100])
def test_go_to_refuses_positions_outside_the_exam(bad):
    s = make_session(3)
    s.go_to(2)
    with pytest.raises(IndexError):
        s.go_to(bad)
    assert s.position == 2


# -- answering ------------------------------------------------------------------------------------
def test_single_answer_toggle_replaces_the_selection():
    s = make_session(2)
    assert s.toggle(0, "b") == frozenset({"b"})
    assert s.toggle(0, "c") == frozenset({"c"})
    assert s.items[0].selected == frozenset({"c"})
    # Clicking the selected radio button again keeps it selected (radio buttons don't clear).
    assert s.toggle(0, "c") == frozenset({"c"})
    assert s.items[1].selected == frozenset()


def test_toggle_unknown_choice_is_refused():
    s = make_session(1)
    with pytest.raises(KeyError):
        s.toggle(0, "z")
    with pytest.raises(KeyError):
        s.set_answer(0, {"a", "z"})
    assert s.items[0].selected == frozenset()


def test_multiple_response_toggle_adds_and_removes():
    s = make_session(2, multiple_at={0})
    item = s.items[0]
    assert item.question.select == 2
    assert s.toggle(0, "a") == frozenset({"a"})
    assert s.toggle(0, "c") == frozenset({"a", "c"})
    assert s.toggle(0, "a") == frozenset({"c"})
    assert item.selected == frozenset({"c"})


def test_multiple_response_refuses_more_than_select_and_keeps_selection():
    s = make_session(1, multiple_at={0})
    s.toggle(0, "a")
    s.toggle(0, "b")
    with pytest.raises(SelectionLimitError) as exc:
        s.toggle(0, "c")
    assert exc.value.select == 2
    assert "two" in str(exc.value)
    assert s.items[0].selected == frozenset({"a", "b"})
    with pytest.raises(SelectionLimitError):
        s.set_answer(0, {"a", "b", "c"})
    assert s.items[0].selected == frozenset({"a", "b"})
    # After clearing one choice, another can be chosen.
    s.toggle(0, "b")
    assert s.toggle(0, "c") == frozenset({"a", "c"})


def test_selection_limit_message_names_larger_counts():
    assert "three" in str(SelectionLimitError(3))
    assert "7" in str(SelectionLimitError(7))


def test_clear_empties_the_selection():
    s = make_session(1, multiple_at={0})
    s.set_answer(0, {"a", "b"})
    s.clear(0)
    assert s.items[0].selected == frozenset()
    assert s.items[0].state is ItemState.INCOMPLETE


def test_flags():
    s = make_session(4)
    s.flag(1)
    s.flag(3)
    assert [it.flagged for it in s.items] == [False, True, False, True]
    s.flag(1, False)
    assert s.items[1].flagged is False
    assert s.flagged_count == 1


def test_item_state_answered_only_with_exactly_select_choices():
    s = make_session(2, multiple_at={1})
    single, multi = s.items
    assert single.state is ItemState.INCOMPLETE
    s.toggle(0, "d")
    assert single.state is ItemState.ANSWERED
    s.toggle(1, "a")
    assert multi.state is ItemState.INCOMPLETE  # one of two boxes ticked
    s.toggle(1, "e")
    assert multi.state is ItemState.ANSWERED
    s.toggle(1, "e")
    assert multi.state is ItemState.INCOMPLETE
    assert s.answered_count == 1
    assert s.incomplete_count == 1


def test_item_correct_requires_exactly_the_keyed_choices():
    s = make_session(1, multiple_at={0})
    item = s.items[0]
    s.set_answer(0, {"a"})
    assert not item.correct
    s.set_answer(0, {"a", "c"})
    assert not item.correct
    s.set_answer(0, {"a", "b"})
    assert item.correct


def test_positions_filters_incomplete_and_flagged():
    s = make_session(6, multiple_at={4})
    s.toggle(0, "a")
    s.toggle(2, "b")
    s.toggle(4, "a")  # multiple response, only one of two: incomplete
    s.flag(2)
    s.flag(3)
    s.flag(4)
    assert s.positions() == [0, 1, 2, 3, 4, 5]
    assert s.positions(incomplete=True) == [1, 3, 4, 5]
    assert s.positions(flagged=True) == [2, 3, 4]
    assert s.positions(incomplete=True, flagged=True) == [3, 4]


def test_ordered_choices_follow_the_shuffled_order():
    q = factory.question(1)
    item = SessionItem(q, ("c", "a", "d", "b"))
    assert [c.id for c in item.ordered_choices()] == ["c", "a", "d", "b"]


# -- the clock ------------------------------------------------------------------------------------
def test_time_runs_only_while_started():
    clock = FakeClock()
    s = make_session(clock=clock)
    assert not s.running
    clock.advance(100)
    assert s.time_used == 0
    assert s.remaining == 10 * MINUTE
    s.start()
    assert s.running
    clock.advance(30)
    assert s.time_used == pytest.approx(30)
    assert s.remaining == pytest.approx(10 * MINUTE - 30)
    clock.advance(15)
    assert s.remaining == pytest.approx(10 * MINUTE - 45)


def test_pause_stops_the_clock_and_start_resumes():
    clock = FakeClock()
    s = make_session(clock=clock)
    s.start()
    clock.advance(40)
    s.pause()
    assert not s.running
    clock.advance(500)
    assert s.time_used == pytest.approx(40)
    s.start()
    clock.advance(5)
    assert s.time_used == pytest.approx(45)
    s.start()  # starting twice does not reset the running interval
    clock.advance(5)
    assert s.time_used == pytest.approx(50)


def test_checkpoint_folds_running_time_in():
    clock = FakeClock()
    s = make_session(clock=clock)
    assert s.checkpoint() == 0
    s.start()
    clock.advance(12.5)
    assert s.checkpoint() == pytest.approx(12.5)
    assert s.running
    clock.advance(7.5)
    assert s.checkpoint() == pytest.approx(20)
    # A checkpoint without time passing adds nothing.
    assert s.checkpoint() == pytest.approx(20)


def test_expires_exactly_at_the_limit():
    clock = FakeClock()
    s = make_session(time_limit=60.0, clock=clock)
    s.start()
    clock.advance(59.5)
    assert not s.expired
    assert s.remaining == pytest.approx(0.5)
    clock.advance(0.5)
    assert s.expired
    assert s.remaining == 0
    clock.advance(1000)
    assert s.remaining == 0  # never negative


def test_a_180_minute_exam_expires_by_advancing_the_clock():
    clock = FakeClock()
    s = make_session(65, time_limit=180 * MINUTE, clock=clock)
    s.start()
    clock.advance(180 * MINUTE - 1)
    assert not s.expired
    clock.advance(1)
    assert s.expired
    assert s.remaining == 0


def test_untimed_session_never_expires():
    clock = FakeClock()
    s = make_session(time_limit=None, clock=clock)
    s.start()
    clock.advance(10**7)
    assert s.remaining is None
    assert not s.expired
    assert s.time_used == pytest.approx(10**7)


def test_a_clock_going_backwards_after_a_checkpoint_keeps_the_saved_time():
    clock = FakeClock(5000.0)
    s = make_session(clock=clock)
    s.start()
    clock.advance(100)
    assert s.checkpoint() == pytest.approx(100)
    clock.advance(-3000)
    assert s.time_used == pytest.approx(100)
    assert s.checkpoint() == pytest.approx(100)
    assert s.remaining == pytest.approx(10 * MINUTE - 100)
    clock.advance(20)  # time runs on from the new reading
    assert s.time_used == pytest.approx(120)
    assert s.checkpoint() == pytest.approx(120)


def test_a_clock_going_backwards_never_gives_time_back():
    clock = FakeClock(5000.0)
    s = make_session(clock=clock)
    s.start()
    clock.advance(100)
    assert s.time_used == pytest.approx(100)
    clock.advance(-3000)
    assert s.time_used >= 100
    assert s.checkpoint() >= 100
    assert s.remaining <= 10 * MINUTE - 100


def test_resume_continues_from_time_used():
    clock = FakeClock()
    s = make_session(time_limit=10 * MINUTE, clock=clock, time_used=9 * MINUTE, position=2)
    assert s.time_used == 9 * MINUTE
    assert s.remaining == pytest.approx(MINUTE)
    assert s.position == 2
    s.start()
    clock.advance(30)
    assert s.remaining == pytest.approx(30)
    clock.advance(30)
    assert s.expired


def test_finish_freezes_time_and_refuses_changes():
    clock = FakeClock()
    s = make_session(clock=clock, multiple_at={1})
    s.start()
    s.toggle(0, "a")
    clock.advance(90)
    s.finish()
    assert s.finished
    assert not s.running
    assert s.time_used == pytest.approx(90)
    clock.advance(90)
    assert s.time_used == pytest.approx(90)
    with pytest.raises(RuntimeError):
        s.toggle(0, "b")
    with pytest.raises(RuntimeError):
        s.set_answer(1, {"a"})
    with pytest.raises(RuntimeError):
        s.clear(0)
    with pytest.raises(RuntimeError):
        s.flag(0)
    assert s.items[0].selected == frozenset({"a"})
    assert s.items[1].selected == frozenset()
    assert not s.items[0].flagged
    s.start()  # a finished exam cannot be restarted
    assert not s.running
    clock.advance(10)
    assert s.time_used == pytest.approx(90)
