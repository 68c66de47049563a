"""dev.py's Linux packages around a bundle, with a stand-in appimagetool (the real one and the
AppImage runtime are fetched, pinned by SHA-256, by .github/workflows/release.yml)."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the Linux packages are made on Linux"
)

# Writes what it was called with next to the image it "makes".
FAKE_TOOL = """#!/usr/bin/env python3
import json, os, sys
image = sys.argv[-1]
open(image, "w").close()
json.dump({"argv": sys.argv[1:], "arch": os.environ.get("ARCH")}, open(image + ".json", "w"))
"""


def _dev():
    spec = importlib.util.spec_from_file_location("dev_under_test", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A stand-in onedir bundle: the packaging only copies it."""
    app = tmp_path / "dist" / "mlcert-desktop"
    app.mkdir(parents=True)
    (app / "mlcert-desktop").write_text("#!/bin/sh\n")
    (app / "mlcert-desktop").chmod(0o755)
    return app.parent


@pytest.fixture
def tool(tmp_path: Path) -> Path:
    path = tmp_path / "appimagetool"
    path.write_text(FAKE_TOOL)
    path.chmod(0o755)
    return path


@pytest.mark.parametrize("with_runtime", [True, False])
def test_the_appimage_starts_with_the_runtime_file_given(
    dist: Path, tool: Path, tmp_path: Path, monkeypatch, with_runtime: bool
) -> None:
    runtime = tmp_path / "runtime-x86_64"
    runtime.write_bytes(b"runtime")
    monkeypatch.setenv("APPIMAGETOOL", str(tool))
    if with_runtime:
        monkeypatch.setenv("APPIMAGE_RUNTIME", str(runtime))
    else:
        monkeypatch.delenv("APPIMAGE_RUNTIME", raising=False)
    made = _dev().linux_packages(dist, "9.9.9")
    arch = os.uname().machine
    image = dist / f"mlcert-desktop-9.9.9-{arch}.AppImage"
    assert made[-1] == image and image.is_file()
    call = json.loads(Path(str(image) + ".json").read_text())
    assert call["arch"] == arch
    appdir = str(dist / "mlcert-desktop.AppDir")
    expected = ["--runtime-file", str(runtime)] if with_runtime else []
    assert call["argv"] == ["--no-appstream", *expected, appdir, str(image)]
