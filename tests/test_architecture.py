"""The layers below the UI never depend on Qt (DESIGN.md §1)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import mlcert_desktop

PACKAGE = Path(mlcert_desktop.__file__).resolve().parent
QT_FREE = ("core", "storage", "packs")
FORBIDDEN = ("PySide6", "shiboken6")


def qt_free_files() -> list[Path]:
    return sorted(p for layer in QT_FREE for p in (PACKAGE / layer).rglob("*.py"))


def forbidden_imports(source: str, filename: str = "<test>") -> list[str]:
    """Every `import X` / `from X import ...` (at any depth) naming a Qt module."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            if name.split(".")[0] in FORBIDDEN:
                found.append(f"{filename}:{node.lineno}: {name}")
    return found


def test_the_qt_free_layers_exist():
    files = qt_free_files()
    for layer in QT_FREE:
        assert any(p.parent.name == layer for p in files), layer
    assert PACKAGE / "core" / "session.py" in files
    assert PACKAGE / "packs" / "importer.py" in files


@pytest.mark.parametrize(
    "source",
    [
        "import PySide6",
        "import PySide6.QtCore as qc",
        "import os, shiboken6",
        "from PySide6 import QtWidgets",
        "from PySide6.QtCore import QObject",
        "from shiboken6 import isValid",
        "def f():\n    if True:\n        from PySide6.QtGui import QColor\n",
    ],
)
def test_the_checker_catches_every_import_form(source):
    assert forbidden_imports(source)


@pytest.mark.parametrize(
    "source",
    ["import os", "from . import PySide6", "x = 'import PySide6'", "# from PySide6 import x"],
)
def test_the_checker_ignores_what_is_not_a_qt_import(source):
    assert forbidden_imports(source) == []


def test_core_storage_and_packs_never_import_qt():
    problems = []
    for path in qt_free_files():
        rel = path.relative_to(PACKAGE.parent)
        problems += forbidden_imports(path.read_text(encoding="utf-8"), str(rel))
    assert problems == []


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


QT_PROBE = (
    "import importlib, sys\n"
    "def qt():\n"
    "    return sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
    "for name in sys.argv[1:]:\n"
    "    importlib.import_module(name)\n"
    "print('QT-AFTER-LAYERS', qt())\n"
    "import PySide6.QtCore  # control: the probe does see Qt once it is loaded\n"
    "print('QT-CONTROL', 'PySide6.QtCore' in qt())\n"
)


def test_importing_the_lower_layers_does_not_load_qt():
    modules = sorted({_module_name(p) for p in qt_free_files()})
    assert "mlcert_desktop.core.session" in modules
    assert "mlcert_desktop.storage" in modules
    done = subprocess.run(
        [sys.executable, "-c", QT_PROBE, *modules],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=PACKAGE.parent,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "QT-AFTER-LAYERS []" in done.stdout, done.stdout
    assert "QT-CONTROL True" in done.stdout, done.stdout


def dynamic_imports(source: str, filename: str = "<test>") -> list[str]:
    """Calls of importlib.import_module or __import__: PyInstaller cannot see what they load."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name in ("import_module", "__import__"):
                found.append(f"{filename}:{node.lineno}: {name}")
    return found


def test_the_dynamic_import_checker_works():
    assert dynamic_imports("import importlib\nimportlib.import_module('x')")
    assert dynamic_imports("__import__('x')")
    assert not dynamic_imports("from x import y\ndef f():\n    import z")


def test_every_import_is_static_so_the_frozen_bundle_has_every_module():
    found = [
        hit
        for path in sorted(PACKAGE.rglob("*.py"))
        for hit in dynamic_imports(path.read_text(encoding="utf-8"), str(path))
    ]
    assert found == []
