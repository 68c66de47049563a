"""Importing packs from the GUI: preview, progress off the GUI thread, trust, refusals."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QThreadPool, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog

from mlcert_desktop.packs import trust
from mlcert_desktop.packs.signing import SecretKey
from mlcert_desktop.storage import packs_repo
from tests import factory


def other_pack(tmp_path: Path, key: SecretKey, n: int = 20) -> Path:
    src = factory.source(n)
    src.manifest["pack_id"] = "org.example.other"
    src.manifest["title"] = "Another pack"
    src = type(src)(
        src.manifest,
        [q._replace(pack_id="org.example.other") for q in src.questions],
        {},
    )
    return factory.write_pack(tmp_path / "other.exampack", key, src)


def run_flow(qtbot, window, path: Path):
    flow = window.import_pack(path)
    with qtbot.waitSignal(flow.finished, timeout=10_000) as done:
        pass
    return done.args[0]


def test_import_trusted_pack_shows_preview_then_installs(qtbot, window, tmp_path, confirmations):
    key = SecretKey.generate()
    trust.add_user_key(window.ctx.db, key.public_key, "author")
    path = other_pack(tmp_path, key)
    flow = window.import_pack(path)
    with qtbot.waitSignal(flow.finished, timeout=10_000) as done:
        pass
    assert done.args == [True]
    title, preview = confirmations.asked[-1]
    assert title == "Import question pack"
    assert (
        "Another pack" in preview
        and "20 questions" in preview
        and key.public_key.key_id_hex in preview
    )
    assert [p.title for p in packs_repo.list_packs(window.ctx.db)] == [
        "Another pack",
        "Test exam pack",
    ]
    assert confirmations.shown[-1][1] == "Pack imported"


def test_unknown_signer_can_be_trusted_after_seeing_the_fingerprint(
    qtbot, window, tmp_path, confirmations, monkeypatch
):
    key = SecretKey.generate()
    pub = tmp_path / "author.pub"
    pub.write_text(key.public_key.to_text())
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(pub), ""))
    assert run_flow(qtbot, window, other_pack(tmp_path, key)) is True
    titles = [t for t, _ in confirmations.asked]
    assert titles[:3] == ["Unknown signer", "Trust this key?", "Import question pack"]
    assert key.public_key.fingerprint in confirmations.asked[1][1]
    assert key.public_key.key_id_hex in confirmations.asked[0][1]
    window.show_packs()
    keys = window.packs.keys
    sources = [keys.item(r, 3).text() for r in range(keys.rowCount())]
    assert sources == ["bundled with the app", "added by you"]


def test_declining_trust_imports_nothing(qtbot, window, tmp_path, confirmations):
    confirmations.answers["value"] = False
    before = list(window.ctx.db.conn.iterdump())
    assert run_flow(qtbot, window, other_pack(tmp_path, SecretKey.generate())) is False
    assert list(window.ctx.db.conn.iterdump()) == before


def test_tampered_pack_is_refused_with_a_clear_message(qtbot, window, tmp_path, confirmations):
    key = SecretKey.generate()
    trust.add_user_key(window.ctx.db, key.public_key, "author")
    path = other_pack(tmp_path, key)
    files = factory.entries(path)
    files["questions.json"] = files["questions.json"].replace(b"Option a", b"Option A", 1)
    factory.rezip(path, files)
    before = list(window.ctx.db.conn.iterdump())
    assert run_flow(qtbot, window, path) is False
    kind, title, text = confirmations.shown[-1]
    assert kind == "error" and "does not match the signed manifest" in text
    assert list(window.ctx.db.conn.iterdump()) == before


def test_removing_a_key_marks_its_packs_untrusted(qtbot, window, tmp_path, confirmations):
    key = SecretKey.generate()
    trust.add_user_key(window.ctx.db, key.public_key, "author")
    assert run_flow(qtbot, window, other_pack(tmp_path, key)) is True
    window.show_packs()
    screen = window.packs
    screen.keys.selectRow(1)
    assert screen.remove_key_btn.isEnabled()
    screen.remove_selected_key()
    trust_col = [screen.packs.item(r, 5).text() for r in range(screen.packs.rowCount())]
    assert trust_col.count("untrusted: key removed") == 2  # test pack's key was never added
    screen.keys.selectRow(0)
    assert not screen.remove_key_btn.isEnabled()  # the bundled key cannot be removed


def test_dropping_a_pack_file_starts_the_import(qtbot, window, tmp_path, confirmations):
    key = SecretKey.generate()
    trust.add_user_key(window.ctx.db, key.public_key, "author")
    path = other_pack(tmp_path, key)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    # Until the import reports back: the background thread writes through the same connection,
    # so the pack's rows are visible here before its transaction has ended.
    qtbot.waitUntil(
        lambda: bool(confirmations.shown) and confirmations.shown[-1][1] == "Pack imported",
        timeout=10_000,
    )
    assert len(packs_repo.list_packs(window.ctx.db)) == 2


def test_the_imported_pack_is_checkpointed_in_the_background(
    qtbot, window, tmp_path, confirmations
):
    """The import commits to the write-ahead log and reports at once; the log is copied into
    the database file by a worker on its own connection, so the GUI's queries, such as the
    home screen's refresh right after the report, neither wait for it nor make it fail."""
    key = SecretKey.generate()
    trust.add_user_key(window.ctx.db, key.public_key, "author")
    db_path = Path(window.ctx.db.path())
    wal = db_path.with_name(db_path.name + "-wal")
    assert run_flow(qtbot, window, other_pack(tmp_path, key, n=300)) is True
    assert QThreadPool.globalInstance().waitForDone(10_000)  # the checkpoint job has run
    assert wal.stat().st_size == 0
    assert len(packs_repo.load_questions(window.ctx.db, "org.example.other")) == 300
