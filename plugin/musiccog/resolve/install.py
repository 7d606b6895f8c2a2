"""``musiccog install resolve`` / ``uninstall resolve``: the Scripts-menu launcher.

The launcher (:mod:`musiccog.resolve.launcher_script`, also in the repository
as ``resolve_scripts/Utility/AI Music Cog.py``) is copied into Resolve's
``Fusion/Scripts/Utility`` folder with ``MUSICCOG_PATHS`` filled in, so the
Python Resolve runs can find this package.  Files are ours when their first
line is :data:`MARKER`; anything else at the same name is never overwritten
or removed.  Then the Python Resolve will use is asked to import musiccog
(``python -c``), and the report says what to do when it cannot.
"""

from __future__ import annotations

import importlib.resources
import json
import os
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from musiccog.errors import MusicCogError
from musiccog.resolve.platforms import Platform, python_candidates, scripts_dir

#: First line of every file this installer writes.
MARKER = "# musiccog-launcher"
#: Where the launcher goes, relative to the Scripts folder.
LAUNCHER_RELPATH = Path("Utility") / "AI Music Cog.py"
#: Packages the launcher needs importable in Resolve's Python.
REQUIRED_MODULES = ("musiccog", "pydantic", "opentimelineio")

Runner = Callable[..., subprocess.CompletedProcess]


class InstallError(MusicCogError):
    """The launcher cannot be installed or removed (the message says why and what to do)."""


@dataclass(frozen=True)
class PythonCheck:
    """Whether ``python`` (the interpreter Resolve will use) can import musiccog."""

    python: str | None
    ok: bool
    detail: str = ""


@dataclass
class InstallReport:
    """What was (or, with ``dry_run``, would be) done."""

    scripts_dir: Path
    launcher: Path
    action: str  # "written", "replaced", "unchanged", "removed", "absent", "kept (not ours)"
    dry_run: bool = False
    python: PythonCheck | None = None
    messages: list[str] = field(default_factory=list)

    def text(self) -> str:
        verb = "would be " if self.dry_run and self.action in ("written", "replaced",
                                                              "removed") else ""
        lines = [f"{self.launcher}: {verb}{self.action}"]
        if self.python is not None:
            status = "can" if self.python.ok else "CANNOT"
            lines.append(f"Resolve's Python ({self.python.python or 'not found'}) {status} "
                         f"import musiccog. {self.python.detail}".rstrip())
        return "\n".join(lines + self.messages)


def launcher_template() -> str:
    """The launcher's source text (with ``MUSICCOG_PATHS`` still empty)."""
    ref = importlib.resources.files("musiccog.resolve").joinpath("launcher_script.py")
    return ref.read_text(encoding="utf-8")


def package_paths() -> list[str]:
    """Folders holding musiccog and its dependencies in *this* interpreter."""
    import opentimelineio
    import pydantic

    import musiccog

    paths: list[str] = []
    for module in (musiccog, pydantic, opentimelineio):
        folder = str(Path(module.__file__).resolve().parent.parent)
        if folder not in paths:
            paths.append(folder)
    return paths


def launcher_text(paths: Sequence[str]) -> str:
    """The launcher with ``MUSICCOG_PATHS`` set to ``paths``."""
    template = launcher_template()
    line = "MUSICCOG_PATHS = []  # filled in by the installer"
    if line not in template:  # pragma: no cover - guarded by a test
        raise InstallError("the launcher template is damaged; reinstall musiccog")
    return template.replace(line, f"MUSICCOG_PATHS = {json.dumps(list(paths))}")


