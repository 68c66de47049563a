"""Build the PyInstaller bundle from build.spec and run the frozen app's --smoke-test.

Slow (about half a minute on 2 cores): marked `slow`; skipped when PyInstaller is not installed
(it comes with the `build` extra).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAME = "mlcert-desktop"
MAX_BUNDLE_BYTES = 150 * 1024 * 1024

pytestmark = pytest.mark.slow


def _bundle_size(folder: Path) -> int:
    """Bytes on disk of the onedir folder; symlinks (Linux/macOS dedupe) count as themselves."""
    total = 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            total += os.lstat(os.path.join(dirpath, name)).st_size
    return total


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # find_spec only locates the package; nothing of PyInstaller is imported in this process.
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (pip install -e '.[build]' to run this test)")
    out = tmp_path_factory.mktemp("pyinstaller")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--distpath",
            str(out / "dist"),
            "--workpath",
            str(out / "work"),
            str(ROOT / "build.spec"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, (
        f"PyInstaller failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-8000:]}"
    )
    folder = out / "dist" / NAME
    assert folder.is_dir(), f"no onedir bundle in {out / 'dist'}"
    return folder


def _executable(folder: Path) -> Path:
    return folder / (f"{NAME}.exe" if os.name == "nt" else NAME)


def test_bundle_layout(bundle: Path) -> None:
    """paths.py expects resources/ and question_packs/*.exampack at sys._MEIPASS (= _internal)."""
    assert _executable(bundle).is_file()
    internal = bundle / "_internal"
    assert (internal / "resources" / "themes" / "light.qss").is_file()
    assert (internal / "resources" / "trusted_keys.json").is_file()
    packs = sorted(p.name for p in (internal / "question_packs").iterdir())
    assert packs and all(p.endswith(".exampack") for p in packs), packs
    # The theme's check mark is an SVG: the svg image-format plugin must survive the pruning.
    plugins = internal / "PySide6" / "Qt" / "plugins" / "imageformats"
    names = sorted(p.name for p in plugins.iterdir())
    assert any("qsvg" in n for n in names), names
    assert any("qjpeg" in n for n in names), names  # pack media may be JPEG
    assert not any("qgif" in n for n in names), names


@pytest.mark.skipif(os.name == "nt", reason="Windows needs ctypes (platformdirs.windows)")
def test_ctypes_is_not_bundled(bundle: Path) -> None:
    """If it were, PyInstaller's bootstrap would import it on every start (build.spec)."""
    internal = bundle / "_internal"
    assert not (internal / "ctypes").exists()
    assert not list(internal.rglob("_ctypes.*")), list(internal.rglob("_ctypes.*"))


def test_bundle_size(bundle: Path) -> None:
    size = _bundle_size(bundle)
    assert size <= MAX_BUNDLE_BYTES, f"bundle is {size / 2**20:.1f} MiB, limit 150 MiB"


def test_frozen_smoke_test(bundle: Path, tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [str(_executable(bundle)), "--self-test", "--data-dir", str(tmp_path / "data")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no JSON line in the output:\n{proc.stdout}\n{proc.stderr}"
    result = json.loads(lines[-1])
    assert result["ok"] is True, result
    assert result["frozen"] is True, result
    assert result["packs"] == 1, result
    assert result["questions"] >= 65, result
    # Every screen, FSRS and FTS5 search work in the bundle (all loaded on first use).
    assert result["self_test"]["ok"] is True, result
    assert result["self_test"]["screens"] == [
        "history",
        "packs",
        "browser",
        "progress",
        "practice",
        "results",
    ]


@pytest.fixture(scope="module")
def linux_packages(bundle: Path) -> list[Path]:
    if not sys.platform.startswith("linux"):
        pytest.skip("the tarball and the AppDir are made on Linux")
    sys.path.insert(0, str(ROOT))
    import dev

    saved = os.environ.pop("APPIMAGETOOL", None)
    path = os.environ.get("PATH", "")
    os.environ["PATH"] = ""  # no appimagetool here: it needs the network for its runtime
    try:
        return dev.linux_packages(bundle.parent, "9.9.9")
    finally:
        os.environ["PATH"] = path
        if saved is not None:
            os.environ["APPIMAGETOOL"] = saved


def test_linux_tarball_has_the_app_its_menu_entry_icon_and_mime_type(linux_packages) -> None:
    import tarfile

    tarball = linux_packages[0]
    assert tarball.name.startswith("mlcert-desktop-9.9.9-linux-")
    assert tarball.name.endswith(".tar.gz")
    top = tarball.name.removesuffix(".tar.gz")
    with tarfile.open(tarball) as tar:
        members = {m.name: m for m in tar.getmembers()}
    exe = members[f"{top}/mlcert-desktop/{NAME}"]
    assert exe.isfile() and exe.mode & 0o111
    for name in ("mlcert-desktop.desktop", "mlcert-desktop.png", "mlcert-exampack.xml"):
        assert f"{top}/{name}" in members
    assert f"{top}/INSTALL.txt" in members


def test_appdir_runs_the_app_through_apprun(linux_packages, tmp_path: Path) -> None:
    """What the AppImage runtime does once the image is mounted: run AppRun."""
    appdir = linux_packages[1]
    assert appdir.name == "mlcert-desktop.AppDir"
    assert len(linux_packages) == 2  # no AppImage without appimagetool
    desktop = (appdir / "mlcert-desktop.desktop").read_text()
    icon = next(line.split("=", 1)[1] for line in desktop.splitlines() if line.startswith("Icon="))
    assert (appdir / f"{icon}.png").is_file()
    assert os.readlink(appdir / ".DirIcon") == f"{icon}.png"
    assert (appdir / "usr" / "share" / "mime" / "packages" / "mlcert-exampack.xml").is_file()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [str(appdir / "AppRun"), "--smoke-test", "--data-dir", str(tmp_path / "data")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,  # AppRun finds the app from its own path, not the working directory
    )
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["ok"] is True and result["frozen"] is True and result["packs"] == 1
