"""Structural fuzzing of the importer: entries reordered, renamed, added, duplicated, emptied
or made huge. Only PackError subclasses may escape, and the database (which already holds a
pack) must be byte-for-byte unchanged after every refusal."""

from __future__ import annotations

import io
import warnings
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlcert_desktop.packs.errors import PackError, PackLimitError
from mlcert_desktop.packs.importer import MAX_ENTRIES, import_pack
from mlcert_desktop.storage.db import open_database
from tests import factory

NAMES = ["manifest.json", "manifest.json.minisig", "questions.json"]
ODD_NAMES = [
    "../questions.json",
    "/manifest.json",
    "media/",
    "x.json",
    "Manifest.json",
    "questions.json\\",
    "media/" + "a" * 64 + ".png",
]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return factory.FuzzWorld(tmp_path_factory.mktemp("fuzz"))


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    # Writing a duplicate name is the point of some mutations; zipfile warns about it.
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        warnings.simplefilter("ignore", UserWarning)
        for name, data in entries:
            zf.writestr(name, data)
    return buf.getvalue()


mutation = st.one_of(
    st.tuples(st.just("reorder"), st.permutations(range(3))),
    st.tuples(st.just("rename"), st.integers(0, 2), st.sampled_from(ODD_NAMES)),
    st.tuples(st.just("extra"), st.sampled_from(ODD_NAMES), st.binary(max_size=64)),
    st.tuples(st.just("duplicate"), st.integers(0, 2)),
    st.tuples(st.just("drop"), st.integers(0, 2)),
    st.tuples(st.just("empty"), st.integers(0, 2)),
    st.tuples(st.just("huge"), st.integers(0, 2), st.integers(1, 4)),
)


def _mutate(entries: dict[str, bytes], m) -> list[tuple[str, bytes]]:
    items = [(n, entries[n]) for n in NAMES]
    kind = m[0]
    if kind == "reorder":
        return [items[i] for i in m[1]]
    if kind == "rename":
        items[m[1]] = (m[2], items[m[1]][1])
    elif kind == "extra":
        items.append((m[1], m[2]))
    elif kind == "duplicate":
        items.append(items[m[1]])
    elif kind == "drop":
        del items[m[1]]
    elif kind == "empty":
        items[m[1]] = (items[m[1]][0], b"")
    elif kind == "huge":  # a highly compressible entry of several MiB
        items[m[1]] = (items[m[1]][0], b" " * (m[2] * 2**20))
    return items


@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(m=mutation)
def test_structural_mutations_are_refused_or_harmless(world, m):
    db = world.db
    path = world.folder / "mutated.exampack"
    path.write_bytes(_zip(_mutate(world.v2_entries, m)))
    before = list(db.conn.iterdump())
    try:
        result = import_pack(db, path, [world.key.public_key])
    except PackError:
        assert list(db.conn.iterdump()) == before
    else:
        # Only harmless changes may pass: the same entries in another order.
        assert m[0] == "reorder", m
        assert result.version == 2
        world.reset()  # the next example starts from version 1 again


def test_too_many_entries_is_a_limit_error(tmp_path, secret_key):
    entries = factory.entries(
        factory.write_pack(tmp_path / "ok.exampack", secret_key, factory.source(3))
    )
    items = list(entries.items()) + [(f"media/{i:064x}.png", b"") for i in range(MAX_ENTRIES)]
    path = tmp_path / "many.exampack"
    path.write_bytes(_zip(items))
    with pytest.raises(PackLimitError, match="entries"):
        import_pack(open_database(tmp_path / "db.sqlite3").db, path, [secret_key.public_key])
