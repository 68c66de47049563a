"""What every screen needs: the database, the data folder, and the clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils


class AppContext:
    """Passed to every screen. A plain class, not a dataclass: it is defined at start-up, where
    each dataclass definition costs about a millisecond (see docs/architecture.md)."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        data_dir: Path,
        clock: Callable[[], float] = time.monotonic,
        tick_ms: int = 250,  # how often the exam timer is refreshed and checked
        exam_seed: int | None = None,  # fixed seed: reproducible exams (tests); None: random
    ) -> None:
        self.db = db
        self.data_dir = data_dir
        self.clock = clock
        self.tick_ms = tick_ms
        self.exam_seed = exam_seed
