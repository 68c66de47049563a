"""Importing a pack from the GUI: verify off the GUI thread, offer to trust an unknown key,
preview, then install with a progress bar. Every refusal is shown in plain language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from mlcert_desktop.packs import importer, trust
from mlcert_desktop.packs.errors import PackError, UntrustedKeyError
from mlcert_desktop.packs.signing import PublicKey
from mlcert_desktop.storage import db as dbmod
from mlcert_desktop.storage import packs_repo
from mlcert_desktop.ui import dialogs
from mlcert_desktop.ui.background import run_in_background
from mlcert_desktop.ui.context import AppContext

PACK_FILTER = "Question packs (*.exampack);;All files (*)"
KEY_FILTER = "minisign public keys (*.pub);;All files (*)"


def preview_text(pack: importer.VerifiedPack, installed: int | None) -> str:
    m = pack.manifest
    exam = m["exam"]
    names = {d["id"]: d["name"] for d in m["domains"]}
    counts = pack.domain_counts()
    rows = "".join(
        f"<tr><td>Domain {d}: {names.get(d, '?')}</td><td align='right'>{n}</td></tr>"
        for d, n in sorted(counts.items())
    )
    status = "retired" if exam.get("status") == "retired" else "current"
    if installed is None:
        action = "This pack is new: it will be installed."
    elif installed < pack.version:
        action = (
            f"Version {installed} is installed; it will be replaced by version "
            f"{pack.version}. Your history stays with questions that remain."
        )
    else:
        action = "This version is already installed; nothing will change."
    return (
        f"<b>{m['title']}</b><br>Exam {exam['code']} — {exam['name']} ({status})<br>"
        f"Version {pack.version} · signed by key {pack.signer.key_id_hex}<br>"
        f"{len(pack.records)} questions:<table>{rows}</table><p>{action}</p>"
    )


class PackImportFlow(QObject):
    """One import, from choosing the file to the final message."""

    finished = Signal(bool)  # True when something was installed or updated

    def __init__(self, ctx: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.parent_widget = parent
        self.progress: QProgressDialog | None = None

    def choose_and_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.parent_widget, "Import question pack", str(Path.home()), PACK_FILTER
        )
        if path:
            self.start(Path(path))

    def start(self, path: Path) -> None:
        keys = [k.key for k in trust.all_keys(self.ctx.db)]
        self._busy(f"Checking {path.name}…")
        run_in_background(
            lambda progress: importer.read_pack(path, keys),
            self._verified,
            lambda e: self._failed(e, path),
        )

    # -- steps -----------------------------------------------------------------------------
    def _busy(self, text: str, maximum: int = 0) -> None:
        if self.progress is None:
            self.progress = QProgressDialog(text, None, 0, maximum, self.parent_widget)
            self.progress.setWindowTitle("Import question pack")
            self.progress.setWindowModality(Qt.WindowModality.WindowModal)
            self.progress.setMinimumDuration(0)
        self.progress.setLabelText(text)
        self.progress.setRange(0, maximum)
        self.progress.show()

    def _done_busy(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _failed(self, error: Exception, path: Path) -> None:
        self._done_busy()
        if isinstance(error, UntrustedKeyError):
            self._offer_trust(error, path)
            return
        if isinstance(error, PackError):
            dialogs.error(self.parent_widget, "The pack was not imported", str(error))
        else:  # our fault, not the pack's: say so
            dialogs.error(
                self.parent_widget,
                "Import failed",
                f"mlcert-desktop could not import {path.name} because of an internal error "
                f"({type(error).__name__}: {error}). Your data was not changed.",
            )
        self.finished.emit(False)

    def _offer_trust(self, error: UntrustedKeyError, path: Path) -> None:
        ask = (
            f"{error}\n\nIf you know and trust the pack's author, choose their public key file "
            "(.pub). You will see its fingerprint before anything is trusted."
        )
        if not dialogs.confirm(self.parent_widget, "Unknown signer", ask, "Choose key file…"):
            self.finished.emit(False)
            return
        key_path, _ = QFileDialog.getOpenFileName(
            self.parent_widget, "Public key of the pack's author", str(path.parent), KEY_FILTER
        )
        if key_path and add_key_interactively(
            self.ctx, self.parent_widget, Path(key_path), expect_id=error.key_id
        ):
            self.start(path)
        else:
            self.finished.emit(False)

    def _verified(self, pack: importer.VerifiedPack) -> None:
        self._done_busy()
        try:
            importer.check_not_older(self.ctx.db, pack)
        except PackError as e:
            self._failed(e, pack.path)
            return
        installed = packs_repo.installed_version(self.ctx.db, pack.pack_id)
        if installed == pack.version:
            dialogs.info(self.parent_widget, "Already installed", preview_text(pack, installed))
            self.finished.emit(False)
            return
        if not dialogs.confirm(
            self.parent_widget, "Import question pack", preview_text(pack, installed), "Import"
        ):
            self.finished.emit(False)
            return
        self._busy(f"Importing {len(pack.records)} questions…", maximum=len(pack.records))
        backups = self.ctx.data_dir / "backups"
        run_in_background(
            lambda progress: importer.install(
                self.ctx.db, pack, on_progress=progress, backup_dir=backups
            ),
            self._installed,
            lambda e: self._failed(e, pack.path),
            self._on_progress,
        )

    def _on_progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _installed(self, result: importer.ImportResult) -> None:
        self._done_busy()
        # The pack sits in the write-ahead log (see Database.checkpoint_deferred); it is
        # copied into the database file while the user reads the report, on a connection of
        # the worker's own (storage.db.checkpoint), so the GUI's queries go on meanwhile.
        path = self.ctx.db.path()
        if path:
            run_in_background(lambda _progress: dbmod.checkpoint(path), _ignore, _ignore)
        dialogs.info(
            self.parent_widget,
            "Pack imported",
            f"{result.title} version {result.version}: {result.status}, "
            f"{result.question_count} questions.",
        )
        self.finished.emit(result.status != "unchanged")


def _ignore(_value: object) -> None:
    """A failed checkpoint loses nothing: SQLite tries again at the next commit or close."""


def add_key_interactively(
    ctx: AppContext,
    parent: QWidget,
    path: Path,
    expect_id: str | None = None,
    on_added: Callable[[], None] | None = None,
) -> bool:
    """Show a key's id and fingerprint and add it only after explicit confirmation."""
    try:
        key = PublicKey.from_file(path)
    except PackError as e:
        dialogs.error(parent, "Not a public key", str(e))
        return False
    if expect_id and key.key_id_hex != expect_id:
        dialogs.error(
            parent,
            "Wrong key",
            f"This key has id {key.key_id_hex}, but the pack was signed by key {expect_id}. "
            "Ask the pack's author for the right public key.",
        )
        return False
    text = (
        f"Trust packs signed by this key?\n\nKey id: {key.key_id_hex}\nFingerprint:\n"
        f"{key.fingerprint}\n\nCompare the fingerprint with the one the author published. "
        "You can remove the key later on the Packs screen."
    )
    if not dialogs.confirm(parent, "Trust this key?", text, "Trust key"):
        return False
    try:
        trust.add_user_key(ctx.db, key, path.stem)
    except PackError as e:
        dialogs.error(parent, "Key not added", str(e))
        return False
    if on_added:
        on_added()
    return True
