"""What every screen needs: the database, the data folder, and the clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils


@dataclass
class AppContext:
    db: sqlite_utils.Database
    data_dir: Path
    clock: Callable[[], float] = field(default=time.monotonic)
    tick_ms: int = 250  # how often the exam timer is refreshed and checked
    exam_seed: int | None = None  # fixed seed: reproducible exams (tests); None: random
