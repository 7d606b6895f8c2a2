"""What Workspace ▸ Scripts ▸ AI Music Cog runs inside Resolve (after the thin launcher).

Finds the ``resolve`` object among the globals Resolve gives scripts, opens the
Qt dock panel bound to it (one call: ``musiccog.panel.run_panel``), and when
PySide6 cannot start there, the minimal Fusion UIManager window instead.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping
from typing import Any

from musiccog.errors import MusicCogError
from musiccog.resolve.bridge import ResolveTimelineBridge, open_session
from musiccog.resolve.host import ResolveHost
from musiccog.resolve.uimanager import FallbackController, run_fallback_window


def find_resolve(script_globals: Mapping[str, Any]) -> Any:
    """The ``resolve`` object: a global, ``bmd.scriptapp``, ``app``/``fusion.GetResolve()``."""
    if script_globals.get("resolve") is not None:
        return script_globals["resolve"]
    bmd = script_globals.get("bmd")
    if bmd is not None and getattr(bmd, "scriptapp", None):
        found = bmd.scriptapp("Resolve")
        if found is not None:
            return found
    for name in ("app", "fusion", "fu"):
        obj = script_globals.get(name)
        if obj is not None and hasattr(obj, "GetResolve"):
            found = obj.GetResolve()
            if found is not None:
                return found
    from musiccog.resolve.connection import connect

    return connect().resolve


def _start_panel(bridge: ResolveTimelineBridge) -> None:
    from musiccog.panel import run_panel

    run_panel(host="resolve", timeline_bridge=bridge)


def main(script_globals: Mapping[str, Any] | None = None, *,
         start_panel: Callable[[ResolveTimelineBridge], None] = _start_panel,
         session_factory: Callable[[], Any] = open_session) -> str:
    """Open the panel (or the fallback window).

    Returns ``"panel"``, ``"fallback"`` or ``"error"`` (after printing why).
    """
    script_globals = script_globals or {}
    try:
        resolve = find_resolve(script_globals)
        bridge = ResolveTimelineBridge(ResolveHost(resolve))
    except MusicCogError as exc:
        print(f"AI Music Cog: {exc}")
        return "error"
    try:
        start_panel(bridge)
        return "panel"
    except Exception as exc:  # PySide6 missing or unable to start inside Resolve
        note = f"(The Qt panel could not start: {exc}; using the basic window.)"
        print("AI Music Cog:", note)
        if not isinstance(exc, ImportError):
            traceback.print_exc()
    fusion = script_globals.get("fusion") or script_globals.get("fu") or resolve.Fusion()
    bmd = script_globals.get("bmd")
    if fusion is None or bmd is None:
        print("AI Music Cog: no Fusion UI is available here; use 'musiccog resolve sync' instead.")
        return "error"
    run_fallback_window(fusion, bmd, FallbackController(bridge, session_factory), note=note)
    return "fallback"
