"""The panel as a dock in a host window (:func:`make_dock`) or on its own (:func:`run_panel`)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QThread
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QWidget

from musiccog.panel.panel import MusicCogPanel

__all__ = ["make_dock", "run_panel"]


class _CloseWatcher(QObject):
    """Shuts the panel down (cancel, wait) when the window holding the dock closes."""

    def __init__(self, panel: MusicCogPanel, window: QWidget) -> None:
        super().__init__(panel)
        self._panel = panel
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Close:
            self._panel.shutdown()
        return False


def make_dock(parent_window: QWidget, **panel_options: Any) -> QDockWidget:
    """A ``QDockWidget`` holding a :class:`MusicCogPanel` (``panel_options`` go to it).

    Docked on the right when ``parent_window`` is a ``QMainWindow``.  Closing the
    window or quitting the application cancels a running job and waits for it.
    The panel is ``dock.widget()``.
    """
    dock = QDockWidget("AI Music Cog", parent_window)
    dock.setObjectName("musiccogDock")
    panel = MusicCogPanel(dock, **panel_options)
    dock.setWidget(panel)
    if isinstance(parent_window, QMainWindow):
        parent_window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    _CloseWatcher(panel, parent_window)
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(panel.shutdown)
    return dock


def run_panel(
    files: Sequence[str | Path] = (),
    host: str = "panel",
    timeline_bridge: Any = None,
    *,
    backend_choice: str | None = None,
    **panel_options: Any,
) -> int:
    """Show the panel as a window; returns the exit code when the window closes.

    Starts a ``QApplication`` when none exists and runs its event loop; inside
    an application whose loop already runs (a Qt host), shows the window and
    returns 0 at once.
    """
    app = QApplication.instance()
    own_app = app is None
    if own_app:
        app = QApplication(sys.argv[:1] or ["musiccog"])
        app.setApplicationName("AI Music Cog")
    panel = MusicCogPanel(None, host=host, timeline_bridge=timeline_bridge,
                          backend_choice=backend_choice, files=files, **panel_options)
    panel.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    panel.resize(480, 760)
    panel.show()
    app.aboutToQuit.connect(panel.shutdown)
    if not own_app and QThread.currentThread().loopLevel() > 0:
        _KEEP.append(panel)
        return 0
    code = app.exec()
    panel.shutdown()
    return int(code)


#: Panels shown inside a running host application (kept from garbage collection).
_KEEP: list[MusicCogPanel] = []
