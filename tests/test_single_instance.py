"""The single-instance lock: held while the app runs, refused to a second one, and never left
behind by a process that dies."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlcert_desktop import single_instance
from mlcert_desktop.single_instance import InstanceLock

ROOT = Path(__file__).resolve().parents[1]
HOLD = (
    "import sys; from pathlib import Path; from mlcert_desktop.single_instance import "
    "InstanceLock; ok = InstanceLock(Path(sys.argv[1])).acquire(); print(ok, flush=True); "
    "sys.stdin.read()"
)


def test_a_second_lock_is_refused_until_the_first_is_released(tmp_path):
    first, second = InstanceLock(tmp_path / "x.lock"), InstanceLock(tmp_path / "x.lock")
    assert first.acquire()
    assert not second.acquire(timeout=0.05)
    first.release()
    assert second.acquire(timeout=0.5)
    second.release()


def test_another_process_is_refused_while_the_lock_is_held(tmp_path):
    lock = InstanceLock(tmp_path / "x.lock")
    assert lock.acquire()
    try:
        out = subprocess.run(
            [sys.executable, "-c", HOLD, str(tmp_path / "x.lock")],
            input="",
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
    finally:
        lock.release()
    assert out.stdout.split() == ["False"]


def test_a_killed_holder_leaves_no_lock_behind(tmp_path):
    with subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path / "x.lock")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    ) as child:
        assert child.stdout.readline().split() == ["True"]
        assert not InstanceLock(tmp_path / "x.lock").acquire(timeout=0)
        child.kill()
        child.wait()
    lock = InstanceLock(tmp_path / "x.lock")
    assert lock.acquire(timeout=2)
    lock.release()


def test_a_lock_file_that_cannot_be_opened_raises(tmp_path):
    (tmp_path / "x.lock").mkdir()
    with pytest.raises(OSError):
        InstanceLock(tmp_path / "x.lock").acquire()


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open files via /proc")
def test_a_locking_error_is_raised_and_closes_the_file(tmp_path, monkeypatch):
    def broken(fd):
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(single_instance, "_lock", broken)
    before = _open_fds()
    with pytest.raises(OSError, match="I/O error"):
        InstanceLock(tmp_path / "x.lock").acquire()
    assert _open_fds() == before


def test_a_file_system_that_cannot_lock_runs_without_the_lock(tmp_path, monkeypatch):
    """As QLockFile did: some network mounts have no locks; the app warns and runs."""

    def unsupported(fd):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(single_instance, "_lock", unsupported)
    lock = InstanceLock(tmp_path / "x.lock")
    assert lock.acquire() and lock.unsupported
    lock.release()  # nothing to unlock: only closes
