"""The HTTP client against a real ``musiccog serve`` on 127.0.0.1: the whole flow."""

from __future__ import annotations

import functools
import http.server
import json
import logging
import os
import stat
import subprocess
import threading
import time

import imageio_ffmpeg
import pytest
from server.fixtures import LiveServer, fast_settings

from musiccog import config
from musiccog.backend import RemoteBackend, UnsupportedFileError, UploadTooLargeError, open_backend
from musiccog.draft import TRACK_AUDIO, TRACK_VIDEO, Draft, Segment, Track
from musiccog.engine.ffmpeg import probe
from musiccog.jobs import Cancelled, CancelToken
from musiccog.server import create_app
from musiccog.session import Session


def _kinds(events):
    return [e.kind for e in events]


def test_upload_chat_state_export_flow(client: RemoteBackend, live_server, clip, tmp_path):
    sent: list[tuple[float, float]] = []
    uploaded = client.upload(clip, on_progress=lambda d, t: sent.append((d, t)))
    assert uploaded.file_type == "video" and uploaded.filename == "clip.mp4"
    assert uploaded.duration_s == pytest.approx(2.0, abs=0.1)
    assert (uploaded.width, uploaded.height) == (160, 120)
    assert sent[-1][0] == sent[-1][1] == clip.stat().st_size  # bytes, to the last one

    events = list(client.chat("calm music at 35%"))
    texts = [e.text for e in events if e.kind == "text"]
    assert texts == ["Added music at 35% under 2 s of video."]
    percents = [e.data["percent"] for e in events if e.kind == "progress"]
    assert percents == sorted(percents) and percents[-1] == 100.0
    changed = [e for e in events if e.kind == "changed"]
    assert len(changed) == 1 and "BGM track added: Tone (0-2s, 35%)" in changed[0].text

    state = client.state()
    bgm = state.draft.known_tracks(TRACK_AUDIO)[0]
    assert bgm.segments[0].volume == 0.35 and bgm.metadata == {"role": "bgm"}
    assert bgm.segments[0].source.startswith(live_server.url + "/files/")
    assert [f.filename for f in state.files] == ["clip.mp4"]
    assert state.generated_media[0]["role"] == "bgm"

    progress: list[float] = []
    out = client.export(tmp_path / "out" / "final.mp4", on_progress=lambda d, t: progress.append(d))
    info = probe(out)
    assert info.video_codec == "h264" and info.duration_s == pytest.approx(2.0, abs=0.15)
    assert progress[-1] == 100.0 and progress == sorted(progress)
    assert [p.name for p in out.parent.iterdir()] == ["final.mp4"]  # no temp file left


@pytest.mark.parametrize("form", ["data", "top"])
def test_export_reads_both_render_status_forms(tmp_path, probe_engine, clip, form):
    server = LiveServer(create_app(data_dir=tmp_path / "srv", engine=probe_engine,
                                   render_status_form=form))
    try:
        backend = open_backend(server.url, host="panel", settings=fast_settings())
        backend.upload(clip)
        list(backend.chat("music"))
        out = backend.export(tmp_path / f"{form}.mp4")
        assert probe(out).duration_s == pytest.approx(2.0, abs=0.15)
        backend.close()
    finally:
        server.stop()


def test_still_working_after_silence(tmp_path, clip):
    from server.probe_engine import ProbeEngine

    engine = ProbeEngine(sync_delay_s=1.2, progress_steps=1)
    server = LiveServer(create_app(data_dir=tmp_path / "srv", engine=engine, heartbeat_s=0.1))
    try:
        backend = open_backend(server.url, host="cli",
                               settings=fast_settings(still_working_s=0.4))
        backend.upload(clip)
        started = time.monotonic()
        events = list(backend.chat("music"))
        silence_s = time.monotonic() - started
        still = [e for e in events if e.kind == "still_working"]
        # >= 1.2 s without text: one notice per 0.4 s of silence, never more
        assert 1 <= len(still) <= silence_s / 0.4
        assert all(e.text == "⏳ Still working..." for e in still)
        assert _kinds(events).index("still_working") < _kinds(events).index("text")
        backend.close()
    finally:
        server.stop()


