"""Create (once) and find the virtual environment that runs real Blender (``bpy``).

The ``bpy`` wheel from PyPI pins numpy 1.26.4 and is ~374 MB, so Blender tests do
not share the main ``.venv``: this module makes a separate venv in the user's cache
(``${XDG_CACHE_HOME:-~/.cache}/musiccog-test/venv-bpy-<hash>``), keyed by a hash of
what is installed into it, and reuses it across runs. The project goes in editable
with its core dependencies only (no engine/server extras).

Run it directly to prepare the environment ahead of a test run::

    .venv/bin/python tests/blender/bpy_venv.py
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import tomllib

REPO_ROOT = Path(__file__).resolve().parents[2]
BPY_REQUIREMENT = "bpy==5.0.1"
READY_NAME = ".musiccog-ready"
# Time allowed for the first install (download of the 374 MB wheel), seconds.
INSTALL_TIMEOUT_S = 3600


class BpyEnvUnavailable(RuntimeError):
    """The Blender test environment could not be made; the message says why."""


def cache_root() -> Path:
    """``${XDG_CACHE_HOME:-~/.cache}/musiccog-test``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "musiccog-test"


def requirements_hash() -> str:
    """12 hex digits over the bpy pin, the Python version and the project's core deps."""
    digest = hashlib.sha1()
    digest.update(BPY_REQUIREMENT.encode())
    digest.update(f"{sys.version_info.major}.{sys.version_info.minor}".encode())
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    digest.update("\n".join(sorted(project.get("dependencies", []))).encode())
    digest.update(str(REPO_ROOT).encode())  # editable install points at this checkout
    return digest.hexdigest()[:12]


def venv_dir() -> Path:
    return cache_root() / f"venv-bpy-{requirements_hash()}"


def venv_python(venv: Path) -> Path:
    if os.name == "nt":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def _run(cmd: list[str], log: Path) -> None:
    with log.open("ab") as out:
        out.write(("\n$ " + " ".join(cmd) + "\n").encode())
        out.flush()
        proc = subprocess.run(
            cmd, stdout=out, stderr=subprocess.STDOUT, timeout=INSTALL_TIMEOUT_S, check=False
        )
    if proc.returncode != 0:
        tail = log.read_text(errors="replace")[-1500:]
        raise BpyEnvUnavailable(f"{' '.join(cmd[:4])}… failed (exit {proc.returncode}):\n{tail}")


def ensure_bpy_python() -> Path:
    """Path of the Python that has ``bpy`` and ``musiccog``; creates the venv if missing.

    Raises BpyEnvUnavailable with the installer's output tail when it cannot be made
    (no network, unsupported Python version, ...). A file lock keeps concurrent test
    runs from building it twice; a marker file says the install finished.
    """
    venv = venv_dir()
    python = venv_python(venv)
    ready = venv / READY_NAME
    if ready.is_file() and python.is_file():
        return python
    if sys.version_info[:2] != (3, 11):
        raise BpyEnvUnavailable(
            f"{BPY_REQUIREMENT} needs Python 3.11; this is {sys.version.split()[0]}"
        )
    cache_root().mkdir(parents=True, exist_ok=True)
    lock_path = cache_root() / f"{venv.name}.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if ready.is_file() and python.is_file():
            return python
        if venv.exists():
            shutil.rmtree(venv)  # a half-made environment from an interrupted run
        log = cache_root() / f"{venv.name}.log"
        log.write_text("")
        _run([sys.executable, "-m", "venv", str(venv)], log)
        pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check"]
        _run([*pip, BPY_REQUIREMENT], log)
        _run([*pip, "-e", str(REPO_ROOT)], log)
        ready.write_text(BPY_REQUIREMENT + "\n")
    return python


def blender_platform() -> str | None:
    """This computer as a Blender platform name (``linux-x64``), None when unknown."""
    import platform

    system = {"linux": "linux", "darwin": "macos", "windows": "windows"}.get(
        platform.system().lower())
    machine = {"x86_64": "x64", "amd64": "x64", "arm64": "arm64", "aarch64": "arm64"}.get(
        platform.machine().lower())
    return f"{system}-{machine}" if system and machine else None


def ensure_wheelhouse() -> Path:
    """A folder with every wheel the extension build needs for this platform (Python 3.11).

    Downloaded once from the package index (like the venv itself), so the build test
    then runs offline with ``--no-index --find-links``: the core dependencies'
    wheels, and setuptools/wheel to build the project's own wheel.
    """
    import importlib.util

    plat = blender_platform()
    if plat is None:
        raise BpyEnvUnavailable("this platform has no Blender extension platform name")
    spec = importlib.util.spec_from_file_location(
        "musiccog_build_extension", REPO_ROOT / "install" / "blender" / "build_extension.py")
    build = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(build)  # type: ignore[union-attr]
    house = cache_root() / f"wheelhouse-{plat}-{requirements_hash()}"
    ready = house / READY_NAME
    if ready.is_file():
        return house
    cache_root().mkdir(parents=True, exist_ok=True)
    with (cache_root() / f"{house.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if ready.is_file():
            return house
        shutil.rmtree(house, ignore_errors=True)
        house.mkdir()
        try:
            build.download_dependencies(house, plat, "3.11", [])
        except build.BuildError as exc:
            raise BpyEnvUnavailable(str(exc)) from None
        log = cache_root() / f"{house.name}.log"
        log.write_text("")
        _run([sys.executable, "-m", "pip", "download", "--disable-pip-version-check",
              "--only-binary=:all:", "-d", str(house), "setuptools>=77", "wheel"], log)
        ready.write_text("ok\n")
    return house


if __name__ == "__main__":
    try:
        print(ensure_bpy_python())
    except BpyEnvUnavailable as exc:
        print(f"cannot make the Blender test environment: {exc}", file=sys.stderr)
        sys.exit(2)
