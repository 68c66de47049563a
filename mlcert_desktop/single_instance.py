"""One running app per data folder: a lock on `<data folder>/mlcert.lock` (paths.lock_path).

An `flock` lock (advisory) on Linux and macOS, a byte-range lock (`msvcrt.locking`) on
Windows. The operating system releases it when the process ends, however it ends (quit, crash,
kill, power loss), so nothing has to decide whether an old lock is stale. Nothing is written to
the file: QLockFile, used before, wrote its owner into it and flushed it to the disk
(fdatasync) on every start, on the way to the first window (a few milliseconds on a busy or
spinning disk).

Where the file system cannot lock at all (some network mounts), the app runs without the
lock, as QLockFile did: `InstanceLock.unsupported` says so.
"""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

# Errors that mean "another process holds it"; any other error is a real problem.
if os.name == "nt":
    import msvcrt

    _HELD = {errno.EACCES, errno.EDEADLOCK}

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # the first byte (beyond the end is allowed)

    def _unlock(fd: int) -> None:
        # Windows frees a closed file's locks only "when resources allow": unlock first.
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    _HELD = {errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES}

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


_UNSUPPORTED = {errno.ENOLCK, errno.EOPNOTSUPP, getattr(errno, "ENOTSUP", errno.EOPNOTSUPP)}


class InstanceLock:
    """`acquire()` is False while another process holds the lock, and raises OSError if the
    lock file cannot be opened or locked for another reason (a folder that cannot be written,
    say)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.unsupported = False  # the file system cannot lock: running without the lock
        self._fd: int | None = None
        self._locked = False

    def acquire(self, timeout: float = 0.1) -> bool:
        """Take the lock, waiting up to `timeout` seconds for an app that is just quitting."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    _lock(fd)
                    self._locked = True
                    break
                except OSError as e:
                    if e.errno in _UNSUPPORTED:
                        self.unsupported = True
                        break
                    if e.errno not in _HELD:
                        raise
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(0.01)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return True

    def release(self) -> None:
        """Unlock and close (the file itself stays, empty and harmless)."""
        if self._fd is None:
            return
        try:
            if self._locked:
                _unlock(self._fd)
        finally:
            os.close(self._fd)
            self._fd = None
            self._locked = False
