"""Importing .exampack files: what is accepted, what is refused, and that refusals write nothing."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import json
import random
import stat
import warnings
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlcert_desktop.core.blueprint import build_exam
from mlcert_desktop.packs import format as fmt
from mlcert_desktop.packs.errors import (
    PackDowngradeError,
    PackError,
    PackFormatError,
    PackLimitError,
    PackSignatureError,
    UntrustedKeyError,
)
from mlcert_desktop.packs.importer import import_pack, read_pack
from mlcert_desktop.packs.signing import SecretKey, sign
from mlcert_desktop.storage import attempts_repo, packs_repo
from mlcert_desktop.storage.db import open_database
from tests import factory

# -- helpers -------------------------------------------------------------------------------------


def dump(db) -> list[str]:
    return list(db.conn.iterdump())


def flip(data: bytes, index: int, mask: int = 0x01) -> bytes:
    b = bytearray(data)
    b[index] ^= mask
    return bytes(b)


def resign(
    files: dict[str, bytes],
    key: SecretKey,
    *,
    manifest: dict | None = None,
    manifest_bytes: bytes | None = None,
    rehash: bool = True,
    comment: str | None = None,
) -> dict[str, bytes]:
    """Rebuild manifest.json (optionally with fresh file hashes) and sign it with `key`.

    This is what an attacker holding the signing key could do, and it lets a test reach the
    checks that come after the signature.
    """
    files = dict(files)
    if manifest_bytes is None:
        m = manifest if manifest is not None else json.loads(files[fmt.MANIFEST])
        if rehash:
            m["files"] = {
                name: {"sha256": hashlib.sha256(files[name]).hexdigest(), "size": len(files[name])}
                for name in m["files"]
            }
        manifest_bytes = json.dumps(m, indent=2).encode()
    files[fmt.MANIFEST] = manifest_bytes
    if comment is None:
        m = json.loads(manifest_bytes)
        comment = fmt.trusted_comment(m["pack_id"], m["pack_version"])
    files[fmt.SIGNATURE] = sign(manifest_bytes, key, comment).encode()
    return files


def zip_raw(path: Path, infos: list[tuple[zipfile.ZipInfo, bytes]]) -> Path:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for info, data in infos:
                zf.writestr(info, data)
    path.write_bytes(buf.getvalue())
    return path


def count(db, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def choice_count(db) -> int:
    """Choices are stored in their question's row, as a JSON array."""
    return db.execute("SELECT sum(json_array_length(choices)) FROM questions").fetchone()[0]


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def keys(secret_key):
    return [secret_key.public_key]


@pytest.fixture
def db_v1(fresh_db, pack_file, keys):
    """A database with version 1 of the test pack installed."""
    import_pack(fresh_db, pack_file, keys)
    return fresh_db


@pytest.fixture
def v2_files(tmp_path, secret_key) -> dict[str, bytes]:
    """The entries of a valid version 2 of the test pack (12 questions)."""
    path = factory.write_pack(tmp_path / "v2.exampack", secret_key, factory.source(12, version=2))
    return factory.entries(path)


@pytest.fixture
def refuse(db_v1, keys, tmp_path):
    """Import `path` into a DB holding v1; check the error and that the DB did not change."""

    def check(path: Path, error: type[PackError], match: str | None = None) -> PackError:
        before = dump(db_v1)
        backups = tmp_path / "refused-backups"
        with pytest.raises(error, match=match) as exc:
            import_pack(db_v1, path, keys, backup_dir=backups)
        assert dump(db_v1) == before
        assert not backups.exists()
        assert packs_repo.installed_version(db_v1, factory.PACK_ID) == 1
        return exc.value

    return check


# -- accepted packs ------------------------------------------------------------------------------


