"""``Session`` routing over the local backend and over a real server on 127.0.0.1."""

from __future__ import annotations

import sys
import types

import pytest
from server.fixtures import fast_settings

from musiccog import config
from musiccog.backend import BackendError, EngineUnavailableError, LocalBackend, open_backend
from musiccog.draft import TRACK_VIDEO, Draft, Segment, Track
from musiccog.engine.ffmpeg import probe
from musiccog.session import Session


def test_local_credits_status_upload(tmp_path, clip, music):
    session = Session(open_backend("local", host="panel"), host="panel")
    (text,) = list(session.handle("积分"))
    assert text.text == "The local backend needs no credits."
    (text,) = list(session.handle("status"))
    assert text.text.startswith("The session has no timeline yet")
    events = list(session.handle(str(music)))  # a bare path is an upload
    assert [e.text for e in events] == ["Uploaded music.wav (3.0 s)."]
    events = list(session.handle("upload", files=[clip]))
    assert events[0].text == "Uploaded clip.mp4 (2.0 s, 160×120)."
    (hint,) = list(session.handle("upload"))
    assert "--file" in hint.text


def test_local_state_survives_a_new_process(clip, music, config_home):
    first = LocalBackend()
    first.upload(clip)
    first.upload(music)
    draft = Draft(tracks=[Track(track_type=TRACK_VIDEO, segments=[
        Segment(start_ms=0, duration_ms=2000, source=str(clip))])])
    first.set_timeline(draft)
    second = LocalBackend()  # same remembered session, as a later CLI call would
    assert second.session_id == first.session_id
    assert second.state().draft.to_json() == draft.to_json()
    assert [f.filename for f in second.state().files] == ["clip.mp4", "music.wav"]
    assert config.load_session("local")["session_id"] == first.session_id


def test_local_engine_missing_is_a_clear_error(clip, monkeypatch):
    monkeypatch.setitem(sys.modules, "musiccog.engine", types.ModuleType("musiccog.engine"))
    backend = LocalBackend(remember=False)
    backend.upload(clip)
    with pytest.raises(EngineUnavailableError) as err:
        list(backend.chat("music"))
    assert "sync_draft" in str(err.value) and "--backend" in str(err.value)


def test_local_nothing_to_do_yet(tmp_path):
    backend = LocalBackend(remember=False)
    with pytest.raises(BackendError, match="add a video"):
        list(backend.chat("music"))
    with pytest.raises(BackendError, match="Nothing to export"):
        backend.export(tmp_path / "x.mp4")


def test_export_needs_an_mp4_name(tmp_path):
    session = Session(LocalBackend(remember=False))
    with pytest.raises(BackendError, match=r"\.mp4"):
        session.export(tmp_path / "out.mov")
    folder = tmp_path / "dir.mp4"
    folder.mkdir()
    with pytest.raises(BackendError, match="folder"):
        session.export(folder)


def test_server_session_routes_every_intent(live_server, clip, tmp_path):
    backend = open_backend(live_server.url, host="blender", settings=fast_settings())
    session = Session(backend, host="blender", export_dir=tmp_path)
    progress: list[tuple[float, float]] = []
    events = list(session.handle("lo-fi at 35%", files=[clip],
                                 on_progress=lambda d, t: progress.append((d, t))))
    assert [e.kind for e in events if e.kind != "progress"] == ["text", "text", "changed"]
    assert any(t == 100 for _, t in progress)  # work progress is in percent
    assert any(t == clip.stat().st_size for _, t in progress)  # upload progress in bytes
    (credits,) = list(session.handle("余额"))
    assert credits.text == "Credits: 999999 available, 0 frozen, 999999 total."
    (status,) = list(session.handle("show tracks"))
    assert status.text == ("Timeline (2 tracks): 1. Video: clip (0-2s) "
                           "2. BGM: Tone (0-2s, 35%)")
    (done,) = list(session.handle("send me the video"))
    out = done.data["path"]
    assert done.text == f"Exported to {out}" and out.startswith(str(tmp_path))
    assert probe(out).duration_s == pytest.approx(2.0, abs=0.15)
    assert live_server.faults.requests["POST /api/render/proxy/lambda"] == 1
    session.close()


def test_gui_translation_and_summary_reach_the_host(tmp_path, clip):
    from server.fixtures import LiveServer
    from server.probe_engine import ProbeEngine

    from musiccog.server import create_app

    engine = ProbeEngine(messages=["Done! Preview in timeline, then click Export."])
    server = LiveServer(create_app(data_dir=tmp_path / "s", engine=engine))
    try:
        session = Session(open_backend(server.url, host="panel", settings=fast_settings()))
        events = list(session.handle("music", files=[clip]))
        texts = [e.text for e in events if e.kind == "text"]
        assert texts[1] == 'Done! See the track summary below, then say "export".'
        assert texts[2] == ("Timeline (2 tracks): 1. Video: clip (0-2s) "
                            "2. BGM: Tone (0-2s, 50%)")
        session.close()
    finally:
        server.stop()
