"""The start-up check of the packs shipped with the app, cheap enough for every start.

Once a bundled pack file has been verified and installed, its BLAKE2b digest is remembered with what
it contains (pack id, version, signer). On the usual start every bundled file still has exactly
those bytes, its signer is still trusted and that version (or a newer one) is installed:
verifying it again would come to the same answer, so nothing more is done, and the importer
(zip, Ed25519, JSON schema; about 10 ms of imports) is not even loaded. At the first doubt —
a file changed, added or unreadable, a key that does not parse, a setting that does not
match — the whole pack goes through `importer.import_bundled`, which verifies it in full.

No Qt here (see tests/test_architecture.py).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from pathlib import Path

from mlcert_desktop import paths
from mlcert_desktop.storage import db as dbmod
from mlcert_desktop.storage import packs_repo

try:  # the interpreter's own BLAKE2b: hashlib loads OpenSSL (~3 ms). BLAKE2b is as strong as
    # SHA-256 and, in the interpreter's own code, about three times faster (a start-up cost).
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - depends on how Python was built
    from hashlib import blake2b

# Setting per file name: {"blake2b", "pack_id", "pack_version", "key_id"} as JSON. A value
# written by an older version (it had "sha256") does not match: that pack is checked in full
# once more, and the new value is remembered.
CHECKED_KEY = "bundled_pack_checked:"
MAX_FILE_BYTES = 200 * 1024 * 1024  # as importer.MAX_FILE_BYTES (a test checks they agree)
_PUBLIC_KEY_LEN = 42  # b"Ed" + 8-byte key id + 32-byte Ed25519 key (signing._PUB_LEN)


def file_digest(path: Path) -> str:
    """BLAKE2b of the file's bytes, or "" when it cannot be read or is too big to be a pack."""
    try:
        p = Path(path)
        if p.stat().st_size > MAX_FILE_BYTES:
            return ""
        return blake2b(p.read_bytes()).hexdigest()
    except OSError:
        return ""  # read_pack reports it


def checked_before(db: dbmod.Database, path: Path, digest: str, key_ids: set[str]) -> bool:
    """These exact bytes were verified and installed, by a key still trusted (by id, as
    signing.key_id_hex writes it), and that version or a newer one is still installed."""
    raw = dbmod.get_setting(db, CHECKED_KEY + Path(path).name)
    if raw is None or not digest:
        return False
    try:
        seen = json.loads(raw)
        same = seen["blake2b"] == digest and seen["key_id"] in key_ids
        installed = packs_repo.installed_version(db, seen["pack_id"])
        return same and installed is not None and installed >= int(seen["pack_version"])
    except (ValueError, KeyError, TypeError):
        return False


def remember_checked(
    db: dbmod.Database, path: Path, digest: str, pack_id: str, version: int, key_id: str
) -> None:
    value = {"blake2b": digest, "pack_id": pack_id, "pack_version": version, "key_id": key_id}
    dbmod.set_setting(db, CHECKED_KEY + Path(path).name, json.dumps(value, sort_keys=True))


def _key_id(line: str) -> str | None:
    """The key id of a base64 minisign public key, or None where signing.PublicKey would refuse
    it (then the full path runs and reports it)."""
    try:
        raw = base64.b64decode(line.strip(), validate=True)  # as signing._b64decode
    except (binascii.Error, ValueError):
        return None
    if len(raw) != _PUBLIC_KEY_LEN or raw[:2] != b"Ed":
        return None
    return raw[2:10][::-1].hex().upper()


def trusted_key_ids(db: dbmod.Database) -> set[str] | None:
    """The ids of every key trust.all_keys(db) returns, or None if one would not parse."""
    try:
        data = json.loads(paths.resource("trusted_keys.json").read_text(encoding="utf-8"))
        lines = [k["public_key"] for k in data["keys"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    lines += [r[0] for r in db.execute("SELECT public_key FROM trusted_keys").fetchall()]
    ids = set()
    for line in lines:
        key_id = _key_id(line) if isinstance(line, str) else None
        if key_id is None:
            return None
        ids.add(key_id)
    return ids


def import_bundled(db: dbmod.Database, packs: Iterable[Path] | None = None) -> list:
    """Start-up: install or update the packs shipped with the app (importer.import_bundled),
    unless every one of them is exactly what was verified and installed before."""
    packs = paths.bundled_packs() if packs is None else list(packs)
    key_ids = trusted_key_ids(db)
    if key_ids is not None and all(checked_before(db, p, file_digest(p), key_ids) for p in packs):
        return []
    from mlcert_desktop.packs import importer

    return importer.import_bundled(db, packs)