def test_valid_pack_installs(fresh_db, pack_file, keys, secret_key):
    result = import_pack(fresh_db, pack_file, keys)
    assert result.status == "installed"
    assert (result.pack_id, result.version, result.question_count) == (factory.PACK_ID, 1, 12)
    assert result.title == "Test exam pack"
    assert packs_repo.question_count(fresh_db) == 12
    assert count(fresh_db, "domains") == 4
    # 12 questions: 10 single (4 options) + 2 multiple response (5 options)
    assert choice_count(fresh_db) == 10 * 4 + 2 * 5
    assert packs_repo.ratchet_version(fresh_db, factory.PACK_ID) == 1
    info = packs_repo.get_pack(fresh_db, factory.PACK_ID)
    assert info.key_id == secret_key.public_key.key_id_hex
    assert info.question_count == 12
    assert info.exam_code == "TST-C01"
    assert info.blueprint.passing_score == 750
    loaded = packs_repo.load_questions(fresh_db, factory.PACK_ID)
    assert loaded == factory.source(12).questions


def test_the_garbage_collector_is_back_on_after_an_import(fresh_db, pack_file, keys, tmp_path):
    """import_pack pauses the cyclic collector while it parses and writes; it must resume it
    whether the import succeeds or is refused."""
    assert gc.isenabled()
    import_pack(fresh_db, pack_file, keys)
    assert gc.isenabled()
    bad = tmp_path / "bad.exampack"
    bad.write_bytes(b"not a zip")
    with pytest.raises(PackFormatError):
        import_pack(fresh_db, bad, keys)
    assert gc.isenabled()
    gc.disable()  # a caller that keeps it off finds it off
    try:
        import_pack(fresh_db, pack_file, keys)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_reimporting_the_same_version_changes_nothing(db_v1, pack_file, keys, tmp_path):
    before = dump(db_v1)
    result = import_pack(db_v1, pack_file, keys, backup_dir=tmp_path / "backups")
    assert result.status == "unchanged"
    assert result.question_count == 12
    assert dump(db_v1) == before
    assert not (tmp_path / "backups").exists()


def _attempt_with(db, qids: tuple[str, ...]) -> int:
    info = packs_repo.get_pack(db, factory.PACK_ID)
    changes = {"question_ids": qids, "question_count": len(qids), "unscored_count": 0}
    bp = info.blueprint._replace(**changes)
    pool = packs_repo.load_questions(db, factory.PACK_ID)
    sel = build_exam(pool, bp, random.Random(0))
    attempt_id = attempts_repo.create_attempt(db, factory.PACK_ID, "exam", bp, 0, sel.items)
    for pos in range(len(sel.items)):
        attempts_repo.save_answer(db, attempt_id, pos, {"a"}, time_used=1.0)
    return attempt_id


def test_a_newer_version_updates_and_keeps_history(db_v1, keys, tmp_path, secret_key):
    attempt_id = _attempt_with(db_v1, ("q000", "q011"))
    v2 = factory.write_pack(tmp_path / "v2.exampack", secret_key, factory.source(11, version=2))
    result = import_pack(db_v1, v2, keys, backup_dir=tmp_path / "backups")
    assert result.status == "updated"
    assert (result.version, result.question_count) == (2, 11)
    assert packs_repo.installed_version(db_v1, factory.PACK_ID) == 2
    assert packs_repo.ratchet_version(db_v1, factory.PACK_ID) == 2
    assert packs_repo.question_count(db_v1) == 11
    active = {q.id for q in packs_repo.load_questions(db_v1, factory.PACK_ID)}
    assert "q011" not in active and "q010" in active
    row = db_v1.execute("SELECT active FROM questions WHERE qid = 'q011'").fetchone()
    assert row == (0,)
    assert len(list((tmp_path / "backups").glob("*before-import*"))) == 1
    # The old attempt still loads, including the question v2 dropped.
    items = attempts_repo.load_items(db_v1, attempt_id)
    assert sorted(it.question.id for it in items) == ["q000", "q011"]
    kept = next(it for it in items if it.question.id == "q000")
    assert kept.selected == frozenset({"a"})


