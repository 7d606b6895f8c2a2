"""The panel against a real ``musiccog serve`` on 127.0.0.1: each error code becomes its
message and action (made to happen by the server's fault switches), a turn that
ends without text still says what changed, export shows progress and writes a file."""

from __future__ import annotations

from pathlib import Path

import pytest
from server.fixtures import fast_settings

from musiccog.backend import open_backend
from musiccog.panel import MusicCogPanel
from musiccog.session import Session
from tests.panel.conftest import snap


def _factory(choice: str) -> Session:
    return Session(open_backend(choice, host="panel", settings=fast_settings()), host="panel")


def _panel(qtbot, live_server, tmp_path: Path, *, autoconnect: bool = True) -> MusicCogPanel:
    panel = MusicCogPanel(session_factory=_factory, backend_choice=live_server.url,
                          export_dir=tmp_path / "exports", autoconnect=autoconnect)
    (tmp_path / "exports").mkdir()
    qtbot.addWidget(panel)
    panel.resize(480, 760)
    panel.show()
    if autoconnect:
        qtbot.waitUntil(lambda: panel.state == "ready", timeout=15_000)
    return panel


def _turn(qtbot, panel: MusicCogPanel, text: str, files=()) -> tuple[str, bool]:
    if files:
        assert panel.add_files(files)
    with qtbot.waitSignal(panel.job_done, timeout=60_000) as blocker:
        assert panel.send_prompt(text)
    return tuple(blocker.args)


def test_connects_with_credits_then_streams_and_summarises(qtbot, live_server, tmp_path, clip,
                                                           probe_engine) -> None:
    probe_engine.messages = ["Looking at your clip.", "Music is in: 35% under the picture."]
    panel = _panel(qtbot, live_server, tmp_path)
    assert panel.status_label.text() == "Ready · Self-hosted"
    assert panel.credits is not None and panel.credits.available > 0
    assert panel.credits_label.isVisible()
    assert _turn(qtbot, panel, "calm music at 35%", [clip]) == ("prompt", True)
    text = panel.transcript.toPlainText()
    assert "Cog: Uploaded clip.mp4" in text
    assert "Looking at your clip. Music is in: 35% under the picture." in text
    assert "Changed:" in text
    assert panel.draft is not None
    lanes = panel.timeline_view.picture.lanes
    assert [lane.kind for lane in lanes] == ["video", "bgm"]
    assert "BGM" in panel.timeline_summary.text() and "35%" in panel.timeline_summary.text()


def test_a_turn_without_text_still_says_what_changed(qtbot, live_server, tmp_path,
                                                      clip) -> None:
    panel = _panel(qtbot, live_server, tmp_path)
    live_server.faults.arm("no_text")
    assert _turn(qtbot, panel, "put lo-fi under it at 40%", [clip]) == ("prompt", True)
    assert live_server.faults.count("no_text") == 1
    lines = panel.transcript.toPlainText().splitlines()
    changed = [line for line in lines if line.startswith("Changed:")]
    assert len(changed) == 1 and "BGM" in changed[0]
    assert lines[-1] == changed[0]  # the summary closes the silent turn
    assert panel.timeline_view.picture is not None and panel.timeline_view.picture.has_music


def test_export_shows_progress_and_the_file_exists(qtbot, live_server, tmp_path, clip,
                                                   artifacts_dir) -> None:
    panel = _panel(qtbot, live_server, tmp_path)
    _turn(qtbot, panel, "calm music", [clip])
    live_server.faults.arm("slow_render", seconds=0.6)
    values: list[int] = []
    panel.export_bar.progress.valueChanged.connect(values.append)
    with qtbot.waitSignal(panel.exported, timeout=60_000) as blocker:
        panel.export_video()
        qtbot.waitUntil(lambda: panel.export_bar.progress.isVisible(), timeout=5000)
    out = Path(blocker.args[0])
    assert out.is_file() and out.stat().st_size > 1000
    assert out.read_bytes()[4:8] == b"ftyp"  # an MP4
    assert out.parent == tmp_path / "exports"
    assert values[-1] == 100
    assert panel.export_bar.result_label.text() == f"Saved: {out}"
    assert not panel.export_bar.progress.isVisible()
    assert panel.export_bar.folder_button.isVisible()


