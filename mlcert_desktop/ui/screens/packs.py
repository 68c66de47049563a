"""Packs: installed question packs and the keys trusted to sign them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mlcert_desktop.packs import trust
from mlcert_desktop.storage import packs_repo
from mlcert_desktop.ui import dialogs
from mlcert_desktop.ui.context import AppContext
from mlcert_desktop.ui.pack_import import KEY_FILTER, add_key_interactively
from mlcert_desktop.ui.screens.history import local_time
from mlcert_desktop.ui.widgets.page import top_bar
from mlcert_desktop.ui.widgets.table import data_table, fill_table


class PacksScreen(QWidget):
    homeRequested = Signal()
    importRequested = Signal()

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        top = top_bar("Question packs", self.homeRequested.emit)

        self.packs = data_table(
            ["Title", "Version", "Exam", "Questions", "Signed by", "Trust", "Imported"], 0
        )
        import_btn = QPushButton("Import pack…")
        import_btn.setProperty("role", "primary")
        import_btn.clicked.connect(self.importRequested.emit)
        self.keys = data_table(["Name", "Key id", "Fingerprint", "Source"], 2)
        add_key = QPushButton("Add key…")
        add_key.clicked.connect(self.add_key)
        self.remove_key_btn = QPushButton("Remove key")
        self.remove_key_btn.clicked.connect(self.remove_selected_key)
        self.keys.itemSelectionChanged.connect(self._update_buttons)

        body = QVBoxLayout()
        body.setContentsMargins(32, 20, 32, 20)
        body.setSpacing(10)
        row = QHBoxLayout()
        row.addWidget(QLabel("Installed packs", objectName="sectionTitle"), 1)
        row.addWidget(import_btn)
        body.addLayout(row)
        hint = QLabel("You can also drop a .exampack file onto the window.", objectName="muted")
        body.addWidget(hint)
        body.addWidget(self.packs, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel("Trusted signing keys", objectName="sectionTitle"), 1)
        row.addWidget(add_key)
        row.addWidget(self.remove_key_btn)
        body.addLayout(row)
        body.addWidget(
            QLabel(
                "Packs are imported only when signed by one of these keys. The official key "
                "comes with the app; keys you add can be removed again.",
                objectName="muted",
                wordWrap=True,
            )
        )
        body.addWidget(self.keys, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addLayout(body, 1)
        self._key_rows: list[trust.TrustedKey] = []

    def refresh(self) -> None:
        keys = trust.all_keys(self.ctx.db)
        trusted_ids = {k.key.key_id_hex for k in keys}
        fill_table(
            self.packs,
            [
                [
                    p.title,
                    str(p.version),
                    f"{p.exam_code}{' (retired)' if p.retired else ''}",
                    str(p.question_count),
                    p.key_id,
                    "trusted" if p.key_id in trusted_ids else "untrusted: key removed",
                    local_time(p.imported_at),
                ]
                for p in packs_repo.list_packs(self.ctx.db)
            ],
        )
        self._key_rows = keys
        fill_table(
            self.keys,
            [
                [
                    k.name,
                    k.key.key_id_hex,
                    k.key.fingerprint,
                    "bundled with the app" if k.bundled else "added by you",
                ]
                for k in keys
            ],
        )
        self._update_buttons()

    def _selected_key(self) -> trust.TrustedKey | None:
        rows = self.keys.selectionModel().selectedRows()
        return self._key_rows[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        key = self._selected_key()
        self.remove_key_btn.setEnabled(key is not None and not key.bundled)

    def add_key(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Add a trusted key", str(Path.home()), KEY_FILTER
        )
        if path:
            add_key_interactively(self.ctx, self, Path(path), on_added=self.refresh)

    def remove_selected_key(self) -> None:
        key = self._selected_key()
        if key is None or key.bundled:
            return
        if dialogs.confirm(
            self,
            "Remove key",
            f"Stop trusting key {key.key.key_id_hex} ({key.name})? Packs it signed stay "
            "installed but are marked untrusted, and new packs signed with it are refused.",
            "Remove key",
        ):
            trust.remove_user_key(self.ctx.db, key.key.key_id_hex)
            self.refresh()