def test_a_dropped_question_keeps_its_options_for_review(db_v1, keys, tmp_path, secret_key):
    attempt_id = _attempt_with(db_v1, ("q000", "q011"))
    v2 = factory.write_pack(tmp_path / "v2.exampack", secret_key, factory.source(11, version=2))
    import_pack(db_v1, v2, keys)
    dropped = next(
        it for it in attempts_repo.load_items(db_v1, attempt_id) if it.question.id == "q011"
    )
    assert len(dropped.question.choices) == 4
    assert sorted(dropped.choice_order) == ["a", "b", "c", "d"]
    assert dropped.selected == frozenset({"a"})


def test_progress_callback_reaches_the_end(fresh_db, pack_file, keys):
    seen = []
    import_pack(fresh_db, pack_file, keys, on_progress=lambda done, total: seen.append(done))
    assert seen[-1] == 12


# -- refused packs: the DB stays exactly as it was ------------------------------------------------


def test_flipped_byte_in_questions_is_refused(refuse, v2_files, tmp_path):
    files = dict(v2_files)
    files[fmt.QUESTIONS] = flip(files[fmt.QUESTIONS], 200)
    path = factory.rezip(tmp_path / "t.exampack", files)
    err = refuse(path, PackSignatureError, "does not match the signed manifest")
    assert "questions.json" in str(err)


def test_flipped_byte_in_manifest_is_refused(refuse, v2_files, tmp_path):
    files = dict(v2_files)
    files[fmt.MANIFEST] = flip(files[fmt.MANIFEST], 60)
    path = factory.rezip(tmp_path / "t.exampack", files)
    refuse(path, PackSignatureError, "does not match its contents")


def test_missing_signature_is_refused(refuse, v2_files, tmp_path):
    files = {k: v for k, v in v2_files.items() if k != fmt.SIGNATURE}
    err = refuse(factory.rezip(tmp_path / "t.exampack", files), PackSignatureError)
    assert "not signed" in str(err)


def test_pack_signed_by_another_key_is_refused(refuse, tmp_path):
    other = SecretKey.generate()
    path = factory.write_pack(tmp_path / "t.exampack", other, factory.source(12, version=2))
    err = refuse(path, UntrustedKeyError)
    assert err.key_id == other.public_key.key_id_hex
    assert other.public_key.key_id_hex in str(err)


def test_changed_file_hash_is_refused(refuse, v2_files, secret_key, tmp_path):
    manifest = json.loads(v2_files[fmt.MANIFEST])
    manifest["files"][fmt.QUESTIONS]["sha256"] = "0" * 64
    files = resign(v2_files, secret_key, manifest=manifest, rehash=False)
    path = factory.rezip(tmp_path / "t.exampack", files)
    refuse(path, PackSignatureError, "does not match the signed manifest")


def test_changed_file_size_is_refused(refuse, v2_files, secret_key, tmp_path):
    manifest = json.loads(v2_files[fmt.MANIFEST])
    manifest["files"][fmt.QUESTIONS]["size"] += 1
    files = resign(v2_files, secret_key, manifest=manifest, rehash=False)
    refuse(factory.rezip(tmp_path / "t.exampack", files), PackSignatureError)


def test_signature_over_different_manifest_bytes_is_refused(refuse, v2_files, secret_key, tmp_path):
    files = dict(v2_files)
    other_bytes = files[fmt.MANIFEST].replace(b"Test exam pack", b"Evil exam pack")
    assert other_bytes != files[fmt.MANIFEST]
    files[fmt.SIGNATURE] = sign(
        other_bytes, secret_key, fmt.trusted_comment(factory.PACK_ID, 2)
    ).encode()
    refuse(factory.rezip(tmp_path / "t.exampack", files), PackSignatureError, "contents")


