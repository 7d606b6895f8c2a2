"""Video analysis on real files: synthetic FFmpeg clips with known cuts, and the shared clip."""

from __future__ import annotations

import json
import subprocess
import time
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import SOURCES, _ffmpeg

from musiccog.engine.ffmpeg import exact_rate, probe
from musiccog.engine.media_check import MissingStreamError
from musiccog.engine.video import analyze_video
from musiccog.engine.video.cuts import detect_cuts
from musiccog.engine.video.scan import scan_frames

pytestmark = pytest.mark.slow

SHOTS = [40, 25, 60, 33]


def _true_cuts(shots: list[int], rate: str) -> list[float]:
    frames = 0
    out = []
    for n in shots[:-1]:
        frames += n
        out.append(float(frames / Fraction(rate)))
    return out


@pytest.mark.parametrize("rate", ["24000/1001", "30000/1001", "25"])
def test_cuts_are_frame_exact_at_ntsc_and_pal_rates(clip_factory, tmp_path: Path, rate: str):
    clip = clip_factory(f"cuts_{rate.replace('/', '_')}.mp4", SHOTS, rate=rate)
    result = analyze_video(clip, cache_dir=tmp_path / "cache")
    truth = _true_cuts(SHOTS, rate)
    frame_s = 1 / float(Fraction(rate))
    errors_frames = [abs(a - b) / frame_s for a, b in zip(result.cuts_s, truth, strict=True)]
    print(f"rate {rate}: cuts {result.cuts_s} truth {truth} errors (frames) {errors_frames}")
    assert len(result.cuts_s) == len(truth)
    assert max(errors_frames) < 0.5  # the very frame
    assert result.fps == pytest.approx(round(float(Fraction(rate)), 3), abs=1e-9)
    assert result.duration_s == pytest.approx(sum(SHOTS) * frame_s, abs=frame_s / 2)
    assert (result.width, result.height) == (160, 90)
    assert result.has_audio and not result.is_vfr
    assert result.speech_s == ()  # a steady tone is not speech


def test_probe_gives_exact_ntsc_rate(clip_factory):
    clip = clip_factory("ntsc.mov", [10, 10], rate="30000/1001")
    info = probe(clip)
    assert info.fps == Fraction(30000, 1001)
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert exact_rate("23.98") == Fraction(24000, 1001)
    assert exact_rate("59.94") == Fraction(60000, 1001)
    assert exact_rate("25") == Fraction(25)


def test_fade_and_flash_are_not_cuts(clip_factory, tmp_path: Path):
    # shot 1 fades to black over 12 frames, shot 2 fades in over 12 frames; a white flash
    # of 3 frames inside shot 3 (frames 110-112); the only hard cut is at frame 90.
    rate = "25"
    clip = clip_factory("fade_flash.mp4", [40, 50, 60], rate=rate,
                        shot_vf=("fade=t=out:st=1.12:d=0.48", "fade=t=in:st=0:d=0.48", ""),
                        extra_vf="drawbox=t=fill:c=white:enable='between(n\\,110\\,112)'",
                        sources=("testsrc2", "mandelbrot", "testsrc2"))
    result = analyze_video(clip, cache_dir=tmp_path / "cache")
    print("cuts with fade + flash:", result.cuts_s)
    assert result.cuts_s == pytest.approx((90 / 25,), abs=0.02)
    # without the flash test, the flash would be two cuts (its start and end)
    scan = scan_frames(clip)
    assert list(detect_cuts(scan.diffs, return_ratio=0.0)) == [90, 110, 113]


def test_clip_without_audio_has_no_speech_and_no_loudness(clip_factory, tmp_path: Path):
    clip = clip_factory("silent.mkv", [30, 30], rate="25", audio=None)
    result = analyze_video(clip, cache_dir=tmp_path / "cache")
    assert not result.has_audio
    assert result.speech_s == () and result.loudness_lufs is None
    assert result.cuts_s == pytest.approx((1.2,), abs=1e-6)


def test_variable_frame_rate_uses_real_timestamps(tmp_path: Path):
    # 30 frames at 30 fps, then 20 frames at 10 fps: a cut at 1.0 s, the clip is 3.0 s.
    clip = tmp_path / "vfr.mkv"
    graph = (f"{SOURCES[0]}=s=160x90:r=30,trim=end_frame=30,setpts=PTS-STARTPTS[a];"
             f"{SOURCES[1]}=s=160x90:r=10,trim=end_frame=20,setpts=PTS-STARTPTS[b];"
             "[a][b]concat=n=2:v=1:a=0[v]")
    subprocess.run([_ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", "-filter_complex",
                    graph, "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", "-fps_mode", "vfr", str(clip)], check=True)
    result = analyze_video(clip, cache_dir=tmp_path / "cache")
    print("VFR:", result)
    assert result.is_vfr
    assert result.cuts_s == pytest.approx((1.0,), abs=0.002)
    assert result.duration_s == pytest.approx(3.0, abs=0.11)


def test_second_run_comes_from_the_cache(clip_factory, tmp_path: Path):
    clip = clip_factory("cached.mp4", [30, 30], rate="25")
    t0 = time.perf_counter()
    first = analyze_video(clip, cache_dir=tmp_path / "cache")
    t1 = time.perf_counter()
    second = analyze_video(clip, cache_dir=tmp_path / "cache")
    t2 = time.perf_counter()
    print(f"first {t1 - t0:.3f} s, cached {t2 - t1:.3f} s")
    assert second == first
    assert len(list((tmp_path / "cache" / "video").glob("*.json"))) == 1


def test_audio_file_is_refused_as_video(tmp_path: Path):
    wav = tmp_path / "tone.mkv"
    subprocess.run([_ffmpeg(), "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
                    "sine=d=1", str(wav)], check=True)
    with pytest.raises(MissingStreamError, match="no video stream"):
        analyze_video(wav, cache_dir=tmp_path / "cache")


def _iou(a: tuple[float, float], b: tuple[float, float]) -> float:
    inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


def test_shared_clip_cuts_and_speech(shared_clip: Path, tmp_path: Path):
    truth = json.loads(shared_clip.with_suffix(".truth.json").read_text())
    result = analyze_video(shared_clip, cache_dir=tmp_path / "cache")
    frame_s = 1 / truth["fps"]
    assert len(result.cuts_s) == len(truth["cuts_s"])
    cut_errors = [abs(a - b) for a, b in zip(result.cuts_s, truth["cuts_s"], strict=True)]
    ious = [max(_iou(t, s) for s in result.speech_s) if result.speech_s else 0.0
            for t in truth["speech_s"]]
    print(f"shared clip: cuts {result.cuts_s} vs {truth['cuts_s']}, errors (ms) "
          f"{[round(e * 1000, 1) for e in cut_errors]}; speech {result.speech_s} vs "
          f"{truth['speech_s']}, IoU {[round(i, 3) for i in ious]}; "
          f"loudness {result.loudness_lufs} LUFS, motion {result.motion:.4f}")
    assert max(cut_errors) <= frame_s + 1e-6
    assert min(ious) >= 0.75
    assert len(result.speech_s) == len(truth["speech_s"])
    assert result.duration_s == pytest.approx(truth["duration_s"], abs=frame_s)
    assert result.fps == truth["fps"]
    assert (result.width, result.height) == (truth["width"], truth["height"])
