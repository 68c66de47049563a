"""One running app per data folder: an advisory lock on `<data folder>/mlcert.lock`.

The operating system releases the lock when the process ends, however it ends (quit, crash,
kill, power loss), so a lock is never left behind and nothing has to decide whether an old one
is stale. Nothing is written to the file: QLockFile, used before, wrote its owner into it and
flushed it to the disk (fdatasync) on every start, on the way to the first window (a few
milliseconds on a busy or spinning disk).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

if os.name == "nt":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # the first byte (beyond the end is allowed)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


class InstanceLock:
    """`acquire()` is False while another process holds the lock; OSError if the lock file
    cannot be opened at all (a folder that cannot be written, say)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self, timeout: float = 0.1) -> bool:
        """Take the lock, waiting up to `timeout` seconds for an app that is just quitting."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + timeout
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                os.close(fd)
                return False
            time.sleep(0.01)
        self._fd = fd
        return True

    def release(self) -> None:
        """Closing the file releases the lock (the file itself stays, empty and harmless)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
