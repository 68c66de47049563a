"""mlcert-pack: make, sign, check, inspect, import and convert question packs (command line)."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

from mlcert_desktop import __version__, paths
from mlcert_desktop.packs import builder, importer, trust
from mlcert_desktop.packs import format as fmt
from mlcert_desktop.packs.errors import PackError, PackFormatError, PackSignatureError
from mlcert_desktop.packs.signing import PublicKey, SecretKey, sign


def _keys(args, db=None) -> list[PublicKey]:
    keys = [k.key for k in trust.all_keys(db)]
    for p in getattr(args, "pubkey", None) or []:
        keys.append(PublicKey.from_file(p))
    return keys


def cmd_keygen(args) -> int:
    sec, pub = Path(args.secret), Path(args.public)
    for p in (sec, pub):
        if p.exists() and not args.force:
            print(f"{p} exists; use --force to overwrite it.", file=sys.stderr)
            return 1
    key = SecretKey.generate()
    sec.write_text(key.to_text(), encoding="utf-8")
    os.chmod(sec, 0o600)
    pub.write_text(key.public_key.to_text(), encoding="utf-8")
    print(f"Key id {key.public_key.key_id_hex}")
    print(f"Secret key: {sec} (keep it private; it is not encrypted)")
    print(f"Public key: {pub} (give this to the people who import your packs)")
    return 0


def _secret_key(args) -> SecretKey:
    path = args.key or os.environ.get("MLCERT_SIGNING_KEY")
    if not path:
        raise PackError("No signing key: pass --key FILE or set MLCERT_SIGNING_KEY.")
    return SecretKey.from_file(path)


def cmd_build(args) -> int:
    key = _secret_key(args)
    src = Path(args.src)
    out = Path(args.output) if args.output else src.parent.parent / f"{src.name}.exampack"
    builder.build_from_dir(src, key, out)
    pack = importer.read_pack(out, [key.public_key])
    print(
        f"Built {out}: {pack.manifest['title']} v{pack.version}, {len(pack.questions)} "
        f"questions, signed by {key.public_key.key_id_hex}"
    )
    return 0


def cmd_verify(args) -> int:
    pack = importer.read_pack(args.file, _keys(args))
    print(f"OK: {pack.manifest['title']} v{pack.version}, signed by {pack.signer.key_id_hex}")
    return 0


def summary(pack: importer.VerifiedPack) -> dict:
    qs = pack.questions
    m = pack.manifest
    return {
        "pack_id": pack.pack_id,
        "version": pack.version,
        "title": m["title"],
        "exam": m["exam"],
        "signer_key_id": pack.signer.key_id_hex,
        "question_count": len(qs),
        "by_domain": {str(k): v for k, v in sorted(Counter(q.domain for q in qs).items())},
        "by_task": dict(sorted(Counter(q.task for q in qs).items())),
        "by_type": dict(sorted(Counter(q.type.value for q in qs).items())),
        "practice_exams": {pe["title"]: len(pe["questions"]) for pe in m.get("practice_exams", [])},
    }


def cmd_inspect(args) -> int:
    info = summary(importer.read_pack(args.file, _keys(args)))
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return 0
    exam = info["exam"]
    print(f"{info['title']}  (pack {info['pack_id']} v{info['version']})")
    status = exam.get("status", "current")
    if status == "retired":
        status += f" on {exam.get('retired_on', '?')}"
    print(f"Exam: {exam['code']} {exam['name']} [{status}]")
    print(f"Signed by key {info['signer_key_id']}")
    print(f"Questions: {info['question_count']}")
    for label in ("by_domain", "by_task", "by_type", "practice_exams"):
        rows = ", ".join(f"{k}: {v}" for k, v in info[label].items()) or "-"
        print(f"  {label.replace('_', ' ')}: {rows}")
    return 0


def cmd_import(args) -> int:
    from mlcert_desktop.single_instance import InstanceLock
    from mlcert_desktop.storage.db import open_database

    data_dir = Path(args.data_dir) if args.data_dir else paths.default_data_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    # The app's lock: never write (or upgrade) the database of an app that has it open.
    lock = InstanceLock(paths.lock_path(data_dir))
    if not lock.acquire():
        print(
            f"mlcert-pack: mlcert-desktop is running with the data folder {data_dir}. Close it "
            "first, or import the pack in the app (File → Import pack…).",
            file=sys.stderr,
        )
        return 1
    try:
        opened = open_database(paths.db_path(data_dir))
        try:
            result = importer.import_pack(
                opened.db, args.file, _keys(args, opened.db), backup_dir=data_dir / "backups"
            )
        finally:
            opened.db.close()
    finally:
        lock.release()
    print(f"{result.title} v{result.version}: {result.status} ({result.question_count} questions)")
    return 0


def read_entries(path: Path | str) -> dict[str, bytes]:
    """Every entry of a pack, read with the importer's zip safety checks (no verification)."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = importer._check_directory(zf)
            return {name: importer._read(zf, info) for name, info in infos.items()}
    except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError, ValueError) as e:
        raise PackFormatError(f"{path.name} is not a readable .exampack zip file ({e}).") from None


