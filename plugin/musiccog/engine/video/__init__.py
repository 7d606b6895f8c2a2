"""Video analysis: duration, frame rate, size, shot cuts, speech, loudness, motion.

:func:`analyze_video` runs two streaming FFmpeg passes (thumbnails for cuts and
motion — :mod:`.scan`, :mod:`.cuts`; 16 kHz audio for speech and loudness —
:mod:`.speech`) and caches the result by the file's content hash
(:mod:`musiccog.engine.cache`, kind ``"video"``), so a second run is instant.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import numpy as np

from musiccog.engine.cache import file_content_hash, load_cached, store_cached
from musiccog.engine.ffmpeg import MediaInfo, probe
from musiccog.engine.media_check import EmptyMediaError, MissingStreamError
from musiccog.engine.types import VideoAnalysis
from musiccog.engine.video.cuts import detect_cuts, motion_score
from musiccog.engine.video.scan import FrameScan, scan_frames
from musiccog.engine.video.speech import analyze_audio, smooth_speech
from musiccog.jobs import CancelToken, ProgressCallback, check_cancel, report

__all__ = [
    "CACHE_VERSION",
    "analyze_video",
    "detect_cuts",
    "frame_rate_of",
    "smooth_speech",
    "video_analysis_from_dict",
    "video_analysis_to_dict",
]

#: Bump when the analysis changes, so cached results are recomputed.
CACHE_VERSION = "video-1"
#: Relative spread of frame intervals above which a clip counts as VFR.
VFR_TOLERANCE = 0.02


def video_analysis_to_dict(analysis: VideoAnalysis) -> dict:
    """JSON-ready dict of a :class:`VideoAnalysis` (lists instead of tuples)."""
    data = {name: getattr(analysis, name) for name in VideoAnalysis.__dataclass_fields__}
    data["cuts_s"] = list(analysis.cuts_s)
    data["speech_s"] = [list(iv) for iv in analysis.speech_s]
    return data


def video_analysis_from_dict(data: dict) -> VideoAnalysis:
    """Inverse of :func:`video_analysis_to_dict`."""
    fields = dict(data)
    fields["cuts_s"] = tuple(float(c) for c in fields.get("cuts_s", ()))
    fields["speech_s"] = tuple((float(a), float(b)) for a, b in fields.get("speech_s", ()))
    return VideoAnalysis(**{k: v for k, v in fields.items()
                            if k in VideoAnalysis.__dataclass_fields__})


def frame_rate_of(scan: FrameScan, info: MediaInfo) -> tuple[Fraction | None, bool]:
    """The clip's frame rate (exact) and whether it is variable, from real timestamps.

    The rate is the filter graph's (or the container's) nominal rate when the
    measured mean interval agrees with it within 0.5 %, else the measured mean.
    """
    nominal = scan.rate or info.fps
    times = scan.times_s
    if times.shape[0] < 3:
        return nominal, False
    steps = np.diff(times)
    steps = steps[steps > 0]
    if steps.size == 0:
        return nominal, False
    mean_step = float(steps.mean())
    spread = float((np.percentile(steps, 95) - np.percentile(steps, 5)) / mean_step)
    is_vfr = spread > VFR_TOLERANCE + 0.002 / mean_step  # allow millisecond pts rounding
    measured = 1.0 / mean_step
    if nominal is not None and abs(float(nominal) - measured) <= 0.005 * float(nominal):
        return nominal, is_vfr
    return Fraction(measured).limit_denominator(1001), is_vfr


def analyze_video(
    path: str | os.PathLike[str],
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    on_progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> VideoAnalysis:
    """Analyse a video file (checks it first; see :mod:`musiccog.engine.media_check`).

    Progress: 0–85 % frames, 85–100 % audio.  Times in the result are seconds from
    the file's start; ``fps`` is a float (29.97 for 30000/1001).
    :raises MediaCheckError: the file is missing or has no video stream.
    :raises FFmpegError: FFmpeg failed while decoding.
    :raises Cancelled: ``cancel`` was set.
    """
    file = Path(path)
    content_hash = file_content_hash(file)
    cached = load_cached("video", content_hash, version=CACHE_VERSION, cache_dir=cache_dir)
    if cached is not None:
        report(on_progress, 100.0)
        return video_analysis_from_dict({**cached, "path": str(file)})
    info = probe(file)
    if not info.has_video:
        raise MissingStreamError(f"{file.name}: has no video stream.", path=file)

    def frames_progress(done: float, total: float) -> None:
        report(on_progress, 0.85 * done / total * 100.0)

    scan = scan_frames(file, duration_s=info.duration_s, on_progress=frames_progress,
                       cancel=cancel)
    if scan.n_frames == 0:
        raise EmptyMediaError(f"{file.name}: no video frames could be decoded. "
                              "Export the clip again.", path=file)
    rate, is_vfr = frame_rate_of(scan, info)
    cut_idx = detect_cuts(scan.diffs)
    cuts_s = tuple(round(float(scan.times_s[i]), 6) for i in cut_idx)
    motion = motion_score(scan.diffs, cut_idx)
    frame_s = 1.0 / float(rate) if rate else 0.0
    if scan.n_frames >= 2 and (is_vfr or not rate):  # the last frame lasts as the one before
        frame_s = float(scan.times_s[-1] - scan.times_s[-2])
    picture_end_s = float(scan.times_s[-1]) + frame_s  # end of the last frame
    duration_s = info.duration_s
    if duration_s is None or abs(duration_s - picture_end_s) < 0.05:
        duration_s = picture_end_s  # the container prints 2 decimals; frames are exact
    check_cancel(cancel)
    speech: list[tuple[float, float]] = []
    loudness = None
    if info.has_audio:
        speech, loudness = analyze_audio(file, duration_s=duration_s, cancel=cancel)
    analysis = VideoAnalysis(
        path=str(file),
        content_hash=content_hash,
        duration_s=round(float(duration_s), 6),
        fps=round(float(rate), 3) if rate else 0.0,
        width=int(info.width or 0),
        height=int(info.height or 0),
        cuts_s=cuts_s,
        speech_s=tuple(speech),
        has_audio=info.has_audio,
        loudness_lufs=loudness,
        motion=round(motion, 6),
        video_codec=info.video_codec,
        audio_codec=info.audio_codec,
        is_vfr=is_vfr,
    )
    store_cached("video", content_hash, video_analysis_to_dict(analysis),
                 version=CACHE_VERSION, cache_dir=cache_dir)
    report(on_progress, 100.0)
    return analysis
