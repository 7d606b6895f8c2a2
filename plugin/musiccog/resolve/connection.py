"""Finding Resolve's scripting module and connecting to the running Resolve.

Inside Resolve (Workspace ▸ Scripts) the launcher already holds ``resolve``;
from outside, ``DaVinciResolveScript.scriptapp("Resolve")`` connects, which
needs the module (``RESOLVE_SCRIPT_API``/``Modules``), its library
(``RESOLVE_SCRIPT_LIB``) and, in Resolve, Preferences ▸ System ▸ General ▸
*External scripting using* set to *Local*.  ``scriptapp`` answers None both
when Resolve is not running and when external scripting is off, so a process
check tells the two apart.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from musiccog.resolve.errors import (
    ResolveModuleNotFound,
    ResolveNotRunning,
    ResolveScriptingDisabled,
)
from musiccog.resolve.host import ResolveHost
from musiccog.resolve.platforms import Platform, script_api_dirs, script_lib_paths

MODULE_NAME = "DaVinciResolveScript"


def find_script_module(p: Platform) -> Path | None:
    """``…/Modules/DaVinciResolveScript.py`` of the first API folder that has it."""
    for api in script_api_dirs(p):
        candidate = api / "Modules" / f"{MODULE_NAME}.py"
        if candidate.is_file():
            return candidate
    return None


def load_script_module(p: Platform | None = None) -> ModuleType:
    """Import ``DaVinciResolveScript`` (already importable, or from the per-OS locations).

    Sets ``RESOLVE_SCRIPT_LIB`` for the module when it is unset and the library is
    found, as Resolve's README asks.
    """
    p = p or Platform.current()
    if MODULE_NAME in sys.modules:
        return sys.modules[MODULE_NAME]
    path = find_script_module(p)
    if path is None:
        try:
            return importlib.import_module(MODULE_NAME)
        except ImportError:
            searched = ", ".join(str(d) for d in script_api_dirs(p)) or "(none)"
            raise ResolveModuleNotFound(
                f"DaVinci Resolve's scripting module was not found (looked in {searched}). "
                "Install DaVinci Resolve, or set RESOLVE_SCRIPT_API to its "
                "Developer/Scripting folder."
            ) from None
    if not os.environ.get("RESOLVE_SCRIPT_LIB"):
        for lib in script_lib_paths(p):
            if lib.is_file():
                os.environ["RESOLVE_SCRIPT_LIB"] = str(lib)
                break
    spec = importlib.util.spec_from_file_location(MODULE_NAME, path)
    if spec is None or spec.loader is None:
        raise ResolveModuleNotFound(f"{path} cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[MODULE_NAME] = module
    try:
        spec.loader.exec_module(module)
    except (ImportError, OSError) as exc:
        del sys.modules[MODULE_NAME]
        raise ResolveModuleNotFound(
            f"{path} was found but could not load Resolve's library ({exc}). Set "
            "RESOLVE_SCRIPT_LIB to fusionscript.so (macOS/Linux) or fusionscript.dll (Windows) "
            "in the Resolve installation."
        ) from None
    return module


def resolve_process_running(p: Platform | None = None) -> bool | None:
    """True/False when the OS says whether Resolve runs; None when it cannot tell."""
    p = p or Platform.current()
    try:
        if p.system == "linux":
            for comm in Path("/proc").glob("[0-9]*/comm"):
                try:
                    if comm.read_text().strip().lower() == "resolve":
                        return True
                except OSError:
                    continue
            return False
        if p.system == "darwin":
            done = subprocess.run(["pgrep", "-x", "Resolve"], capture_output=True, timeout=5)
            return done.returncode == 0
        done = subprocess.run(["tasklist", "/FI", "IMAGENAME eq Resolve.exe"],
                              capture_output=True, text=True, timeout=5)
        return "Resolve.exe" in done.stdout
    except (OSError, subprocess.SubprocessError):
        return None


def connect(
    p: Platform | None = None,
    *,
    module: ModuleType | None = None,
    is_running: Callable[[], bool | None] | None = None,
) -> ResolveHost:
    """Connect to the running Resolve; raises a typed error that says what to do."""
    p = p or Platform.current()
    module = module or load_script_module(p)
    resolve = module.scriptapp("Resolve")
    if resolve is None:
        running = (is_running or (lambda: resolve_process_running(p)))()
        setting = ("set Preferences ▸ System ▸ General ▸ 'External scripting using' to Local "
                   "and restart Resolve, or start AI Music Cog inside Resolve from "
                   "Workspace ▸ Scripts ▸ AI Music Cog (the free edition only allows scripts "
                   "started inside Resolve)")
        if running is True:
            raise ResolveScriptingDisabled(f"DaVinci Resolve is running but refused the "
                                           f"connection: {setting}.")
        if running is False:
            raise ResolveNotRunning("DaVinci Resolve is not running: start it, open your "
                                    "project and timeline, and try again.")
        raise ResolveNotRunning(f"DaVinci Resolve did not answer. Start it if it is not "
                                f"running; if it is, {setting}.")
    return ResolveHost(resolve)
