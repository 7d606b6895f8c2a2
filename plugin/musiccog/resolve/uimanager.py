"""A minimal Fusion UIManager window (prompt, sync, export) for when the Qt panel cannot start.

Built only from the UIManager calls Resolve's own examples use
(``fusion.UIManager``, ``bmd.UIDispatcher``, ``AddWindow``, ``VGroup``/``HGroup``,
``Label``, ``LineEdit``, ``CheckBox``, ``Button``, ``TextEdit``, ``win.On.<ID>.Clicked``,
``RunLoop``/``ExitLoop``).  The work runs in the click handler, so Resolve waits
while it runs; the Qt panel (with a worker thread) is the comfortable route.
Resolve 19.1 free broke UIManager windows opened by scripts: there the window
may not appear, and the console shows the messages instead.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from musiccog.errors import MusicCogError
from musiccog.resolve.bridge import ResolveTimelineBridge

WINDOW_ID = "MusicCogWindow"


class FallbackController:
    """What the buttons do, apart from any UI (so it can be tested and reused)."""

    def __init__(self, bridge: ResolveTimelineBridge, session_factory: Callable[[], Any]) -> None:
        self.bridge = bridge
        self._factory = session_factory
        self._session: Any = None

    @property
    def session(self) -> Any:
        if self._session is None:
            self._session = self._factory()
        return self._session

    def sync(self, prompt: str, *, new_timeline: bool = False) -> str:
        """Sync music to the current timeline; returns the text to show."""
        if not prompt.strip():
            return "Type what the music should be like (e.g. 'calm piano, quieter under speech')."
        try:
            outcome, report = self.bridge.sync(self.session, prompt=prompt,
                                               new_timeline=new_timeline)
        except MusicCogError as exc:
            return f"Error: {exc}"
        return "\n".join(x for x in (outcome.summary, report.summary(), *outcome.messages) if x)

    def export(self, dest: str) -> str:
        """Render the session's result to ``dest`` (MP4); returns the text to show."""
        if not dest.strip():
            return "Give a file name for the MP4."
        if self._session is None:
            return "Sync first: there is nothing to export yet."
        try:
            path = self.session.export(Path(dest).expanduser())
        except MusicCogError as exc:
            return f"Error: {exc}"
        return f"Exported {path}"


def run_fallback_window(fusion: Any, bmd: Any, controller: FallbackController, *,
                        note: str = "") -> None:
    """Open the window and run its loop until it is closed."""
    ui = fusion.UIManager
    disp = bmd.UIDispatcher(ui)
    try:
        where = controller.bridge.describe()
    except MusicCogError as exc:
        where = str(exc)
    lines = [where, *controller.bridge.warnings(), note]
    win = disp.AddWindow(
        {"ID": WINDOW_ID, "WindowTitle": "AI Music Cog", "Geometry": [120, 120, 560, 360]},
        ui.VGroup([
            ui.Label({"ID": "Where", "Text": "\n".join(x for x in lines if x), "WordWrap": True}),
            ui.LineEdit({"ID": "Prompt", "PlaceholderText": "calm piano, quieter under speech"}),
            ui.CheckBox({"ID": "NewTimeline",
                         "Text": "Put the result on a new timeline (levels as keyframes)"}),
            ui.HGroup([ui.Button({"ID": "Sync", "Text": "Sync music"}),
                       ui.LineEdit({"ID": "Dest", "Text": str(Path.home() / "music-cog.mp4")}),
                       ui.Button({"ID": "Export", "Text": "Export MP4"})]),
            ui.TextEdit({"ID": "Status", "ReadOnly": True}),
        ]),
    )
    items = win.GetItems()

    def show(text: str) -> None:
        print(text)
        items["Status"].PlainText = text

    def on_sync(event: Any) -> None:
        show("Working…")
        show(controller.sync(items["Prompt"].Text, new_timeline=bool(items["NewTimeline"].Checked)))

    def on_export(event: Any) -> None:
        show("Rendering…")
        show(controller.export(items["Dest"].Text))

    def on_close(event: Any) -> None:
        disp.ExitLoop()

    win.On.Sync.Clicked = on_sync
    win.On.Export.Clicked = on_export
    win.On.MusicCogWindow.Close = on_close  # the window's ID is WINDOW_ID
    win.Show()
    disp.RunLoop()
    win.Hide()
