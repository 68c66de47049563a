"""Results of a finished exam: pass/fail, scaled score, per-domain report, answer review."""

from __future__ import annotations

import html
from collections.abc import Collection, Sequence

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mlcert_desktop.core.models import Choice, Question
from mlcert_desktop.core.session import SessionItem
from mlcert_desktop.storage import attempts_repo
from mlcert_desktop.storage.attempts_repo import AttemptRow
from mlcert_desktop.ui.context import AppContext
from mlcert_desktop.ui.formatting import format_seconds
from mlcert_desktop.ui.markdown import inline, to_html
from mlcert_desktop.ui.widgets.choice_list import LETTERS


class SafeBrowser(QTextBrowser):
    """Shows review HTML; never loads anything, opens a link only when the user clicks it."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open)

    def loadResource(self, type_, name):  # noqa: N802 - Qt override
        return None  # no images, no style sheets, nothing from anywhere

    @staticmethod
    def _open(url: QUrl) -> None:
        if url.scheme() == "https":
            QDesktopServices.openUrl(url)


def answer_html(q: Question, choices: Sequence[Choice], selected: Collection[str] = ()) -> str:
    """The options in the given order (the correct ones marked, the user's `selected` ones
    noted), why each distractor is wrong, the explanation and the references."""
    rows = []
    for n, c in enumerate(choices):
        mine = c.id in selected
        mark = "✔" if c.correct else ("✘" if mine else "")
        style = (
            "color:#1d7a3a; font-weight:bold" if c.correct else ("color:#b3261e" if mine else "")
        )
        you = " <i>(your answer)</i>" if mine else ""
        why = (
            f"<br><span style='color:#5f6b7a'>{inline(c.why)}</span>"
            if c.why and not c.correct
            else ""
        )
        rows.append(
            f"<tr><td width='24'>{mark}</td><td style='{style}'>{LETTERS[n]}. "
            f"{inline(c.text)}{you}{why}</td></tr>"
        )
    parts = [f"<table cellspacing='4'>{''.join(rows)}</table>"]
    if q.explanation:
        parts.append(f"<p><b>Explanation.</b></p>{to_html(q.explanation)}")
    if q.references:
        links = "<br>".join(
            f"<a href='{html.escape(u)}'>{html.escape(u)}</a>" for u in q.references
        )
        parts.append(f"<p><b>References</b> (open in your browser when online)<br>{links}</p>")
    return "".join(parts)


def review_html(items: list[SessionItem], which: str = "all") -> str:
    parts = []
    for i, it in enumerate(items):
        if which == "incorrect" and it.correct:
            continue
        if which == "flagged" and not it.flagged:
            continue
        q = it.question
        verdict = "Correct" if it.correct else ("Unanswered" if not it.selected else "Incorrect")
        color = "#1d7a3a" if it.correct else "#b3261e"
        extra = "" if it.scored else " · unscored (did not count)"
        flag = " · ⚑ flagged" if it.flagged else ""
        parts.append(
            f"<h3>Question {i + 1} <span style='color:{color}'>— {verdict}</span>"
            f"<span style='color:#5f6b7a; font-weight:normal'> · Domain {q.domain}, task "
            f"{html.escape(q.task)}{extra}{flag}</span></h3>{to_html(q.stem)}"
        )
        parts.append(answer_html(q, it.ordered_choices(), it.selected))
        parts.append("<hr>")
    if not parts:
        return "<p>No questions match this filter.</p>"
    return "".join(parts)


class ResultsScreen(QWidget):
    homeRequested = Signal()
    drillRequested = Signal(str, list, str)  # pack_id, question ids, title

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("resultsScreen")
        self.items: list[SessionItem] = []
        self.attempt: AttemptRow | None = None

        top = QFrame(objectName="topBar")
        top_l = QHBoxLayout(top)
        top_l.setContentsMargins(20, 10, 20, 10)
        self.title = QLabel(objectName="examTitle")
        top_l.addWidget(self.title, 1)
        self.drill_btn = QPushButton("Practise the questions I missed")
        self.drill_btn.setProperty("role", "primary")
        self.drill_btn.setToolTip(
            "Start a practice session with every question you got wrong or left unanswered"
        )
        self.drill_btn.clicked.connect(self._drill_missed)
        top_l.addWidget(self.drill_btn)
        home = QPushButton("Home")
        home.clicked.connect(self.homeRequested.emit)
        top_l.addWidget(home)

        self.verdict = QLabel(objectName="verdict")
        self.score = QLabel(objectName="scoreLine")
        self.score.setWordWrap(True)
        self.domains_box = QGridLayout()
        self.domains_box.setHorizontalSpacing(16)
        head = QVBoxLayout()
        head.setContentsMargins(32, 20, 32, 8)
        head.setSpacing(8)
        head.addWidget(self.verdict)
        head.addWidget(self.score)
        section = QLabel("Performance by domain", objectName="sectionTitle")
        head.addWidget(section)
        head.addLayout(self.domains_box)

        filt = QHBoxLayout()
        filt.addWidget(QLabel("Review your answers:", objectName="sectionTitle"))
        self.which = QComboBox()
        self.which.addItem("All questions", "all")
        self.which.addItem("Incorrect or unanswered", "incorrect")
        self.which.addItem("Flagged", "flagged")
        self.which.currentIndexChanged.connect(self._render_review)
        filt.addWidget(self.which)
        filt.addStretch(1)
        head.addLayout(filt)
        self.browser = SafeBrowser()
        self.browser.setObjectName("reviewBrowser")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addLayout(head)
        body = QVBoxLayout()
        body.setContentsMargins(32, 0, 32, 16)
        body.addWidget(self.browser)
        layout.addLayout(body, 1)

    def show_attempt(self, attempt_id: int) -> None:
        self.attempt = attempts_repo.get_attempt(self.ctx.db, attempt_id)
        self.items = attempts_repo.load_items(self.ctx.db, attempt_id)
        a = self.attempt
        rep = a.report or {}
        self.title.setText(f"Results — {a.title}")
        passed = bool(rep.get("passed"))
        self._set_verdict("PASS" if passed else "FAIL", passed)
        lo, hi = rep.get("score_scale", [100, 1000])
        unscored = sum(1 for it in self.items if not it.scored)
        note = f" {unscored} unscored questions did not count." if unscored else ""
        limit = f" of {format_seconds(a.time_limit_s)}" if a.time_limit_s else ""
        self.score.setText(
            f"<span style='font-size:20pt; font-weight:600'>{rep.get('scaled')}</span>"
            f" on a scale of {lo}–{hi} · passing score {rep.get('passing_score')}<br>"
            f"{rep.get('correct')} of {rep.get('total')} scored questions correct.{note} "
            f"Time used {format_seconds(a.time_used_s)}{limit}."
        )
        self._render_domains(rep.get("domains", []))
        missed = len(self.missed_ids())
        self.drill_btn.setVisible(missed > 0)
        self.drill_btn.setText(
            f"Practise the {missed} question{'s' if missed != 1 else ''} I missed"
        )
        if a.mode == "practice":
            self._practice_summary(a)
        self._render_review()

    def _set_verdict(self, text: str, good: bool) -> None:
        """The big word at the top, green when `good`, red otherwise (the style sheet's
        `passed` property)."""
        self.verdict.setText(text)
        self.verdict.setProperty("passed", good)
        self.verdict.style().unpolish(self.verdict)
        self.verdict.style().polish(self.verdict)

    def _practice_summary(self, a: AttemptRow) -> None:
        """A practice session has no pass mark: say how many checked answers were right."""
        checked = [it for it in self.items if it.scored]
        right = sum(1 for it in checked if it.correct)
        self._set_verdict("PRACTICE", right == len(checked) and bool(checked))
        pct = f" ({round(100 * right / len(checked))}%)" if checked else ""
        self.score.setText(
            f"<span style='font-size:20pt; font-weight:600'>{right} of {len(checked)}</span>"
            f" answers right{pct} · {len(self.items)} questions in this session · "
            f"time {format_seconds(a.time_used_s)}"
        )

    def missed_ids(self) -> list[str]:
        """Wrong or unanswered, unscored items too (the candidate cannot tell them apart);
        in a practice session, the wrong ones among the checked answers."""
        exam = self.attempt is not None and self.attempt.mode == "exam"
        return list(
            dict.fromkeys(
                it.question.id for it in self.items if (exam or it.scored) and not it.correct
            )
        )

    def _drill_missed(self) -> None:
        a = self.attempt
        if a is not None and self.missed_ids():
            self.drillRequested.emit(a.pack_id, self.missed_ids(), f"Missed in: {a.title}")

    def _render_domains(self, domains: list[dict]) -> None:
        while self.domains_box.count():
            w = self.domains_box.takeAt(0).widget()
            if w is not None:
                w.setParent(None)
                w.deleteLater()
        for row, d in enumerate(domains):
            pct = round(100 * d["correct"] / d["total"]) if d["total"] else 0
            name = QLabel(f"Domain {d['id']}: {d['name']}")
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setValue(pct)
            bar.setFormat(f"{d['correct']}/{d['total']} ({pct}%)")
            bar.setProperty("meets", d["meets"])
            bar.setMinimumWidth(260)
            status = QLabel("Meets competencies" if d["meets"] else "Needs improvement")
            status.setObjectName("meets" if d["meets"] else "needsImprovement")
            self.domains_box.addWidget(name, row, 0)
            self.domains_box.addWidget(bar, row, 1)
            self.domains_box.addWidget(status, row, 2, Qt.AlignmentFlag.AlignLeft)
        self.domains_box.setColumnStretch(1, 1)

    def _render_review(self) -> None:
        self.browser.setHtml(review_html(self.items, self.which.currentData() or "all"))
