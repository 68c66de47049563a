"""The benchmark script runs, on small inputs. (Its figures are judged by `python3 dev.py
bench` against the targets it prints, and recorded in benchmarks/RESULTS.md: not here.)"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from mlcert_desktop import paths
from mlcert_desktop.storage import packs_repo
from mlcert_desktop.storage.db import open_database
from tests import factory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_import_benchmarks_run(bench):
    ours, raw, same_schema, checkpoint = bench._import_times(factory.source(30), 1)
    assert min(ours, raw, same_schema) > 0 and checkpoint >= 0
    ((name, result, target),) = bench.bench_import_large(40)
    assert name == "verify + import 40 questions" and result.endswith(" s") and target == "< 30 s"


def test_the_start_up_rows_get_a_data_folder_holding_the_pack(bench):
    data = Path(bench._data_dir_with_pack(25))
    db = open_database(paths.db_path(data)).db
    try:
        (pack,) = packs_repo.list_packs(db)
        assert pack.question_count == 25
    finally:
        db.close()
    assert list(data.glob("*.exampack")) == []  # the pack file itself is gone


def test_the_exam_benchmark_runs(bench, qapp):
    rows = {name: result for name, result, _ in bench.bench_exam(1)}
    assert list(rows) == [
        "next-question navigation (65-question exam), p95",
        "autosave of one answer, p95",
        "resident memory during an exam",
    ]
    assert rows["resident memory during an exam"].endswith(" MB")
