"""--self-test: prove that every part of an installed app loads and works, for packagers.

The frozen bundle only holds what PyInstaller found; this walks every screen and the study
features (FSRS scheduling, FTS5 search) on a throw-away practice session, so a missing module
or SQLite feature fails the release build instead of a user's click.
"""

from __future__ import annotations

from mlcert_desktop.storage import packs_repo, study_repo


def run(window) -> dict:
    """Exercise the app in `window` (over a fresh data folder); returns what was checked."""
    db = window.ctx.db
    if db.execute("SELECT count(*) FROM attempts").fetchone()[0]:
        return {"ok": False, "error": "run the self-test with an empty --data-dir"}
    pack = packs_repo.list_packs(db)[0]
    checked: list[str] = []
    for name in ("history", "packs", "browser", "progress"):
        getattr(window, f"show_{name}")()
        checked.append(name)
    hits = study_repo.search(db, pack.pack_id, "SageMaker")
    window.start_drill(pack.pack_id, "unseen")
    c = window.controller
    for i in range(c.session.current.question.select):
        c.choose_index(i)
    judged = c.check()
    due = study_repo.card_due(db, pack.pack_id, c.session.current.question.id)
    c.finish()
    checked += ["practice", "results"]
    window.show_home()
    return {
        "screens": checked,
        "search_hits": len(hits),
        "judged": judged,
        "scheduled": due is not None,
        "ok": bool(hits) and judged and due is not None,
    }
