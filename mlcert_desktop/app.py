"""Start the desktop app: arguments, data folder, single-instance lock, first-start import."""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path

from mlcert_desktop import __version__, paths

HELP = """\
Sit realistic, timed practice exams for AWS machine-learning certifications, offline.
Your answers, history and imported packs are kept in the data folder (default: the
platform's user data folder, e.g. ~/.local/share/mlcert-desktop on Linux)."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    if argv is not None:
        common = _parse_common(argv)
        if common is not None:
            return common
    return _parser().parse_args(argv)


# How long after the window opens the data file is checked in full (MainWindow.check_data_file).
INTEGRITY_CHECK_DELAY_MS = 1000

# The options that take no value, and their names in the parsed arguments.
_FLAGS = {"--smoke-test": "smoke_test", "--self-test": "self_test", "--windowed": "windowed"}


def _parse_common(argv: list[str]) -> argparse.Namespace | None:
    """The usual command lines (none, a pack file, the flags and --data-dir spelled out) as
    _parser() parses them, without building it: its help formatter and translation lookups
    cost a few milliseconds of every start. None for anything else (help, version,
    abbreviations, --opt=value, mistakes), which argparse then parses and explains; a test
    checks both agree wherever this answers."""
    found: dict = dict(data_dir=None, smoke_test=False, self_test=False, windowed=False, pack=None)
    rest = iter(argv)
    for arg in rest:
        if arg in _FLAGS:
            found[_FLAGS[arg]] = True
        elif arg == "--data-dir" and found["data_dir"] is None:
            value = next(rest, "")
            if not value or value.startswith("-"):
                return None
            found["data_dir"] = Path(value)
        elif arg and not arg.startswith("-") and found["pack"] is None:
            found["pack"] = Path(arg)
        else:
            return None
    return argparse.Namespace(**found)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mlcert-desktop", description=HELP)
    p.add_argument("--data-dir", type=Path, help="keep all user data in this folder instead")
    p.add_argument(
        "--smoke-test",
        action="store_true",
        help="open the window, check the database and bundled packs, print one JSON line, exit",
    )
    p.add_argument(
        "--self-test",
        action="store_true",
        help="as --smoke-test, then also open every screen and run a practice question "
        "(use with an empty --data-dir: it records one answer)",
    )
    p.add_argument(
        "--windowed", action="store_true", help="do not switch to full screen during exams"
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument(
        "pack", nargs="?", type=Path, help="a .exampack file to import (e.g. double-clicked)"
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # No cyclic garbage collection until the window is painted: starting creates tens of
    # thousands of long-lived objects and almost no garbage, and the collector would walk
    # them again and again (about 7 ms).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _start(args, gc_was_enabled)
    finally:
        if gc_was_enabled:
            gc.enable()


def _start(args: argparse.Namespace, gc_was_enabled: bool) -> int:
    # Everything is imported only now, so --help and --version answer at once. Once PySide6
    # is loaded, it reads the source of each module that an import statement names after that
    # (looking for `from __feature__ import ...`): 0.5 ms for typing.py alone. So the modules
    # without Qt come first, storage's and the UI's. The main window comes next, before
    # anything else imports PySide6: the standard modules it imports at its top (typing,
    # pathlib, random) are then imported before PySide6 is. About 1.5 ms of every start.
    import sqlite3

    from mlcert_desktop.packs import bundled
    from mlcert_desktop.packs.errors import PackError
    from mlcert_desktop.single_instance import InstanceLock
    from mlcert_desktop.storage import attempts_repo, packs_repo, study_repo  # noqa: F401
    from mlcert_desktop.storage.db import first_findings, integrity_problem, note_damage
    from mlcert_desktop.ui import formatting  # noqa: F401 - see above
    from mlcert_desktop.ui.context import AppContext

    from mlcert_desktop.ui.main_window import MainWindow  # isort: skip

    from PySide6.QtWidgets import QApplication  # isort: skip

    from mlcert_desktop.ui.theme import apply_theme, create_application  # isort: skip

    app = QApplication.instance() or create_application(sys.argv[:1])
    app.setApplicationName("mlcert-desktop")
    app.setApplicationVersion(__version__)
    apply_theme(app)

    data_dir = (args.data_dir or paths.default_data_dir()).expanduser().resolve()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        return _fail(
            args,
            f"Cannot create the data folder {data_dir}: {e.strerror}. "
            "Choose another one with --data-dir.",
        )
    lock = InstanceLock(paths.lock_path(data_dir))
    try:
        locked = lock.acquire()
    except OSError as e:
        return _fail(
            args,
            f"Cannot use the data folder {data_dir}: {e.strerror}. "
            "Choose another one with --data-dir.",
        )
    if not locked:
        return _fail(
            args,
            "mlcert-desktop is already running with this data folder "
            f"({data_dir}). Switch to the open window, or close it first.",
        )
    if lock.unsupported:
        print(
            f"mlcert-desktop: the file system of {data_dir} cannot lock files, so a second copy "
            "of the app on this folder would not be stopped. Run only one at a time.",
            file=sys.stderr,
        )
    db_file = paths.db_path(data_dir)
    checking = args.smoke_test or args.self_test  # no dialogs: they report, in their JSON line
    opened, restored = _open(db_file, checking)
    problems: list[str] = []

    def build() -> MainWindow:
        try:
            bundled.import_bundled(opened.db)  # loads the importer only when a pack needs it
        except PackError as e:
            problems.append(f"A pack that came with the app could not be installed: {e}")
        ctx = AppContext(db=opened.db, data_dir=data_dir)
        return MainWindow(ctx, fullscreen_exams=not args.windowed)

    try:
        window = build()
    except sqlite3.DatabaseError as e:
        if type(e) is not sqlite3.DatabaseError:
            raise  # locked, disk full, a constraint...: not damage ("disk image is malformed")
        # Damage on a page the start reads (the full check runs once the window is up): noted,
        # the file is opened again, which checks it thoroughly and moves it aside.
        note_damage(db_file, str(e))
        opened.db.close()
        opened, restored = _open(db_file, checking)
        problems.clear()
        try:
            window = build()
        except sqlite3.DatabaseError as again:
            return _fail(
                args,
                f"The data file {db_file} cannot be read ({again}), though SQLite's checks "
                "find nothing wrong with it. Move it out of the folder to start afresh, or put "
                f"a backup from {db_file.parent / 'backups'} in its place.",
            )
    db = opened.db
    if checking and opened.restore_failed:
        problems.append(f"The backup was not restored: {opened.restore_failed}.")
    if checking and opened.moved_aside:
        problems.append(
            f"The data file could not be read; it was moved aside to {opened.moved_aside} "
            "and a fresh one was started."
        )
    window.show()
    if args.smoke_test or args.self_test:
        app.processEvents()  # the first paint
        painted_at = time.time()
        if gc_was_enabled:
            gc.enable()
        packs = packs_repo.list_packs(db)
        problems += _platform_problems()
        damage = integrity_problem(db_file)  # the app runs it in the background
        if damage is not None:
            problems.append(f"The data file is damaged: {first_findings(damage)}")
        result = {
            "ok": not problems and bool(packs) and window.isVisible(),
            "version": __version__,
            "data_dir": str(data_dir),
            "packs": len(packs),
            "questions": packs_repo.question_count(db),
            "frozen": paths.is_frozen(),
            "problems": problems,
            "painted_at": painted_at,  # wall clock: the start-up benchmark's end point
        }
        if args.self_test and result["ok"]:
            from mlcert_desktop.ui import self_test

            result["self_test"] = self_test.run(window)
            result["ok"] = result["self_test"]["ok"]
        print(json.dumps(result), flush=True)
        window.close()
        lock.release()
        return 0 if result["ok"] else 1
    from mlcert_desktop.ui import error_log

    # Not in the smoke and self tests: they must fail with an exit code, not wait on a dialog.
    error_log.install(window, data_dir / "errors.log")
    news = (opened.moved_aside and not restored) or opened.restored or opened.restore_failed
    if news or problems:
        from mlcert_desktop.ui import dialogs  # QMessageBox: only when there is news to tell

        if opened.moved_aside and not restored:
            dialogs.error(
                window,
                "Your data file was damaged",
                "The database could not be read, so it was moved aside to\n"
                f"{opened.moved_aside}\nand a fresh one was started. To go back to one of the "
                "automatic backups, use File > Restore a backup…",
            )
        if opened.restored:
            dialogs.info(
                window,
                "Backup restored",
                "The backup you chose is now your data. The data it replaced is kept as\n"
                f"{opened.restored}",
            )
        if opened.restore_failed:
            dialogs.error(
                window,
                "The backup was not restored",
                f"The backup was not restored: {opened.restore_failed}. Your data is as it was.",
            )
        for p in problems:
            dialogs.error(window, "Bundled pack", p)
    if args.pack is not None:
        window.import_pack(args.pack)
    from PySide6.QtCore import QThreadPool, QTimer

    if gc_was_enabled:
        QTimer.singleShot(0, gc.enable)  # once the event loop runs: the first paint is due
    # The full check of the data file reads all of it: in the background, once the window is up.
    QTimer.singleShot(INTEGRITY_CHECK_DELAY_MS, window.check_data_file)
    code = app.exec()
    # A pack import still writing in the background finishes (its one transaction commits)
    # before the database and the process go away.
    QThreadPool.globalInstance().waitForDone()
    lock.release()
    return code


def _open(db_file: Path, checking: bool):
    """open_database(), and the offer of a backup when the file had to be moved aside (not in
    the smoke and self tests). (OpenedDatabase, whether a backup was restored.)"""
    from mlcert_desktop.storage.db import open_database

    opened = open_database(db_file, carry_out_restore=True)
    if opened.moved_aside and not checking:
        return offer_restore(opened)
    return opened, False


def offer_restore(opened):
    """The data file was damaged, so it was moved aside and a fresh one started: offer the
    newest automatic backup that passes SQLite's full check instead. (OpenedDatabase, whether
    it was restored.)"""
    import datetime as dt

    from mlcert_desktop.storage import db as dbmod
    from mlcert_desktop.ui import dialogs

    newest = dbmod.newest_sound_backup(opened.path.parent / "backups")
    if newest is None:
        return opened, False
    made = dt.datetime.fromtimestamp(newest.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    if not dialogs.confirm(
        None,
        "Your data file was damaged",
        "The database could not be read, so it was moved aside to\n"
        f"{opened.moved_aside}\n\nRestore the automatic backup of {made}? Your answers and "
        "packs are as they were then; what you did after it is not in it.\n\nOtherwise a "
        "fresh database is started: the bundled pack is installed again and your history is "
        "empty.",
        "Restore the backup",
        cancel_text="Start a fresh one",
        default_ok=True,
    ):
        return opened, False
    opened.db.close()
    try:
        restored = dbmod.restore_backup(newest, opened.path)
    except OSError as e:
        dialogs.error(
            None,
            "The backup could not be restored",
            f"Copying {newest} failed: {e.strerror or e}. A fresh database is used instead; "
            "the backup is still there, and the damaged file is kept.",
        )
        return dbmod.open_database(opened.path)._replace(moved_aside=opened.moved_aside), False
    return restored._replace(moved_aside=opened.moved_aside), True


def _platform_problems() -> list[str]:
    """What the smoke test checks of the platform beyond the window (release builds run it on
    every OS): pack imports run on a worker thread over the window's SQLite connection, which
    is safe only when SQLite serialises the calls on a connection (compiled THREADSAFE=1)."""
    mode = _sqlite_threadsafe_option()
    if mode != "1":
        return [
            f"This Python's SQLite is compiled with THREADSAFE={mode or '?'}, not 1 "
            "(serialized); background pack imports would not be safe. Build the app with a "
            "Python whose SQLite serialises calls."
        ]
    return []


def _sqlite_threadsafe_option() -> str:
    """SQLite's compile-time THREADSAFE setting. (sqlite3.threadsafety says the same from
    Python 3.11 on; before, it is always 1, whatever the library does.)"""
    import sqlite3

    conn = sqlite3.connect(":memory:")
    try:
        rows = conn.execute("PRAGMA compile_options").fetchall()
    finally:
        conn.close()
    values = [r[0].split("=", 1)[1] for r in rows if r[0].startswith("THREADSAFE=")]
    return values[0] if values else ""


def _fail(args, message: str) -> int:
    print(f"mlcert-desktop: {message}", file=sys.stderr)
    if not (args.smoke_test or args.self_test):
        from mlcert_desktop.ui import dialogs

        dialogs.error(None, "mlcert-desktop", message)
    return 1
