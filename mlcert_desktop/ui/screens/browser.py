"""Question browser: search and filter a pack's questions, read any one in full with its key
and explanations, flag it, and practise what you found."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mlcert_desktop.core.models import ItemType, PackInfo, Question
from mlcert_desktop.core.study import QuestionStatus, is_due
from mlcert_desktop.storage import packs_repo, study_repo
from mlcert_desktop.ui.context import AppContext
from mlcert_desktop.ui.markdown import to_html
from mlcert_desktop.ui.screens.results import SafeBrowser, answer_html
from mlcert_desktop.ui.widgets.page import top_bar
from mlcert_desktop.ui.widgets.table import data_table, fill_table

PRACTICE_LIMIT = 50  # "Practise these" takes at most this many questions, in list order
STEM_CHARS = 120  # the table shows this much of a stem's first line
SEARCH_DELAY_MS = 200  # typing pauses this long before the search runs
STATUS_FILTERS = [
    ("All", "all"),
    ("Missed", "missed"),
    ("Flagged", "flagged"),
    ("Never seen", "unseen"),
    ("Due for review", "due"),
]
_COUNT_WORDS = {2: "TWO", 3: "THREE", 4: "FOUR", 5: "FIVE", 6: "SIX"}
_MARKUP = re.compile(r"\*\*|`|(?<!\w)\*|\*(?!\w)")
COLUMNS = ["#", "Domain", "Task", "Type", "Status", "Question"]
EMPTY_MESSAGE = "No questions match. Clear the search or a filter."


def type_text(qtype: str, select: int) -> str:
    if qtype == ItemType.MULTIPLE.value:
        return f"Choose {_COUNT_WORDS.get(select, str(select))}"
    return "single"


def first_line(stem: str, limit: int = STEM_CHARS) -> str:
    """The stem's first line as plain text (Markdown markers dropped), cut to `limit`."""
    line = next((s.strip() for s in stem.splitlines() if s.strip() and not s.startswith("```")), "")
    line = " ".join(_MARKUP.sub("", line).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def status_text(s: QuestionStatus, now: dt.datetime) -> str:
    """e.g. "new", "missed · flagged", "right 3/4 · due"."""
    if not s.seen:
        parts = ["new"]
    elif s.missed:
        parts = ["missed"]
    else:
        parts = [f"right {s.right}/{s.answered}"]
    if s.flagged:
        parts.append("flagged")
    if is_due(s.due, s.in_review, now):
        parts.append("due")
    return " · ".join(parts)


def history_text(s: QuestionStatus, now: dt.datetime) -> str:
    """One line over the study view, e.g. "Answered 4 times, 3 right · last answer wrong"."""
    if not s.seen:
        parts = ["Never answered"]
    else:
        times = "once" if s.answered == 1 else f"{s.answered} times"
        last = "right" if s.last_correct else "wrong"
        parts = [f"Answered {times}, {s.right} right · last answer {last}"]
    if s.due is not None:
        when = s.due.astimezone().strftime("%Y-%m-%d")
        if s.due <= now:
            parts.append("review due now")
        elif is_due(s.due, s.in_review, now):
            parts.append("review due today")
        else:
            parts.append(f"next review {when}")
    if s.flagged:
        parts.append("flagged")
    return " · ".join(parts)


def status_matches(s: QuestionStatus, which: str, now: dt.datetime) -> bool:
    if which == "missed":
        return s.missed
    if which == "flagged":
        return s.flagged
    if which == "unseen":
        return not s.seen
    if which == "due":
        return is_due(s.due, s.in_review, now)
    return True


def question_html(q: Question) -> str:
    """One question for studying: stem, every option with the key marked, why each distractor
    is wrong, explanation and references. Pack text goes through the escaping Markdown subset."""
    kind = type_text(q.type.value, q.select)
    kind = "single answer" if kind == "single" else kind
    meta = f"Domain {q.domain}, task {html.escape(q.task)} · {kind}"
    services = (
        f"<p style='color:#5f6b7a'>{html.escape(', '.join(q.services))}</p>" if q.services else ""
    )
    return (
        f"<h3>{html.escape(q.id)}<span style='color:#5f6b7a; font-weight:normal'> · {meta}"
        f"</span></h3>{services}{to_html(q.stem)}{answer_html(q, q.choices)}"
    )


def search_words(text: str) -> str:
    """Drop words with no letter or digit ('*', '(', '-'): they would only match nothing."""
    return " ".join(w for w in text.split() if any(ch.isalnum() for ch in w))


def _task_key(task: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in task.split("."))


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class _EnterKey(QObject):
    """Enter on the table practises the current question (activation would also fire on
    double-click and, in some styles, on a single click)."""

    def __init__(self, on_enter: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self.on_enter = on_enter

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress and event.key() in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
        ):
            self.on_enter()
            return True
        return False


class BrowserScreen(QWidget):
    homeRequested = Signal()
    practiceRequested = Signal(str, list)  # pack_id, question ids

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.now: Callable[[], dt.datetime] = _utcnow  # tests may fix the time
        self.pack: PackInfo | None = None
        self._statuses: dict[str, QuestionStatus] = {}
        self._rows: dict[str, tuple[str, str]] = {}  # qid -> (type text, first line)
        self._search: tuple[str, list[str]] | None = None  # last search text and its ids
        self._shown: list[str] = []  # qids in table order
        self._packs: dict[str, PackInfo] = {}
        self._build()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.pack_label = QLabel("Pack:")
        self.pack_box = QComboBox()
        self.pack_box.currentIndexChanged.connect(self._pack_changed)
        self.search_box = QLineEdit(placeholderText="Search stems, options and explanations")
        self.search_box.setClearButtonEnabled(True)
        self.search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self._apply)
        self.search_box.textChanged.connect(self.search_timer.start)
        self.search_box.returnPressed.connect(self._search_now)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_search)

        self.domain_box, self.task_box = QComboBox(), QComboBox()
        self.service_box, self.status_box = QComboBox(), QComboBox()
        for label, data in STATUS_FILTERS:
            self.status_box.addItem(label, data)
        filters = QHBoxLayout()
        filters.setSpacing(8)
        for text, box, chars in (
            ("Domain", self.domain_box, 10),
            ("Task", self.task_box, 5),
            ("Service", self.service_box, 10),
            ("Status", self.status_box, 0),
        ):
            if chars:
                box.setSizeAdjustPolicy(
                    QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
                )
                box.setMinimumContentsLength(chars)
            box.currentIndexChanged.connect(self._apply)
            label = QLabel(f"{text}:")
            label.setBuddy(box)
            filters.addWidget(label)
            filters.addWidget(box)
            filters.addSpacing(8)
        clear = QPushButton("Clear filters")
        clear.clicked.connect(self.clear_filters)
        filters.addWidget(clear)
        filters.addStretch(1)

        search_row = QHBoxLayout()
        search_row.addWidget(self.pack_label)
        search_row.addWidget(self.pack_box)
        search_row.addWidget(self.search_box, 1)

        self.count_label = QLabel(objectName="sectionTitle")
        self.practice_button = QPushButton("Practise these")
        self.practice_button.setProperty("role", "primary")
        self.practice_button.clicked.connect(self.practise_list)
        self.table = data_table(COLUMNS, stretch=len(COLUMNS) - 1)
        self.table.setWordWrap(False)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_row(row))
        self.table.cellDoubleClicked.connect(lambda *_: self.practise_current())
        self.table.installEventFilter(_EnterKey(self.practise_current, self.table))
        self.empty_text = QLabel(EMPTY_MESSAGE, objectName="muted", wordWrap=True)
        self.empty_clear = QPushButton("Clear search and filters")
        self.empty_clear.clicked.connect(self.clear_filters)
        self.empty = QWidget()
        empty_l = QVBoxLayout(self.empty)
        empty_l.setContentsMargins(0, 8, 0, 0)
        empty_l.addWidget(self.empty_text)
        empty_l.addWidget(self.empty_clear, 0, Qt.AlignmentFlag.AlignLeft)
        empty_l.addStretch(1)
        left = QWidget()
        left_l = QVBoxLayout(left)
        left_l.setContentsMargins(0, 0, 8, 0)
        head = QHBoxLayout()
        head.addWidget(self.count_label, 1)
        head.addWidget(self.practice_button)
        left_l.addLayout(head)
        left_l.addWidget(self.table, 1)
        left_l.addWidget(self.empty, 1)

        self.history = QLabel(objectName="muted")
        self.history.setWordWrap(True)  # else its one long line sets the panel's minimum width
        self.flag_button = QPushButton("Flag")
        self.flag_button.clicked.connect(self.toggle_flag)
        self.practise_one_button = QPushButton("Practise this question")
        self.practise_one_button.clicked.connect(self.practise_current)
        self.view = SafeBrowser()
        self.view.setObjectName("reviewBrowser")
        right = QWidget()
        right_l = QVBoxLayout(right)
        right_l.setContentsMargins(8, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.flag_button)
        head.addWidget(self.practise_one_button)
        head.addStretch(1)
        right_l.addLayout(head)
        right_l.addWidget(self.history)
        right_l.addWidget(self.view, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setChildrenCollapsible(False)
        # The list needs room for its question column; the study view wraps its text.
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([1200, 800])

        body = QVBoxLayout()
        body.setContentsMargins(32, 16, 32, 16)
        body.setSpacing(10)
        body.addLayout(search_row)
        body.addLayout(filters)
        body.addWidget(self.splitter, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top_bar("Question browser", self.homeRequested.emit))
        layout.addLayout(body, 1)
        self._show_row(-1)

    # -- loading -----------------------------------------------------------------------------
    def set_pack(self, pack_id: str) -> None:
        """Show this pack's questions (after a refresh)."""
        self.refresh(pack_id)

    def refresh(self, pack_id: str | None = None) -> None:
        """Reload packs, statuses and the list (packs and study history may have changed);
        the pack shown stays the same unless `pack_id` names another."""
        packs = packs_repo.list_packs(self.ctx.db)
        keep = pack_id or (self.pack.pack_id if self.pack else None)
        self.pack_box.blockSignals(True)
        self.pack_box.clear()
        for p in packs:
            self.pack_box.addItem(p.title, p.pack_id)
        index = self.pack_box.findData(keep)
        self.pack_box.setCurrentIndex(max(index, 0) if packs else -1)
        self.pack_box.blockSignals(False)
        self.pack_label.setVisible(len(packs) > 1)
        self.pack_box.setVisible(len(packs) > 1)
        self._packs = {p.pack_id: p for p in packs}
        self._load_pack()

    def _pack_changed(self) -> None:
        self._load_pack()

    def _load_pack(self) -> None:
        self.pack = self._packs.get(self.pack_box.currentData())
        pid = self.pack.pack_id if self.pack else None
        statuses = study_repo.statuses(self.ctx.db, pid) if pid else []
        self._statuses = {s.qid: s for s in statuses}
        self._rows = {
            qid: (type_text(qtype, select), first_line(stem))
            for qid, qtype, select, stem in (
                study_repo.question_rows(self.ctx.db, pid) if pid else []
            )
        }
        self._search = None
        domains = self.pack.blueprint.domains if self.pack else ()
        self._fill_filter(self.domain_box, [(f"{d.id} {d.name}", d.id) for d in domains])
        tasks = sorted({s.task for s in statuses}, key=_task_key)
        self._fill_filter(self.task_box, [(t, t) for t in tasks])
        services = sorted({v for s in statuses for v in s.services}, key=str.casefold)
        self._fill_filter(self.service_box, [(v, v) for v in services])
        self._apply()

    @staticmethod
    def _fill_filter(box: QComboBox, items: list[tuple[str, object]]) -> None:
        """Replace a filter's choices, keeping the chosen one if it still exists."""
        keep = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem("All", None)
        for text, data in items:
            box.addItem(text, data)
        box.setCurrentIndex(max(box.findData(keep), 0) if keep is not None else 0)
        width = box.view().sizeHintForColumn(0) + 24
        box.view().setMinimumWidth(width)  # the pop-up shows whole names
        box.blockSignals(False)

    # -- filtering ---------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def _search_now(self) -> None:
        self.search_timer.stop()
        self._apply()

    def clear_filters(self) -> None:
        self.search_timer.stop()
        for box in (self.domain_box, self.task_box, self.service_box, self.status_box):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self._apply()

    def _matching_ids(self) -> list[str]:
        if self.pack is None:
            return []
        text = search_words(self.search_box.text())
        if self._search is None or self._search[0] != text:
            self._search = (text, study_repo.search(self.ctx.db, self.pack.pack_id, text))
        return self._search[1]

    def visible_ids(self) -> list[str]:
        """The question ids the table lists, in its order."""
        return list(self._shown)

    def _apply(self) -> None:
        self.search_timer.stop()
        now = self.now()
        domain, task = self.domain_box.currentData(), self.task_box.currentData()
        service, which = self.service_box.currentData(), self.status_box.currentData()
        shown = []
        for qid in self._matching_ids():
            s = self._statuses.get(qid)
            if (
                s is not None
                and (domain is None or s.domain == domain)
                and (task is None or s.task == task)
                and (service is None or service in s.services)
                and status_matches(s, which, now)
            ):
                shown.append(qid)
        keep = self.current_qid()
        self._shown = shown
        self.table.blockSignals(True)
        self.table.setRowCount(0)  # refilling from empty is much faster than overwriting
        fill_table(self.table, [self._row(q, now) for q in shown], centered=(1, 2, 3))
        self.table.blockSignals(False)
        n = len(shown)
        self.count_label.setText(f"{n} question{'' if n == 1 else 's'}")
        self.practice_button.setText(
            "Practise these" if n <= PRACTICE_LIMIT else f"Practise the first {PRACTICE_LIMIT}"
        )
        self.practice_button.setVisible(n > 0)
        self.empty_text.setText(
            EMPTY_MESSAGE
            if self.pack
            else "No question packs installed. Import one with File → Import pack…"
        )
        self.empty_clear.setVisible(self.pack is not None)
        self.table.setVisible(n > 0)
        self.empty.setVisible(n == 0)
        row = shown.index(keep) if keep in shown else (0 if shown else -1)
        self.table.blockSignals(True)
        self.table.setCurrentCell(row, 0)
        self.table.blockSignals(False)
        self._show_row(row)

    def _row(self, qid: str, now: dt.datetime) -> list[str]:
        s = self._statuses[qid]
        kind, stem = self._rows.get(qid, ("", ""))
        return [qid, str(s.domain), s.task, kind, status_text(s, now), stem]

    # -- the selected question ---------------------------------------------------------------
    def current_qid(self) -> str | None:
        row = self.table.currentRow()
        return self._shown[row] if 0 <= row < len(self._shown) else None

    def _show_row(self, row: int) -> None:
        qid = self._shown[row] if 0 <= row < len(self._shown) else None
        for w in (self.flag_button, self.practise_one_button):
            w.setEnabled(qid is not None)
        if qid is None or self.pack is None:
            self.history.setText("")
            self.flag_button.setText("Flag")
            hint = "Select a question to study it here." if self._shown else ""
            self.view.setHtml(f"<p style='color:#5f6b7a'>{hint}</p>")
            return
        questions = packs_repo.load_questions(self.ctx.db, self.pack.pack_id, [qid])
        self._show_status(qid)
        self.view.setHtml(question_html(questions[0]) if questions else "")
        self.view.verticalScrollBar().setValue(0)

    def _show_status(self, qid: str) -> None:
        s = self._statuses[qid]
        self.history.setText(history_text(s, self.now()))
        self.flag_button.setText("Unflag" if s.flagged else "Flag")

    def toggle_flag(self) -> None:
        qid = self.current_qid()
        if qid is None or self.pack is None:
            return
        s = self._statuses[qid]
        with self.ctx.db.atomic():
            study_repo.set_flag(self.ctx.db, self.pack.pack_id, qid, not s.flagged)
        self._statuses[qid] = s = s._replace(flagged=not s.flagged)
        self._show_status(qid)
        self.table.item(self.table.currentRow(), 4).setText(status_text(s, self.now()))

    # -- practising --------------------------------------------------------------------------
    def practise_list(self) -> None:
        if self.pack is not None and self._shown:
            self.practiceRequested.emit(self.pack.pack_id, self._shown[:PRACTICE_LIMIT])

    def practise_current(self) -> None:
        qid = self.current_qid()
        if qid is not None and self.pack is not None:
            self.practiceRequested.emit(self.pack.pack_id, [qid])