def test_signature_files_swapped_between_packs_are_refused(refuse, v2_files, secret_key, tmp_path):
    other = factory.write_pack(
        tmp_path / "other.exampack", secret_key, factory.source(20, version=3)
    )
    files = dict(v2_files)
    files[fmt.SIGNATURE] = factory.entries(other)[fmt.SIGNATURE]
    refuse(factory.rezip(tmp_path / "t.exampack", files), PackSignatureError)


@pytest.mark.parametrize(
    "comment",
    [
        fmt.trusted_comment(factory.PACK_ID, 1),
        fmt.trusted_comment(factory.PACK_ID, 3),
        fmt.trusted_comment("org.example.other-pack", 2),
        "mlcert-pack",
    ],
)
def test_trusted_comment_for_another_pack_or_version_is_refused(
    refuse, v2_files, secret_key, tmp_path, comment
):
    files = resign(v2_files, secret_key, comment=comment)
    path = factory.rezip(tmp_path / "t.exampack", files)
    refuse(path, PackSignatureError, "different pack or version")


def test_altered_trusted_comment_is_refused(refuse, v2_files, tmp_path):
    files = dict(v2_files)
    files[fmt.SIGNATURE] = files[fmt.SIGNATURE].replace(b"pack_version=2", b"pack_version=9")
    refuse(factory.rezip(tmp_path / "t.exampack", files), PackSignatureError, "altered")


@pytest.mark.parametrize(
    ("name", "match"),
    [
        (f"media/{'ab' * 32}.png", "not listed in the signed manifest"),
        ("notes.txt", "not a file a pack may contain"),
        ("../evil", "not a file a pack may contain"),
        ("media/../../evil.png", "not a file a pack may contain"),
        ("/etc/evil.json", "not a file a pack may contain"),
        ("media/", "not a file a pack may contain"),
    ],
)
def test_unexpected_entries_are_refused(refuse, v2_files, tmp_path, name, match):
    files = {**v2_files, name: b"\x89PNG extra"}
    path = factory.rezip(tmp_path / "t.exampack", files)
    with zipfile.ZipFile(path) as zf:
        assert name in zf.namelist()
    err = refuse(path, PackFormatError, match)
    assert repr(name) in str(err)


def test_a_directory_entry_is_refused(refuse, v2_files, tmp_path):
    infos = [(zipfile.ZipInfo(name), data) for name, data in v2_files.items()]
    folder = zipfile.ZipInfo("media/")
    folder.external_attr = (stat.S_IFDIR | 0o755) << 16
    path = zip_raw(tmp_path / "t.exampack", [*infos, (folder, b"")])
    refuse(path, PackFormatError, "media/")


def test_a_symlink_entry_is_refused(refuse, v2_files, tmp_path):
    infos = []
    for name, data in v2_files.items():
        info = zipfile.ZipInfo(name)
        if name == fmt.QUESTIONS:
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
        infos.append((info, data))
    refuse(zip_raw(tmp_path / "t.exampack", infos), PackFormatError, "link or folder")


def test_a_duplicate_entry_is_refused(refuse, v2_files, tmp_path):
    infos = [(zipfile.ZipInfo(name), data) for name, data in v2_files.items()]
    infos.append((zipfile.ZipInfo(fmt.QUESTIONS), b"[]"))
    refuse(zip_raw(tmp_path / "t.exampack", infos), PackFormatError, "twice")


@pytest.mark.parametrize(
    "content",
    [b"", b"this is not a zip file at all" * 10, b"PK\x03\x04" + b"\x00" * 100],
)
def test_non_zip_bytes_are_refused(refuse, tmp_path, content):
    path = tmp_path / "t.exampack"
    path.write_bytes(content)
    refuse(path, PackFormatError, "not a question pack")


def test_a_missing_file_is_refused(refuse, tmp_path):
    refuse(tmp_path / "nowhere.exampack", PackFormatError, "Cannot read")


