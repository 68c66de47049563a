"""The real program in a subprocess: smoke test, single instance, and surviving kill -9."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from mlcert_desktop import paths
from mlcert_desktop.single_instance import InstanceLock
from mlcert_desktop.storage import attempts_repo
from mlcert_desktop.storage.db import open_database
from tests import factory

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def run_app(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mlcert_desktop", *args],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_smoke_test_imports_bundled_pack_into_a_fresh_data_dir(tmp_path):
    data = tmp_path / "data"
    proc = run_app("--smoke-test", "--data-dir", str(data))
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["ok"] is True and result["packs"] == 1
    assert result["questions"] >= 30
    assert (data / "mlcert.sqlite3").exists()
    # A second start finds the pack installed and does not import it again.
    again = json.loads(run_app("--smoke-test", "--data-dir", str(data)).stdout.splitlines()[-1])
    assert again["packs"] == 1 and again["questions"] == result["questions"]


def test_smoke_test_reports_a_damaged_data_file_and_the_next_start_sets_it_aside(tmp_path):
    data = tmp_path / "data"
    assert run_app("--smoke-test", "--data-dir", str(data)).returncode == 0
    db_file = factory.file_with_settings(paths.db_path(data))
    factory.damage_page_holding(db_file, b"key-0200")
    proc = run_app("--smoke-test", "--data-dir", str(data))
    assert proc.returncode == 1
    (problem,) = json.loads(proc.stdout.splitlines()[-1])["problems"]
    assert problem.startswith("The data file is damaged: ")
    # The next start finds the note, checks again, and starts afresh beside the damaged file
    # (and says so); the one after that finds nothing to report.
    again = run_app("--smoke-test", "--data-dir", str(data))
    (moved,) = data.glob("mlcert.corrupt-*.sqlite3")
    assert again.returncode == 1
    assert json.loads(again.stdout.splitlines()[-1])["problems"] == [
        f"The data file could not be read; it was moved aside to {moved} and a fresh one was "
        "started."
    ]
    assert run_app("--smoke-test", "--data-dir", str(data)).returncode == 0


def test_damage_on_a_page_the_start_reads_sets_the_file_aside_at_once(tmp_path):
    """The full check runs once the window is up; damage that the start itself trips on (here
    the installed packs' row) is noted and the file set aside in the same start."""
    data = tmp_path / "data"
    assert run_app("--smoke-test", "--data-dir", str(data)).returncode == 0
    factory.damage_page_holding(paths.db_path(data), b"dev.mlcert.aws.mls-c01")
    proc = run_app("--smoke-test", "--data-dir", str(data))
    result = json.loads(proc.stdout.splitlines()[-1])
    (moved,) = data.glob("mlcert.corrupt-*.sqlite3")
    assert result["problems"] == [
        f"The data file could not be read; it was moved aside to {moved} and a fresh one was "
        "started."
    ]
    assert result["packs"] == 1  # the bundled pack, installed afresh
    assert (data / (moved.name + ".damaged")).read_text(encoding="utf-8").strip()


def test_damage_only_the_thorough_check_sees_is_set_aside_too(tmp_path):
    """An index entry whose row is gone: PRAGMA quick_check passes, but the start trips on it.
    The file is noted, opened again with the thorough check, and set aside."""
    data = tmp_path / "data"
    assert run_app("--smoke-test", "--data-dir", str(data)).returncode == 0
    factory.misnumber_first_row(paths.db_path(data), "packs")
    proc = run_app("--smoke-test", "--data-dir", str(data))
    (moved,) = data.glob("mlcert.corrupt-*.sqlite3")
    assert "moved aside" in json.loads(proc.stdout.splitlines()[-1])["problems"][0]
    assert run_app("--smoke-test", "--data-dir", str(data)).returncode == 0


def test_a_restore_asked_for_is_done_at_the_next_start(tmp_path):
    from mlcert_desktop.storage.db import backup_file, request_restore

    data = tmp_path / "data"
    assert run_app("--smoke-test", "--data-dir", str(data)).returncode == 0
    db_file = factory.file_with_settings(paths.db_path(data), n=3)
    saved = backup_file(db_file, data / "backups", reason="daily")
    with sqlite3.connect(db_file) as conn:  # after the backup
        conn.execute("INSERT INTO settings VALUES ('key-after', 'x')")
    conn.close()
    request_restore(db_file, saved)
    assert run_app("--smoke-test", "--data-dir", str(data)).returncode == 0
    (kept,) = data.glob("mlcert.before-restore-*.sqlite3")
    assert not (data / "mlcert.sqlite3.restore").exists()
    opened = open_database(db_file)
    try:
        assert opened.db.execute(
            "SELECT count(*) FROM settings WHERE key LIKE 'key-%'"
        ).fetchone() == (3,)
    finally:
        opened.db.close()


def test_second_instance_on_the_same_data_dir_is_refused(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    lock = InstanceLock(paths.lock_path(data))
    assert lock.acquire()
    try:
        proc = run_app("--smoke-test", "--data-dir", str(data))
    finally:
        lock.release()
    assert proc.returncode == 1
    assert "already running" in proc.stderr
    assert not (data / "mlcert.sqlite3").exists()
    # Once the first one is gone, the folder is free again.
    assert run_app("--smoke-test", "--data-dir", str(data)).returncode == 0


def test_a_data_folder_whose_lock_cannot_be_made_is_refused_clearly(tmp_path):
    data = tmp_path / "data"
    paths.lock_path(data).mkdir(parents=True)  # in the way of the lock file
    proc = run_app("--smoke-test", "--data-dir", str(data))
    assert proc.returncode == 1
    assert f"Cannot use the data folder {data}" in proc.stderr
    assert "--data-dir" in proc.stderr


def test_self_test_opens_every_screen_and_practises_once(tmp_path):
    proc = run_app("--self-test", "--data-dir", str(tmp_path / "data"))
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["self_test"]["ok"] and result["self_test"]["search_hits"] > 0
    again = run_app("--self-test", "--data-dir", str(tmp_path / "data"))
    assert again.returncode == 1  # not on a data folder in use: it would add an answer
    assert "empty --data-dir" in again.stdout


def test_help_describes_the_options():
    proc = run_app("--help")
    assert proc.returncode == 0
    assert "--data-dir" in proc.stdout and "--smoke-test" in proc.stdout


def _run_child_and_kill(data, *args) -> dict:
    with subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "e2e" / "exam_child.py"), str(data), *args],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        try:
            line = child.stdout.readline()
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=30)
        assert line, child.stderr.read()
    assert child.returncode == -signal.SIGKILL
    return json.loads(line)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_practice_survives_kill_9_with_every_checked_answer_and_grade(tmp_path, qtbot):
    data = tmp_path / "data"
    before = _run_child_and_kill(data, "practice")
    from mlcert_desktop.ui.context import AppContext
    from mlcert_desktop.ui.practice_controller import PracticeController

    db = open_database(paths.db_path(data)).db
    try:
        assert [a.id for a in attempts_repo.in_progress(db, "practice")] == [before["attempt"]]
        c = PracticeController.resume(AppContext(db, data), before["attempt"])
        assert c.session.position == before["position"] == 2
        got = {str(p): [x.correct, int(x.grade)] for p, x in c.checked_items.items()}
        assert got == before["checked"] and got["1"][1] == 4  # the Easy override survived
        assert [sorted(it.selected) for it in c.session.items] == before["answers"]
        assert len(before["answers"][2]) == 1  # the unchecked choice was saved too
    finally:
        db.close()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_exam_survives_kill_9_and_resumes_where_it_was(tmp_path, qtbot):
    data = tmp_path / "data"
    before = _run_child_and_kill(data)

    from mlcert_desktop.ui.context import AppContext
    from mlcert_desktop.ui.exam_controller import ExamController

    db = open_database(paths.db_path(data)).db
    try:
        pending = attempts_repo.in_progress(db)
        assert [a.id for a in pending] == [before["attempt"]]
        c = ExamController.resume(AppContext(db, data), before["attempt"])
        s = c.session
        assert s.position == before["position"] == 3
        assert [sorted(it.selected) for it in s.items] == before["answers"]
        assert [it.flagged for it in s.items] == before["flags"]
        assert before["flags"][0] and len(before["answers"][1]) == 1
        lost = s.time_used - before["time_used"]
        assert abs(lost) <= 1.0, f"{lost:.3f} s of exam time changed across the crash"
        assert s.time_limit == before["time_limit"] == 180 * 60
    finally:
        db.close()


