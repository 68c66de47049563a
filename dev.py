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
    # Linux: a tarball with the onedir app, the menu entry, the icon and the .exampack MIME type.
    import tarfile

    version = subprocess.check_output(
        [str(PY), "-c", "import mlcert_desktop; print(mlcert_desktop.__version__)"], text=True
    ).strip()
    top = f"mlcert-desktop-{version}-linux-x86_64"
    linux = ROOT / "packaging" / "linux"
    with tarfile.open(ROOT / "dist" / f"{top}.tar.gz", "w:gz") as tar:
        tar.add(ROOT / "dist" / "mlcert-desktop", f"{top}/mlcert-desktop")
        tar.add(ROOT / "resources" / "icons" / "mlcert.png", f"{top}/mlcert-desktop.png")
        for name in ("mlcert-desktop.desktop", "mlcert-exampack.xml", "INSTALL.txt"):
            tar.add(linux / name, f"{top}/{name}")
    print(f"Wrote dist/{top}.tar.gz", flush=True)
    return 0


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
