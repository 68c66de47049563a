"""Installing the bundled packs at start: the usual start skips the signature check only for the
exact bytes that were verified before, and only while their signer is trusted."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mlcert_desktop.packs import importer
from mlcert_desktop.packs.errors import PackError
from mlcert_desktop.packs.signing import SecretKey
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
