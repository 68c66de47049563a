"""Installing the bundled packs at start: the usual start skips the signature check only for the
exact bytes that were verified before, and only while their signer is trusted."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from mlcert_desktop.packs import bundled, importer, trust
from mlcert_desktop.packs.errors import PackError
from mlcert_desktop.packs.signing import SecretKey
from mlcert_desktop.storage import db as dbmod
from mlcert_desktop.storage import packs_repo
from mlcert_desktop.storage.db import open_database
from tests import factory


@pytest.fixture
def db(tmp_path):
    opened = open_database(tmp_path / "db.sqlite3")
    yield opened.db
    opened.db.close()


@pytest.fixture
def key():
    return SecretKey.generate()


def _count_reads(monkeypatch) -> list:
    calls = []
    real = importer.read_pack

    def counting(*args, **kwargs):
        calls.append(kwargs.get("with_questions", True))
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, "read_pack", counting)
    return calls


def test_second_start_skips_verifying_the_same_bytes(db, key, tmp_path, monkeypatch):
    pack = factory.write_pack(tmp_path / "b.exampack", key, factory.source(12))
    assert [r.status for r in importer.import_bundled(db, [pack], [key.public_key])] == [
        "installed"
    ]
    calls = _count_reads(monkeypatch)
    assert importer.import_bundled(db, [pack], [key.public_key]) == []
    assert calls == []
    assert packs_repo.question_count(db) == 12


def test_changed_bytes_are_verified_again_and_refused(db, key, tmp_path):
    pack = factory.write_pack(tmp_path / "b.exampack", key, factory.source(12))
    importer.import_bundled(db, [pack], [key.public_key])
    files = factory.entries(pack)
    files["manifest.json"] = files["manifest.json"].replace(b"Test exam pack", b"Test exam pock")
    factory.rezip(pack, files)
    with pytest.raises(PackError):
        importer.import_bundled(db, [pack], [key.public_key])


def test_a_signer_no_longer_trusted_is_refused_again(db, key, tmp_path):
    pack = factory.write_pack(tmp_path / "b.exampack", key, factory.source(12))
    importer.import_bundled(db, [pack], [key.public_key])
    with pytest.raises(PackError):
        importer.import_bundled(db, [pack], [SecretKey.generate().public_key])


def test_a_newer_bundled_version_is_installed(db, key, tmp_path):
    v1 = factory.write_pack(tmp_path / "b.exampack", key, factory.source(12))
    importer.import_bundled(db, [v1], [key.public_key])
    v2 = factory.write_pack(tmp_path / "b.exampack", key, factory.source(13, version=2))
    assert [r.status for r in importer.import_bundled(db, [v2], [key.public_key])] == ["updated"]
    assert packs_repo.question_count(db) == 13


def test_a_removed_pack_is_installed_again(db, key, tmp_path):
    pack = factory.write_pack(tmp_path / "b.exampack", key, factory.source(12))
    importer.import_bundled(db, [pack], [key.public_key])
    db.execute("DELETE FROM packs")
    assert [r.status for r in importer.import_bundled(db, [pack], [key.public_key])] == [
        "installed"
    ]


def test_start_up_modules_import_neither_sqlite_utils_nor_cryptography():
    code = (
        "import sys\n"
        "import mlcert_desktop.storage.db, mlcert_desktop.storage.packs_repo\n"
        "import mlcert_desktop.packs.importer, mlcert_desktop.packs.trust\n"
        "print(sorted(m for m in ('sqlite_utils', 'cryptography') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# packs.bundled: the app's start-up entry, which loads the importer only when a pack needs it.


def test_start_up_check_agrees_with_the_importer(db, key, tmp_path, monkeypatch):
    trust.add_user_key(db, key.public_key, "test key")
    pack = factory.write_pack(tmp_path / "b.exampack", key, factory.source(12))
    assert [r.status for r in bundled.import_bundled(db, [pack])] == ["installed"]
    calls = _count_reads(monkeypatch)
    assert bundled.import_bundled(db, [pack]) == []
    assert importer.import_bundled(db, [pack]) == []
    assert calls == []
    files = factory.entries(pack)
    files["manifest.json"] = files["manifest.json"].replace(b"Test exam pack", b"Test exam pock")
    factory.rezip(pack, files)
    with pytest.raises(PackError):
        bundled.import_bundled(db, [pack])
    assert calls  # the changed file went through the full check


def test_start_up_check_refuses_a_signer_no_longer_trusted(db, key, tmp_path):
    trust.add_user_key(db, key.public_key, "test key")
    pack = factory.write_pack(tmp_path / "b.exampack", key, factory.source(12))
    bundled.import_bundled(db, [pack])
    trust.remove_user_key(db, key.public_key.key_id_hex)
    with pytest.raises(PackError):
        bundled.import_bundled(db, [pack])


def test_start_up_check_sends_a_damaged_key_to_the_full_check(db, key, tmp_path):
    trust.add_user_key(db, key.public_key, "test key")
    pack = factory.write_pack(tmp_path / "b.exampack", key, factory.source(12))
    bundled.import_bundled(db, [pack])
    db.execute("UPDATE trusted_keys SET public_key = 'not base64!'")
    assert bundled.trusted_key_ids(db) is None
    with pytest.raises(PackError):  # as trust.all_keys() reports it
        bundled.import_bundled(db, [pack])


def test_start_up_key_ids_are_the_trusted_keys_ids(db, key):
    trust.add_user_key(db, key.public_key, "test key")
    assert bundled.trusted_key_ids(db) == {k.key.key_id_hex for k in trust.all_keys(db)}
    assert bundled.MAX_FILE_BYTES == importer.MAX_FILE_BYTES


def test_usual_start_loads_neither_the_importer_nor_openssl(tmp_path):
    code = (
        "import sys\n"
        "from mlcert_desktop.packs import bundled\n"
        "from mlcert_desktop.storage.db import open_database\n"
        f"db = open_database(__import__('pathlib').Path({str(tmp_path / 'x.sqlite3')!r})).db\n"
        "print(len(bundled.import_bundled(db)))\n"
        "print(sorted(m for m in ('mlcert_desktop.packs.importer', 'mlcert_desktop.packs.signing',"
        " 'zipfile', '_hashlib', 'cryptography') if m in sys.modules))\n"
    )

    def run():
        return subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split("\n")

    first = run()
    assert first[0] == "1" and "mlcert_desktop.packs.importer" in first[1]
    assert run()[:2] == ["0", "[]"]


def test_a_check_remembered_by_an_older_version_sends_the_pack_through_the_full_path(
    db, key, tmp_path, monkeypatch
):
    """Earlier versions remembered a SHA-256; that value no longer matches, so the pack is
    verified in full once and the new digest is remembered."""
    trust.add_user_key(db, key.public_key, "test key")
    pack = factory.write_pack(tmp_path / "b.exampack", key, factory.source(12))
    assert [r.status for r in bundled.import_bundled(db, [pack])] == ["installed"]
    name = bundled.CHECKED_KEY + pack.name
    value = json.loads(dbmod.get_setting(db, name))
    value["sha256"] = value.pop("blake2b")
    dbmod.set_setting(db, name, json.dumps(value))
    calls = _count_reads(monkeypatch)
    assert bundled.import_bundled(db, [pack]) == []  # same version: nothing to install
    assert calls  # but it was read and verified
    assert "blake2b" in json.loads(dbmod.get_setting(db, name))
    calls.clear()
    assert bundled.import_bundled(db, [pack]) == [] and calls == []
