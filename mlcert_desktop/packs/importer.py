"""Verify a .exampack, then install it into SQLite in one transaction.

Order (fail closed; nothing is written until every step passes): file size -> zip directory
(allow-listed names, counts, sizes, ratio; never extractall) -> manifest bytes + signature ->
signature valid and key trusted -> trusted comment matches the manifest -> every file's
sha256/size -> strict JSON -> schema and semantics -> version ratchet -> one transaction.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from mlcert_desktop import paths
from mlcert_desktop.core.models import Question
from mlcert_desktop.packs import bundled, trust
from mlcert_desktop.packs import format as fmt
from mlcert_desktop.packs.errors import (
    PackDowngradeError,
    PackFormatError,
    PackLimitError,
    PackSignatureError,
)
from mlcert_desktop.packs.signing import PublicKey, verify
from mlcert_desktop.storage import db as dbmod
from mlcert_desktop.storage import packs_repo

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_ENTRY_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200  # JSON compresses well, but not this well
MAX_SIGNATURE_BYTES = 4096

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class VerifiedPack:
    path: Path
    manifest: dict
    records: list[fmt.QuestionRecord]  # the questions, validated, as written to the database
    media: dict[str, bytes]
    signer: PublicKey

    @functools.cached_property
    def questions(self) -> list[Question]:
        """The questions as objects, built when first asked for (installing needs none)."""
        return [fmt.question_from_record(self.pack_id, r) for r in self.records]

    def domain_counts(self) -> dict[int, int]:
        """Questions per domain id (for the import preview), without building the objects."""
        counts: dict[int, int] = {}
        for r in self.records:
            counts[r.domain] = counts.get(r.domain, 0) + 1
        return counts

    @property
    def pack_id(self) -> str:
        return self.manifest["pack_id"]

    @property
    def version(self) -> int:
        return self.manifest["pack_version"]


@dataclass(frozen=True)
class ImportResult:
    pack_id: str
    version: int
    title: str
    question_count: int
    status: str  # installed | updated | unchanged


def read_pack(
    path: Path | str, trusted_keys: Iterable[PublicKey], *, with_questions: bool = True
) -> VerifiedPack:
    """Every check that needs no database; raises a PackError subclass on any problem.

    with_questions=False stops after the signed manifest (a cheap look at id and version).
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise PackFormatError(f"Cannot read {path.name}: {e.strerror}.") from None
    if size > MAX_FILE_BYTES:
        raise PackLimitError(
            f"{path.name} is {size // 2**20} MiB; packs may be at most "
            f"{MAX_FILE_BYTES // 2**20} MiB."
        )
    try:
        with zipfile.ZipFile(path) as zf:
            infos = _check_directory(zf)
            manifest_bytes = _read(zf, infos[fmt.MANIFEST])
            sig = _read(zf, infos[fmt.SIGNATURE], limit=MAX_SIGNATURE_BYTES)
            verified = verify(manifest_bytes, sig, trusted_keys)
            manifest = fmt.strict_json(manifest_bytes, fmt.MANIFEST)
            fmt.validate_manifest(manifest)
            expected = fmt.trusted_comment(manifest["pack_id"], manifest["pack_version"])
            if verified.trusted_comment != expected:
                raise PackSignatureError(
                    "The signature was made for a different pack or version "
                    f"({verified.trusted_comment!r}); this file was put together from parts of "
                    "different packs. Get a fresh copy from the pack's author."
                )
            if not with_questions:
                return VerifiedPack(path, manifest, [], {}, verified.key)
            contents = _read_listed_files(zf, infos, manifest["files"])
    except zipfile.BadZipFile:
        raise PackFormatError(
            f"{path.name} is not a question pack (it is not a valid .exampack zip file, or it "
            "is damaged)."
        ) from None
    except (
        EOFError,
        zipfile.LargeZipFile,
        NotImplementedError,
        zlib.error,
        RuntimeError,
        OSError,
        ValueError,
    ) as e:
        # zlib.error: corrupt deflate data; RuntimeError: encrypted entry; OSError/ValueError:
        # bad header offsets or compression methods. All mean a damaged or foreign file.
        raise PackFormatError(
            f"{path.name} is damaged or uses an unsupported zip feature: {e}"
        ) from None
    with _gc_paused():
        records = fmt.load_questions(contents.pop(fmt.QUESTIONS), manifest)
    return VerifiedPack(path, manifest, records, contents, verified.key)


