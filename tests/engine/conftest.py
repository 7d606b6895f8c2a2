"""Fixtures for the engine tests: an isolated analysis cache and synthetic clips.

Synthetic clips are made with the real FFmpeg from lavfi sources (test patterns,
colours, bars, fractals) concatenated at known frame numbers, so the true cut
times are exact fractions of the frame rate.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_CLIP = REPO_ROOT.parent / "shared" / "media" / "old_town_30s.mp4"

#: lavfi video sources with clearly different pictures (and luma) from one another.
SOURCES = (
    "testsrc2",
    "smptebars",
    "mandelbrot",
    "color=c=0x2040c0",
    "rgbtestsrc",
    "color=c=0xe0e070",
)


@pytest.fixture(autouse=True, scope="session")
def _isolated_analysis_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep analysis results out of the user's cache folder during the engine tests."""
    mp = pytest.MonkeyPatch()
    mp.setenv("MUSICCOG_CACHE_DIR", str(tmp_path_factory.mktemp("analysis-cache")))
    yield
    mp.undo()


def _ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def make_clip(
    out: Path,
    shot_frames: Sequence[int],
    *,
    rate: str = "30",
    size: str = "160x90",
    audio: str | None = "sine",
    sources: Sequence[str] = SOURCES,
    extra_vf: str = "",
    shot_vf: Sequence[str] = (),
    vcodec: Sequence[str] = ("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"),
    acodec: Sequence[str] = ("-c:a", "aac", "-b:a", "96k"),
) -> Path:
    """Write a clip of shots of ``shot_frames[i]`` frames each, hard cuts between them.

    :param rate: frame rate as FFmpeg writes it (``"30000/1001"``, ``"25"``).
    :param audio: ``"sine"`` (a 440 Hz tone at -20 dBFS), ``"silence"`` or None (no stream).
    :param extra_vf: filters applied after the concat (e.g. a flash).
    :param shot_vf: per shot, filters applied to that shot alone (e.g. a fade), "" for none.
    """
    parts, labels = [], []
    for i, frames in enumerate(shot_frames):
        src = sources[i % len(sources)]
        sep = ":" if "=" in src else "="
        own = f",{shot_vf[i]}" if i < len(shot_vf) and shot_vf[i] else ""
        parts.append(f"{src}{sep}s={size}:r={rate},trim=end_frame={frames},"
                     f"setpts=PTS-STARTPTS{own},format=yuv420p[v{i}]")
        labels.append(f"[v{i}]")
    graph = ";".join(parts) + ";" + "".join(labels) + f"concat=n={len(labels)}:v=1:a=0"
    graph += (f",{extra_vf}" if extra_vf else "") + "[v]"
    duration_s = float(sum(shot_frames) / Fraction(rate))
    cmd = [_ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", "-filter_complex", graph]
    if audio == "sine":
        cmd += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:d={duration_s}"]
    elif audio == "silence":
        cmd += ["-f", "lavfi", "-i", f"anullsrc=r=48000:cl=mono:d={duration_s}"]
    cmd += ["-map", "[v]"]
    if audio:
        cmd += ["-map", "0:a", "-af", "volume=0.1", *acodec]
    cmd += [*vcodec, "-r", rate, "-t", f"{duration_s:.6f}", str(out)]
    subprocess.run(cmd, check=True)
    return out


@pytest.fixture
def clip_factory(tmp_path: Path) -> Callable[..., Path]:
    """``clip_factory(name, shot_frames, **make_clip_kwargs) -> Path`` in ``tmp_path``."""

    def factory(name: str, shot_frames: Sequence[int], **kwargs) -> Path:
        return make_clip(tmp_path / name, shot_frames, **kwargs)

    return factory


@pytest.fixture(scope="session")
def shared_clip() -> Path:
    """``../shared/media/old_town_30s.mp4``; skips when the shared folder is absent."""
    if not SHARED_CLIP.is_file():
        pytest.skip(f"shared clip not found at {SHARED_CLIP} (needs ../shared beside the repo)")
    return SHARED_CLIP
