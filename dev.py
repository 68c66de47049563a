#!/usr/bin/env python3
"""One-command developer entry points; needs only python3 (3.10+) to start.

    python3 dev.py run [APP ARGS]   create/update .venv, then start the app
    python3 dev.py test [PYTEST ARGS]  create/update .venv, then ruff + the whole test suite
    python3 dev.py build            PyInstaller bundle in dist/mlcert-desktop/
    python3 dev.py bench            run the benchmarks

The virtual environment is reinstalled only when pyproject.toml changes (a stamp file holds
its hash), so the second run starts at once.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".mlcert-installed"


def _ensure_venv(extras: str) -> None:
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == want and PY.exists():
        return
    if not PY.exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print(f"Installing mlcert-desktop[{extras}] into .venv ...", flush=True)
    _run([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    _run([str(PY), "-m", "pip", "install", "--quiet", "-e", f".[{extras}]"])
    STAMP.write_text(want)


def _run(cmd: list[str], **kwargs) -> int:
    code = subprocess.call(cmd, cwd=ROOT, **kwargs)
    if code:
        raise SystemExit(code)
    return code


def cmd_run(args: list[str]) -> int:
    _ensure_venv("test")
    return subprocess.call([str(PY), "-m", "mlcert_desktop", *args], cwd=ROOT)


def cmd_test(args: list[str]) -> int:
    _ensure_venv("test")
    _run([str(PY), "-m", "ruff", "check", "."])
    _run([str(PY), "-m", "ruff", "format", "--check", "."])
    code = subprocess.call([str(PY), "-m", "pytest", *args], cwd=ROOT)
    if code == 5:
        print("pytest collected no tests: that is a failure here.", file=sys.stderr)
        return 1
    return code


def cmd_build(args: list[str]) -> int:
    _ensure_venv("test,build")
    code = subprocess.call(
        [str(PY), "-m", "PyInstaller", "--noconfirm", "--clean", "build.spec", *args], cwd=ROOT
    )
    if code or not sys.platform.startswith("linux"):
        return code
    version = subprocess.check_output(
        [str(PY), "-c", "import mlcert_desktop; print(mlcert_desktop.__version__)"], text=True
    ).strip()
    for path in linux_packages(ROOT / "dist", version):
        print(f"Wrote {path.relative_to(ROOT)}", flush=True)
    return 0


def linux_packages(dist: Path, version: str) -> list[Path]:
    """From the onedir bundle in dist/mlcert-desktop: a tarball with the menu entry, the icon
    and the .exampack MIME type; an AppDir; and, when appimagetool is at hand (on PATH, or
    named by $APPIMAGETOOL), the AppImage made from that AppDir. The AppImage starts with the
    runtime file that $APPIMAGE_RUNTIME names; without one, appimagetool downloads the runtime
    of the moment. The release workflow fetches both, pinned and checked by SHA-256."""
    import shutil
    import tarfile

    arch = os.uname().machine
    linux = ROOT / "packaging" / "linux"
    icon = ROOT / "resources" / "icons" / "mlcert.png"
    app = dist / "mlcert-desktop"
    top = f"mlcert-desktop-{version}-linux-{arch}"
    tarball = dist / f"{top}.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(app, f"{top}/mlcert-desktop")
        tar.add(icon, f"{top}/mlcert-desktop.png")
        for name in ("mlcert-desktop.desktop", "mlcert-exampack.xml", "INSTALL.txt"):
            tar.add(linux / name, f"{top}/{name}")
    made = [tarball]

    # AppDir, as the AppImage spec lays it out: AppRun, the .desktop file and its icon at the
    # top; the app itself under usr/. AppRun starts it from wherever the image is mounted.
    appdir = dist / "mlcert-desktop.AppDir"
    shutil.rmtree(appdir, ignore_errors=True)
    shutil.copytree(app, appdir / "usr" / "lib" / "mlcert-desktop", symlinks=True)
    shutil.copy2(linux / "AppRun", appdir / "AppRun")
    (appdir / "AppRun").chmod(0o755)
    shutil.copy2(linux / "mlcert-desktop.desktop", appdir / "mlcert-desktop.desktop")
    shutil.copy2(icon, appdir / "mlcert-desktop.png")
    (appdir / ".DirIcon").symlink_to("mlcert-desktop.png")
    mime = appdir / "usr" / "share" / "mime" / "packages"
    mime.mkdir(parents=True)
    shutil.copy2(linux / "mlcert-exampack.xml", mime / "mlcert-exampack.xml")
    made.append(appdir)

    tool = os.environ.get("APPIMAGETOOL") or shutil.which("appimagetool")
    if tool:
        image = dist / f"mlcert-desktop-{version}-{arch}.AppImage"
        env = dict(os.environ, ARCH=arch)
        runtime = os.environ.get("APPIMAGE_RUNTIME")
        runtime_args = ["--runtime-file", runtime] if runtime else []
        _run([tool, "--no-appstream", *runtime_args, str(appdir), str(image)], env=env)
        made.append(image)
    return made


def cmd_bench(args: list[str]) -> int:
    _ensure_venv("test")
    return subprocess.call([str(PY), str(ROOT / "benchmarks" / "run.py"), *args], cwd=ROOT)


COMMANDS = {"run": cmd_run, "test": cmd_test, "build": cmd_build, "bench": cmd_bench}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
