"""A 10,000-question pack verifies and imports in one transaction, reporting progress."""

from __future__ import annotations

from mlcert_desktop.packs import importer
from mlcert_desktop.storage import packs_repo
from tests import factory


def test_ten_thousand_questions_import_with_progress(tmp_path, fresh_db, secret_key):
    path = factory.write_pack(tmp_path / "big.exampack", secret_key, factory.source(10_000))
    seen: list[tuple[int, int]] = []
    result = importer.import_pack(
        fresh_db, path, [secret_key.public_key], on_progress=lambda d, t: seen.append((d, t))
    )
    assert result.status == "installed" and result.question_count == 10_000
    assert packs_repo.question_count(fresh_db) == 10_000
    # 8,000 single-answer questions with 4 choices, 2,000 multiple-response ones with 5
    choices = "SELECT sum(json_array_length(choices)) FROM questions"
    assert fresh_db.execute(choices).fetchone()[0] == 42_000
    assert fresh_db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert fresh_db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert seen[-1] == (10_000, 10_000)
    assert len(seen) >= 2 and all(d <= t for d, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