def test_start_up_leaves_the_costly_parts_for_later(tmp_path):
    """What the first paint does not need stays unloaded: PySide's `Qt` namespace (~100 enums,
    about 15 ms), `dataclasses` (start-up records are NamedTuples or plain classes), exam
    sessions, the other screens and dialogs, the pack importer (the bundled pack is already
    installed) and the table helpers."""
    data = str(tmp_path / "data")
    assert run_app("--smoke-test", "--data-dir", data).returncode == 0  # installs the pack
    code = (
        "import sys, io, contextlib\n"
        "from mlcert_desktop.app import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['--smoke-test', '--data-dir', {data!r}]) == 0\n"
        "import PySide6.QtCore\n"
        "print('Qt' in PySide6.QtCore.__dict__)\n"
        "print(sorted(m for m in sys.modules if m.startswith('mlcert_desktop.ui.screens.')))\n"
        "print(sorted(m for m in ('dataclasses', 'mlcert_desktop.core.session',"
        " 'mlcert_desktop.packs.importer', 'mlcert_desktop.ui.widgets.table')"
        " if m in sys.modules))\n"
        "import gc\n"
        "print(gc.isenabled())\n"  # paused while starting, on again after the first paint
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=ENV, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    qt, screens, loaded, collecting = proc.stdout.splitlines()[-4:]
    assert collecting == "True"
    assert qt == "False"
    assert screens == "['mlcert_desktop.ui.screens.home']"
    assert loaded == "[]"


def test_a_refused_start_leaves_the_garbage_collector_on(tmp_path):
    """main() pauses the collector while starting; a start that fails early turns it back on."""
    code = (
        "import gc, io, contextlib\n"
        "from mlcert_desktop.app import main\n"
        f"bad = {str(tmp_path / 'file')!r}\n"
        "open(bad, 'w').close()\n"
        "with contextlib.redirect_stderr(io.StringIO()):\n"
        "    code = main(['--smoke-test', '--data-dir', bad + '/data'])\n"
        "print(code, gc.isenabled())\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=ENV, capture_output=True, text=True
    )
    assert proc.stdout.split() == ["1", "True"], proc.stderr


def test_the_smoke_test_fails_where_sqlite_is_not_serialized(monkeypatch):
    """Background imports share the window's connection: a build whose SQLite does not
    serialise calls across threads must fail its smoke test (release.yml runs it on each OS)."""
    import sqlite3
    import sys

    from mlcert_desktop import app

    assert app._sqlite_threadsafe_option() == "1"  # here, and on every platform we build on
    if sys.version_info >= (3, 11):  # where Python reports the same setting
        assert sqlite3.threadsafety == 3
    assert app._platform_problems() == []
    monkeypatch.setattr(app, "_sqlite_threadsafe_option", lambda: "2")
    (problem,) = app._platform_problems()
    assert "THREADSAFE=2" in problem and "serialises" in problem