def is_ours(path: Path) -> bool:
    """True when ``path`` starts with :data:`MARKER`."""
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return handle.readline().startswith(MARKER)
    except OSError:
        return False


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".musiccog-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def check_python(python: str | None, paths: Sequence[str], *, runner: Runner = subprocess.run,
                 ) -> PythonCheck:
    """Run ``python -c "import musiccog…"`` with the launcher's paths; say what to do if not."""
    if python is None:
        return PythonCheck(None, False,
                           "No system Python 3 was found. Resolve runs Python scripts with a "
                           "system-wide 64-bit Python 3 (from python.org on macOS/Windows, the "
                           "distribution's python3 on Linux): install one, then run "
                           "'musiccog install resolve --python PATH' again.")
    code = (f"import sys; sys.path[:0] = {json.dumps(list(paths))}; "
            + "; ".join(f"import {m}" for m in REQUIRED_MODULES)
            + "; print(sys.version.split()[0])")
    try:
        done = runner([python, "-c", code], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        return PythonCheck(python, False, f"It could not be run ({exc}).")
    if done.returncode == 0:
        return PythonCheck(python, True, f"(Python {done.stdout.strip()})")
    last = (done.stderr or done.stdout or "").strip().splitlines()[-1:] or ["no output"]
    return PythonCheck(python, False,
                       f"It failed with: {last[0]}. Install the package into that Python with "
                       f"\"{python}\" -m pip install ai-music-cog (its version must match), or "
                       f"point the launcher at another install with MUSICCOG_PYTHONPATH.")


def _target(p: Platform, system_wide: bool, directory: str | Path | None) -> Path:
    return Path(directory) if directory else scripts_dir(p, system_wide=system_wide)


def install(p: Platform | None = None, *, system_wide: bool = False,
            directory: str | Path | None = None, dry_run: bool = False,
            python: str | None = None, paths: Sequence[str] | None = None,
            runner: Runner = subprocess.run) -> InstallReport:
    """Copy the launcher into the Scripts folder and check Resolve's Python.

    :raises InstallError: a file that is not ours is in the way (nothing written),
        or the folder cannot be written (e.g. the system folder without admin rights).
    """
    p = p or Platform.current()
    target = _target(p, system_wide, directory)
    launcher = target / LAUNCHER_RELPATH
    paths = list(paths) if paths is not None else package_paths()
    text = launcher_text(paths)
    if launcher.exists() and not is_ours(launcher):
        raise InstallError(f"{launcher} exists and was not written by musiccog; nothing was "
                           "changed. Rename or remove it, then run the installer again.")
    if launcher.exists():
        action = "unchanged" if launcher.read_text(encoding="utf-8") == text else "replaced"
    else:
        action = "written"
    if not dry_run and action != "unchanged":
        try:
            _write_atomic(launcher, text)
        except PermissionError:
            raise InstallError(
                f"{target} is not writable. Use the per-user folder (drop --system) or run "
                "the installer as an administrator."
            ) from None
    if python is None:
        python = next((str(c) for c in python_candidates(p) if c.is_file()), None)
    report = InstallReport(target, launcher, action, dry_run,
                           check_python(python, paths, runner=runner))
    report.messages.append("Restart Resolve (or reopen Workspace ▸ Scripts) to see "
                           "Workspace ▸ Scripts ▸ AI Music Cog.")
    report.messages.append("Note: the free edition of Resolve 21.1 and later lists only Lua "
                           "scripts in Workspace ▸ Scripts, so this Python launcher shows in "
                           "Resolve Studio and in free versions up to 21.0 (see docs/resolve.md).")
    return report


def uninstall(p: Platform | None = None, *, system_wide: bool = False,
              directory: str | Path | None = None, dry_run: bool = False) -> InstallReport:
    """Remove the launcher if it is ours; a file that is not ours is kept and reported."""
    p = p or Platform.current()
    target = _target(p, system_wide, directory)
    launcher = target / LAUNCHER_RELPATH
    if not launcher.exists():
        return InstallReport(target, launcher, "absent", dry_run)
    if not is_ours(launcher):
        raise InstallError(f"{launcher} was not written by musiccog; it was left in place.")
    if not dry_run:
        try:
            launcher.unlink()
        except PermissionError:
            raise InstallError(f"{launcher} cannot be removed without administrator rights."
                               ) from None
    return InstallReport(target, launcher, "removed", dry_run)

