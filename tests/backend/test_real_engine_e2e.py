"""The real offline engine behind the server and behind the local backend (slow)."""

from __future__ import annotations

from pathlib import Path

import pytest
from server.fixtures import LiveServer, fast_settings
from server.probe_engine import make_clip

from musiccog.backend import LocalBackend, open_backend
from musiccog.draft import TRACK_AUDIO, TRACK_VIDEO, Draft, Segment, Track
from musiccog.engine.ffmpeg import probe
from musiccog.server import RealEngine, create_app
from musiccog.session import Session

pytestmark = pytest.mark.slow


@pytest.fixture
def engine_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MUSICCOG_CACHE_DIR", str(tmp_path_factory.mktemp("engine-cache")))


@pytest.fixture(scope="module")
def clip4(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("e2e") / "shot.mp4", seconds=4.0)


def _bgm(draft: Draft) -> Track:
    (track,) = [t for t in draft.known_tracks(TRACK_AUDIO) if (t.metadata or {}).get("role")
                == "bgm"]
    return track


def test_real_engine_behind_the_server(tmp_path, clip4, engine_cache):
    app = create_app(data_dir=tmp_path / "srv")  # the default engine: musiccog.engine
    assert isinstance(app.state.ctx.engine, RealEngine)
    server = LiveServer(app)
    try:
        backend = open_backend(server.url, host="cli", settings=fast_settings())
        backend.upload(clip4)
        events = list(backend.chat("calm music at 30%"))
        assert any(e.kind == "text" for e in events)
        assert events[-1].kind == "changed" and "BGM track added" in events[-1].text
        state = backend.state()
        bgm = _bgm(state.draft)
        assert bgm.segments[0].volume == pytest.approx(0.3)
        assert bgm.segments[0].source.startswith(server.url + "/files/")
        out = backend.export(tmp_path / "served.mp4")
        info = probe(out)
        assert info.has_video and info.has_audio
        assert info.duration_s == pytest.approx(4.0, abs=0.2)

        # the host round trip through the same server: local paths come back
        session = Session(backend, host="resolve", media_dir=tmp_path / "media")
        host = Draft(tracks=[Track(track_type=TRACK_VIDEO, segments=[
            Segment(start_ms=0, duration_ms=3000, source=str(clip4), name="shot")])])
        outcome = session.sync_timeline(host, prompt="upbeat music at 50%")
        assert outcome.draft.known_tracks(TRACK_VIDEO)[0].segments[0].source == str(clip4)
        assert outcome.bgm_path is not None and outcome.bgm_path.is_file()
        assert probe(outcome.bgm_path).duration_s == pytest.approx(3.0, abs=0.25)
        assert "BGM track added" in outcome.summary and outcome.messages
        backend.close()
    finally:
        server.stop()


def test_real_engine_in_process(tmp_path, clip4, engine_cache):
    backend = LocalBackend(remember=False, state_root=tmp_path / "local")
    backend.upload(clip4)
    events = list(backend.chat("calm music at 25%"))
    percents = [e.data["percent"] for e in events if e.kind == "progress"]
    assert percents and percents == sorted(percents)
    assert events[-1].kind == "changed" and "BGM track added" in events[-1].text
    assert _bgm(backend.state().draft).segments[0].volume == pytest.approx(0.25)
    assert backend.last_bgm_path is not None and backend.last_bgm_path.is_file()
    out = backend.export(tmp_path / "local.mp4")
    info = probe(out)
    assert info.has_video and info.has_audio
    assert info.duration_s == pytest.approx(4.0, abs=0.2)
