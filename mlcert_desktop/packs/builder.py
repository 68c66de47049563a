"""Build a signed .exampack from a human-editable source folder.

A source folder holds `pack.yaml` (the manifest without `files`), `questions/*.yaml` (lists of
questions, read in file-name order) and optionally `media/`. Problems are reported with the
file and question they are in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from mlcert_desktop.core.models import Question
from mlcert_desktop.packs import format as fmt
from mlcert_desktop.packs.errors import PackFormatError
from mlcert_desktop.packs.signing import SecretKey, sign

# Fixed zip timestamps make a build reproducible: same source + key -> same bytes.
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class PackSource:
    manifest: dict  # without "files"
    questions: list[Question]
    media: dict[str, bytes]


def _load_yaml(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise PackFormatError(f"{path}:{where}: not valid YAML ({e})") from None


def load_source(src: Path | str) -> PackSource:
    src = Path(src)
    if not (src / "pack.yaml").is_file():
        raise PackFormatError(f"{src} has no pack.yaml; is it a pack source folder?")
    manifest = _load_yaml(src / "pack.yaml")
    if not isinstance(manifest, dict):
        raise PackFormatError(f"{src / 'pack.yaml'}: expected a mapping of manifest fields")
    manifest.setdefault("created", dt.date.today().isoformat())
    media = {}
    for f in sorted((src / "media").glob("*")) if (src / "media").is_dir() else []:
        data = f.read_bytes()
        media[f"media/{hashlib.sha256(data).hexdigest()}{f.suffix.lower()}"] = data
    files = sorted((src / "questions").glob("*.yaml"))
    if not files:
        raise PackFormatError(f"{src / 'questions'} has no *.yaml question files")
    raw: list = []
    origin: dict[str, Path] = {}
    for f in files:
        data = _load_yaml(f) or []
        if not isinstance(data, list):
            raise PackFormatError(f"{f}: expected a list of questions")
        for q in data:
            if isinstance(q, dict) and isinstance(q.get("id"), str):
                if q["id"] in origin:
                    raise PackFormatError(
                        f"{f}: question id {q['id']!r} is also used in {origin[q['id']]}"
                    )
                origin[q["id"]] = f
        raw += data
    manifest["practice_exams"] = _practice_exams(raw, manifest.get("practice_exams"))
    manifest["files"] = {fmt.QUESTIONS: {"sha256": "0" * 64, "size": 0}}
    fmt.validate_manifest(manifest)
    for f in files:  # validate file by file so messages name the file
        data = [q for q in raw if isinstance(q, dict) and origin.get(q.get("id")) == f]
        fmt.validate_questions(data, {**manifest, "practice_exams": []}, filename=str(f))
    questions = fmt.validate_questions(raw, manifest)
    del manifest["files"]
    return PackSource(manifest, questions, media)


def _practice_exams(raw: list, declared) -> list[dict]:
    """Practice exams come from each question's `practice_exam` number, in source order."""
    if declared:
        return declared
    groups: dict[int, list[str]] = {}
    for q in raw:
        if isinstance(q, dict) and isinstance(q.get("practice_exam"), int):
            groups.setdefault(q["practice_exam"], []).append(q.get("id"))
    return [
        {"id": str(n), "title": f"Practice exam {n}", "questions": ids}
        for n, ids in sorted(groups.items())
    ]


def questions_json(questions: list[Question]) -> bytes:
    body = [fmt.question_to_json(q) for q in questions]
    return (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def build_pack(source: PackSource, key: SecretKey) -> bytes:
    """The bytes of a signed .exampack."""
    entries = {fmt.QUESTIONS: questions_json(source.questions), **source.media}
    manifest = dict(source.manifest)
    manifest["files"] = {
        name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        for name, data in sorted(entries.items())
    }
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    signature = sign(
        manifest_bytes,
        key,
        fmt.trusted_comment(manifest["pack_id"], manifest["pack_version"]),
        untrusted_comment=f"signature of {manifest['pack_id']} v{manifest['pack_version']}",
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        all_entries = {fmt.MANIFEST: manifest_bytes, fmt.SIGNATURE: signature.encode(), **entries}
        for name, data in all_entries.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buf.getvalue()


def build_from_dir(src: Path | str, key: SecretKey, out: Path | str) -> Path:
    out = Path(out)
    data = build_pack(load_source(src), key)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(out)  # never leave a half-written pack behind
    return out
