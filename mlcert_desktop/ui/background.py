"""The one way to run slow work (pack import, backup) off the GUI thread.

`run_in_background(fn, on_done, on_error, on_progress)` runs fn(progress) in the thread pool
and calls the callbacks on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Signals(QObject):
    done = Signal(object)
    error = Signal(object)
    progress = Signal(int, int)


class _Job(QRunnable):
    def __init__(self, fn: Callable, signals: _Signals) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.fn(self.signals.progress.emit)
        except Exception as e:  # reported to the GUI, which shows it to the user
            self.signals.error.emit(e)
        else:
            self.signals.done.emit(result)


_alive: set[_Signals] = set()


def run_in_background(
    fn: Callable[[Callable[[int, int], None]], object],
    on_done: Callable[[object], None],
    on_error: Callable[[Exception], None],
    on_progress: Callable[[int, int], None] | None = None,
) -> None:
    signals = _Signals()
    _alive.add(signals)  # keep the QObject alive until the job reports back

    def finish(cb, value):
        _alive.discard(signals)
        cb(value)

    signals.done.connect(lambda r: finish(on_done, r))
    signals.error.connect(lambda e: finish(on_error, e))
    if on_progress is not None:
        signals.progress.connect(on_progress)
    QThreadPool.globalInstance().start(_Job(fn, signals))
