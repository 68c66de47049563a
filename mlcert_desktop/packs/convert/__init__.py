"""Convert question banks (GIFT, Aiken, Moodle XML) into a pack source folder.

The result is what `mlcert-pack build` reads: `pack.yaml` plus `questions/<slug>.yaml`. Each
reader turns its input into `RawQuestion`s; `common` decides what the app can represent and
reports everything else, so no question is ever dropped silently.
"""

from __future__ import annotations

from pathlib import Path

from mlcert_desktop.packs.convert import aiken, gift, moodle_xml
from mlcert_desktop.packs.convert.common import (
    ConvertResult,
    RawQuestion,
    Skipped,
    convert,
    slugify,
    write_source,
)

FORMATS = ("gift", "aiken", "moodle")
_BY_SUFFIX = {".gift": "gift", ".txt": "aiken", ".xml": "moodle"}
_READERS = {"gift": gift.parse, "aiken": aiken.parse, "moodle": moodle_xml.parse}


def guess_format(path: Path | str) -> str | None:
    """The input format implied by the file name, or None when the extension says nothing."""
    return _BY_SUFFIX.get(Path(path).suffix.lower())


def read_questions(path: Path | str, fmt: str) -> tuple[list[RawQuestion], list[Skipped]]:
    """Parse `path` as `fmt`: the questions found, and the ones the reader already refused."""
    return _READERS[fmt](Path(path).read_bytes())


def convert_file(
    path: Path | str,
    fmt: str,
    *,
    pack_id: str | None = None,
    title: str | None = None,
    exam_code: str | None = None,
) -> tuple[ConvertResult, str]:
    """Convert one bank in memory; returns the result and the slug used for file and ids."""
    slug = slugify(Path(path).stem)
    raws, skipped = read_questions(path, fmt)
    result = convert(raws, skipped, slug=slug, pack_id=pack_id, title=title, exam_code=exam_code)
    return result, slug


__all__ = [
    "FORMATS",
    "ConvertResult",
    "Skipped",
    "convert_file",
    "guess_format",
    "read_questions",
    "write_source",
]
