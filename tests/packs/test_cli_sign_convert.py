"""mlcert-pack convert (-> source folder -> build) and mlcert-pack sign (re-signing)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
import yaml

from mlcert_desktop.packs import format as fmt
from mlcert_desktop.packs import importer
from mlcert_desktop.packs.cli import main
from mlcert_desktop.packs.errors import PackSignatureError, UntrustedKeyError
from mlcert_desktop.packs.signing import PublicKey, SecretKey

FIXTURES = Path(__file__).parents[1] / "fixtures" / "convert"


def make_key(tmp_path: Path, name: str) -> tuple[Path, Path]:
    sec, pub = tmp_path / f"{name}.key", tmp_path / f"{name}.pub"
    key = SecretKey.generate()
    sec.write_text(key.to_text(), encoding="utf-8")
    pub.write_text(key.public_key.to_text(), encoding="utf-8")
    return sec, pub


@pytest.mark.parametrize(
    ("fixture", "extra", "converted", "skipped"),
    [
        ("sample.gift", [], 5, 3),
        ("sample.txt", ["--from", "aiken"], 2, 3),
        ("sample.xml", [], 2, 2),
    ],
)
def test_convert_then_build_end_to_end(tmp_path, capsys, fixture, extra, converted, skipped):
    out = tmp_path / "src"
    assert main(["convert", str(FIXTURES / fixture), "-o", str(out), *extra]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[-1] == f"converted {converted}, skipped {skipped}"
    assert sum(line.startswith("skipped question ") for line in printed) == skipped

    manifest = yaml.safe_load((out / "pack.yaml").read_text(encoding="utf-8"))
    assert manifest["pack_id"] == "local.converted.sample"
    assert manifest["created"] == dt.date.today().isoformat()
    assert manifest["exam"]["question_count"] == converted
    fmt.validate_manifest({**manifest, "files": {fmt.QUESTIONS: {"sha256": "0" * 64, "size": 0}}})
    questions = yaml.safe_load((out / "questions" / "sample.yaml").read_text(encoding="utf-8"))
    assert len(questions) == converted

    sec, pub = make_key(tmp_path, "author")
    pack = tmp_path / "sample.exampack"
    assert main(["build", str(out), "--key", str(sec), "-o", str(pack)]) == 0
    verified = importer.read_pack(pack, [PublicKey.from_file(pub)])
    assert [q.id for q in verified.questions] == [q["id"] for q in questions]


def test_convert_options_and_unicode_yaml(tmp_path, capsys):
    out = tmp_path / "src"
    args = ["convert", str(FIXTURES / "sample.gift"), "--from", "gift", "-o", str(out)]
    args += ["--pack-id", "org.example.gift", "--title", "GIFT bank", "--exam-code", "GB-1"]
    assert main(args) == 0
    manifest = yaml.safe_load((out / "pack.yaml").read_text(encoding="utf-8"))
    assert (manifest["pack_id"], manifest["title"]) == ("org.example.gift", "GIFT bank")
    assert manifest["exam"]["code"] == "GB-1" and manifest["exam"]["name"] == "GIFT bank"
    assert "Zürich – 東京" in (out / "questions" / "sample.yaml").read_text(encoding="utf-8")


def test_convert_with_nothing_convertible_exits_1(tmp_path, capsys):
    bank = tmp_path / "essays.gift"
    bank.write_text("Tell me about S3. {}\n\nTrue? {T}\n", encoding="utf-8")
    assert main(["convert", str(bank), "-o", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "skipped question 1 (line 1): essay questions are not supported",
        "skipped question 2 (line 3): true/false questions are not supported",
        "converted 0, skipped 2",
    ]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pack-id", "Not An Id"], "reverse-DNS"),
        (["--from", "gift"], "is not empty"),
    ],
)
def test_convert_refuses_bad_ids_and_non_empty_folders(tmp_path, capsys, args, message):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x", encoding="utf-8")
    if "--pack-id" in args:
        out = tmp_path / "fresh"
    assert main(["convert", str(FIXTURES / "sample.gift"), "-o", str(out), *args]) == 1
    assert message in capsys.readouterr().err


def test_convert_needs_a_format_for_unknown_extensions(tmp_path, capsys):
    bank = tmp_path / "bank.dat"
    bank.write_bytes((FIXTURES / "sample.txt").read_bytes())
    assert main(["convert", str(bank), "-o", str(tmp_path / "o")]) == 1
    assert "--from" in capsys.readouterr().err
    assert main(["convert", str(bank), "--from", "aiken", "-o", str(tmp_path / "o")]) == 0


def test_convert_reports_an_xml_bomb(tmp_path, capsys):
    bomb = tmp_path / "bomb.xml"
    bomb.write_bytes(b'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaa">]><quiz>&a;</quiz>')
    assert main(["convert", str(bomb), "-o", str(tmp_path / "o")]) == 1
    assert "refused" in capsys.readouterr().err


# -- sign ---------------------------------------------------------------------------------------
@pytest.fixture
def built(tmp_path, capsys):
    src = tmp_path / "src"
    assert main(["convert", str(FIXTURES / "sample.xml"), "-o", str(src)]) == 0
    sec, pub = make_key(tmp_path, "old")
    pack = tmp_path / "p.exampack"
    assert main(["build", str(src), "--key", str(sec), "-o", str(pack)]) == 0
    capsys.readouterr()
    return pack, PublicKey.from_file(pub)


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def test_sign_in_place_switches_the_trusted_key(tmp_path, built, capsys):
    pack, old = built
    before = entries(pack)
    sec, pub = make_key(tmp_path, "new")
    new = PublicKey.from_file(pub)
    assert main(["sign", str(pack), "--key", str(sec)]) == 0
    assert new.key_id_hex in capsys.readouterr().out
    assert importer.read_pack(pack, [new]).signer == new
    with pytest.raises(UntrustedKeyError):
        importer.read_pack(pack, [old])
    after = entries(pack)
    assert after[fmt.SIGNATURE] != before[fmt.SIGNATURE]
    assert {k: v for k, v in after.items() if k != fmt.SIGNATURE} == {
        k: v for k, v in before.items() if k != fmt.SIGNATURE
    }
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_sign_to_another_file_leaves_the_original(tmp_path, built, capsys, monkeypatch):
    pack, old = built
    original = pack.read_bytes()
    sec, pub = make_key(tmp_path, "new")
    monkeypatch.setenv("MLCERT_SIGNING_KEY", str(sec))
    out = tmp_path / "resigned.exampack"
    assert main(["sign", str(pack), "-o", str(out)]) == 0
    assert pack.read_bytes() == original
    assert importer.read_pack(pack, [old]).signer == old
    assert importer.read_pack(out, [PublicKey.from_file(pub)]).version == 1


def test_sign_keeps_the_trusted_comment_binding(tmp_path, built):
    pack, _ = built
    sec, pub = make_key(tmp_path, "new")
    assert main(["sign", str(pack), "--key", str(sec)]) == 0
    sig = entries(pack)[fmt.SIGNATURE].decode()
    assert f"trusted comment: {fmt.trusted_comment('local.converted.sample', 1)}" in sig


def test_sign_refuses_unsafe_or_tampered_packs(tmp_path, built, capsys):
    pack, _ = built
    sec, _pub = make_key(tmp_path, "new")
    evil = tmp_path / "evil.exampack"
    with zipfile.ZipFile(pack) as src, zipfile.ZipFile(evil, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("../escape.txt", b"x")
    assert main(["sign", str(evil), "--key", str(sec)]) == 1
    assert "not a file a pack may contain" in capsys.readouterr().err

    tampered = tmp_path / "tampered.exampack"
    with zipfile.ZipFile(pack) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data + b" " if info.filename == fmt.QUESTIONS else data)
    # A signature vouches for the files too: a changed file is refused, nothing is written.
    before = tampered.read_bytes()
    assert main(["sign", str(tampered), "--key", str(sec)]) == 1
    assert "does not match the signed manifest" in capsys.readouterr().err
    assert tampered.read_bytes() == before
    with pytest.raises(PackSignatureError):
        importer.read_pack(tampered, [SecretKey.from_file(sec).public_key])


def test_sign_without_a_key_fails(built, capsys, monkeypatch):
    pack, _ = built
    monkeypatch.delenv("MLCERT_SIGNING_KEY", raising=False)
    before = pack.read_bytes()
    assert main(["sign", str(pack)]) == 1
    assert "No signing key" in capsys.readouterr().err
    assert pack.read_bytes() == before
