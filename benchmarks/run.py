#!/usr/bin/env python3
"""Benchmarks: each figure is printed beside its target, and speed figures are ratios against
a baseline measured in the same run on the same machine (so they mean something anywhere).

    python3 dev.py bench            all benchmarks
    python3 dev.py bench --quick    fewer repetitions
    python3 dev.py bench --only startup   one group (startup, instructions, import, exam, bundle)
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BARE_WINDOW = ROOT / "benchmarks" / "bare_window.py"
FROZEN_APP = ROOT / "dist" / "mlcert-desktop" / "mlcert-desktop"
FROZEN_BARE = ROOT / "build" / "bench" / "dist" / "bare-window" / "bare-window"

APP_WINDOW = """
import sys, time
t0 = time.perf_counter()
from mlcert_desktop.app import main
sys.argv = ["mlcert-desktop", "--smoke-test", "--data-dir", sys.argv[1]]
import contextlib, io, json
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    code = main()
painted_at = json.loads(buf.getvalue().splitlines()[-1])["painted_at"]
print(time.perf_counter() - t0, painted_at)
"""


# The app's smoke start, ended at its first paint (where it takes the time it reports): the
# checks it makes after that (a full check of the database among them) are not start-up.
APP_TO_FIRST_PAINT = """
import os, sys, types
import mlcert_desktop.app as app
app.time = types.SimpleNamespace(time=lambda: os._exit(0))
sys.argv = ["mlcert-desktop", "--smoke-test", "--data-dir", sys.argv[1]]
app.main()
"""

BARE_TO_FIRST_PAINT = """
import os, sys
source = open(sys.argv[1], encoding="utf-8").read()
ends_at_first_paint = {"__name__": "__main__", "print": lambda *a, **k: os._exit(0)}
exec(compile(source, sys.argv[1], "exec"), ends_at_first_paint)
"""


def _start(cmd: list[str]) -> tuple[float, float]:
    """(seconds from starting the process to its first paint, seconds from its first import to
    its first paint). Both windows report the wall-clock time of their first paint; teardown
    is not counted, on either side."""
    t0 = time.time()
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=True).stdout
    last = out.strip().splitlines()[-1]
    if last.startswith("{"):  # the frozen app's --smoke-test line
        return json.loads(last)["painted_at"] - t0, float("nan")
    inside, painted_at = (float(x) for x in last.split())
    return painted_at - t0, inside


def _pairs(bare_cmd: list[str], app_cmd: list[str], reps: int):
    """((bare from process start, bare from first import), (app ..., app ...), median ratio):
    interleaved runs, so that a slow spell of the machine weighs on both sides alike; the
    fastest of each is what the code costs (noise only ever adds time). The median of app/bare
    over the back-to-back pairs moves less from one benchmark run to the next (a slow spell
    weighs on both runs of a pair): a context row beside the fastest-of figure."""
    bare, app = [], []
    for _ in range(reps):
        bare.append(_start(bare_cmd))
        app.append(_start(app_cmd))
    return (
        (min(b[0] for b in bare), min(b[1] for b in bare)),
        (min(a[0] for a in app), min(a[1] for a in app)),
        statistics.median(a[0] / b[0] for a, b in zip(app, bare, strict=True)),
    )


# As build.spec builds the app: onedir, no UPX, modules as .pyc files (no archive).
FREEZE_OPTIONS = ["--noconfirm", "--onedir", "--noupx", "--debug", "noarchive"]


def _freeze_bare_window() -> bool:
    """The frozen baseline: bare_window.py frozen by the same PyInstaller with the app's
    options, kept in build/bench/ and rebuilt when its source or the options change."""
    stamp = FROZEN_BARE.parent / "source.txt"
    source = json.dumps([BARE_WINDOW.read_text(), FREEZE_OPTIONS])
    if FROZEN_BARE.exists() and stamp.exists() and stamp.read_text() == source:
        return True
    print("Freezing the bare-window baseline with PyInstaller (once) ...", file=sys.stderr)
    work = ROOT / "build" / "bench"
    cmd = [sys.executable, "-m", "PyInstaller", *FREEZE_OPTIONS, "--name", "bare-window"]
    cmd += ["--distpath", str(work / "dist"), "--workpath", str(work / "work")]
    cmd += ["--specpath", str(work), str(BARE_WINDOW)]
    code = subprocess.call(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if code or not FROZEN_BARE.exists():
        return False
    stamp.write_text(source)
    return True


# Start-up must not grow with the questions installed: a context row compares a second pack of
# this many questions with a second pack of 20.
LARGE_PACK = 20_000


def _data_dir_with_pack(n: int) -> str:
    """A new data folder whose database holds a generated n-question pack."""
    from mlcert_desktop import paths
    from mlcert_desktop.packs import importer
    from mlcert_desktop.packs.signing import SecretKey
    from mlcert_desktop.storage.db import open_database
    from tests import factory

    data = Path(tempfile.mkdtemp())
    key = SecretKey.generate()
    pack = factory.write_pack(data / "large.exampack", key, factory.source(n))
    db = open_database(paths.db_path(data)).db
    importer.import_pack(db, pack, [key.public_key])
    db.close()
    pack.unlink()
    return str(data)


def bench_startup(reps: int) -> list[tuple[str, str, str]]:
    # The app's modules are byte-compiled first, as pip (and PyInstaller) do when the app is
    # installed: with PYTHONDONTWRITEBYTECODE set (as on some CI machines) every start would
    # otherwise compile them from source, which measures Python's compiler, not the app.
    # Third-party packages, the baseline's included, are already compiled by pip.
    compileall.compile_dir(ROOT / "mlcert_desktop", quiet=1)
    data = tempfile.mkdtemp()
    app_cmd = [sys.executable, "-c", APP_WINDOW, data]
    _start(app_cmd)  # the first start installs the bundled pack: measure the usual start
    (bare, bare_in), (app, app_in), ratio = _pairs(
        [sys.executable, str(BARE_WINDOW)], app_cmd, reps
    )
    rows = [
        (
            "start-up: process start to first paint (warm file cache) vs bare PySide6 window",
            f"{app / bare:.2f}× ({app * 1000:.0f} ms vs {bare * 1000:.0f} ms)",
            "≤ 1.3×",
        ),
        (
            "  same, median of the ratios of back-to-back runs",
            f"{ratio:.2f}×",
            "(context)",
        ),
        (
            "  same, from the first import (interpreter start not counted)",
            f"{app_in / bare_in:.2f}× ({app_in * 1000:.0f} ms vs {bare_in * 1000:.0f} ms)",
            "(context)",
        ),
    ]
    # Start-up must not grow with the questions installed: a second pack of LARGE_PACK
    # questions against a second pack of 20 (the same home screen, two pack cards).
    small, big = _data_dir_with_pack(20), _data_dir_with_pack(LARGE_PACK)
    for data_dir in (small, big):
        _start(app_cmd[:-1] + [data_dir])  # installs the bundled pack beside it
    (with_small, _), (with_big, _), _ = _pairs(app_cmd[:-1] + [small], app_cmd[:-1] + [big], reps)
    rows.append(
        (
            f"  same, a second pack of {LARGE_PACK:,} questions vs one of 20",
            f"{with_big / with_small:.2f}× "
            f"({with_big * 1000:.0f} ms vs {with_small * 1000:.0f} ms)",
            "(context)",
        )
    )
    if not FROZEN_APP.exists():
        rows.append(("  frozen (onedir bundle)", "not built (python3 dev.py build)", "≤ 1.3×"))
        return rows
    if not _freeze_bare_window():
        rows.append(("  frozen", "the bare-window baseline could not be frozen", "≤ 1.3×"))
        return rows
    fdata = tempfile.mkdtemp()
    smoke = [str(FROZEN_APP), "--smoke-test", "--data-dir", fdata]
    _start(smoke)  # the first start installs the bundled pack
    (fbare, _), (fapp, _), fratio = _pairs([str(FROZEN_BARE)], smoke, reps)
    rows.append(
        (
            "  frozen bundle vs the bare window frozen the same way",
            f"{fapp / fbare:.2f}× ({fapp * 1000:.0f} ms vs {fbare * 1000:.0f} ms)",
            "≤ 1.3×",
        )
    )
    rows.append(
        (
            "  same, median of the ratios of back-to-back runs",
            f"{fratio:.2f}×",
            "(context)",
        )
    )
    return rows


def _instructions(cmd: list[str]) -> int | None:
    """Instructions executed by a whole process (valgrind's callgrind): unlike time, the same
    on every run whatever else the machine does, so small changes show."""
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", "--trace-children=yes", "--callgrind-out-file=/dev/null"]
        + cmd,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    counts = [int(line.split()[-1]) for line in proc.stderr.splitlines() if "Collected" in line]
    return sum(counts) if proc.returncode == 0 and counts else None


def bench_instructions() -> list[tuple[str, str, str]]:
    """Start-up as instruction counts (whole processes, exit included on both sides)."""
    if shutil.which("valgrind") is None:
        return [("start-up instructions", "valgrind not installed", "(context)")]
    compileall.compile_dir(ROOT / "mlcert_desktop", quiet=1)
    data = tempfile.mkdtemp()
    app_cmd = [sys.executable, "-m", "mlcert_desktop", "--smoke-test", "--data-dir", data]
    subprocess.run(app_cmd, capture_output=True, cwd=ROOT, check=True)  # installs the pack
    pairs = [("source", [sys.executable, str(BARE_WINDOW)], app_cmd)]
    if FROZEN_APP.exists() and _freeze_bare_window():
        fdata = tempfile.mkdtemp()
        smoke = [str(FROZEN_APP), "--smoke-test", "--data-dir", fdata]
        subprocess.run(smoke, capture_output=True, cwd=ROOT, check=True)
        pairs.append(("frozen", [str(FROZEN_BARE)], smoke))
    rows = []
    small, big = _data_dir_with_pack(20), _data_dir_with_pack(LARGE_PACK)
    for data_dir in (small, big):  # the first start installs the bundled pack
        subprocess.run(app_cmd[:-1] + [data_dir], capture_output=True, cwd=ROOT, check=True)
    n_small, n_big = (
        _instructions([sys.executable, "-c", APP_TO_FIRST_PAINT, d]) for d in (small, big)
    )
    n_bare = _instructions([sys.executable, "-c", BARE_TO_FIRST_PAINT, str(BARE_WINDOW)])
    n_app = _instructions([sys.executable, "-c", APP_TO_FIRST_PAINT, data])
    if n_bare and n_app:
        rows.append(
            (
                "start-up instructions to the first paint, source: app vs bare window",
                f"{n_app / n_bare:.2f}× ({n_app / 1e6:.0f}M vs {n_bare / 1e6:.0f}M)",
                "(context)",
            )
        )
    if n_small and n_big:
        rows.append(
            (
                f"start-up instructions to the first paint: a second pack of {LARGE_PACK:,} "
                "questions vs 20",
                f"{n_big / n_small:.2f}× ({n_big / 1e6:.0f}M vs {n_small / 1e6:.0f}M)",
                "(context)",
            )
        )
    for label, bare_cmd, cmd in pairs:
        bare, app = _instructions(bare_cmd), _instructions(cmd)
        if bare and app:
            rows.append(
                (
                    f"start-up instructions, {label}: app vs bare window",
                    f"{app / bare:.2f}× ({app / 1e6:.0f}M vs {bare / 1e6:.0f}M)",
                    "(context)",
                )
            )
    return rows


def _import_times(src, reps: int) -> tuple[float, float, float, float]:
    """(ours, raw, same schema, background checkpoint after ours) in seconds for the pack
    `src`: the fastest of `reps` interleaved runs of each."""
    from mlcert_desktop.packs import importer
    from mlcert_desktop.packs.signing import SecretKey
    from mlcert_desktop.storage.db import open_database
    from mlcert_desktop.storage.packs_repo import _INSERT_QUESTION, _question_rows
    from tests import factory

    tmp = Path(tempfile.mkdtemp())
    key = SecretKey.generate()
    path = factory.write_pack(tmp / "big.exampack", key, src)
    q_rows = list(_question_rows(factory.PACK_ID, src.questions))  # each with its choices' JSON

    checkpoints: list[float] = []

    def ours(db_path: Path) -> float:
        """What the user waits for, from the app's open database (opening it is not part of an
        import, on either side). The pack's pages are then copied from the write-ahead log
        into the database file in the background (the app does it while showing the report):
        timed apart, for the context row."""
        db = open_database(db_path).db
        t0 = time.perf_counter()
        importer.import_pack(db, path, [key.public_key])
        took = time.perf_counter() - t0
        db.checkpoint()
        checkpoints.append(time.perf_counter() - t0 - took)
        db.close()
        return took

    def raw(db_path: Path) -> float:
        """Baseline: the same rows written with plain sqlite3.executemany, nothing verified."""
        conn = sqlite3.connect(db_path)
        conn.execute("CREATE TABLE q (id TEXT PRIMARY KEY, d INT, stem TEXT, expl TEXT)")
        conn.execute("CREATE TABLE c (q TEXT, id TEXT, text TEXT, ok INT, why TEXT)")
        conn.commit()
        t0 = time.perf_counter()
        with conn:
            conn.executemany(
                "INSERT INTO q VALUES (?,?,?,?)",
                [(q.id, q.domain, q.stem, q.explanation) for q in src.questions],
            )
            conn.executemany(
                "INSERT INTO c VALUES (?,?,?,?,?)",
                [(q.id, c.id, c.text, c.correct, c.why) for q in src.questions for c in q.choices],
            )
        took = time.perf_counter() - t0
        conn.close()
        return took

    def same_schema(db_path: Path) -> float:
        """The same questions, every column (the choices in their question's row, as the app
        stores them), into the app's own schema (keys, foreign keys, WAL) of a fresh database:
        what storing them costs at the least, so the ratio is what verifying, parsing,
        validating and building the rows add on top."""
        db = open_database(db_path).db
        t0 = time.perf_counter()
        with db.checkpoint_deferred(), db.atomic():  # as write_pack writes
            db.execute(
                "INSERT INTO packs VALUES (?, 1, 't', 'T', 'T', 'current', 'k', 'now', '{}', ?)",
                [factory.PACK_ID, len(q_rows)],
            )
            db.conn.executemany(_INSERT_QUESTION, q_rows)
        took = time.perf_counter() - t0
        db.close()
        return took

    # Interleaved, each into a new database file; the fastest run of each is what it costs.
    runs: dict = {ours: [], raw: [], same_schema: []}
    for i in range(reps):
        for fn, times in runs.items():
            times.append(fn(tmp / f"{fn.__name__}-{i}.sqlite3"))
    t_ours, t_raw, t_same = (min(t) for t in runs.values())
    return t_ours, t_raw, t_same, min(checkpoints)


def _shipped_length_source(n: int):
    """n questions of real length: the shipped pack's questions over and over, renumbered (the
    generated ones are a few words each, the shipped ones about 2.5 KB of JSON)."""
    from mlcert_desktop.packs.builder import PackSource, load_source
    from tests import factory

    shipped = load_source(ROOT / "question_packs" / "src" / "mls-c01").questions
    questions = [
        shipped[i % len(shipped)]._replace(
            pack_id=factory.PACK_ID,
            id=f"q{i:05d}",
            domain=i % 4 + 1,
            task=f"{i % 4 + 1}.1",
            practice_exam=None,
        )
        for i in range(n)
    ]
    return PackSource(factory.manifest(), questions, {})


def bench_import(n: int, reps: int) -> list[tuple[str, str, str]]:
    from tests import factory

    t_ours, t_raw, t_same, t_checkpoint = _import_times(factory.source(n), reps)
    r_ours, r_raw, _, _ = _import_times(_shipped_length_source(n), reps)
    return [
        (
            f"verify + import {n:,} questions vs raw executemany",
            f"{t_ours / t_raw:.2f}× ({t_ours:.2f} s vs {t_raw:.2f} s)",
            "≤ 2×",
        ),
        (
            "  same, with the background checkpoint after it",
            f"{(t_ours + t_checkpoint) / t_raw:.2f}× (+ {t_checkpoint * 1000:.0f} ms)",
            "(context)",
        ),
        (
            "  same, baseline: every column into the app's schema",
            f"{t_ours / t_same:.2f}× ({t_ours:.2f} s vs {t_same:.2f} s)",
            "(context)",
        ),
        (
            "  same, questions of the shipped pack's length",
            f"{r_ours / r_raw:.2f}× ({r_ours:.2f} s vs {r_raw:.2f} s)",
            "(context)",
        ),
    ]


def bench_import_large(n: int) -> list[tuple[str, str, str]]:
    from mlcert_desktop.packs import builder, importer
    from mlcert_desktop.packs import format as fmt
    from mlcert_desktop.packs.signing import SecretKey
    from mlcert_desktop.storage.db import open_database
    from tests import factory

    tmp = Path(tempfile.mkdtemp())
    key = SecretKey.generate()
    src = factory.source(n)
    # Compact JSON: indented, 100,000 generated questions would pass the format's 64 MiB cap on
    # one file, and the importer would (rightly) refuse the pack.
    indented = builder.questions_json
    builder.questions_json = lambda qs: json.dumps(
        [fmt.question_to_json(q) for q in qs], ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    try:
        path = factory.write_pack(tmp / "huge.exampack", key, src)
    finally:
        builder.questions_json = indented
    del src
    db = open_database(tmp / "a.sqlite3").db
    t0 = time.perf_counter()
    result = importer.import_pack(db, path, [key.public_key])
    took = time.perf_counter() - t0
    db.close()
    assert result.question_count == n
    return [(f"verify + import {n:,} questions", f"{took:.1f} s", "< 30 s")]


def bench_exam(reps: int) -> list[tuple[str, str, str]]:
    from PySide6.QtWidgets import QApplication

    from mlcert_desktop import paths
    from mlcert_desktop.packs import importer
    from mlcert_desktop.storage import packs_repo
    from mlcert_desktop.storage.db import open_database
    from mlcert_desktop.ui.context import AppContext
    from mlcert_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    data = Path(tempfile.mkdtemp())
    db = open_database(paths.db_path(data)).db
    importer.import_bundled(db)
    window = MainWindow(AppContext(db, data), fullscreen_exams=False)
    window.show()
    pack = packs_repo.list_packs(db)[0]
    window.start_exam(pack, pack.blueprint)
    c = window.controller
    rng = random.Random(1)
    nav, save = [], []
    for _ in range(reps):
        for pos in range(len(c.session)):
            t0 = time.perf_counter()
            c.go_to(pos)
            app.processEvents()
            nav.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            c.choose_index(rng.randrange(4))
            save.append(time.perf_counter() - t0)
    rss = _rss_mb()
    c.finish()  # closing mid-exam would (rightly) ask for confirmation
    window.close()

    def p95(xs):
        return statistics.quantiles(xs, n=20)[18] * 1000

    return [
        ("next-question navigation (65-question exam), p95", f"{p95(nav):.1f} ms", "< 16 ms"),
        ("autosave of one answer, p95", f"{p95(save):.2f} ms", "< 5 ms"),
        ("resident memory during an exam", f"{rss:.0f} MB", "< 150 MB"),
    ]


def _rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_bundle() -> list[tuple[str, str, str]]:
    dist = ROOT / "dist" / "mlcert-desktop"
    if not dist.is_dir():
        return [("onedir bundle size", "not built (python3 dev.py build)", "≤ 150 MB")]
    # Symbolic links (PyInstaller links some Qt libraries into _internal/) are counted as the
    # links they are, as tests/packaging/test_bundle.py and the tarball do, not followed.
    size = sum(p.lstat().st_size for p in dist.rglob("*") if not p.is_dir() or p.is_symlink())
    size /= 2**20
    return [("onedir bundle size", f"{size:.0f} MB", "≤ 150 MB")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--json", action="store_true", help="print the rows as JSON")
    ap.add_argument(
        "--only",
        choices=("startup", "instructions", "import", "exam", "bundle"),
        help="run one group of benchmarks",
    )
    args = ap.parse_args()
    reps = 2 if args.quick else 5
    groups = {
        # Start-up runs are short and the noisiest: more of them, interleaved. With 20 pairs the
        # fastest-of ratio of the frozen start moved by ±0.07 from run to run on a noisy
        # machine; 60 pairs gave 1.26× twice.
        "startup": lambda: bench_startup(reps * 8),
        "instructions": bench_instructions,
        # Interleaved, fastest of each: more runs make both minima, and so the ratio, steadier.
        "import": lambda: bench_import(10_000, reps * 2 + 1),
        "exam": lambda: bench_exam(reps),
        # After the exam: not to weigh on its memory figure.
        "import_large": lambda: bench_import_large(100_000),
        "bundle": bench_bundle,
    }
    if args.only == "import":
        chosen = ["import", "import_large"]
    else:
        chosen = [args.only] if args.only else list(groups)
    rows = [row for name in chosen for row in groups[name]()]
    if args.json:
        print(
            json.dumps([dict(zip(("benchmark", "result", "target"), r, strict=True)) for r in rows])
        )
        return 0
    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark':<{width}}  {'result':<34}  target")
    for name, result, target in rows:
        print(f"{name:<{width}}  {result:<34}  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