def test_a_pack_without_questions_is_refused(refuse, v2_files, tmp_path):
    files = {k: v for k, v in v2_files.items() if k != fmt.QUESTIONS}
    refuse(factory.rezip(tmp_path / "t.exampack", files), PackFormatError, "no questions.json")


NESTED_40 = b"[" * 40 + b"]" * 40


@pytest.mark.parametrize(
    ("questions", "match"),
    [
        (b'[{"id": "q1", "id": "q2"}]', "duplicate key 'id'"),
        (b'[{"difficulty": NaN}]', "NaN"),
        (b'[{"difficulty": -Infinity}]', "Infinity"),
        (NESTED_40, "nested"),
        (b"[1, 2", "not valid JSON"),
        (b'["\xff\xfe"]', "UTF-8"),
    ],
)
def test_strict_json_failures_in_questions_name_the_file(
    refuse, v2_files, secret_key, tmp_path, questions, match
):
    files = resign({**v2_files, fmt.QUESTIONS: questions}, secret_key)
    err = refuse(factory.rezip(tmp_path / "t.exampack", files), PackFormatError, match)
    assert "questions.json" in str(err)


def test_a_huge_integer_is_a_format_error(refuse, v2_files, secret_key, tmp_path):
    questions = b'[{"difficulty": ' + b"9" * 5000 + b"}]"
    files = resign({**v2_files, fmt.QUESTIONS: questions}, secret_key)
    refuse(factory.rezip(tmp_path / "t.exampack", files), PackFormatError, "questions.json")


@pytest.mark.parametrize(
    ("manifest_bytes", "match"),
    [
        (
            b'{"format": 1, "pack_id": "org.example.test-pack", "pack_version": 2,'
            b' "pack_version": 2}',
            "duplicate key 'pack_version'",
        ),
        (b'{"format": 1, "pack_id": "org.example.test-pack", "pack_version": NaN}', "NaN"),
        (b'{"a": ' + NESTED_40 + b"}", "nested"),
    ],
)
def test_strict_json_failures_in_the_manifest_name_the_file(
    refuse, v2_files, secret_key, tmp_path, manifest_bytes, match
):
    files = resign(
        v2_files,
        secret_key,
        manifest_bytes=manifest_bytes,
        comment=fmt.trusted_comment(factory.PACK_ID, 2),
    )
    err = refuse(factory.rezip(tmp_path / "t.exampack", files), PackFormatError, match)
    assert "manifest.json" in str(err)


def test_a_question_with_the_wrong_number_of_correct_choices_is_refused(
    refuse, v2_files, secret_key, tmp_path
):
    questions = json.loads(v2_files[fmt.QUESTIONS])
    questions[3]["choices"][1]["correct"] = True  # a single-answer question with two keys
    files = resign({**v2_files, fmt.QUESTIONS: json.dumps(questions).encode()}, secret_key)
    err = refuse(factory.rezip(tmp_path / "t.exampack", files), PackFormatError, "correct")
    assert "q003" in str(err)


def test_a_question_in_an_unknown_domain_is_refused(refuse, v2_files, secret_key, tmp_path):
    questions = json.loads(v2_files[fmt.QUESTIONS])
    questions[0]["domain"] = 9
    files = resign({**v2_files, fmt.QUESTIONS: json.dumps(questions).encode()}, secret_key)
    refuse(factory.rezip(tmp_path / "t.exampack", files), PackFormatError, "domain 9")


def test_a_zip_bomb_is_refused(refuse, v2_files, tmp_path):
    files = {**v2_files, fmt.QUESTIONS: b"\0" * (10 * 1024 * 1024)}
    path = factory.rezip(tmp_path / "t.exampack", files)
    assert path.stat().st_size < 100_000
    refuse(path, PackLimitError, "zip bomb")