@contextlib.contextmanager
def _gc_paused():
    """Parsing a big pack allocates hundreds of thousands of objects that all stay alive, so
    the cyclic garbage collector would only rescan them again and again (a fifth of the time
    of a 10,000-question import). Reference counting still frees everything as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_directory(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise PackLimitError(f"The pack has {len(infos)} entries; at most {MAX_ENTRIES} allowed.")
    by_name: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        if name in by_name:
            raise PackFormatError(f"The pack contains {name!r} twice.")
        if not fmt.is_allowed_name(name):
            raise PackFormatError(
                f"The pack contains {name!r}, which is not a file a pack may contain "
                "(see the pack format: manifest.json, manifest.json.minisig, questions.json, "
                "media/<sha256>.<png|jpg|svg>)."
            )
        if stat.S_ISLNK(info.external_attr >> 16) or info.is_dir():
            raise PackFormatError(f"The pack entry {name!r} is a link or folder, not a file.")
        if info.file_size > MAX_ENTRY_BYTES:
            raise PackLimitError(f"{name!r} is larger than {MAX_ENTRY_BYTES // 2**20} MiB.")
        if info.file_size > 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise PackLimitError(
                f"{name!r} expands more than {MAX_RATIO}× (a 'zip bomb'); refusing to open it."
            )
        total += info.file_size
        by_name[name] = info
    if total > MAX_TOTAL_BYTES:
        raise PackLimitError(f"The pack expands to more than {MAX_TOTAL_BYTES // 2**20} MiB.")
    for required in (fmt.MANIFEST, fmt.SIGNATURE, fmt.QUESTIONS):
        if required not in by_name:
            if required == fmt.SIGNATURE:
                raise PackSignatureError(
                    "This pack is not signed (it has no manifest.json.minisig), so its origin "
                    "cannot be checked. Ask the author for a signed pack."
                )
            raise PackFormatError(f"The pack has no {required}.")
    return by_name


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int = MAX_ENTRY_BYTES) -> bytes:
    """Read one entry, never trusting the size its header claims."""
    with zf.open(info) as f:
        data = f.read(min(limit, info.file_size) + 1)
    if len(data) > min(limit, info.file_size):
        raise PackLimitError(f"{info.filename!r} is larger than its zip header says.")
    return data


def _read_listed_files(zf, infos, files: dict) -> dict[str, bytes]:
    unlisted = set(infos) - set(files) - {fmt.MANIFEST, fmt.SIGNATURE}
    if unlisted:
        raise PackFormatError(
            f"{sorted(unlisted)[0]!r} is in the pack but not listed in the signed manifest."
        )
    out = {}
    for name, meta in files.items():
        if name not in infos:
            raise PackFormatError(f"The manifest lists {name!r}, but the pack does not have it.")
        data = _read(zf, infos[name])
        if len(data) != meta["size"] or hashlib.sha256(data).hexdigest() != meta["sha256"]:
            raise PackSignatureError(
                f"{name!r} does not match the signed manifest: the file was changed after the "
                "pack was signed, or is damaged. Get a fresh copy from the pack's author."
            )
        out[name] = data
    return out


def import_pack(
    db: dbmod.Database,
    path: Path | str,
    trusted_keys: Iterable[PublicKey],
    *,
    on_progress: Progress | None = None,
    backup_dir: Path | None = None,
) -> ImportResult:
    # One pause of the collector for both steps, ended only once the pack's records are freed:
    # re-enabled in between or with the records alive, it would first scan them all (two
    # collections costing a twentieth of a 10,000-question import).
    with _gc_paused():
        pack = read_pack(path, trusted_keys)
        result = install(db, pack, on_progress=on_progress, backup_dir=backup_dir)
        del pack
    return result


def check_not_older(db: dbmod.Database, pack: VerifiedPack) -> None:
    """Rollback protection: never accept a version below the highest one ever imported."""
    floor = packs_repo.ratchet_version(db, pack.pack_id)
    if floor is not None and pack.version < floor:
        raise PackDowngradeError(
            f"This is version {pack.version} of {pack.manifest['title']!r}, but version {floor} "
            "has already been imported. Older versions are refused so that a pack cannot be "
            f"rolled back to change or hide content; import version {floor} or newer."
        )


def install(
    db: dbmod.Database,
    pack: VerifiedPack,
    *,
    on_progress: Progress | None = None,
    backup_dir: Path | None = None,
) -> ImportResult:
    check_not_older(db, pack)
    current = packs_repo.installed_version(db, pack.pack_id)
    result = ImportResult(
        pack.pack_id, pack.version, pack.manifest["title"], len(pack.records), "unchanged"
    )
    if current == pack.version:
        return result
    if backup_dir is not None and current is not None:
        dbmod.backup(db, backup_dir, reason="before-import")
    with _gc_paused():
        packs_repo.write_pack(
            db,
            pack.manifest,
            pack.records,
            {re.sub(r"^media/", "", k): v for k, v in pack.media.items()},
            pack.signer.key_id_hex,
            on_progress=on_progress,
        )
    status = "installed" if current is None else "updated"
    return ImportResult(result.pack_id, result.version, result.title, result.question_count, status)


def import_bundled(
    db: dbmod.Database,
    packs: Iterable[Path] | None = None,
    trusted_keys: Iterable[PublicKey] | None = None,
) -> list[ImportResult]:
    """First start (and app updates): install or update the packs shipped with the app.

    By default: the packs in the installation, checked against every key the user trusts.
    """
    packs = paths.bundled_packs() if packs is None else packs
    keys = [k.key for k in trust.all_keys(db)] if trusted_keys is None else list(trusted_keys)
    results = []
    key_ids = {k.key_id_hex for k in keys}
    for p in packs:
        digest = bundled.file_digest(p)
        if bundled.checked_before(db, p, digest, key_ids):
            continue  # the usual start: these exact bytes were verified and are installed
        head = read_pack(p, keys, with_questions=False)
        installed = packs_repo.installed_version(db, head.pack_id)
        if installed is None or installed < head.version:
            with _gc_paused():  # as in import_pack: the pack is freed before the collector runs
                results.append(install(db, read_pack(p, keys)))
        if digest:
            bundled.remember_checked(
                db, p, digest, head.pack_id, head.version, head.signer.key_id_hex
            )
    return results
