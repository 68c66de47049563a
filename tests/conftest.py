"""Shared fixtures. GUI tests run headless; every test makes its own keys and data folder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from tests import factory  # noqa: E402


@pytest.fixture
def secret_key():
    from mlcert_desktop.packs.signing import SecretKey

    return SecretKey.generate()


@pytest.fixture
def fresh_db(tmp_path):
    from mlcert_desktop.storage.db import open_database

    opened = open_database(tmp_path / "data" / "mlcert.sqlite3")
    yield opened.db
    opened.db.close()


@pytest.fixture
def pack_file(tmp_path, secret_key):
    """A valid signed pack with 12 questions over 4 domains."""
    return factory.write_pack(tmp_path / "test.exampack", secret_key, factory.source(12))
