"""The launcher inside Resolve: the Qt panel when it starts, else the UIManager window."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from musiccog.resolve.bridge import ResolveTimelineBridge
from musiccog.resolve.launcher import find_resolve, main
from tests.resolve.builders import cut_timeline, synced_draft, write_wav
from tests.resolve.fake_fusion_ui import FakeBmd, FakeFusion


class StandInSession:
    """Answers like Session.sync_timeline/export for a fixed piece of music (test stand-in)."""

    def __init__(self, bgm: Path):
        self.bgm = bgm
        self.prompts: list[str] = []

    def sync_timeline(self, draft, *, prompt, music_path=None, library_dir=None, cancel=None,
                      on_progress=None):
        self.prompts.append(prompt)
        return SimpleNamespace(draft=synced_draft(draft, self.bgm), bgm_path=self.bgm,
                               summary="BGM added: 9.0 s", messages=["tempo 120 BPM"])

    def export(self, dest, *, on_progress=None, cancel=None):
        Path(dest).write_bytes(b"mp4")
        return Path(dest)


def test_panel_gets_a_bridge_bound_to_the_running_resolve(tmp_path):
    resolve, tl, _ = cut_timeline(tmp_path, "29.97 DF")
    seen = []
    assert main({"resolve": resolve}, start_panel=seen.append) == "panel"
    (bridge,) = seen
    assert isinstance(bridge, ResolveTimelineBridge)
    assert bridge.describe() == "Project 1 ▸ Edit · 29.97 DF fps · starts 01:00:00;00"


def test_resolve_is_found_through_bmd_when_not_a_global(tmp_path):
    resolve, _, _ = cut_timeline(tmp_path, "24")
    assert find_resolve({"bmd": FakeBmd(lambda w: None, resolve)}) is resolve


def test_fallback_window_syncs_and_exports_when_qt_cannot_start(tmp_path):
    resolve, tl, _ = cut_timeline(tmp_path, "25")
    session = StandInSession(write_wav(tmp_path / "bgm.wav", 12))
    out = tmp_path / "cut.mp4"
    shown = {}

    def user(window):
        items = window.GetItems()
        shown["where"] = items["Where"].Text
        items["Prompt"].Text = "calm piano"
        window.click("Sync")
        shown["sync"] = items["Status"].PlainText
        items["Dest"].Text = str(out)
        window.click("Export")
        shown["export"] = items["Status"].PlainText
        window.On.MusicCogWindow.Close({})

    def no_qt(bridge):
        raise ImportError("No module named 'PySide6'")

    bmd = FakeBmd(user)
    result = main({"resolve": resolve, "fusion": FakeFusion(), "bmd": bmd},
                  start_panel=no_qt, session_factory=lambda: session)
    assert result == "fallback"
    assert "Project 1 ▸ Edit · 25 fps" in shown["where"]
    assert "Qt panel could not start" in shown["where"]
    assert session.prompts == ["calm piano"]
    assert "Music placed on audio track A4 of 'Edit'" in shown["sync"]
    assert tl.GetTrackCount("audio") == 4 and len(tl.GetItemListInTrack("audio", 4)) == 1
    assert shown["export"] == f"Exported {out}" and out.read_bytes() == b"mp4"
    assert bmd.dispatcher.exited and not bmd.dispatcher.windows[0].shown


def test_fallback_reports_errors_in_the_window_and_leaves_the_timeline(tmp_path):
    resolve, tl, _ = cut_timeline(tmp_path, "24")
    session = StandInSession(write_wav(tmp_path / "bgm.wav", 12))
    resolve.fail_on.add("AppendToTimeline")
    before = resolve.state()
    shown = {}

    def user(window):
        items = window.GetItems()
        window.click("Sync")  # empty prompt first
        shown["empty"] = items["Status"].PlainText
        window.click("Export")
        shown["early_export"] = items["Status"].PlainText
        items["Prompt"].Text = "upbeat"
        window.click("Sync")
        shown["failed"] = items["Status"].PlainText

    main({"resolve": resolve, "fusion": FakeFusion(), "bmd": FakeBmd(user)},
         start_panel=lambda b: (_ for _ in ()).throw(RuntimeError("no display")),
         session_factory=lambda: session)
    assert "Type what the music should be like" in shown["empty"]
    assert shown["early_export"] == "Sync first: there is nothing to export yet."
    assert shown["failed"].startswith("Error: Resolve refused to add the music")
    assert "Nothing was left behind" in shown["failed"]
    assert resolve.state() == before


def test_no_resolve_prints_why(tmp_path, capsys, monkeypatch):
    from musiccog.resolve import connection as conn
    from musiccog.resolve.errors import ResolveNotRunning

    def refuse(*args, **kwargs):
        raise ResolveNotRunning("DaVinci Resolve is not running: start it")

    monkeypatch.setattr(conn, "connect", refuse)
    assert main({}, start_panel=lambda b: None) == "error"
    assert "not running" in capsys.readouterr().out
