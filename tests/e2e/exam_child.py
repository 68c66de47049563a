"""Child process for the crash tests: starts a real exam (or, with "practice", a practice
session) on the bundled pack, answers a few questions, prints what it did as one JSON line,
then keeps running until it is killed."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from mlcert_desktop import paths  # noqa: E402
from mlcert_desktop.packs import importer  # noqa: E402
from mlcert_desktop.storage import packs_repo  # noqa: E402
from mlcert_desktop.storage.db import open_database  # noqa: E402
from mlcert_desktop.ui.context import AppContext  # noqa: E402
from mlcert_desktop.ui.main_window import MainWindow  # noqa: E402


def main() -> None:
    app = QApplication([])
    data = Path(sys.argv[1])
    db = open_database(paths.db_path(data)).db
    importer.import_bundled(db)
    window = MainWindow(AppContext(db, data), fullscreen_exams=False)
    window.show()
    pack = packs_repo.list_packs(db)[0]
    if sys.argv[2:] == ["practice"]:
        practise(window, pack)
    else:
        window.start_exam(pack, pack.blueprint)
        sit(window)
    app.exec()


def practise(window, pack) -> None:
    from mlcert_desktop.core.study import Grade

    window.start_drill(pack.pack_id, "unseen")
    c = window.controller
    for pos in range(2):
        for i in range(c.session.current.question.select):  # a complete answer, right or not
            c.choose_index(pos + i)
        assert c.check()
        if pos == 1:
            c.regrade(Grade.EASY)
        c.next()
    c.choose_index(0)  # chosen, not checked yet
    print(
        json.dumps(
            {
                "attempt": c.attempt_id,
                "position": c.session.position,
                "checked": {p: [x.correct, int(x.grade)] for p, x in c.checked_items.items()},
                "answers": [sorted(it.selected) for it in c.session.items],
            }
        ),
        flush=True,
    )


def sit(window) -> None:
    c = window.controller
    c.choose_index(1)
    c.set_flag(True)
    c.next()
    c.choose_index(0)
    c.next()
    c.next()
    s = c.session
    print(
        json.dumps(
            {
                "attempt": c.attempt_id,
                "position": s.position,
                "answers": [sorted(it.selected) for it in s.items],
                "flags": [it.flagged for it in s.items],
                "time_used": s.time_used,
                "time_limit": s.time_limit,
            }
        ),
        flush=True,
    )


main()
