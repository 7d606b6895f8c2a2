"""Blender's "local" backend: the engine run by another Python, one process per job.

Host-free (no bpy): :class:`EngineProcessSession` with this test environment's own
interpreter as the Engine Python, on a real clip and real music; plus the search
for an Engine Python.  The last test runs the same path from real Blender.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from musiccog.blender.engine_process import (
    EngineJobError,
    EngineProcessSession,
    EngineUnavailable,
    find_engine_python,
)
from musiccog.draft import TRACK_AUDIO, TRACK_VIDEO, Draft, Segment, Track
from musiccog.jobs import Cancelled, CancelToken
from tests.blender.conftest import ffmpeg_exe

pytestmark = pytest.mark.slow


def _beat_music(path: Path, seconds: float = 12.0, bpm: float = 120.0) -> Path:
    import soundfile

    rate = 44100
    t = np.arange(int(seconds * rate)) / rate
    beat_s = 60.0 / bpm
    since = t % beat_s
    accent = np.where((t % (4 * beat_s)) < beat_s, 1.0, 0.5)  # 4/4: beat 1 is loudest
    kick = accent * np.sin(2 * np.pi * 60 * since) * np.exp(-since * 25)
    bar = (t // (4 * beat_s)).astype(int) % 4  # a new chord root every bar
    tone = 0.1 * np.sin(2 * np.pi * np.array([220.0, 174.6, 261.6, 196.0])[bar] * t)
    soundfile.write(path, (0.6 * kick + tone).astype(np.float32), rate)
    return path


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The engine's config, cache and state in tmp_path (the job inherits the environment)."""
    monkeypatch.setenv("MUSICCOG_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("MUSICCOG_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """8 s, 160×90 at 25 fps, hard cuts at 3.0 s and 5.6 s, a tone as its sound."""
    out = tmp_path_factory.mktemp("engine_clip") / "clip.mp4"
    graph = ("testsrc=s=160x90:r=25:d=3[a];smptebars=s=160x90:r=25:d=2.6[b];"
             "mandelbrot=s=160x90:r=25,trim=duration=2.4,setpts=PTS-STARTPTS[c];"
             "[a][b][c]concat=n=3:v=1:a=0,format=yuv420p[v]")
    subprocess.run([ffmpeg_exe(), "-y", "-loglevel", "error", "-filter_complex", graph,
                    "-f", "lavfi", "-i", "sine=frequency=440:duration=8:sample_rate=48000",
                    "-map", "[v]", "-map", "0:a", "-c:v", "libx264", "-preset", "ultrafast",
                    "-c:a", "aac", "-t", "8", str(out)], check=True, timeout=120)
    return out


def _edit(clip: Path) -> Draft:
    def seg() -> Segment:
        return Segment(start_ms=0, duration_ms=8000, source_in_ms=0, source=str(clip),
                       source_duration_ms=8000, name="clip.mp4")

    return Draft(tracks=[Track(track_type=TRACK_VIDEO, name="V1", segments=[seg()]),
                         Track(track_type=TRACK_AUDIO, name="A1", segments=[seg()])],
                 duration_ms=8000)


def test_sync_then_export_in_the_engine_python(isolated: Path, clip: Path) -> None:
    from musiccog.engine.ffmpeg import probe

    session = EngineProcessSession(Path(sys.executable))
    music = _beat_music(isolated / "beats.wav")
    seen: list[float] = []
    outcome = session.sync_timeline(_edit(clip), prompt="calm music, fade out 1 s",
                                    music_path=music, on_progress=lambda d, t: seen.append(d))
    assert seen == sorted(seen) and seen[-1] == 100.0 and len(seen) >= 3
    roles = [(t.metadata or {}).get("role") for t in outcome.draft.tracks]
    assert roles.count("bgm") == 1 and len(outcome.draft.tracks) == 3
    assert outcome.bgm_path is not None and outcome.bgm_path.is_file()
    assert isolated / "config" in outcome.bgm_path.parents  # in the session, kept
    cuts = sorted(m.start_ms for m in outcome.draft.markers or [] if m.name == "cut")
    assert cuts == pytest.approx([3000, 5600], abs=41)  # one frame at 25 fps
    assert any("Fitted" in m for m in outcome.messages)

    out = session.export(isolated / "out.mp4")
    info = probe(out)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert info.duration_s == pytest.approx(8.0, abs=0.1)


def test_engine_errors_come_back_with_the_engines_message(isolated: Path, clip: Path) -> None:
    session = EngineProcessSession(Path(sys.executable))
    bad = isolated / "notes.txt"
    bad.write_text("not music")
    with pytest.raises(EngineJobError) as err:
        session.sync_timeline(_edit(clip), prompt="calm", music_path=bad)
    assert "notes.txt" in str(err.value) and "wav" in str(err.value)
    with pytest.raises(EngineJobError, match="(?i)nothing to export|ask for music"):
        EngineProcessSession(Path(sys.executable)).export(isolated / "o.mp4")
    assert not (isolated / "o.mp4").exists()


def test_cancel_stops_the_engine_process(isolated: Path, clip: Path) -> None:
    session = EngineProcessSession(Path(sys.executable))
    music = _beat_music(isolated / "beats.wav", seconds=30.0)
    token = CancelToken()
    started = threading.Event()

    def progress(done: float, total: float) -> None:
        started.set()
        token.cancel()

    with pytest.raises(Cancelled):
        session.sync_timeline(_edit(clip), prompt="calm", music_path=music, cancel=token,
                              on_progress=progress)
    assert started.is_set()
    jobs = subprocess.run(["pgrep", "-f", "musiccog.blender.engine_job"], capture_output=True,
                          text=True).stdout.split()
    assert jobs == [], f"engine job still running: {jobs}"


def test_finding_the_engine_python(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(EngineUnavailable, match="does not exist.*preferences"):
        find_engine_python(str(tmp_path / "no-such-python"))
    fake = tmp_path / "python3"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("MUSICCOG_ENGINE_PYTHON", str(fake))
    monkeypatch.setenv("PATH", str(tmp_path))  # no `musiccog` command to fall back on
    with pytest.raises(EngineUnavailable, match="ai-music-cog\\[engine\\]"):
        find_engine_python(None)
    monkeypatch.setenv("MUSICCOG_ENGINE_PYTHON", sys.executable)
    assert find_engine_python(None) == Path(sys.executable)


def test_real_blender_syncs_through_the_local_engine(run_scenario, monkeypatch, tmp_path):
    rate = 44100
    music = _beat_music(tmp_path / "beat_music.wav", seconds=10.0)
    assert music.stat().st_size > 10 * rate
    monkeypatch.setenv("MUSICCOG_ENGINE_PYTHON", sys.executable)
    monkeypatch.setenv("MUSICCOG_CACHE_DIR", str(tmp_path / "engine_cache"))
    result = run_scenario("scenario_local_engine.py", beat_music=str(music))
    frames = result["downbeat_frames"]
    assert frames and all(isinstance(f, int) for f in frames)
    # 120 BPM in 4/4: a downbeat every 2 s = 48 frames at 24 fps (±6 % stretch: ±3 frames)
    if len(frames) >= 2:
        assert all(abs((b - a) - 48) <= 3 for a, b in zip(frames, frames[1:], strict=False)), result