def _check_hashes(entries: dict[str, bytes], files: dict) -> None:
    """Signing vouches for the files too, so they must match the manifest being signed."""
    listed = set(files) | {fmt.MANIFEST, fmt.SIGNATURE}
    for name in sorted(set(entries) ^ listed):
        raise PackFormatError(f"{name!r} is in the pack or its manifest, but not in both.")
    for name, meta in files.items():
        data = entries[name]
        if len(data) != meta["size"] or hashlib.sha256(data).hexdigest() != meta["sha256"]:
            raise PackSignatureError(
                f"{name!r} does not match the signed manifest; refusing to re-sign it."
            )


def resign(path: Path | str, key: SecretKey, out: Path | str) -> Path:
    """Write `out`: the same entries, with a new signature over the unchanged manifest bytes."""
    entries = read_entries(path)
    manifest = fmt.validate_manifest(fmt.strict_json(entries[fmt.MANIFEST], fmt.MANIFEST))
    _check_hashes(entries, manifest["files"])  # refuse before writing anything
    pack_id, version = manifest["pack_id"], manifest["pack_version"]
    entries[fmt.SIGNATURE] = sign(
        entries[fmt.MANIFEST],
        key,
        fmt.trusted_comment(pack_id, version),
        untrusted_comment=f"signature of {pack_id} v{version}",
    ).encode()
    out = Path(out)
    # Write beside the target, then replace: PACK is never left half-written.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in entries.items():
                info = zipfile.ZipInfo(name, date_time=builder.ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def cmd_sign(args) -> int:
    key = _secret_key(args)
    out = resign(args.file, key, args.output or args.file)
    pack = importer.read_pack(out, [key.public_key])  # prove the result verifies
    print(
        f"Signed {out}: {pack.manifest['title']} v{pack.version} with {key.public_key.key_id_hex}"
    )
    return 0


def cmd_convert(args) -> int:
    from mlcert_desktop.packs import convert

    kind = args.source_format or convert.guess_format(args.input)
    if kind is None:
        raise PackError(f"Cannot tell the format of {args.input}; pass --from gift|aiken|moodle.")
    out = Path(args.output)
    if out.exists() and any(out.iterdir()) and not args.force:
        raise PackError(f"{out} is not empty; choose another folder or pass --force.")
    result, slug = convert.convert_file(
        args.input, kind, pack_id=args.pack_id, title=args.title, exam_code=args.exam_code
    )
    for s in result.skipped:
        print(s.message())
    if result.questions:
        written = convert.write_source(result, out, slug)
        print(f"wrote {', '.join(str(p) for p in written)}")
    print(f"converted {len(result.questions)}, skipped {len(result.skipped)}")
    return 0 if result.questions else 1


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mlcert-pack", description=__doc__)
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    k = sub.add_parser("keygen", help="create a signing key pair (minisign format)")
    k.add_argument("-s", "--secret", default="mlcert-pack.key", help="secret key file to write")
    k.add_argument("-p", "--public", default="mlcert-pack.pub", help="public key file to write")
    k.add_argument("--force", action="store_true", help="overwrite existing files")
    k.set_defaults(func=cmd_keygen)

    b = sub.add_parser("build", help="build and sign a pack from a source folder")
    b.add_argument("src", help="source folder with pack.yaml and questions/*.yaml")
    b.add_argument("--key", help="secret key file (default: $MLCERT_SIGNING_KEY)")
    b.add_argument("-o", "--output", help="output .exampack (default: next to the sources)")
    b.set_defaults(func=cmd_build)

    s = sub.add_parser("sign", help="re-sign an existing pack with another key")
    s.add_argument("file", help="the .exampack file")
    s.add_argument("--key", help="secret key file (default: $MLCERT_SIGNING_KEY)")
    s.add_argument("-o", "--output", help="write here instead of replacing the pack")
    s.set_defaults(func=cmd_sign)

    c = sub.add_parser("convert", help="turn a GIFT, Aiken or Moodle XML bank into a source folder")
    c.add_argument("input", help="the question bank (.gift, .txt for Aiken, .xml for Moodle)")
    c.add_argument(
        "--from",
        dest="source_format",
        choices=("gift", "aiken", "moodle"),
        help="input format (default: from the file extension)",
    )
    c.add_argument("-o", "--output", required=True, help="source folder to write")
    c.add_argument("--pack-id", help="pack id (default: local.converted.<file name>)")
    c.add_argument("--title", help="pack title (default: from the file name)")
    c.add_argument("--exam-code", help="exam code (default: from the file name)")
    c.add_argument("--force", action="store_true", help="write into a non-empty folder")
    c.set_defaults(func=cmd_convert)

    for name, func, helptext in (
        ("verify", cmd_verify, "check a pack's signature and contents (exit 0 if valid)"),
        ("inspect", cmd_inspect, "show what a pack contains"),
        ("import", cmd_import, "import a pack into the app's database"),
    ):
        c = sub.add_parser(name, help=helptext)
        c.add_argument("file", help="the .exampack file")
        c.add_argument("--pubkey", action="append", help="also trust this public key file")
        if name == "inspect":
            c.add_argument("--json", action="store_true", help="machine-readable output")
        if name == "import":
            c.add_argument("--data-dir", help="the app's data folder (default: the user's)")
        c.set_defaults(func=func)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except PackError as e:
        print(f"mlcert-pack: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"mlcert-pack: {e.filename or ''}: {e.strerror}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
