"""Where things are. The ONLY module that knows about the frozen (PyInstaller) layout.

- resources/ and question_packs/*.exampack sit next to the package in a source checkout and
  inside sys._MEIPASS in a frozen bundle.
- User data lives in the platform's user data folder unless --data-dir says otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP_NAME = "mlcert-desktop"
DB_FILENAME = "mlcert.sqlite3"
LOCK_FILENAME = "mlcert.lock"


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def install_root() -> Path:
    """The folder holding resources/ and question_packs/."""
    if is_frozen():
        return Path(sys._MEIPASS)  # type: ignore[attr-defined]
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return install_root() / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def bundled_packs() -> list[Path]:
    return sorted((install_root() / "question_packs").glob("*.exampack"))


def default_data_dir() -> Path:
    import platformdirs  # only when no --data-dir is given

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=True))


def db_path(data_dir: Path) -> Path:
    return data_dir / DB_FILENAME


def lock_path(data_dir: Path) -> Path:
    """The single-instance lock of a data folder (single_instance.py), held by the app and by
    `mlcert-pack import` while they use the folder's database."""
    return data_dir / LOCK_FILENAME
