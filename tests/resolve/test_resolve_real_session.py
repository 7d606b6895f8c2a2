"""The whole Resolve path with real parts behind the fake Resolve: the timeline is read,
the offline engine (``musiccog.session.Session`` over the local backend) fits music
to real media, and the result is placed — through the bridge and through
``musiccog resolve sync``.  Only Resolve itself is the (named) fake.
"""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from musiccog.cli import main
from musiccog.media_store import media_dir
from musiccog.resolve import connection
from musiccog.resolve.bridge import ResolveTimelineBridge, open_session
from musiccog.resolve.host import BIN_NAME, ResolveHost
from musiccog.resolve.timecode import ms_to_frame, parse_rate
from tests.resolve.builders import fps_of
from tests.resolve.fake_resolve import FakeResolve

pytestmark = pytest.mark.slow

CUTS_S = (3.0, 5.5)
CLIP_S = 8.0


def _ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MUSICCOG_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("MUSICCOG_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An 8 s clip (hard cuts at 3.0 s and 5.5 s, a tone) and 12 s of 4/4 music at 120 BPM."""
    import soundfile

    root = tmp_path_factory.mktemp("resolve_media")
    clip = root / "shot.mp4"
    graph = ("testsrc=s=160x90:r=24000/1001:d=3[a];smptebars=s=160x90:r=24000/1001:d=2.5[b];"
             "mandelbrot=s=160x90:r=24000/1001,trim=duration=2.5,setpts=PTS-STARTPTS[c];"
             "[a][b][c]concat=n=3:v=1:a=0,format=yuv420p[v]")
    subprocess.run([_ffmpeg(), "-y", "-loglevel", "error", "-filter_complex", graph,
                    "-f", "lavfi", "-i", "sine=frequency=440:duration=8:sample_rate=48000",
                    "-map", "[v]", "-map", "0:a", "-c:v", "libx264", "-preset", "ultrafast",
                    "-c:a", "aac", "-t", str(CLIP_S), str(clip)], check=True, timeout=120)
    rate = 44100
    t = np.arange(12 * rate) / rate
    beat_s = 0.5
    accent = np.where((t % (4 * beat_s)) < beat_s, 1.0, 0.5)
    since = t % beat_s
    kick = accent * np.sin(2 * np.pi * 60 * since) * np.exp(-since * 25)
    bar = (t // (4 * beat_s)).astype(int) % 4
    tone = 0.1 * np.sin(2 * np.pi * np.array([220.0, 174.6, 261.6, 196.0])[bar] * t)
    music = root / "music.wav"
    soundfile.write(music, (0.6 * kick + tone).astype(np.float32), rate, subtype="PCM_16")
    notes = root / "notes.txt"
    notes.write_text("not music")
    return {"clip": clip, "music": music, "notes": notes}


def _resolve_with_cut(media: dict[str, Path], rate: str) -> FakeResolve:
    """A timeline at ``rate`` starting 01:00:00:00: the clip on V1 and A1, from its start."""
    sep = ";" if "DF" in rate else ":"
    resolve = FakeResolve(rate=rate, start_tc=f"01:00:00{sep}00")
    project = resolve.project
    tl = project.new_timeline("Edit")
    fps = fps_of(rate)
    frames = int(CLIP_S * fps)
    resolve.media_frames[str(media["clip"])] = frames
    (item,) = project.media_pool.ImportMedia([str(media["clip"])])
    tl.place("video", 1, item, record=tl.start_frame, frames=frames, name="shot")
    tl.place("audio", 1, item, record=tl.start_frame, frames=frames, name="shot")
    return resolve


def _existing(state: dict) -> dict:
    tl = state["timelines"][0]
    return {k: v[:1] if k == "audio" else v for k, v in tl["tracks"].items()}


@pytest.mark.parametrize("rate", ["23.976", "29.97 DF"])
def test_bridge_syncs_with_the_real_engine_and_places_the_music(media, rate) -> None:
    resolve = _resolve_with_cut(media, rate)
    tl = resolve.project.current
    before = resolve.state()
    bridge = ResolveTimelineBridge(ResolveHost(resolve))
    outcome, report = bridge.sync(open_session("local"), prompt="calm music, fade out 1 s",
                                  music_path=media["music"])
    after = resolve.state()
    timeline_rate = parse_rate(rate)

    assert _existing(after) == _existing(before)  # V1 and A1 untouched
    assert tl.GetTrackCount("audio") == 2 and report.track_index == 2
    (bgm_seg,) = [s for t in outcome.draft.tracks if (t.metadata or {}).get("role") == "bgm"
                  for s in t.segments]
    (item,) = tl.GetItemListInTrack("audio", 2)
    assert item.GetStart() == tl.start_frame + ms_to_frame(bgm_seg.start_ms, timeline_rate)
    assert item.GetEnd() == tl.start_frame + ms_to_frame(bgm_seg.end_ms, timeline_rate)
    assert outcome.bgm_path is not None
    pool = resolve.project.media_pool
    (folder,) = [f for f in pool.root.subfolders if f.name == BIN_NAME]
    # the pool item is a lasting copy in Music Cog's media folder, not the cache file
    (placed,) = [Path(c.path) for c in folder.clips]
    assert placed.parent == media_dir().resolve() and placed != Path(outcome.bgm_path)
    assert placed.read_bytes() == Path(outcome.bgm_path).read_bytes()

    # the engine found the clip's cuts through the timeline's media…
    cuts_ms = sorted(m.start_ms for m in outcome.draft.markers or [] if m.name == "cut")
    frame_ms = 1000 / float(Fraction(fps_of(rate)))
    assert cuts_ms == pytest.approx([1000 * c for c in CUTS_S], abs=frame_ms + 1)
    # …and every downbeat inside the timeline became a marker at its exact frame
    downbeats_ms = [m.start_ms for m in outcome.draft.markers or [] if m.name == "downbeat"
                    and m.start_ms < CLIP_S * 1000]
    marks = {int(f) for f, m in tl.GetMarkers().items() if m["name"] == "Downbeat"}
    assert marks == {ms_to_frame(ms, timeline_rate) for ms in downbeats_ms}
    assert len(marks) >= 3
    assert "Music placed on audio track A2" in report.summary()


def test_cli_resolve_sync_and_bad_music_changes_nothing(media, monkeypatch, capsys) -> None:
    resolve = _resolve_with_cut(media, "25")
    monkeypatch.setattr(connection, "connect", lambda *a, **k: ResolveHost(resolve))
    before = resolve.state()
    code = main(["resolve", "sync", "--prompt", "calm", "--music", str(media["notes"])])
    captured = capsys.readouterr()
    assert code == 2 and "Traceback" not in captured.err
    assert "notes.txt" in captured.err + captured.out
    assert resolve.state() == before

    assert main(["resolve", "sync", "--prompt", "upbeat, fade out 2 s",
                 "--music", str(media["music"])]) == 0
    out = capsys.readouterr().out
    assert "BGM" in out and "audio track A2" in out
    tl = resolve.project.current
    assert len(tl.GetItemListInTrack("audio", 2)) == 1
    assert _existing(resolve.state()) == _existing(before)