def test_upload_checks_format_and_size_before_sending(client, live_server, tmp_path,
                                                      monkeypatch):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    before = sum(live_server.faults.requests.values())
    with pytest.raises(UnsupportedFileError) as err:
        client.upload(bad)
    assert "mp4" in str(err.value) and "wav" in str(err.value)
    big = tmp_path / "big.mp4"
    with open(big, "wb") as handle:
        handle.truncate(500 * 1000 * 1000 + 1)  # sparse: 500 MB + 1 byte
    with pytest.raises(UploadTooLargeError) as err:
        client.upload(big)
    assert "compress" in str(err.value).lower() and "trim" in str(err.value).lower()
    assert sum(live_server.faults.requests.values()) == before  # nothing was sent


def test_upload_cancel_stops_and_keeps_nothing(client, live_server, tmp_path):
    big = tmp_path / "long.mp4"
    big.write_bytes(os.urandom(3 * 1024 * 1024))
    cancel = CancelToken()

    def on_progress(done: float, total: float) -> None:
        if done > 256 * 1024:
            cancel.cancel()

    with pytest.raises(Cancelled):
        client.upload(big, on_progress=on_progress, cancel=cancel)
    assert client.state().files == []


def test_url_upload_form(client, media_dir):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(media_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/clip.mp4"
        fetched = client.upload_url(url)
    finally:
        httpd.shutdown()
    assert fetched.filename == "clip.mp4" and fetched.duration_s == pytest.approx(2.0, abs=0.1)
    assert [f.filename for f in client.state().files] == ["clip.mp4"]


def test_token_file_is_private_and_never_printed(live_server, config_home, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    backend = open_backend(live_server.url, host="cli", settings=fast_settings())
    backend.connect()
    backend.credits()
    token_file = config_home / "tokens.json"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    token = json.loads(token_file.read_text())[live_server.url]["token"]
    assert token.startswith("nmv_usr_") and len(token) > 20
    out = capsys.readouterr()
    assert token not in out.out + out.err
    assert token not in caplog.text and "nmv_usr_" not in caplog.text
    assert token not in repr(config.TokenStore().get(live_server.url))
    backend.close()


def test_session_is_remembered_across_backends(live_server, clip):
    first = open_backend(live_server.url, host="cli", settings=fast_settings())
    first.upload(clip)
    sid = first.session_id
    first.close()
    second = open_backend(live_server.url, host="cli", settings=fast_settings())
    assert [f.filename for f in second.state().files] == ["clip.mp4"]
    assert second.session_id == sid
    second.close()


def test_sync_timeline_round_trip_gives_local_paths(live_server, clip, music, tmp_path):
    backend = open_backend(live_server.url, host="resolve", settings=fast_settings())
    session = Session(backend, host="resolve", media_dir=tmp_path / "media")
    host_draft = Draft(tracks=[Track(track_type=TRACK_VIDEO, segments=[
        Segment(start_ms=0, duration_ms=1500, source=str(clip), name="shot")])])
    outcome = session.sync_timeline(host_draft, prompt="music at 40%", music_path=music)
    video, bgm = outcome.draft.tracks
    assert video.segments[0].source == str(clip)  # the host's own file again
    assert outcome.bgm_path is not None and outcome.bgm_path.parent == tmp_path / "media"
    assert bgm.segments[0].source == str(outcome.bgm_path)
    assert probe(outcome.bgm_path).duration_s == pytest.approx(1.5, abs=0.05)
    assert outcome.summary == "BGM track added: Tone (0-1.5s, 40%)"
    assert outcome.messages == ["Added music at 40% under 1.5 s of video."]
    engine_call = live_server.ctx.engine.calls[-1]
    assert engine_call["music"].name == "music.wav" and engine_call["timeline"] is not None
    session.close()


def test_real_ffmpeg_is_what_renders(live_server, client, clip, tmp_path):
    client.upload(clip)
    list(client.chat("music"))
    out = client.export(tmp_path / "x.mp4")
    result = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(out),
                             "-f", "null", "-"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == ""
