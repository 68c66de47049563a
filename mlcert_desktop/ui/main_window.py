"""The main window: a stack of screens, the menu, and the exam's full-screen mode."""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget

from mlcert_desktop import __version__
from mlcert_desktop.core.models import ExamBlueprint, PackInfo
from mlcert_desktop.core.study import Drill
from mlcert_desktop.storage import attempts_repo, packs_repo, study_repo
from mlcert_desktop.ui.context import AppContext
from mlcert_desktop.ui.screens.home import HomeScreen

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent
    from PySide6.QtWidgets import QMenu

    from mlcert_desktop.ui.exam_controller import ExamController
    from mlcert_desktop.ui.pack_import import PackImportFlow
    from mlcert_desktop.ui.practice_controller import PracticeController
    from mlcert_desktop.ui.screens.exam import ExamScreen
    from mlcert_desktop.ui.screens.practice import PracticeScreen
    from mlcert_desktop.ui.screens.review import ReviewScreen


def _dialogs():
    """ui.dialogs, imported on first use (QMessageBox's enums are not needed to start)."""
    from mlcert_desktop.ui import dialogs

    return dialogs


def _action(text: str, parent: QWidget, keys: str = "") -> QAction:
    """QAction(text, parent, shortcut=keys), without its cost at start-up:
    - QAction(text, parent) makes PySide create QIcon (an overload takes one), about 2 ms;
    - PySide resolves setShortcut()'s overloads (and the shortcut= keyword) through the Qt
      namespace, whose ~100 enums take about 15 ms to create;
    - QKeySequence's Python type, with its enums, about 1 ms. The "shortcut" property takes
      the keys as text (portable text: "Ctrl" is Command on macOS), and Qt converts it."""
    action = QAction(parent)
    action.setText(text)
    if keys:
        action.setProperty("shortcut", keys)
    return action


def _separator(menu: QMenu) -> None:
    """menu.addSeparator(), but PySide would look up QWidgetAction to wrap the QAction it
    returns (half a millisecond of every start)."""
    separator = QAction(menu)
    separator.setSeparator(True)
    menu.addAction(separator)


