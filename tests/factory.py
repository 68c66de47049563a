"""Build test packs in code: sources, signed .exampack files, tampered variants."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from pathlib import Path

from mlcert_desktop.core.models import Choice, ItemType, Question
from mlcert_desktop.packs.builder import PackSource, build_pack

PACK_ID = "org.example.test-pack"


def manifest(version: int = 1, **exam) -> dict:
    return {
        "format": 1,
        "pack_id": PACK_ID,
        "pack_version": version,
        "title": "Test exam pack",
        "exam": {
            "code": "TST-C01",
            "name": "Test Certification",
            "status": "current",
            "duration_minutes": 10,
            "question_count": 5,
            "unscored_count": 0,
            "passing_score": 750,
            "score_scale": [100, 1000],
            **exam,
        },
        "domains": [
            {"id": 1, "name": "Data", "weight": 20},
            {"id": 2, "name": "Analysis", "weight": 24},
            {"id": 3, "name": "Modeling", "weight": 36},
            {"id": 4, "name": "Operations", "weight": 20},
        ],
        "created": "2026-01-01",
    }


def question(i: int, domain: int | None = None, multiple: bool = False) -> Question:
    domain = domain or (i % 4) + 1
    if multiple:
        choices = tuple(
            Choice(c, f"Option {c} of question {i}", c in "ab", "" if c in "ab" else "Not this.")
            for c in "abcde"
        )
        stem = f"Question {i}: which two options are right? (Choose TWO.)"
        return Question(
            PACK_ID,
            f"q{i:03d}",
            domain,
            f"{domain}.1",
            ItemType.MULTIPLE,
            2,
            stem,
            choices,
            f"Explanation {i}.",
            ("https://docs.aws.amazon.com/",),
        )
    choices = tuple(
        Choice(c, f"Option {c} of question {i}", c == "a", "" if c == "a" else "Not this.")
        for c in "abcd"
    )
    return Question(
        PACK_ID,
        f"q{i:03d}",
        domain,
        f"{domain}.1",
        ItemType.SINGLE,
        1,
        f"Question {i}: which option is right?",
        choices,
        f"Explanation {i}.",
        ("https://docs.aws.amazon.com/",),
    )


def source(n: int, version: int = 1, multiple_every: int = 5, **exam) -> PackSource:
    qs = [question(i, multiple=(multiple_every and i % multiple_every == 4)) for i in range(n)]
    return PackSource(manifest(version, **exam), qs, {})


def write_pack(path: Path, key, src: PackSource) -> Path:
    path.write_bytes(build_pack(src, key))
    return path


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def rezip(path: Path, files: dict[str, bytes]) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    path.write_bytes(buf.getvalue())
    return path


def file_with_settings(path: Path, n: int = 400) -> Path:
    """A closed database at `path` (created, or added to) whose settings table spans several
    pages: keys "key-0000", "key-0001", ... Its write-ahead log is in the file."""
    from mlcert_desktop.storage.db import open_database

    opened = open_database(path)
    with opened.db.atomic():
        opened.db.conn.executemany(
            "INSERT INTO settings VALUES (?, ?)", [(f"key-{i:04d}", "v" * 40) for i in range(n)]
        )
    opened.db.close()  # the last connection: the write-ahead log goes into the file
    return path


def damage_page_holding(db_file: Path, needle: bytes) -> int:
    """Overwrite the cell pointers of the database page that holds `needle`, as a bad disk
    sector would: the file still opens and its schema reads, but SQLite's full check (and any
    read of that page) fails. Returns the damaged page's number. The write-ahead log must be
    empty (checkpointed), or SQLite would read the page from there."""
    data = bytearray(db_file.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    at = data.index(needle)
    assert at >= page_size, "the needle is on the first page (the schema)"
    start = at - at % page_size
    data[start + 8 : start + 60] = b"\xff" * 52  # past the 8-byte header of a leaf page
    db_file.write_bytes(bytes(data))
    return start // page_size + 1


def misnumber_first_row(db_file: Path, table: str) -> None:
    """Change the rowid of `table`'s first row in the file (a one-page table), keeping the table
    in order: its key index still names the old rowid. PRAGMA quick_check passes; a read
    through the index fails ("database disk image is malformed"), and integrity_check finds
    "row 1 missing from index"."""
    conn = sqlite3.connect(db_file)
    try:
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", [table]
        ).fetchone()
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    finally:
        conn.close()
    data = bytearray(db_file.read_bytes())
    page = (root - 1) * page_size
    assert data[page] == 0x0D, "the table is one leaf page"
    at = page + int.from_bytes(data[page + 8 : page + 10], "big")  # the first cell
    while data[at] & 0x80:  # past the payload size (a varint)
        at += 1
    at += 1
    assert data[at] == 1, "the first row's rowid is 1"
    data[at] = 7
    db_file.write_bytes(bytes(data))


def copy_in_old_layout(new_db, old_db) -> None:
    """Copy the packs, domains and questions of a current database into one made by the
    migrations before 0004, where every choice was a row of the `choices` table (for the tests
    of upgrades)."""
    for table in ("packs", "domains"):  # the columns the old layout has
        names = ", ".join(r[1] for r in old_db.execute(f"PRAGMA table_info({table})"))
        rows = new_db.execute(f"SELECT {names} FROM {table}").fetchall()
        marks = ",".join("?" * len(rows[0]))
        old_db.conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    columns = [r[1] for r in new_db.execute("PRAGMA table_info(questions)") if r[1] != "choices"]
    rows = new_db.execute(f"SELECT {', '.join(columns)} FROM questions").fetchall()
    old_db.conn.executemany(
        f"INSERT INTO questions ({', '.join(columns)}) VALUES ({','.join('?' * len(columns))})",
        rows,
    )
    old_db.conn.executemany(
        "INSERT INTO choices (pack_id, qid, cid, seq, text, correct, why)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (pack_id, qid, cid, seq, text, int(correct), why)
            for pack_id, qid, choices in new_db.execute(
                "SELECT pack_id, qid, choices FROM questions"
            )
            for seq, (cid, text, correct, why) in enumerate(json.loads(choices))
        ],
    )


class FuzzWorld:
    """For the importer's fuzz tests: a database holding version 1 of a 6-question test pack,
    and the entries of a valid version 2 to mutate."""

    def __init__(self, folder: Path) -> None:
        from mlcert_desktop.packs.signing import SecretKey
        from mlcert_desktop.storage.db import open_database

        self.folder = folder
        self.key = SecretKey.generate()
        self.v1 = write_pack(folder / "v1.exampack", self.key, source(6, version=1))
        self.v2_entries = entries(
            write_pack(folder / "v2.exampack", self.key, source(6, version=2))
        )
        self.db = open_database(folder / "db.sqlite3").db
        self.reset()

    def reset(self) -> None:
        """Back to version 1 alone, after an example whose pack was installed."""
        from mlcert_desktop.packs.importer import import_pack

        for table in ("pack_ratchet", "packs", "questions"):
            self.db.execute(f"DELETE FROM {table}")
        import_pack(self.db, self.v1, [self.key.public_key])

    def __repr__(self) -> str:  # hypothesis prints it with every failing example
        return "FuzzWorld"
