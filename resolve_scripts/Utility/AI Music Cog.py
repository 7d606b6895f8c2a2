# musiccog-launcher: AI Music Cog for DaVinci Resolve (written by "musiccog install resolve")
"""Workspace ▸ Scripts ▸ AI Music Cog: the Music Cog panel, bound to this Resolve.

Thin on purpose: it finds the musiccog package and hands over to
``musiccog.resolve.launcher.main``.  ``MUSICCOG_PATHS`` is filled in by
``musiccog install resolve`` with the folders holding musiccog and its
dependencies; ``MUSICCOG_PYTHONPATH`` (os.pathsep-separated) adds more.
Re-run the installer rather than editing this file: it replaces files that
start with the line above and never touches others.
"""

import os
import sys

MUSICCOG_PATHS = []  # filled in by the installer


def _message(text):
    """Show ``text`` in a small Fusion UIManager window (or the console when that fails)."""
    print(text)
    try:
        bmd_ = globals()["bmd"]
        fusion_ = globals().get("fusion") or bmd_.scriptapp("Fusion")
        ui = fusion_.UIManager
        disp = bmd_.UIDispatcher(ui)
        win = disp.AddWindow(
            {"ID": "MusicCogMessage", "WindowTitle": "AI Music Cog",
             "Geometry": [200, 200, 560, 160]},
            ui.VGroup([ui.Label({"Text": text, "WordWrap": True}),
                       ui.Button({"ID": "OK", "Text": "OK"})]),
        )

        def close(event):
            disp.ExitLoop()

        win.On.OK.Clicked = close
        win.On.MusicCogMessage.Close = close
        win.Show()
        disp.RunLoop()
        win.Hide()
    except Exception:
        pass


def _run():
    extra = list(MUSICCOG_PATHS) + os.environ.get("MUSICCOG_PYTHONPATH", "").split(os.pathsep)
    for path in reversed([p for p in extra if p]):
        if path not in sys.path:
            sys.path.insert(0, path)
    try:
        from musiccog.resolve.launcher import main
    except ImportError as exc:
        python, version = sys.executable, sys.version.split()[0]
        _message(
            f"AI Music Cog cannot start: the Python Resolve uses ({python}, {version}) "
            f"cannot import musiccog ({exc}). Run 'musiccog install resolve' again and follow "
            f"what it says, or install the package into this Python with: "
            f'"{python}" -m pip install ai-music-cog'
        )
        return
    main(globals())


if __name__ == "__main__" or "resolve" in globals() or "bmd" in globals():
    _run()
