"""mlcert-pack, called in-process: keygen, build, verify, inspect, import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from mlcert_desktop import paths
from mlcert_desktop.packs.cli import main
from mlcert_desktop.packs.signing import PublicKey, SecretKey

PACK_ID = "org.example.cli-pack"


def manifest() -> dict:
    return {
        "format": 1,
        "pack_id": PACK_ID,
        "pack_version": 1,
        "title": "CLI test pack",
        "exam": {
            "code": "CLI-C01",
            "name": "CLI Certification",
            "status": "current",
            "duration_minutes": 30,
            "question_count": 5,
            "unscored_count": 1,
            "passing_score": 750,
            "score_scale": [100, 1000],
        },
        "domains": [
            {"id": 1, "name": "Data Engineering", "weight": 40},
            {"id": 2, "name": "Modeling", "weight": 60},
        ],
        "created": "2026-01-01",
        "license": "CC BY-SA 4.0",
        "authors": ["tests"],
    }


def yaml_question(qid: str, domain: int, task: str, multiple: bool = False) -> dict:
    if multiple:
        return {
            "id": qid,
            "practice_exam": 1,
            "domain": domain,
            "task": task,
            "type": "multiple",
            "select": 2,
            "difficulty": 3,
            "services": ["Amazon SageMaker"],
            "tags": ["tuning"],
            "stem": f"Which TWO options fit {qid}? (Choose TWO.)\n",
            "choices": [
                {"id": c, "text": f"Option {c}", "correct": c in "ab"}
                | ({} if c in "ab" else {"why": "Not this one."})
                for c in "abcde"
            ],
            "explanation": "Because a and b.\n",
            "references": ["https://docs.aws.amazon.com/sagemaker/"],
        }
    return {
        "id": qid,
        "practice_exam": 1,
        "domain": domain,
        "task": task,
        "type": "single",
        "select": 1,
        "difficulty": 2,
        "services": ["Amazon Kinesis Data Streams"],
        "tags": ["streaming"],
        "stem": f"A company streams data. What should it do ({qid})?\n",
        "choices": [
            {"id": c, "text": f"Option {c}", "correct": c == "c"}
            | ({} if c == "c" else {"why": "Not this one."})
            for c in "abcd"
        ],
        "explanation": "Option c is right.\n",
        "references": ["https://docs.aws.amazon.com/streams/latest/dev/"],
    }


def write_source(root: Path, *, broken: bool = False) -> Path:
    src = root / "src" / "cli-pack"
    (src / "questions").mkdir(parents=True)
    (src / "pack.yaml").write_text(yaml.safe_dump(manifest(), sort_keys=False), encoding="utf-8")
    d1 = [yaml_question("d1-01", 1, "1.1"), yaml_question("d1-02", 1, "1.2")]
    d2 = [
        yaml_question("d2-01", 2, "3.2"),
        yaml_question("d2-02", 2, "3.2", multiple=True),
        yaml_question("d2-03", 2, "3.4"),
    ]
    if broken:
        d2[2]["choices"][0]["correct"] = True  # two correct options on a single-answer item
    (src / "questions" / "d1.yaml").write_text(yaml.safe_dump(d1), encoding="utf-8")
    (src / "questions" / "d2.yaml").write_text(yaml.safe_dump(d2), encoding="utf-8")
    return src


@pytest.fixture
def keypair(tmp_path, capsys):
    sec, pub = tmp_path / "keys" / "test.key", tmp_path / "keys" / "test.pub"
    sec.parent.mkdir()
    assert main(["keygen", "-s", str(sec), "-p", str(pub)]) == 0
    capsys.readouterr()
    return sec, pub


@pytest.fixture
def built(tmp_path, keypair, capsys):
    sec, pub = keypair
    src = write_source(tmp_path)
    out = tmp_path / "cli-pack.exampack"
    assert main(["build", str(src), "--key", str(sec), "-o", str(out)]) == 0
    capsys.readouterr()
    return out, pub


def test_keygen_writes_a_loadable_key_pair(tmp_path, capsys):
    sec, pub = tmp_path / "a.key", tmp_path / "a.pub"
    assert main(["keygen", "-s", str(sec), "-p", str(pub)]) == 0
    secret = SecretKey.from_file(sec)
    public = PublicKey.from_file(pub)
    assert secret.public_key == public
    assert public.key_id_hex in capsys.readouterr().out
    assert sec.stat().st_mode & 0o077 == 0  # the secret key is private to its owner


def test_keygen_does_not_overwrite_without_force(tmp_path, capsys):
    sec, pub = tmp_path / "a.key", tmp_path / "a.pub"
    assert main(["keygen", "-s", str(sec), "-p", str(pub)]) == 0
    first = sec.read_bytes()
    capsys.readouterr()
    assert main(["keygen", "-s", str(sec), "-p", str(pub)]) == 1
    assert "--force" in capsys.readouterr().err
    assert sec.read_bytes() == first
    assert main(["keygen", "-s", str(sec), "-p", str(pub), "--force"]) == 0
    assert sec.read_bytes() != first
    assert SecretKey.from_file(sec).public_key == PublicKey.from_file(pub)


def test_build_then_verify(tmp_path, keypair, capsys):
    sec, pub = keypair
    src = write_source(tmp_path)
    out = tmp_path / "out" / "cli-pack.exampack"
    out.parent.mkdir()
    assert main(["build", str(src), "--key", str(sec), "-o", str(out)]) == 0
    built_msg = capsys.readouterr().out
    assert "5 questions" in built_msg and "CLI test pack v1" in built_msg
    assert out.is_file()
    assert not out.with_suffix(".exampack.tmp").exists()

    assert main(["verify", str(out), "--pubkey", str(pub)]) == 0
    ok = capsys.readouterr().out
    assert ok.startswith("OK:")
    assert PublicKey.from_file(pub).key_id_hex in ok

    assert main(["verify", str(out)]) == 1
    captured = capsys.readouterr()
    assert "unknown key" in captured.err
    assert captured.err.startswith("mlcert-pack: ")


def test_build_is_reproducible_and_uses_the_env_key(tmp_path, keypair, capsys, monkeypatch):
    sec, _ = keypair
    src = write_source(tmp_path)
    monkeypatch.setenv("MLCERT_SIGNING_KEY", str(sec))
    assert main(["build", str(src)]) == 0
    default_out = tmp_path / "cli-pack.exampack"  # next to src/, as in question_packs/
    assert default_out.is_file()
    again = tmp_path / "again.exampack"
    assert main(["build", str(src), "-o", str(again)]) == 0
    assert again.read_bytes() == default_out.read_bytes()


def test_build_without_a_key_fails(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("MLCERT_SIGNING_KEY", raising=False)
    src = write_source(tmp_path)
    assert main(["build", str(src), "-o", str(tmp_path / "x.exampack")]) == 1
    assert "No signing key" in capsys.readouterr().err
    assert not (tmp_path / "x.exampack").exists()


def test_inspect_json_reports_counts(built, capsys):
    out, pub = built
    assert main(["inspect", str(out), "--pubkey", str(pub), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["pack_id"] == PACK_ID
    assert info["version"] == 1
    assert info["question_count"] == 5
    assert info["by_domain"] == {"1": 2, "2": 3}
    assert info["by_task"] == {"1.1": 1, "1.2": 1, "3.2": 2, "3.4": 1}
    assert info["by_type"] == {"multiple": 1, "single": 4}
    assert info["practice_exams"] == {"Practice exam 1": 5}
    assert info["signer_key_id"] == PublicKey.from_file(pub).key_id_hex
    assert info["exam"]["code"] == "CLI-C01"


def test_inspect_text(built, capsys):
    out, pub = built
    assert main(["inspect", str(out), "--pubkey", str(pub)]) == 0
    text = capsys.readouterr().out
    assert "CLI test pack" in text
    assert "Questions: 5" in text
    assert "by domain: 1: 2, 2: 3" in text


def test_import_twice_reports_installed_then_unchanged(built, tmp_path, capsys):
    out, pub = built
    data_dir = tmp_path / "appdata"
    args = ["import", str(out), "--pubkey", str(pub), "--data-dir", str(data_dir)]
    assert main(args) == 0
    assert "installed (5 questions)" in capsys.readouterr().out
    assert (data_dir / "mlcert.sqlite3").is_file()
    assert main(args) == 0
    assert "unchanged" in capsys.readouterr().out


def test_import_into_the_data_folder_of_a_running_app_is_refused(built, tmp_path, capsys):
    """The app holds its data folder's lock while it runs: the CLI does not write (or
    migrate) that database under it."""
    from mlcert_desktop.single_instance import InstanceLock

    out, pub = built
    data_dir = tmp_path / "appdata"
    data_dir.mkdir()
    app = InstanceLock(paths.lock_path(data_dir))
    assert app.acquire()
    try:
        args = ["import", str(out), "--pubkey", str(pub), "--data-dir", str(data_dir)]
        assert main(args) == 1
    finally:
        app.release()
    assert "mlcert-desktop is running" in capsys.readouterr().err
    assert not (data_dir / "mlcert.sqlite3").exists()
    assert main(args) == 0  # once the app is closed


def test_import_of_an_untrusted_pack_fails(built, tmp_path, capsys):
    out, _ = built
    assert main(["import", str(out), "--data-dir", str(tmp_path / "appdata")]) == 1
    assert "unknown key" in capsys.readouterr().err


def test_build_names_the_file_and_question_of_a_bad_key(tmp_path, keypair, capsys):
    sec, _ = keypair
    src = write_source(tmp_path, broken=True)
    out = tmp_path / "broken.exampack"
    assert main(["build", str(src), "--key", str(sec), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "d2.yaml" in err
    assert "d2-03" in err
    assert "2 correct choices" in err
    assert not out.exists()


def test_build_of_a_folder_without_pack_yaml_fails(tmp_path, keypair, capsys):
    sec, _ = keypair
    assert main(["build", str(tmp_path), "--key", str(sec), "-o", str(tmp_path / "x")]) == 1
    assert "pack.yaml" in capsys.readouterr().err


def test_verify_of_a_missing_file_fails(tmp_path, capsys):
    assert main(["verify", str(tmp_path / "missing.exampack")]) == 1
    assert "Cannot read" in capsys.readouterr().err