def _backup_label(backup: Path) -> str:
    """ "2026-12-02 10:15:07 · daily · 1.2 MB" for a backup file (storage.db names them
    mlcert-<time>[-n]-<reason>.sqlite3)."""
    import datetime as dt

    info = backup.stat()
    made = dt.datetime.fromtimestamp(info.st_mtime).strftime("%Y-%m-%d %H:%M:%S")
    words = backup.stem.split("-")[4:]  # past "mlcert", the date, the time, the microseconds
    reason = "-".join(words[1:] if words and words[0].isdigit() else words)  # and a counter
    return f"{made} · {reason} · {info.st_size / 1e6:.1f} MB"


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, *, fullscreen_exams: bool = True) -> None:
        super().__init__()
        self.ctx = ctx
        self.fullscreen_exams = fullscreen_exams
        self.setWindowTitle("mlcert-desktop — AWS ML certification exam simulator")
        screen = self.screen().availableGeometry()
        self.resize(min(1280, int(screen.width() * 0.92)), min(820, int(screen.height() * 0.9)))
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.controller: ExamController | None = None
        self.exam_screen: ExamScreen | None = None
        self.review_screen: ReviewScreen | None = None
        self.practice_screen: PracticeScreen | None = None
        self._screens: dict[str, QWidget] = {}

        self.home = HomeScreen(ctx, self.stack)  # built in place: see HomeScreen
        self.stack.addWidget(self.home)
        self.home.startExam.connect(self.start_exam)
        self.home.studyRequested.connect(self.study)
        self.home.resumeExam.connect(self.resume_exam)
        self.home.discardExam.connect(self.discard_exam)
        self.home.historyRequested.connect(self.show_history)
        self.home.packsRequested.connect(self.show_packs)
        self.setAcceptDrops(True)
        self._menus()
        self.show_home()

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        imp = _action("&Import pack…", self, "Ctrl+I")
        imp.triggered.connect(self.import_pack)
        file_menu.addAction(imp)
        restore = _action("&Restore a backup…", self)
        restore.triggered.connect(self.restore_backup)
        file_menu.addAction(restore)
        _separator(file_menu)
        quit_action = _action("&Quit", self, "Ctrl+Q")  # ⌘Q on macOS
        quit_action.triggered.connect(self.close)
        self.addAction(quit_action)  # works while the menu bar is hidden in an exam
        file_menu.addAction(quit_action)
        view = self.menuBar().addMenu("&View")
        hist = _action("&History", self, "Ctrl+H")
        hist.triggered.connect(self.show_history)
        view.addAction(hist)
        packs = _action("&Packs and keys", self, "Ctrl+Shift+P")
        packs.triggered.connect(self.show_packs)
        view.addAction(packs)
        home = _action("H&ome", self, "Ctrl+Shift+H")
        home.triggered.connect(self.show_home)
        view.addAction(home)
        study = self.menuBar().addMenu("&Study")
        for text, what, keys in (
            ("&Practice…", "practice", "Ctrl+P"),
            ("&Due today", Drill.DUE.value, "Ctrl+D"),
            ("&Missed questions", Drill.MISSED.value, "Ctrl+M"),
            ("&Flagged questions", Drill.FLAGGED.value, ""),
            ("&Never seen", Drill.UNSEEN.value, ""),
            ("&Weakest domain", Drill.WEAKEST.value, ""),
            (None, None, None),
            ("&Browse questions", "browse", "Ctrl+B"),
            ("P&rogress", "progress", "Ctrl+G"),
        ):
            if text is None:
                _separator(study)
                continue
            act = _action(text, self, keys)
            act.triggered.connect(lambda _=False, w=what: self._study_menu(w))
            study.addAction(act)
        help_menu = self.menuBar().addMenu("&Help")
        about = _action("&About", self)
        about.triggered.connect(
            lambda: _dialogs().info(
                self,
                "About mlcert-desktop",
                f"mlcert-desktop {__version__}\nAn offline exam simulator for AWS "
                f"machine-learning certifications.\nData folder: {self.ctx.data_dir}",
            )
        )
        help_menu.addAction(about)

    def check_data_file(self) -> None:
        """The full check of the data file (storage.db.integrity_problem) and, when it is sound
        and the newest backup is a day old, a backup of it: on a worker thread, each on a
        connection of its own. The app calls it once its window is up. At start-up only the
        schema is read: the full check reads the whole file, which grows with every pack."""
        path = self.ctx.db.path()
        if not path:  # an in-memory database
            return
        from mlcert_desktop.storage import db as dbmod
        from mlcert_desktop.ui.background import run_in_background

        folder = Path(path).parent / "backups"

        def check(_progress) -> str | None:
            problem = dbmod.integrity_problem(path)
            if problem is None and dbmod.daily_backup_due(folder):
                dbmod.backup_file(path, folder, reason="daily")  # known to be sound
            return problem

        def failed(e: Exception) -> None:  # locked, disk full: nothing to tell the user yet
            print(
                f"mlcert-desktop: the data file was not checked or backed up: {e}", file=sys.stderr
            )

        run_in_background(check, self._data_file_checked, failed)

    def restore_backup(self) -> None:
        """File > Restore a backup…: pick one of the automatic backups. It is checked and copied
        beside the data file, the app closes, and its next start puts the copy in place,
        keeping the data it replaces (storage.db.request_restore): the open database cannot be
        swapped under the app."""
        from mlcert_desktop.storage import db as dbmod

        if self.in_exam:  # the menu bar is hidden in exams; a native one (macOS) may not be
            return
        path = self.ctx.db.path()
        folder = Path(path).parent / "backups"
        labelled = []
        for backup in reversed(dbmod.backups(folder)) if path else ():
            try:
                labelled.append((backup, _backup_label(backup)))
            except OSError:  # rotated away meanwhile
                continue
        if not labelled:
            _dialogs().info(
                self,
                "Restore a backup",
                f"There are no automatic backups in {folder} yet. One is made each day, after "
                "the data file passes its check, and before each migration and pack update.",
            )
            return
        labels = [label for _, label in labelled]
        picked = _dialogs().choose(
            self, "Restore a backup", "Automatic backups, newest first:", labels
        )
        if picked is None:
            return
        if not _dialogs().confirm(
            self,
            "Restore a backup",
            f"Go back to the backup of {labels[picked]}? Your answers, history and packs will "
            "be as they were then.\n\nmlcert-desktop closes now; start it again and it opens "
            "the backup. What you have now is kept beside it (mlcert.before-restore-…), not "
            "deleted.",
            "Close and restore",
        ):
            return
        try:
            dbmod.request_restore(Path(path), labelled[picked][0])
        except (ValueError, OSError) as e:
            _dialogs().error(
                self,
                "Restore a backup",
                f"This backup cannot be restored: {getattr(e, 'strerror', None) or e}. Your "
                "data is as it was; choose another backup.",
            )
            return
        if not self.close():  # the user chose to stay after all
            dbmod.cancel_restore(Path(path))

    def _data_file_checked(self, problem: str | None) -> None:
        if problem is None:
            return
        from mlcert_desktop.storage.db import first_findings

        found = first_findings(problem, 2)
        _dialogs().error(
            self,
            "Your data file is damaged",
            f"A check of your data file found damage:\n{found}\n\n"
            "Some of your history may be unreadable, and new answers may not be saved "
            "reliably. Quit the app now: when it starts again, it moves the damaged file "
            "aside (it is kept) and offers to restore the newest sound automatic backup "
            f"from {Path(self.ctx.db.path()).parent / 'backups'}.",
        )

    # -- screens -------------------------------------------------------------------------------
    def _screen(self, name: str):
        """The screen called `name`, built (and wired) the first time it is asked for.

        Screens other than home are imported here, when first shown, so that start-up pays
        only for the home screen. The imports stay static so PyInstaller finds them."""
        w = self._screens.get(name)
        if w is not None:
            return w
        if name == "results":
            from mlcert_desktop.ui.screens.results import ResultsScreen

            w = ResultsScreen(self.ctx)
            w.drillRequested.connect(self._drill_from_results)
        elif name == "history":
            from mlcert_desktop.ui.screens.history import HistoryScreen

            w = HistoryScreen(self.ctx)
            w.openAttempt.connect(self.show_results)
        elif name == "packs":
            from mlcert_desktop.ui.screens.packs import PacksScreen

            w = PacksScreen(self.ctx)
            w.importRequested.connect(self.import_pack)
        elif name == "browser":
            from mlcert_desktop.ui.screens.browser import BrowserScreen

            w = BrowserScreen(self.ctx)
            w.practiceRequested.connect(self._practise_from_browser)
        elif name == "progress":
            from mlcert_desktop.ui.screens.progress import ProgressScreen

            w = ProgressScreen(self.ctx)
            w.drillRequested.connect(self.start_drill)
        else:
            raise KeyError(name)
        w.homeRequested.connect(self.show_home)
        self.stack.addWidget(w)
        self._screens[name] = w
        return w

    results = property(lambda self: self._screen("results"))
    history = property(lambda self: self._screen("history"))
    packs = property(lambda self: self._screen("packs"))
    browser = property(lambda self: self._screen("browser"))
    progress = property(lambda self: self._screen("progress"))

    def _show(self, name: str, pack_id: str | None = None) -> None:
        """Refresh a screen (on a pack, for those that have one) and show it."""
        if self.in_exam:
            return
        w = self._screen(name)
        if pack_id is not None:
            w.set_pack(pack_id)
        else:
            w.refresh()
        self.stack.setCurrentWidget(w)

    # -- navigation ----------------------------------------------------------------------------
    @property
    def in_exam(self) -> bool:
        """An exam or a practice session is on screen (menus and other screens wait)."""
        return self.controller is not None and not self.controller.session.finished

    @property
    def in_practice(self) -> bool:
        return self.in_exam and self.practice_screen is not None

    def show_home(self) -> None:
        if self.in_exam:
            return
        self.home.refresh()
        self.stack.setCurrentWidget(self.home)

    def show_history(self) -> None:
        self._show("history")

    def show_packs(self) -> None:
        self._show("packs")

    def show_browser(self, pack_id: str | None = None) -> None:
        self._show("browser", pack_id)

    def show_progress(self, pack_id: str | None = None) -> None:
        self._show("progress", pack_id)

    # -- importing packs ---------------------------------------------------------------------
    def import_pack(self, path: Path | None = None) -> PackImportFlow | None:
        """File → Import pack…, a dropped file, or a file given on the command line."""
        if self.in_exam:
            _dialogs().info(self, "Import pack", "Finish or leave the exam before importing packs.")
            return None
        from mlcert_desktop.ui.pack_import import PackImportFlow

        flow = PackImportFlow(self.ctx, self)
        flow.finished.connect(lambda changed: self._after_import(flow, changed))
        if path is None:
            flow.choose_and_import()
        else:
            flow.start(Path(path))
        return flow

    def _after_import(self, flow: PackImportFlow, changed: bool) -> None:
        flow.deleteLater()
        current = self.stack.currentWidget()
        if current is self._screens.get("packs"):
            current.refresh()
        elif current is self.home:
            self.home.refresh()

    @staticmethod
    def _dropped_packs(event) -> list[Path]:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        return [
            Path(u.toLocalFile())
            for u in urls
            if u.isLocalFile() and u.toLocalFile().lower().endswith(".exampack")
        ]

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        if not self.in_exam and self._dropped_packs(event):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        files = self._dropped_packs(event)
        if files:
            event.acceptProposedAction()
            self.import_pack(files[0])

    def show_results(self, attempt_id: int) -> None:
        self.results.show_attempt(attempt_id)
        self.stack.setCurrentWidget(self.results)

    # -- the exam ------------------------------------------------------------------------------
    def start_exam(self, pack: PackInfo, blueprint: ExamBlueprint) -> None:
        from mlcert_desktop.ui.exam_controller import ExamController

        if not self._make_room("exam"):
            return
        try:
            controller = ExamController.start_new(self.ctx, pack, blueprint)
        except ValueError as e:
            _dialogs().error(self, "Cannot start the exam", str(e))
            return
        self._enter_exam(controller)

    def resume_exam(self, attempt_id: int) -> None:
        from mlcert_desktop.ui.exam_controller import ExamController
        from mlcert_desktop.ui.practice_controller import PracticeController

        row = attempts_repo.get_attempt(self.ctx.db, attempt_id)
        if row is not None and row.mode == "practice":
            self._enter_practice(PracticeController.resume(self.ctx, attempt_id))
        else:
            self._enter_exam(ExamController.resume(self.ctx, attempt_id))

    # -- study -------------------------------------------------------------------------------
    def study(self, pack: PackInfo, what: str) -> None:
        """A study action from the home screen: practice, a drill, the browser, progress."""
        if self.in_exam:
            return
        if what == "practice":
            from mlcert_desktop.ui.screens.practice_setup import PracticeDialog

            dlg = PracticeDialog(pack, study_repo.statuses(self.ctx.db, pack.pack_id), self)
            if dlg.exec() == PracticeDialog.DialogCode.Accepted:
                qids = dlg.question_ids(random.Random(self.ctx.exam_seed))
                self.start_practice(pack, qids, f"{pack.exam_code} practice", dlg.time_minutes())
        elif what == "browse":
            self.show_browser(pack.pack_id)
        elif what == "progress":
            self.show_progress(pack.pack_id)
        else:
            self.start_drill(pack.pack_id, what)

    def _practise_from_browser(self, pack_id: str, qids: list) -> None:
        pack = packs_repo.get_pack(self.ctx.db, pack_id)
        if pack is not None:
            n = len(qids)
            title = f"{pack.exam_code} — {n} question{'s' if n != 1 else ''} from the browser"
            self.start_practice(pack, qids, title)

    def _study_menu(self, what: str) -> None:
        """The Study menu acts on the first installed pack (the home screen has one row each)."""
        packs = packs_repo.list_packs(self.ctx.db)
        if packs:
            self.study(packs[0], what)

    def start_drill(self, pack_id: str, drill_name: str) -> None:
        pack = packs_repo.get_pack(self.ctx.db, pack_id)
        if pack is None:
            return
        from mlcert_desktop.ui.practice_controller import drill_session

        drill = Drill(drill_name)
        qids, title = drill_session(self.ctx, pack, drill)
        if not qids:
            _dialogs().info(self, drill.title, f"There are no questions in “{drill.title}” yet.")
            return
        self.start_practice(pack, qids, title)

    def _drill_from_results(self, pack_id: str, qids: list, title: str) -> None:
        pack = packs_repo.get_pack(self.ctx.db, pack_id)
        if pack is not None:
            self.start_practice(pack, qids, title)

    def start_practice(
        self, pack: PackInfo, qids: list[str], title: str, minutes: int | None = None
    ) -> None:
        if self.in_exam:
            return
        from mlcert_desktop.ui.practice_controller import PracticeController

        if not self._make_room("practice"):
            return
        try:
            controller = PracticeController.start_practice(self.ctx, pack, qids, title, minutes)
        except ValueError as e:
            _dialogs().error(self, "Cannot start practice", str(e))
            return
        self._enter_practice(controller)

    def _enter_practice(self, controller: PracticeController) -> None:
        self._drop_exam_screens()
        self.controller = controller
        controller.setParent(self)
        from mlcert_desktop.ui.screens.practice import PracticeScreen

        self.practice_screen = PracticeScreen()
        self.stack.addWidget(self.practice_screen)
        self.practice_screen.attach(controller)
        self.practice_screen.pauseRequested.connect(self.pause_practice)
        self.practice_screen.finishRequested.connect(self.finish_practice)
        controller.finished.connect(self._on_finished)
        self.stack.setCurrentWidget(self.practice_screen)
        controller.start()
        self.practice_screen.setFocus()

    def pause_practice(self) -> None:
        """Stop the clock and go home; Resume practice on the home screen picks it up."""
        if not self.in_practice:
            return
        self.controller.suspend()
        self._drop_exam_screens()
        self.controller = None
        self.show_home()

    def finish_practice(self) -> None:
        c = self.controller
        if not self.in_practice:
            return
        left = len(c.session) - c.checked_count
        if left and not _dialogs().confirm(
            self,
            "Finish practice?",
            f"{left} question{'s are' if left != 1 else ' is'} not checked yet; "
            "they will not count. Finish anyway?",
            "Finish",
        ):
            return
        c.finish()

    def discard_exam(self, attempt_id: int) -> None:
        row = attempts_repo.get_attempt(self.ctx.db, attempt_id)
        if row is not None and self._discard_confirmed(row, replacing=False):
            attempts_repo.abandon_attempt(self.ctx.db, attempt_id)
            self.home.refresh()

    def _discard_confirmed(self, row, *, replacing: bool) -> bool:
        """Ask before an unfinished exam or practice session is discarded."""
        if row.mode == "exam":
            title = "Discard exam"
            lost = "Its answers will not be scored or kept in your history."
            what = "exam"
        else:
            title = "Discard practice session"
            lost = "The answers you checked still count for your reviews and progress."
            what = "practice session"
        if replacing:
            text = (
                f"You have an unfinished {what}: {row.title}. Starting a new one discards it. "
                f"{lost}"
            )
            return _dialogs().confirm(self, title, text, "Discard and start")
        return _dialogs().confirm(self, title, f"Discard the unfinished {what}? {lost}", "Discard")

    def _make_room(self, mode: str) -> bool:
        """One unfinished session of each kind: starting another replaces it, after asking."""
        for row in attempts_repo.in_progress(self.ctx.db, mode):
            if not self._discard_confirmed(row, replacing=True):
                return False
            attempts_repo.abandon_attempt(self.ctx.db, row.id)
        return True

    def _enter_exam(self, controller: ExamController) -> None:
        self._drop_exam_screens()
        self.controller = controller
        controller.setParent(self)
        from mlcert_desktop.ui.screens.exam import ExamScreen
        from mlcert_desktop.ui.screens.review import ReviewScreen

        self.exam_screen = ExamScreen()
        self.review_screen = ReviewScreen()
        self.stack.addWidget(self.exam_screen)
        self.stack.addWidget(self.review_screen)
        self.exam_screen.attach(controller)
        self.review_screen.attach(controller)
        self.exam_screen.reviewRequested.connect(self.show_review)
        self.review_screen.jumpTo.connect(self._jump_from_review)
        self.review_screen.endConfirmed.connect(controller.finish)
        controller.finished.connect(self._on_finished)
        self.exam_screen.set_from_review(False)
        self.stack.setCurrentWidget(self.exam_screen)
        self.menuBar().hide()
        if self.fullscreen_exams:
            self.showFullScreen()
        controller.start()
        self.exam_screen.setFocus()

    def show_review(self) -> None:
        self.review_screen.refresh()
        self.stack.setCurrentWidget(self.review_screen)
        self.review_screen.setFocus()

    def _jump_from_review(self, position: int) -> None:
        self.exam_screen.set_from_review(True)
        self.controller.go_to(position)
        self.stack.setCurrentWidget(self.exam_screen)
        self.exam_screen.setFocus()

    def _on_finished(self, attempt_id: int) -> None:
        self._leave_fullscreen()
        self.show_results(attempt_id)
        self._drop_exam_screens()
        self.controller = None

    def _leave_fullscreen(self) -> None:
        self.menuBar().show()
        if self.isFullScreen():
            self.showNormal()

    def _drop_exam_screens(self) -> None:
        for w in (self.exam_screen, self.review_screen, self.practice_screen):
            if w is not None:
                self.stack.removeWidget(w)
                w.deleteLater()
        self.exam_screen = self.review_screen = self.practice_screen = None

    def leave_exam(self) -> bool:
        """Ask, then stop the clock and go home; the exam stays resumable."""
        if not self.in_exam:
            return True
        if not _dialogs().confirm(
            self,
            "Leave the exam?",
            "The clock stops and every answer is saved. You can resume this exam later from "
            "the home screen, with the time that was left.",
            "Leave exam",
        ):
            return False
        self.controller.suspend()
        self._drop_exam_screens()
        self.controller = None
        self._leave_fullscreen()
        self.show_home()
        return True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.in_practice:
            self.controller.suspend()  # nothing to confirm: practice resumes where it was
        elif self.in_exam:
            if not _dialogs().confirm(
                self,
                "Quit during the exam?",
                "Every answer is saved and the clock stops. Start the app again to resume "
                "this exam with the time that was left.",
                "Quit",
            ):
                event.ignore()
                return
            self.controller.suspend()
        event.accept()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        # Esc never ends or leaves an exam (as in the real one); elsewhere it goes home.
        from PySide6.QtCore import Qt  # not at import: the Qt namespace is slow to create

        if event.key() == Qt.Key.Key_Escape and not self.in_exam:
            self.show_home()
            return
        super().keyPressEvent(event)
