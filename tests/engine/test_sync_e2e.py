"""End to end: `musiccog sync`, `demo` and `sync_draft` on real files, measured from the output.

The music is a generated song with a steady 3 kHz tone under a 120 BPM kick, so
its level in the rendered file can be measured exactly (lock-in at 3 kHz, where
the clips have no energy) under speech and elsewhere.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from conftest import _ffmpeg

from musiccog.cli import main
from musiccog.draft import read_draft
from musiccog.engine.ffmpeg import probe

pytestmark = pytest.mark.slow

TONE_HZ = 3000.0


def _song(path: Path, seconds: float = 40.0, bpm: float = 120.0) -> Path:
    import soundfile

    sr = 44100
    t = np.arange(int(seconds * sr)) / sr
    beat_s = 60.0 / bpm
    since = t % beat_s
    kick = np.sin(2 * np.pi * 55 * since) * np.exp(-since * 30)
    bar_pos = (t % (4 * beat_s)) < 0.1
    accent = np.where(bar_pos, 1.0, 0.6)
    hat = np.random.default_rng(0).normal(size=t.size) * np.exp(-((t + beat_s / 2) % beat_s) * 80)
    song = 0.5 * kick * accent + 0.05 * hat + 0.1 * np.sin(2 * np.pi * TONE_HZ * t)
    soundfile.write(path, song.astype(np.float32), sr)
    return path


def _audio(path: Path) -> np.ndarray:
    raw = subprocess.run([_ffmpeg(), "-v", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1",
                          "-ar", "48000", "-f", "f32le", "-"], capture_output=True, check=True)
    return np.frombuffer(raw.stdout, dtype="<f4")


def _tone_db(pcm: np.ndarray, start_s: float, end_s: float) -> float:
    x = pcm[int(start_s * 48000):int(end_s * 48000)].astype(np.float64)
    t = (np.arange(x.size) + int(start_s * 48000)) / 48000.0
    amp = 2 * abs(np.mean(x * np.exp(-2j * np.pi * TONE_HZ * t)))
    return 20 * np.log10(max(amp, 1e-9))


def _video_md5(path: Path) -> str:
    return subprocess.run([_ffmpeg(), "-v", "error", "-i", str(path), "-map", "0:v:0", "-c",
                           "copy", "-f", "md5", "-"], capture_output=True, check=True,
                          text=True).stdout


def _check_sync_output(clip: Path, out: Path, draft_path: Path, speech: list) -> None:
    source, rendered = probe(clip), probe(out)
    assert (rendered.video_codec, rendered.audio_codec) == (source.video_codec, "aac")
    assert rendered.duration_s == pytest.approx(source.duration_s, abs=0.05)
    assert _video_md5(out) == _video_md5(clip)  # the picture was stream-copied
    draft = read_draft(draft_path)
    bgm = next(t for t in draft.tracks if (t.metadata or {}).get("role") == "bgm")
    seg = bgm.segments[0]
    assert Path(seg.source).is_file()
    keys = sorted(seg.volume_keys or [[0, 1.0]])
    planned_duck_db = -20 * np.log10(min(g for _, g in keys))
    pcm, original = _audio(out), _audio(clip)
    a, b = speech[0]
    end = rendered.duration_s
    fade_in_s, fade_out_s = (seg.fade_in_ms or 0) / 1000, (seg.fade_out_ms or 0) / 1000
    # "elsewhere": clear of fades and of the duck ramps around speech
    quiet_spans = [(max(fade_in_s + 0.5, s), min(e, end - fade_out_s - 0.5)) for s, e in
                   [(0.0, a - 1.0), (b + 1.5, end)]]
    elsewhere = max(_tone_db(pcm, s, e) for s, e in quiet_spans if e - s > 1.0)
    under = _tone_db(pcm, a + 0.5, b - 0.3)
    start = _tone_db(pcm, 0.0, 0.05)
    tail = _tone_db(pcm, end - 0.06, end - 0.01)
    print(f"{clip.name}: music (3 kHz) {elsewhere:.1f} dB away from speech, {under:.1f} dB under "
          f"speech → ducked {elsewhere - under:.1f} dB (planned {planned_duck_db:.1f} dB); "
          f"first 50 ms {start:.1f} dB, last 50 ms {tail:.1f} dB; original clip at 3 kHz "
          f"{_tone_db(original, 0, end):.1f} dB")
    expected_level = 20 * np.log10(0.1 * seg.volume)
    assert elsewhere == pytest.approx(expected_level, abs=1.5)  # the music is there, at v
    assert _tone_db(original, 0, end) < elsewhere - 30  # ...and it was not there before
    assert planned_duck_db >= 8
    assert elsewhere - under == pytest.approx(planned_duck_db, abs=1.5)
    assert start < elsewhere - 12  # fades in
    assert tail < elsewhere - 12  # fades out to the last frame


def test_sync_shared_clip_music_ducks_under_speech(shared_clip: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.chdir(tmp_path)
    song = _song(tmp_path / "song.wav")
    truth = json.loads(shared_clip.with_suffix(".truth.json").read_text())
    code = main(["sync", str(shared_clip), "--music", str(song), "-o", "out.mp4",
                 "--draft", "out.draft.json", "--otio", "out.otio"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "BGM" in printed
    _check_sync_output(shared_clip, tmp_path / "out.mp4", tmp_path / "out.draft.json",
                       truth["speech_s"])
    import opentimelineio as otio

    timeline = otio.adapters.read_from_file(str(tmp_path / "out.otio"))
    assert [t.kind for t in timeline.tracks] == ["Video", "Audio", "Audio"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "out.bgm.wav", "out.draft.json", "out.mp4", "out.otio", "song.wav"]


def test_sync_demo_clip_with_voice_like_speech(tmp_path: Path):
    from musiccog.engine.video.demo_clip import DEMO_SPEECH_S, make_demo_clip

    clip = make_demo_clip(tmp_path / "demo_clip.mp4")
    song = _song(tmp_path / "song.wav", seconds=20.0)
    code = main(["sync", str(clip), "--music", str(song), "-o", str(tmp_path / "o.mp4"),
                 "--draft", str(tmp_path / "o.json"), "--prompt", "fade out 1 s"])
    assert code == 0
    _check_sync_output(clip, tmp_path / "o.mp4", tmp_path / "o.json", [DEMO_SPEECH_S])


def test_demo_command_writes_everything(tmp_path: Path, capsys):
    pytest.importorskip("musiccog.engine.procedural", reason="procedural backing not built yet")
    out = tmp_path / "out"
    assert main(["demo", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    print(printed)
    for name in ("demo.mp4", "demo.draft.json", "demo.otio", "demo.png", "demo.bgm.wav"):
        assert (out / name).stat().st_size > 0, name
    assert "procedural" in printed and "measured" in printed
    assert (out / "demo.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    draft = read_draft(out / "demo.draft.json")
    assert any(m.name == "cut" for m in draft.markers or [])
    assert any(m.name == "downbeat" for m in draft.markers or [])
    info = probe(out / "demo.mp4")
    assert info.has_video and info.has_audio


def test_sync_draft_keeps_host_tracks_and_maps_cuts(clip_factory, tmp_path: Path):
    from musiccog.draft import Draft, DraftMeta, Segment, Track
    from musiccog.engine import sync_draft

    a = clip_factory("a.mp4", [50, 50], rate="25")  # a shot cut at 2.0 s of media
    b = clip_factory("b.mp4", [40, 60], rate="25")  # a shot cut at 1.6 s of media
    song = _song(tmp_path / "song.wav", seconds=20.0)
    host = Draft(metadata=DraftMeta(title="host", fps=25), tracks=[
        Track(track_type=0, name="V1", segments=[
            Segment(start_ms=0, duration_ms=3000, source_in_ms=500, source=str(a)),
            Segment(start_ms=3000, duration_ms=3000, source_in_ms=0, source=str(b)),
        ]),
        Track(track_type=1, name="A1", segments=[
            Segment(start_ms=0, duration_ms=3000, source_in_ms=500, source=str(a), volume=0.8),
        ]),
        Track(track_type=7, segments=[Segment(start_ms=0, duration_ms=2000, text="Title")]),
    ])
    before = host.to_json()
    result = sync_draft(host, music_path=song, work_dir=tmp_path / "work",
                        cache_dir=tmp_path / "cache")
    assert host.to_json() == before  # the caller's draft is not touched
    after = result.draft.to_json()
    assert after["t"][:3] == before["t"]  # existing tracks unchanged
    assert after["t"][3]["n"] == "BGM" and Path(after["t"][3]["sg"][0]["src"]).is_file()
    # cuts: a's shot cut at media 2.0 → timeline 1.5; the edit at 3.0; b's at 1.6 → 4.6
    assert result.video.cuts_s == pytest.approx((1.5, 3.0, 4.6), abs=1e-3)
    cut_marks = sorted(m["s"] for m in after["mk"] if m["n"] == "cut")
    assert cut_marks == pytest.approx([1500, 3000, 4600], abs=1)
    assert result.bgm_path.is_file()


def test_sync_video_progress_and_cancel(clip_factory, tmp_path: Path):
    from musiccog.engine import sync_video
    from musiccog.jobs import Cancelled, CancelToken

    clip = clip_factory("c.mp4", [40, 40, 40], rate="25")
    song = _song(tmp_path / "song.wav", seconds=12.0)
    seen: list[float] = []
    result = sync_video(clip, music_path=song, work_dir=tmp_path / "w1",
                        cache_dir=tmp_path / "cache", on_progress=lambda d, t: seen.append(d / t))
    assert seen[-1] == 1.0 and seen == sorted(seen)
    assert result.report["video"]["cuts_s"] == pytest.approx([1.6, 3.2])
    assert set(result.report) >= {"cut_share_before", "cut_share_after", "tempo_bpm",
                                  "unused_words", "music", "video"}
    token = CancelToken()

    def cancel_early(done: float, total: float) -> None:
        if done / total > 0.05:
            token.cancel()

    with pytest.raises(Cancelled):
        sync_video(clip, music_path=song, work_dir=tmp_path / "w2",
                   cache_dir=tmp_path / "cache2", on_progress=cancel_early, cancel=token)
    assert not (tmp_path / "w2" / "bgm.wav").exists()