# fault, times, how to trigger, words in the banner, button label
ERROR_CASES = [
    pytest.param("expired_token", 2, "credits", "sign-in token", "Reconnect", id="1001"),
    pytest.param("lost_session", 2, "status", "Your session", "Reconnect", id="1002"),
    pytest.param("no_credits", 1, "chat", "out of credits", "Register…", id="2001"),
    pytest.param("unsupported", 1, "upload", "isn't supported", "Choose another file…",
                 id="4001"),
    pytest.param("too_large", 1, "upload", "over 500 MB", "Choose another file…", id="4002"),
    pytest.param("client_id", 3, "connect", "client's id", "Reconnect", id="400"),
    pytest.param("plan_required", 1, "export", "higher plan", "", id="402"),
    pytest.param("rate_limit", 2, "credits", "busy", "Try again", id="429"),
    pytest.param("server_error", 20, "credits", "Can't reach the backend", "Try again",
                 id="503"),
]


@pytest.mark.parametrize(("fault", "times", "trigger", "words", "button"), ERROR_CASES)
def test_each_error_code_shows_its_message_and_action(qtbot, live_server, tmp_path, clip,
                                                      fault, times, trigger, words,
                                                      button) -> None:
    panel = _panel(qtbot, live_server, tmp_path, autoconnect=trigger != "connect")
    if trigger == "connect":
        live_server.faults.arm(fault, times=times)
        with qtbot.waitSignal(panel.job_done, timeout=30_000) as blocker:
            panel.connect_backend()
        assert blocker.args == ["connect", False]
        assert panel.state == "offline" and panel.status_label.text() == "Not connected"
    elif trigger == "export":
        _turn(qtbot, panel, "calm music", [clip])
        live_server.faults.arm(fault, times=times)
        with qtbot.waitSignal(panel.job_done, timeout=30_000) as blocker:
            panel.export_video()
        assert blocker.args == ["export", False]
        assert not list((tmp_path / "exports").iterdir())  # nothing written
    else:
        live_server.faults.arm(fault, times=times)
        text, files = {"credits": ("credits", ()), "status": ("status", ()),
                       "chat": ("calm music", (clip,)), "upload": ("", (clip,))}[trigger]
        assert _turn(qtbot, panel, text, files) == ("prompt", False)
    assert live_server.faults.count(fault) >= 1
    banner = panel.error_banner
    assert banner.isVisible()
    assert words in banner.label.text()
    assert banner.action_button.text() == button
    assert banner.action_button.isVisible() == bool(button)
    assert banner.message is not None and banner.message.detail  # the backend's full words
    assert f"Problem: {banner.label.text()}" in panel.transcript.toPlainText()
    if fault == "no_credits":
        assert "bind=" in banner.message.url
        snap(panel, "error")


def test_no_server_says_so_and_reconnect_recovers(qtbot, live_server, tmp_path) -> None:
    url = live_server.url
    live_server.stop()
    panel = MusicCogPanel(session_factory=_factory, backend_choice=url, autoconnect=False)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.job_done, timeout=30_000):
        panel.connect_backend()
    assert panel.state == "offline"
    assert "Can't reach the backend" in panel.error_banner.label.text()
    assert panel.error_banner.action_button.text() == "Try again"
    with qtbot.waitSignal(panel.job_done, timeout=30_000) as blocker:
        panel.error_banner.action_button.click()  # reconnects
    assert blocker.args == ["connect", False]
    assert panel.error_banner.isVisibleTo(panel)