def test_an_entry_larger_than_its_header_says_is_refused(refuse, v2_files, tmp_path):
    path = factory.rezip(tmp_path / "t.exampack", v2_files)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        real_size = zf.getinfo(fmt.QUESTIONS).file_size
    # Halve questions.json's uncompressed size in its central-directory record.
    cd = data.find(b"PK\x01\x02")
    while cd != -1:
        name_len = int.from_bytes(data[cd + 28 : cd + 30], "little")
        if bytes(data[cd + 46 : cd + 46 + name_len]) == fmt.QUESTIONS.encode():
            break
        cd = data.find(b"PK\x01\x02", cd + 4)
    assert cd != -1
    data[cd + 24 : cd + 28] = (real_size // 2).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo(fmt.QUESTIONS).file_size == real_size // 2
    refuse(path, PackError)


def test_a_downgrade_is_refused(fresh_db, keys, secret_key, tmp_path):
    v2 = factory.write_pack(tmp_path / "v2.exampack", secret_key, factory.source(12, version=2))
    v1 = factory.write_pack(tmp_path / "v1.exampack", secret_key, factory.source(12, version=1))
    assert import_pack(fresh_db, v2, keys).status == "installed"
    before = dump(fresh_db)
    with pytest.raises(PackDowngradeError, match="version 2"):
        import_pack(fresh_db, v1, keys, backup_dir=tmp_path / "backups")
    assert dump(fresh_db) == before
    assert not (tmp_path / "backups").exists()


# -- zip-level damage that must still be a PackError --------------------------------------------


def _local_data_offset(data: bytes, name: str) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
    off = info.header_offset
    name_len = int.from_bytes(data[off + 26 : off + 28], "little")
    extra_len = int.from_bytes(data[off + 28 : off + 30], "little")
    return off + 30 + name_len + extra_len


def _damage_deflate(data: bytearray) -> None:
    start = _local_data_offset(bytes(data), fmt.MANIFEST)
    data[start : start + 8] = b"\xff" * 8


def _set_encrypted_flag(data: bytearray) -> None:
    cd = data.find(b"PK\x01\x02")  # first central-directory record: manifest.json
    data[cd + 8] |= 0x01  # general purpose flag bit 0: encrypted


def _claim_bzip2(data: bytearray) -> None:
    cd = data.find(b"PK\x01\x02")
    data[cd + 10 : cd + 12] = (12).to_bytes(2, "little")  # compression method 12: bzip2


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(_damage_deflate, id="bad-deflate"),
        pytest.param(_set_encrypted_flag, id="encrypted"),
        pytest.param(_claim_bzip2, id="bzip2-method"),
    ],
)
def test_zip_level_damage_is_a_pack_error(refuse, v2_files, tmp_path, damage):
    path = factory.rezip(tmp_path / "t.exampack", v2_files)
    data = bytearray(path.read_bytes())
    damage(data)
    path.write_bytes(bytes(data))
    refuse(path, PackFormatError)


# -- atomicity -----------------------------------------------------------------------------------


def _failing_rows(monkeypatch, after: int):
    real = packs_repo._question_rows

    def rows(pack_id, questions, start=0):
        for n, row in enumerate(real(pack_id, questions, start)):
            if n == after:
                raise RuntimeError("disk on fire")
            yield row

    monkeypatch.setattr(packs_repo, "_question_rows", rows)


def test_a_failure_midway_leaves_nothing_of_the_pack(fresh_db, pack_file, keys, monkeypatch):
    before = dump(fresh_db)
    _failing_rows(monkeypatch, after=5)
    with pytest.raises(RuntimeError, match="disk on fire"):
        import_pack(fresh_db, pack_file, keys)
    assert dump(fresh_db) == before
    for table in ("packs", "domains", "questions", "media", "pack_ratchet"):
        assert count(fresh_db, table) == 0, table
    assert not fresh_db.conn.in_transaction
    monkeypatch.undo()
    assert import_pack(fresh_db, pack_file, keys).status == "installed"


