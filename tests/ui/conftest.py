"""GUI fixtures: a window over a fresh database holding a small signed test pack."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThreadPool

from mlcert_desktop.packs import importer
from mlcert_desktop.storage import packs_repo
from mlcert_desktop.ui import dialogs
from mlcert_desktop.ui.context import AppContext
from mlcert_desktop.ui.main_window import MainWindow
from tests import factory

SEED = 1  # with this seed the 5-question exam holds a multiple-response item, not first


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def ctx(tmp_path, fresh_db, secret_key, clock):
    pack = factory.write_pack(tmp_path / "t.exampack", secret_key, factory.source(12))
    importer.import_pack(fresh_db, pack, [secret_key.public_key])
    return AppContext(db=fresh_db, data_dir=tmp_path, clock=clock, tick_ms=5, exam_seed=SEED)


@pytest.fixture(autouse=True)
def confirmations(monkeypatch):
    """Answers the app's confirmation dialogs; records what was asked."""
    asked: list[tuple[str, str]] = []
    answers = {"value": True}

    def confirm(parent, title, text, ok_text, **options):
        asked.append((title, text))
        return answers["value"]

    shown: list[tuple[str, str, str]] = []
    monkeypatch.setattr(dialogs, "confirm", confirm)
    monkeypatch.setattr(dialogs, "info", lambda p, title, text: shown.append(("info", title, text)))
    monkeypatch.setattr(
        dialogs, "error", lambda p, title, text: shown.append(("error", title, text))
    )
    return type("Confirmations", (), {"asked": asked, "answers": answers, "shown": shown})


@pytest.fixture
def window(qtbot, ctx):
    w = MainWindow(ctx, fullscreen_exams=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    yield w
    # Close while the database is still open: quitting mid-exam saves it for resuming. No
    # background job (a pack import) may outlive the test's database.
    w.close()
    QThreadPool.globalInstance().waitForDone()


@pytest.fixture
def pack_info(ctx):
    return packs_repo.list_packs(ctx.db)[0]
