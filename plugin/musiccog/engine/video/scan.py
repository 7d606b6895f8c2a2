"""Stream a video's frames through FFmpeg as tiny thumbnails and score their differences.

FFmpeg decodes every frame (``-fps_mode passthrough``: no frame dropped or
duplicated, so VFR clips keep their real timing), scales it to 64×36 with the
cheap ``fast_bilinear`` scaler and writes planar YUV 4:2:0 to a pipe; FFmpeg's
``showinfo`` filter (placed after the scaler, so its checksums cost nothing)
prints each frame's presentation time on stderr.  Python reads the pipe in
chunks of :data:`CHUNK_FRAMES` frames and keeps only the last :data:`LAGS`
thumbnails, so memory stays bounded (a few MB) whatever the clip's length; the
per-frame output is ``LAGS`` float32 scores and one timestamp.

Why not PySceneDetect or FFmpeg's ``scdet``: PySceneDetect brings full OpenCV
and measured slower here; ``scdet`` gives one score per frame with a fixed
threshold and no flash test.  The decode dominates either way.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from musiccog.engine.ffmpeg import exact_rate, open_pipe
from musiccog.engine.video.cuts import LAGS
from musiccog.jobs import CancelToken, ProgressCallback, report

#: Thumbnail size (pixels); 16:9 and small enough that the pipe costs nothing.
THUMB_W, THUMB_H = 64, 36
#: Frames read from the pipe per numpy step.
CHUNK_FRAMES = 256
#: Weight of the luma plane in the frame difference (chroma planes share the rest).
LUMA_WEIGHT = 0.6

_PTS_RE = re.compile(r"\bn:\s*(\d+)\s+pts:\s*(-?\d+)\s+pts_time:\s*(-?[\d.e+-]+)")
_RATE_RE = re.compile(r"config in time_base: \S+, frame_rate: (\d+/\d+)")


@dataclass
class FrameScan:
    """Per-frame results of one pass over a video.

    ``times_s``: presentation time of each frame, seconds from the file's start;
    ``diffs``: ``(n_frames, LAGS)`` float32 mean absolute differences (0–1) with the
    1…LAGS previous frames (NaN where there is none);
    ``rate``: the stream's frame rate as FFmpeg's filter graph sees it (exact).
    """

    times_s: np.ndarray
    diffs: np.ndarray
    rate: Fraction | None

    @property
    def n_frames(self) -> int:
        return int(self.times_s.shape[0])


class _PtsCollector:
    """Collects showinfo timestamps from FFmpeg's stderr (called on the reader thread)."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.rate: Fraction | None = None
        self._lock = threading.Lock()

    def __call__(self, line: str) -> None:
        if "showinfo" not in line:
            return
        if m := _PTS_RE.search(line):
            with self._lock:
                self.times.append(float(m.group(3)))
        elif self.rate is None and (m := _RATE_RE.search(line)):
            rate = Fraction(m.group(1)) if not m.group(1).endswith("/0") else None
            self.rate = exact_rate(f"{rate.numerator}/{rate.denominator}") if rate else None

    def count(self) -> int:
        with self._lock:
            return len(self.times)


def _planes(chunk: np.ndarray) -> np.ndarray:
    """(n, frame_bytes) uint8 YUV420p → (n, features) float32 scaled to 0–1 with weights."""
    y_size = THUMB_W * THUMB_H
    luma = chunk[:, :y_size].astype(np.float32) * (LUMA_WEIGHT / 255.0 / y_size)
    chroma = chunk[:, y_size:].astype(np.float32) * (
        (1.0 - LUMA_WEIGHT) / 255.0 / (chunk.shape[1] - y_size)
    )
    return np.concatenate([luma, chroma], axis=1)


def scan_frames(
    path: str | Path,
    *,
    duration_s: float | None = None,
    on_progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> FrameScan:
    """Decode every frame of ``path`` to a thumbnail and score frame differences.

    :param duration_s: the clip's duration, for progress (0–100).
    :raises FFmpegError: FFmpeg failed to decode the file.
    :raises Cancelled: ``cancel`` was set.
    """
    frame_bytes = THUMB_W * THUMB_H * 3 // 2
    pts = _PtsCollector()
    args = [
        "-loglevel", "info", "-i", str(path), "-map", "0:v:0", "-an", "-sn", "-dn",
        "-vf", f"scale={THUMB_W}:{THUMB_H}:flags=fast_bilinear,format=yuv420p,showinfo",
        "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1",
    ]
    diff_blocks: list[np.ndarray] = []
    history = np.zeros((0, frame_bytes), dtype=np.float32)  # last LAGS frames, weighted
    with open_pipe(args, cancel=cancel, on_stderr_line=pts, what=f"decoding {Path(path).name}") \
            as run:
        while True:
            data = run.read(frame_bytes * CHUNK_FRAMES)
            n = len(data) // frame_bytes
            if n == 0:
                break
            frames = _planes(np.frombuffer(data[: n * frame_bytes], dtype=np.uint8)
                             .reshape(n, frame_bytes))
            joined = np.concatenate([history, frames], axis=0)
            offset = history.shape[0]
            block = np.full((n, LAGS), np.nan, dtype=np.float32)
            for k in range(1, LAGS + 1):
                start = max(offset, k)  # first row of `joined` that has a frame k back
                if start < joined.shape[0]:
                    d = np.abs(joined[start:] - joined[start - k:-k]).sum(axis=1)
                    block[start - offset:, k - 1] = d
            diff_blocks.append(block)
            history = joined[-LAGS:]
            if duration_s and pts.times:
                report(on_progress, min(99.0, 100.0 * pts.times[-1] / duration_s), 100.0)
    diffs = (np.concatenate(diff_blocks, axis=0) if diff_blocks
             else np.zeros((0, LAGS), dtype=np.float32))
    n_frames = diffs.shape[0]
    times = np.asarray(pts.times[:n_frames], dtype=np.float64)
    if times.shape[0] < n_frames:  # showinfo lines missing: fall back to the nominal rate
        rate = float(pts.rate) if pts.rate else 25.0
        start = times[-1] + 1.0 / rate if times.size else 0.0
        extra = start + np.arange(n_frames - times.shape[0]) / rate
        times = np.concatenate([times, extra])
    report(on_progress, 100.0, 100.0)
    return FrameScan(times_s=times, diffs=diffs, rate=pts.rate)