def test_a_failed_update_leaves_the_old_version(db_v1, keys, secret_key, tmp_path, monkeypatch):
    before = dump(db_v1)
    v2 = factory.write_pack(tmp_path / "v2.exampack", secret_key, factory.source(11, version=2))
    _failing_rows(monkeypatch, after=7)
    with pytest.raises(RuntimeError):
        import_pack(db_v1, v2, keys)
    assert dump(db_v1) == before
    assert packs_repo.installed_version(db_v1, factory.PACK_ID) == 1
    assert packs_repo.question_count(db_v1) == 12


# -- fuzzing -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_pack(tmp_path_factory):
    key = SecretKey.generate()
    folder = tmp_path_factory.mktemp("fuzz")
    path = factory.write_pack(folder / "real.exampack", key, factory.source(12))
    read_pack(path, [key.public_key])  # the unmutated pack is valid
    return path.read_bytes(), key.public_key, folder


mutations = st.one_of(
    st.tuples(
        st.just("flip"),
        st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 7)), max_size=4),
    ),
    st.tuples(st.just("truncate"), st.floats(0, 1, exclude_max=True)),
)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    report_multiple_bugs=False,
)
@given(mutation=mutations)
def test_mutated_packs_only_raise_pack_errors(real_pack, mutation):
    data, public, folder = real_pack
    kind, arg = mutation
    if kind == "flip":
        b = bytearray(data)
        for where, bit in arg:
            b[int(where * len(b))] ^= 1 << bit
        mutated = bytes(b)
    else:
        mutated = data[: int(arg * len(data))]
    path = folder / "mutated.exampack"
    path.write_bytes(mutated)
    with contextlib.suppress(PackError):  # a refusal is fine; any other exception fails
        read_pack(path, [public])


def test_records_and_question_objects_write_the_same_rows(tmp_path, pack_file, keys):
    """The importer writes validated records; other callers may pass Question objects."""
    pack = read_pack(pack_file, keys)
    dumps = []
    for i, questions in enumerate((pack.records, pack.questions)):
        opened = open_database(tmp_path / f"{i}.sqlite3")
        packs_repo.write_pack(opened.db, pack.manifest, questions, {}, "KEY")
        dumps.append(opened.db.execute("SELECT * FROM questions ORDER BY 1, 2").fetchall())
        opened.db.close()
    assert dumps[0] == dumps[1]
    assert len(dumps[0]) == len(pack.records) == len(pack.questions)


@pytest.mark.parametrize(
    ("where", "value", "match"),
    [
        ("pack_version", 2**63, r"\$\.pack_version: expected an integer of at most 64 bits"),
        ("pack_version", 2**63 - 1, None),  # the largest: installed
        ("weight", 2**2000, r"\$\.domains\[0\]\.weight: expected an integer of at most 64 bits"),
        ("practice_exam", -(2**63) - 1, r"practice_exam: expected an integer of at most 64"),
        ("practice_exam", -(2**63), None),
    ],
    ids=["version-2**63", "version-2**63-1", "weight-2**2000", "practice-below", "practice-min"],
)
def test_integers_beyond_64_bits_are_refused_by_name(
    refuse, keys, db_v1, v2_files, secret_key, tmp_path, where, value, match
):
    """SQLite stores 64-bit integers: a larger one used to fail halfway through the install
    (OverflowError), and one too large for a float failed the number check the same way."""
    manifest = json.loads(v2_files[fmt.MANIFEST])
    files = dict(v2_files)
    if where == "pack_version":
        manifest["pack_version"] = value
    elif where == "weight":
        manifest["domains"][0]["weight"] = value
    else:
        questions = json.loads(files[fmt.QUESTIONS])
        questions[3]["practice_exam"] = value
        files[fmt.QUESTIONS] = json.dumps(questions).encode()
    path = factory.rezip(tmp_path / "big.exampack", resign(files, secret_key, manifest=manifest))
    if match is None:
        assert import_pack(db_v1, path, keys).status == "updated"
    else:
        refuse(path, PackFormatError, match)
