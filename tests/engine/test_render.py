"""render_draft on real files: stream copy, re-encode with presets, exact gain envelopes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from conftest import _ffmpeg

from musiccog.draft import Draft, DraftMeta, Segment, Track
from musiccog.engine.ffmpeg import probe
from musiccog.engine.render import RenderError, gain_envelope, render_draft
from musiccog.engine.video import analyze_video
from musiccog.jobs import Cancelled, CancelToken

TONE_HZ = 1000.0
#: lavfi's sine source has amplitude 1/8 (-18.06 dB re full scale).
SINE_DB = 20 * np.log10(1 / 8)


def test_gain_envelope_multiplies_volume_fades_and_keys():
    seg = Segment(start_ms=0, duration_ms=10_000, volume=0.5, fade_in_ms=1000, fade_out_ms=2000,
                  volume_keys=[[0, 1], [4000, 1], [4200, 0.25], [6000, 0.25], [6500, 1]])
    t = np.array([0.0, 0.5, 1.0, 3.0, 4.1, 5.0, 6.25, 7.0, 9.0, 10.0])
    want = 0.5 * np.array([0, 0.5, 1, 1, 0.625, 0.25, 0.625, 1, 0.5, 0])
    np.testing.assert_allclose(gain_envelope(seg, t), want, atol=1e-9)
    assert np.all(gain_envelope(Segment(start_ms=0, duration_ms=1000), t) == 1.0)


def _write_tone(path: Path, seconds: float) -> Path:
    subprocess.run([_ffmpeg(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"sine=frequency={TONE_HZ:g}:d={seconds}:sample_rate=48000", str(path)],
                   check=True)
    return path


def _decode_audio(path: Path) -> np.ndarray:
    raw = subprocess.run([_ffmpeg(), "-v", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1",
                          "-ar", "48000", "-f", "f32le", "-"], capture_output=True, check=True)
    return np.frombuffer(raw.stdout, dtype="<f4")


def _tone_db(pcm: np.ndarray, start_s: float, end_s: float, freq: float = TONE_HZ) -> float:
    """Level (dB re full-scale sine amplitude) of one frequency in a window: lock-in."""
    x = pcm[int(start_s * 48000):int(end_s * 48000)].astype(np.float64)
    t = np.arange(x.size) / 48000.0
    amp = 2 * abs(np.mean(x * np.exp(-2j * np.pi * freq * t)))
    return 20 * np.log10(max(amp, 1e-9))


def _video_md5(path: Path) -> str:
    out = subprocess.run([_ffmpeg(), "-v", "error", "-i", str(path), "-map", "0:v:0", "-c", "copy",
                          "-f", "md5", "-"], capture_output=True, check=True, text=True)
    return out.stdout.strip()


@pytest.mark.slow
def test_stream_copy_keeps_picture_and_mixes_envelope_exactly(clip_factory, tmp_path: Path):
    clip = clip_factory("clip.mp4", [50, 50, 50], rate="25")  # 6 s, 440 Hz tone at -20 dB
    bgm = _write_tone(tmp_path / "bgm.wav", 10)
    keys = [[0, 1], [2000, 1], [2200, 0.25], [4000, 0.25], [4300, 1]]
    draft = Draft(metadata=DraftMeta(fps=25), tracks=[
        Track(track_type=0, segments=[Segment(start_ms=0, duration_ms=6000, source=str(clip))]),
        Track(track_type=1, segments=[Segment(start_ms=0, duration_ms=6000, source=str(clip))]),
        Track(track_type=1, name="BGM", segments=[Segment(
            start_ms=0, duration_ms=6000, source=str(bgm), volume=0.5, fade_in_ms=500,
            fade_out_ms=1000, volume_keys=keys)]),
    ])
    seen = []
    out = render_draft(draft, tmp_path / "out.mp4", on_progress=lambda d, t: seen.append(d / t))
    info = probe(out)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert info.duration_s == pytest.approx(6.0, abs=0.05)
    assert _video_md5(out) == _video_md5(clip)  # copied, not re-encoded
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)
    pcm = _decode_audio(out)
    full = _tone_db(pcm, 1.0, 1.9)
    ducked = _tone_db(pcm, 2.5, 3.9)
    after = _tone_db(pcm, 4.5, 4.9)
    original = _tone_db(pcm, 1.0, 1.9, freq=440.0)
    print(f"music full {full:.2f} dB, ducked {ducked:.2f} dB, after {after:.2f} dB, "
          f"original 440 Hz {original:.2f} dB")
    assert full == pytest.approx(SINE_DB + 20 * np.log10(0.5), abs=0.3)  # v = 0.5
    assert full - ducked == pytest.approx(12.04, abs=0.3)  # vk 0.25
    assert after == pytest.approx(full, abs=0.3)
    assert original == pytest.approx(SINE_DB - 20.0, abs=0.5)  # the clip's tone, unchanged
    assert _tone_db(pcm, 5.95, 6.0) < full - 20  # faded out at the end
    assert not list(tmp_path.glob(".musiccog-render-*"))


@pytest.mark.slow
def test_reencode_places_segments_gaps_and_speed_on_the_timeline(clip_factory, tmp_path: Path):
    clip = clip_factory("src.mp4", [50, 50, 50], rate="25", audio=None)  # cuts at 2 s and 4 s
    draft = Draft(metadata=DraftMeta(fps=29.97), tracks=[Track(track_type=0, segments=[
        Segment(start_ms=500, duration_ms=2000, source_in_ms=1000, source=str(clip)),
        Segment(start_ms=3000, duration_ms=2000, source=str(clip), speed=2.0),
    ])])
    out = render_draft(draft, tmp_path / "enc.mp4", preset="9:16")
    info = probe(out)
    assert (info.width, info.height) == (1080, 1920)
    assert float(info.fps) == pytest.approx(30000 / 1001)
    assert info.duration_s == pytest.approx(5.0, abs=0.05)
    cuts = analyze_video(out, cache_dir=tmp_path / "cache").cuts_s
    # black → shot 1 at 0.5; source cut (2.0 s) at 1.5; black at 2.5; 2x speed from 3.0: 4.0
    print("cuts in the re-encoded file:", cuts)
    assert cuts == pytest.approx((0.5, 1.5, 2.5, 3.0, 4.0), abs=1.01 / 29.97)


def test_render_errors_write_nothing(clip_factory, tmp_path: Path):
    out = tmp_path / "never.mp4"
    with pytest.raises(RenderError, match="no video track"):
        render_draft(Draft(tracks=[Track(track_type=1)]), out)
    missing = Draft(tracks=[Track(track_type=0, segments=[
        Segment(start_ms=0, duration_ms=1000, source=str(tmp_path / "gone.mp4"))])])
    with pytest.raises(RenderError, match="not found"):
        render_draft(missing, out)
    remote = Draft(tracks=[Track(track_type=0, segments=[
        Segment(start_ms=0, duration_ms=1000, source="https://example.com/a.mp4")])])
    with pytest.raises(RenderError, match="remote media"):
        render_draft(remote, out)
    with pytest.raises(RenderError, match="unknown preset"):
        render_draft(missing, out, preset="4:3")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_cancel_stops_and_leaves_nothing(clip_factory, tmp_path: Path):
    clip = clip_factory("c.mp4", [60, 60], rate="25")
    draft = Draft(tracks=[Track(track_type=0, segments=[
        Segment(start_ms=0, duration_ms=4000, source_in_ms=200, source=str(clip))])])
    token = CancelToken()

    def progress(done: float, total: float) -> None:
        if done / total > 0.35:
            token.cancel()

    with pytest.raises(Cancelled):
        render_draft(draft, tmp_path / "out.mp4", on_progress=progress, cancel=token,
                     preset="16:9")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.mp4"]
