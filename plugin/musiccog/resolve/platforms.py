"""Where DaVinci Resolve keeps things on macOS, Windows and Linux (pure path logic).

Everything takes a :class:`Platform` — OS, home folder, environment and a root
that absolute system locations hang from — so tests can stand a temporary
folder in for each OS.  Locations are those of Resolve's scripting README:

- scripting API (``RESOLVE_SCRIPT_API``): macOS ``/Library/Application Support/
  Blackmagic Design/DaVinci Resolve/Developer/Scripting``, Windows
  ``%PROGRAMDATA%\\Blackmagic Design\\DaVinci Resolve\\Support\\Developer\\Scripting``,
  Linux ``/opt/resolve/Developer/Scripting``;
- scripting library (``RESOLVE_SCRIPT_LIB``, ``fusionscript.so``/``.dll``);
- the Scripts menu folders (``Utility`` shows on every page), per user and for
  all users.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

_MAC_SUPPORT = "Library/Application Support/Blackmagic Design/DaVinci Resolve"


@dataclass(frozen=True)
class Platform:
    """``system`` is ``"darwin"``, ``"windows"`` or ``"linux"``; ``root`` prefixes system paths."""

    system: str
    home: Path
    env: Mapping[str, str] = field(default_factory=dict)
    root: Path = Path("/")

    @classmethod
    def current(cls) -> Platform:
        system = {"win32": "windows", "darwin": "darwin"}.get(sys.platform, "linux")
        root = Path("/")
        if system == "windows":
            root = Path(os.environ.get("SystemDrive", "C:") + "\\")
        return cls(system, Path.home(), dict(os.environ), root)

    def system_path(self, posix: str) -> Path:
        """An absolute system location (``/opt/resolve``) under :attr:`root`."""
        return self.root.joinpath(*posix.strip("/").split("/"))

    def env_dir(self, name: str, default: str) -> Path:
        """A Windows folder from the environment (``PROGRAMDATA``…) or its usual place."""
        value = self.env.get(name)
        return Path(value) if value else self.system_path(default)


def script_api_dirs(p: Platform) -> list[Path]:
    """Folders that may hold ``Modules/DaVinciResolveScript.py``, best first."""
    dirs = [Path(p.env["RESOLVE_SCRIPT_API"])] if p.env.get("RESOLVE_SCRIPT_API") else []
    if p.system == "darwin":
        dirs += [p.system_path(f"{_MAC_SUPPORT}/Developer/Scripting"),
                 p.home / _MAC_SUPPORT / "Developer" / "Scripting"]
    elif p.system == "windows":
        dirs.append(p.env_dir("PROGRAMDATA", "ProgramData") / "Blackmagic Design"
                    / "DaVinci Resolve" / "Support" / "Developer" / "Scripting")
    else:
        dirs += [p.system_path("opt/resolve/Developer/Scripting"),
                 p.home / ".local/share/DaVinciResolve/Developer/Scripting"]
    return dirs


def script_lib_paths(p: Platform) -> list[Path]:
    """Candidates for ``fusionscript.so``/``.dll`` (``RESOLVE_SCRIPT_LIB`` first)."""
    libs = [Path(p.env["RESOLVE_SCRIPT_LIB"])] if p.env.get("RESOLVE_SCRIPT_LIB") else []
    if p.system == "darwin":
        libs.append(p.system_path("Applications/DaVinci Resolve/DaVinci Resolve.app/Contents/"
                                  "Libraries/Fusion/fusionscript.so"))
    elif p.system == "windows":
        libs.append(p.env_dir("PROGRAMFILES", "Program Files") / "Blackmagic Design"
                    / "DaVinci Resolve" / "fusionscript.dll")
    else:
        libs.append(p.system_path("opt/resolve/libs/Fusion/fusionscript.so"))
    return libs


def scripts_dir(p: Platform, *, system_wide: bool = False) -> Path:
    """The ``Fusion/Scripts`` folder Resolve lists in Workspace ▸ Scripts."""
    if p.system == "darwin":
        base = p.system_path(_MAC_SUPPORT) if system_wide else p.home / _MAC_SUPPORT
        return base / "Fusion" / "Scripts"
    if p.system == "windows":
        if system_wide:
            return (p.env_dir("PROGRAMDATA", "ProgramData") / "Blackmagic Design"
                    / "DaVinci Resolve" / "Fusion" / "Scripts")
        appdata = p.env_dir("APPDATA", "Users/Default/AppData/Roaming")
        return appdata / "Blackmagic Design" / "DaVinci Resolve" / "Support" / "Fusion" / "Scripts"
    if system_wide:
        return p.system_path("opt/resolve/Fusion/Scripts")
    return p.home / ".local" / "share" / "DaVinciResolve" / "Fusion" / "Scripts"


def python_candidates(p: Platform) -> list[Path]:
    """Interpreters Resolve is known to pick up (it uses a system-wide Python 3)."""
    if p.system == "darwin":
        return [p.system_path("Library/Frameworks/Python.framework/Versions/Current/bin/python3"),
                p.system_path("opt/homebrew/bin/python3"),
                p.system_path("usr/local/bin/python3"),
                p.system_path("usr/bin/python3")]
    if p.system == "windows":
        found: list[Path] = []
        local = p.env_dir("LOCALAPPDATA", "Users/Default/AppData/Local")
        for base in (local / "Programs" / "Python", p.env_dir("PROGRAMFILES", "Program Files")):
            if base.is_dir():
                found += sorted(base.glob("Python3*/python.exe"), reverse=True)
        return found
    return [p.system_path("usr/bin/python3"), p.system_path("usr/local/bin/python3")]
