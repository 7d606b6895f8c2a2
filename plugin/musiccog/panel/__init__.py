"""The Music Cog dock panel (PySide6): prompts, streamed replies, timeline, export.

Public API::

    MusicCogPanel(parent=None, *, session_factory=None, host="panel",
                  timeline_bridge=None, backend_choice=None, files=(),
                  export_dir=None, still_working_ms=120_000, autoconnect=True)
    make_dock(parent_window, **panel_options) -> QDockWidget
    run_panel(files=(), host="panel", timeline_bridge=None, *, backend_choice=None) -> int
    TimelineBridge   # typing.Protocol a host implements (read_draft, apply)

The panel talks to the backend only through ``musiccog.session.Session``; every
backend call runs on a worker thread.  Importing this package imports PySide6
(an ImportError says it is missing: ``pip install 'ai-music-cog[panel]'``).
"""

from musiccog.panel.app import make_dock, run_panel
from musiccog.panel.bridge import TimelineBridge
from musiccog.panel.panel import MusicCogPanel

__all__ = ["MusicCogPanel", "TimelineBridge", "make_dock", "run_panel"]
