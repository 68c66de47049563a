"""Issue-level promises about the MLS-C01 bank: two full practice exams, each a faithful
blueprint, balanced keys, no near-duplicate questions."""

from __future__ import annotations

import re
from collections import Counter
from itertools import combinations

import pytest

from mlcert_desktop.core.models import ItemType
from mlcert_desktop.packs import importer, trust
from tests.content.test_official_pack import PACK, TASKS

BLUEPRINT = {1: 13, 2: 16, 3: 23, 4: 13}


@pytest.fixture(scope="module")
def pack():
    return importer.read_pack(PACK, [k.key for k in trust.bundled_keys()])


def exams(pack):
    by_id = {q.id: q for q in pack.questions}
    return {
        pe["title"]: [by_id[qid] for qid in pe["questions"]]
        for pe in pack.manifest["practice_exams"]
    }


def test_two_named_practice_exams_of_65(pack):
    named = exams(pack)
    assert list(named) == ["Practice exam 1", "Practice exam 2"]
    assert all(len(qs) == 65 for qs in named.values())
    assert len(pack.questions) >= 130
    # The two exams share no question.
    ids = [{q.id for q in qs} for qs in named.values()]
    assert not ids[0] & ids[1]


@pytest.mark.parametrize("title", ["Practice exam 1", "Practice exam 2"])
def test_each_exam_follows_the_blueprint(pack, title):
    qs = exams(pack)[title]
    assert dict(sorted(Counter(q.domain for q in qs).items())) == BLUEPRINT
    tasks = Counter(q.task for q in qs)
    thin = {t: tasks[t] for t in TASKS if tasks[t] < 2}
    assert not thin, f"{title}: task statements covered fewer than twice: {thin}"
    share = sum(q.type is ItemType.MULTIPLE for q in qs) / len(qs)
    assert 0.10 <= share <= 0.16, f"{title}: {share:.0%} multiple response"


def test_correct_letters_are_spread_evenly(pack):
    letters = Counter(c.id for q in pack.questions for c in q.choices if c.correct)
    abcd = sum(letters[x] for x in "abcd")
    for x in "abcd":
        assert 0.20 <= letters[x] / abcd <= 0.30, f"key letter {x}: {letters[x]}/{abcd}"


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def test_no_near_duplicate_stems(pack):
    shingles = {q.id: _shingles(q.stem) for q in pack.questions}
    close = []
    for a, b in combinations(shingles, 2):
        sa, sb = shingles[a], shingles[b]
        if sa and sb and len(sa & sb) / len(sa | sb) > 0.4:
            close.append((a, b))
    assert not close, f"near-duplicate stems: {close}"


def test_questions_carry_services_tags_and_difficulty(pack):
    for q in pack.questions:
        assert q.services or q.tags, q.id
        assert q.difficulty in (1, 2, 3), q.id
