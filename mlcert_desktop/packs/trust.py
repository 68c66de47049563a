"""Which signing keys the app trusts: the bundled official key(s) plus keys the user added."""

from __future__ import annotations

import json
from dataclasses import dataclass

from mlcert_desktop import paths
from mlcert_desktop.packs.errors import PackSignatureError
from mlcert_desktop.packs.signing import PublicKey
from mlcert_desktop.storage.db import Database, utcnow


@dataclass(frozen=True)
class TrustedKey:
    key: PublicKey
    name: str
    bundled: bool


def bundled_keys() -> list[TrustedKey]:
    data = json.loads(paths.resource("trusted_keys.json").read_text(encoding="utf-8"))
    return [
        TrustedKey(PublicKey.from_base64(k["public_key"]), k["name"], True) for k in data["keys"]
    ]


def user_keys(db: Database) -> list[TrustedKey]:
    rows = db.execute("SELECT public_key, comment FROM trusted_keys ORDER BY added_at").fetchall()
    return [TrustedKey(PublicKey.from_base64(pk), name, False) for pk, name in rows]


def all_keys(db: Database | None) -> list[TrustedKey]:
    return bundled_keys() + (user_keys(db) if db is not None else [])


def add_user_key(db: Database, key: PublicKey, name: str) -> None:
    if any(k.key.key_id == key.key_id for k in bundled_keys()):
        raise PackSignatureError(f"Key {key.key_id_hex} is already trusted as a bundled key.")
    with db.atomic():
        db.execute(
            """INSERT INTO trusted_keys VALUES (?, ?, ?, ?)
               ON CONFLICT(key_id) DO UPDATE SET public_key=excluded.public_key,
               comment=excluded.comment""",
            [key.key_id_hex, key.to_base64(), name, utcnow()],
        )


def remove_user_key(db: Database, key_id_hex: str) -> None:
    with db.atomic():
        db.execute("DELETE FROM trusted_keys WHERE key_id = ?", [key_id_hex])
