"""The shipped MLS-C01 pack: signed with the official key, built from its sources, sound."""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest

from mlcert_desktop.core.models import ItemType
from mlcert_desktop.packs import builder, importer, trust

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "question_packs" / "src" / "mls-c01"
PACK = ROOT / "question_packs" / "mls-c01.exampack"
AWS_HOSTS = ("docs.aws.amazon.com", "aws.amazon.com")
TASKS = [
    "1.1",
    "1.2",
    "1.3",
    "2.1",
    "2.2",
    "2.3",
    "3.1",
    "3.2",
    "3.3",
    "3.4",
    "3.5",
    "4.1",
    "4.2",
    "4.3",
    "4.4",
]
COUNT_WORDS = {2: "TWO", 3: "THREE"}


@pytest.fixture(scope="module")
def pack():
    return importer.read_pack(PACK, [k.key for k in trust.bundled_keys()])


@pytest.fixture(scope="module")
def source():
    return builder.load_source(SRC)


def test_shipped_pack_is_signed_with_the_official_key(pack):
    assert pack.signer.key_id_hex == "5DE611CBE7FD1D0E"


def test_shipped_pack_matches_its_sources(pack, source):
    """Editing question_packs/src without rebuilding and re-signing the pack fails here."""
    with zipfile.ZipFile(PACK) as zf:
        shipped = zf.read("questions.json")
    assert shipped == builder.questions_json(source.questions), (
        "question_packs/mls-c01.exampack is out of date: rebuild it with mlcert-pack build "
        "and the release key (see README)"
    )
    manifest = {k: v for k, v in pack.manifest.items() if k != "files"}
    assert manifest == json.loads(json.dumps(source.manifest))


def test_exam_is_marked_retired_with_its_successor(pack):
    exam = pack.manifest["exam"]
    assert exam["status"] == "retired" and exam["retired_on"] == "2026-03-31"
    assert "MLA-C01" in exam["successor"]
    assert (exam["question_count"], exam["duration_minutes"]) == (65, 180)
    assert (exam["unscored_count"], exam["passing_score"]) == (15, 750)


def test_bank_covers_every_domain_and_task(pack):
    qs = pack.questions
    assert len(qs) >= 30
    assert set(Counter(q.domain for q in qs)) == {1, 2, 3, 4}
    assert set(TASKS) <= {q.task for q in qs}
    for q in qs:
        assert q.task.split(".")[0] == str(q.domain), q.id


def test_ids_and_stems_are_unique(pack):
    ids = [q.id for q in pack.questions]
    assert len(ids) == len(set(ids))
    stems = [re.sub(r"\W+", " ", q.stem.lower()).strip() for q in pack.questions]
    assert len(stems) == len(set(stems))


def test_item_shapes_follow_the_exam(pack):
    for q in pack.questions:
        correct = [c for c in q.choices if c.correct]
        assert len(correct) == q.select, q.id
        if q.type is ItemType.SINGLE:
            assert len(q.choices) == 4, q.id
            assert "Choose" not in q.stem, q.id
        else:
            assert 5 <= len(q.choices) <= 6, q.id
            assert f"(Choose {COUNT_WORDS[q.select]}.)" in q.stem, q.id


def test_every_distractor_explains_itself_and_keys_do_not(pack):
    for q in pack.questions:
        assert q.explanation.strip(), q.id
        for c in q.choices:
            if c.correct:
                assert not c.why, f"{q.id}/{c.id}: the key needs no 'why'"
            else:
                assert len(c.why.strip()) > 20, f"{q.id}/{c.id}: distractor without 'why'"


def test_references_are_https_aws_documentation(pack):
    for q in pack.questions:
        assert q.references, q.id
        aws = [u for u in q.references if urlparse(u).hostname in AWS_HOSTS]
        assert aws, f"{q.id}: needs at least one AWS documentation reference"
        assert all(u.startswith("https://") for u in q.references), q.id


def test_no_service_names_retired_by_renames(pack):
    outdated = re.compile(r"Kinesis Data (Firehose|Analytics)|Elasticsearch Service")
    for q in pack.questions:
        texts = [q.stem, q.explanation] + [c.text for c in q.choices]
        for t in texts:
            # The old names may appear only as "(formerly ...)" notes.
            for m in outdated.finditer(t):
                assert "formerly" in t[max(0, m.start() - 20) : m.start()], f"{q.id}: {m.group()}"
