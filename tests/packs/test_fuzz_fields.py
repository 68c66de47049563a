"""Field fuzzing of the importer: one field of a signed pack (in the manifest or in a question)
replaced by any JSON value, or removed, and the pack signed again by the trusted key. Only
PackError subclasses may escape, and a refused pack leaves the database as it was."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlcert_desktop.packs import format as fmt
from mlcert_desktop.packs.errors import PackError
from mlcert_desktop.packs.importer import import_pack
from tests import factory
from tests.packs.test_importer import resign

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()  # unbounded: SQLite's integers have 64 bits
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=6,
)
# Values at the edges of what SQLite and Python's floats hold, tried in every field.
EXTREMES = [2**63, 2**63 - 1, -(2**63) - 1, 2**64, 10**400, 1e308, -0.0, "", "\x00", " ", [], {}]
MANIFEST_FIELDS = [
    "format",
    "pack_id",
    "pack_version",
    "title",
    "exam",
    "domains",
    "practice_exams",
]
EXAM_FIELDS = ["code", "name", "status", "retired_on", "successor", "duration_minutes"]
EXAM_FIELDS += ["question_count", "passing_score", "unscored_count", "score_scale"]
QUESTION_FIELDS = ["id", "domain", "task", "type", "select", "stem", "choices", "explanation"]
QUESTION_FIELDS += ["references", "difficulty", "services", "tags", "practice_exam", "extra"]

FIELDS = {
    "manifest": MANIFEST_FIELDS,
    "exam": EXAM_FIELDS,
    "domain": ["id", "name", "weight", "extra"],
    "question": QUESTION_FIELDS,
    "choice": ["id", "text", "correct", "why", "extra"],
}
# Where: (in which object, which key). The value: any JSON value, or _ABSENT for "removed".
WHERE = st.one_of(
    *(st.tuples(st.just(group), st.sampled_from(fields)) for group, fields in FIELDS.items())
)
_ABSENT = object()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return factory.FuzzWorld(tmp_path_factory.mktemp("fields"))


@pytest.mark.parametrize("where", [(group, f) for group, fs in FIELDS.items() for f in fs], ids=str)
def test_edge_values_in_every_field(world, where):
    # In a question or a choice: of a single- and of a multiple-answer question.
    indexes = (0, 4) if where[0] in ("question", "choice") else (0,)
    for value in [_ABSENT, *EXTREMES]:
        for index in indexes:
            _import_with(world, where, value, index)


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(where=WHERE, value=st.one_of(st.just(_ABSENT), JSON), index=st.integers(0, 5))
def test_any_value_in_any_field_is_refused_by_name_or_installed(world, where, value, index):
    _import_with(world, where, value, index)


def _import_with(world, where, value, index) -> None:
    """Version 2 with `where` set to `value` (or removed), signed again, imported over version 1:
    refused with a PackError and nothing changed, or installed (then version 1 is put back)."""
    entries, db = world.v2_entries, world.db
    manifest = json.loads(entries[fmt.MANIFEST])
    questions = json.loads(entries[fmt.QUESTIONS])
    target = {
        "manifest": manifest,
        "exam": manifest["exam"],
        "domain": manifest["domains"][0],
        "question": questions[index],
        "choice": questions[index]["choices"][index % 3],
    }[where[0]]
    if value is _ABSENT:
        target.pop(where[1], None)
    else:
        target[where[1]] = value
    files = dict(entries, **{fmt.QUESTIONS: json.dumps(questions).encode()})
    # Signed for what the manifest says, as a signer would (whatever pack_id and version hold),
    # or, where that cannot be a trusted comment (a control character), for version 2.
    comment = fmt.trusted_comment(manifest.get("pack_id"), manifest.get("pack_version"))
    try:
        signed = resign(files, world.key, manifest=manifest, comment=comment)
    except ValueError:
        comment = fmt.trusted_comment(factory.PACK_ID, 2)
        signed = resign(files, world.key, manifest=manifest, comment=comment)
    path = factory.rezip(world.folder / "fuzzed.exampack", signed)
    before = list(db.conn.iterdump())
    try:
        import_pack(db, path, [world.key.public_key])
    except PackError:
        assert list(db.conn.iterdump()) == before
    else:  # accepted: back to version 1 for the next example
        world.reset()
