"""Full-text search over a pack's questions (SQLite FTS5) and the browser's light row query."""

from __future__ import annotations

import itertools

import pytest

from mlcert_desktop.packs.importer import import_pack
from mlcert_desktop.storage import packs_repo, study_repo
from tests import factory

P = factory.PACK_ID


def _source(n=12, version=1):
    src = factory.source(n, version=version)
    qs = src.questions
    qs[2] = qs[2]._replace(stem="Which metric handles class imbalance best?")
    qs[3] = qs[3]._replace(explanation="Heteroscedasticity makes the residuals fan out.")
    choices = list(qs[7].choices)
    choices[1] = choices[1]._replace(text="Use a Kinesis shard per producer")
    choices[2] = choices[2]._replace(why="Quantization only shrinks the weights.")
    qs[7] = qs[7]._replace(choices=tuple(choices))
    return src


@pytest.fixture
def install(fresh_db, tmp_path, secret_key, monkeypatch):
    """Installs a pack source; every import gets its own time stamp, as imports made in
    different seconds would."""
    stamps = (f"2026-12-01T09:00:{s:02d}+00:00" for s in itertools.count())
    monkeypatch.setattr(packs_repo, "utcnow", lambda: next(stamps))
    names = (f"p{i}.exampack" for i in itertools.count())

    def install(src):
        path = factory.write_pack(tmp_path / next(names), secret_key, src)
        import_pack(fresh_db, path, [secret_key.public_key])

    return install


@pytest.fixture
def db(fresh_db, install):
    install(_source())
    return fresh_db


def test_finds_stems_options_distractor_notes_and_explanations(db):
    assert study_repo.search(db, P, "imbalance") == ["q002"]  # stem
    assert study_repo.search(db, P, "kinesis shard") == ["q007"]  # option text
    assert study_repo.search(db, P, "quantization") == ["q007"]  # why a distractor is wrong
    assert study_repo.search(db, P, "heteroscedasticity") == ["q003"]  # explanation


def test_words_are_prefixes_and_all_must_match(db):
    assert study_repo.search(db, P, "heterosc") == ["q003"]
    assert study_repo.search(db, P, "IMBAL") == ["q002"]  # case does not matter
    assert study_repo.search(db, P, "residuals fan") == ["q003"]
    assert study_repo.search(db, P, "residuals kinesis") == []
    assert len(study_repo.search(db, P, "explanation")) == 11  # q003's explanation differs


def test_best_match_first(db):
    # "question 7" appears in q007's stem and in each of its options: it ranks first.
    assert study_repo.search(db, P, "question 7")[0] == "q007"


def test_empty_text_lists_every_active_question_in_pack_order(db):
    assert study_repo.search(db, P, "") == [f"q{i:03d}" for i in range(12)]
    assert study_repo.search(db, P, "   ") == study_repo.search(db, P, "")


@pytest.mark.parametrize("text", ["AND", "OR", "NEAR(", "a*b", "x:y", "{zz}"])
def test_query_syntax_characters_are_plain_text(db, text):
    result = study_repo.search(db, P, text)  # no sqlite3.OperationalError
    assert result == []  # none of these is a word of the test pack


@pytest.mark.parametrize("text", ["*", "(", ")", "-", ":", "^", "'", "( * -", "\x00", "\t\x1b"])
def test_words_without_letters_or_digits_are_no_query(db, text):
    assert study_repo.search(db, P, text) == study_repo.search(db, P, "")
    assert study_repo.search(db, P, f"imbalance {text}") == ["q002"]


def test_quotes_alone_are_no_query(db):
    assert study_repo.search(db, P, '" ""') == study_repo.search(db, P, "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"imbalance', ["q002"]),
        ("imbalance AND", []),  # AND is a word to find, not an operator
        ("(imbalance)", ["q002"]),
        ("class imbalance*", ["q002"]),
        ("best?", ["q002"]),
        ("question 3 OR question 4", []),
    ],
)
def test_query_syntax_around_real_words(db, text, expected):
    assert study_repo.search(db, P, text) == expected


def test_index_is_built_on_first_search_only(db):
    count = "SELECT count(*) FROM question_fts WHERE pack_id = ?"
    assert db.execute(count, [P]).fetchone()[0] == 0  # importing does not build it
    study_repo.search(db, P, "")
    assert db.execute(count, [P]).fetchone()[0] == 0  # listing everything needs no index
    study_repo.search(db, P, "imbalance")
    assert db.execute(count, [P]).fetchone()[0] == 12
    study_repo.ensure_search_index(db, P)  # up to date: nothing is rebuilt
    assert db.execute(count, [P]).fetchone()[0] == 12


def test_pack_update_rebuilds_the_index_with_only_active_questions(db, install):
    assert study_repo.search(db, P, "imbalance") == ["q002"]
    assert study_repo.search(db, P, "question 11") == ["q011"]
    src = _source(n=10, version=2)  # q010 and q011 are gone
    src.questions[2] = src.questions[2]._replace(stem="Which walrus detector is cheapest?")
    install(src)
    assert study_repo.search(db, P, "walrus") == ["q002"]
    assert study_repo.search(db, P, "imbalance") == []
    assert study_repo.search(db, P, "question 11") == []
    assert study_repo.search(db, P, "question 10") == []
    assert len(study_repo.search(db, P, "explanation")) == 9
    assert study_repo.search(db, P, "") == [f"q{i:03d}" for i in range(10)]


def test_pack_update_in_the_same_second_rebuilds_the_index(db, install, monkeypatch):
    study_repo.search(db, P, "imbalance")
    monkeypatch.setattr(packs_repo, "utcnow", lambda: "2026-12-01T09:00:00+00:00")
    src = _source(n=10, version=2)
    src.questions[2] = src.questions[2]._replace(stem="Which walrus detector is cheapest?")
    install(src)
    assert study_repo.search(db, P, "walrus") == ["q002"]


def test_search_stays_inside_its_pack(db, install):
    other = factory.source(3)
    other.questions[0] = other.questions[0]._replace(stem="Which metric handles imbalance?")
    other.manifest.update(pack_id="org.example.other", title="Another pack")
    install(other)
    assert study_repo.search(db, P, "imbalance") == ["q002"]
    assert study_repo.search(db, "org.example.other", "imbalance") == ["q000"]


def test_question_rows_are_light_and_active_only(db, install):
    rows = study_repo.question_rows(db, P, stem_chars=20)
    assert rows[0] == ("q000", "single", 1, "Question 0: which op")
    assert rows[4][:3] == ("q004", "multiple", 2)
    assert [r[0] for r in rows] == [f"q{i:03d}" for i in range(12)]
    install(_source(n=10, version=2))
    assert len(study_repo.question_rows(db, P)) == 10


def test_choice_text_after_an_escaped_nul_is_found(fresh_db, install):
    """A pack may hold "\\u0000" in a string; SQLite's json_extract would cut the text there."""
    src = factory.source(5)
    qs = src.questions
    choices = list(qs[1].choices)
    choices[2] = choices[2]._replace(text="alpha\x00omega", why="zeta\x00sigma")
    qs[1] = qs[1]._replace(choices=tuple(choices))
    install(src)
    assert study_repo.search(fresh_db, P, "omega") == ["q001"]
    assert study_repo.search(fresh_db, P, "sigma") == ["q001"]
