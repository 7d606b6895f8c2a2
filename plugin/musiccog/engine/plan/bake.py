"""Render a plan's fitted music to a WAV: pieces, crossfades, time-stretch; unity gain.

Fades and ducking are *not* baked: they live in the draft (``v``/``fi``/``fo``/``vk``)
so an editor can still change them.  The source is decoded (and resampled) by the
FFmpeg binary of imageio-ffmpeg; the stretch is pedalboard's high-quality
``time_stretch`` (Rubber Band), which keeps the pitch.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from musiccog.engine.types import MusicEdit, SyncPlan
from musiccog.errors import MusicCogError
from musiccog.jobs import CancelToken, ProgressCallback, check_cancel, report

#: Channels of the baked WAV (the source is up- or down-mixed by FFmpeg).
CHANNELS = 2


class BakeError(MusicCogError):
    """The plan's music cannot be rendered (missing source, nothing decoded)."""


def decode_audio(
    path: str | Path, *, sample_rate_hz: int, cancel: CancelToken | None = None
) -> np.ndarray:
    """Decode any audio file to float32 samples, shape ``(n, 2)``, at ``sample_rate_hz``.

    :raises BakeError: the file is missing or holds no audio.
    """
    from musiccog.engine.ffmpeg import open_pipe

    src = Path(path)
    if not src.is_file():
        raise BakeError(f"music file not found: {src}. Check the path or pick another track.")
    args = ["-i", str(src), "-vn", "-ac", str(CHANNELS), "-ar", str(int(sample_rate_hz)),
            "-f", "f32le", "-acodec", "pcm_f32le", "pipe:1"]
    chunks: list[bytes] = []
    with open_pipe(args, cancel=cancel, what=f"decoding {src.name}") as run:
        while True:
            chunk = run.read(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    data = np.frombuffer(b"".join(chunks), dtype="<f4")
    if data.size < CHANNELS:
        raise BakeError(f"no audio could be decoded from {src}; is it a music file?")
    return data[: data.size - data.size % CHANNELS].reshape(-1, CHANNELS).copy()


def _take(source: np.ndarray, start: int, count: int) -> np.ndarray:
    """``count`` samples from ``start`` (may be negative or past the end: zeros there)."""
    out = np.zeros((max(count, 0), source.shape[1]), dtype=np.float32)
    lo, hi = max(start, 0), min(start + count, source.shape[0])
    if hi > lo:
        out[lo - start : hi - start] = source[lo:hi]
    return out


def assemble(
    source: np.ndarray,
    edits: tuple[MusicEdit, ...] | list[MusicEdit],
    *,
    sample_rate_hz: int,
    length_s: float,
    cancel: CancelToken | None = None,
) -> np.ndarray:
    """Join the edits' pieces of ``source`` (shape ``(n, ch)``) with equal-power crossfades.

    Piece *k* fills output samples ``[round(out_start_k·sr), round(out_start_{k+1}·sr))``
    from ``round(source_start_k·sr)``; its crossfade of ``x`` samples replaces the
    previous piece's last ``x`` samples by ``cos`` (out) / ``sin`` (in) weighted sums
    with the ``x`` source samples before ``source_start_k``.
    :returns: float32 samples, ``round(length_s·sr)`` of them.
    """
    sr = sample_rate_hz
    total = int(round(length_s * sr))
    out = np.zeros((total, source.shape[1]), dtype=np.float32)
    for k, edit in enumerate(edits):
        check_cancel(cancel)
        o0 = int(round(edit.output_start_s * sr))
        o1 = int(round(edits[k + 1].output_start_s * sr)) if k + 1 < len(edits) else total
        o0, o1 = min(max(o0, 0), total), min(max(o1, 0), total)
        s0 = int(round(edit.source_start_s * sr))
        out[o0:o1] = _take(source, s0, o1 - o0)
        x = min(int(round(edit.crossfade_s * sr)), o0) if k else 0
        if x > 0:
            t = (np.arange(x, dtype=np.float64) + 0.5) / x
            fade_in = np.sin(0.5 * np.pi * t).astype(np.float32)[:, None]
            fade_out = np.cos(0.5 * np.pi * t).astype(np.float32)[:, None]
            out[o0 - x : o0] = out[o0 - x : o0] * fade_out + _take(source, s0 - x, x) * fade_in
    return out


def _stretch(samples: np.ndarray, ratio: float, sample_rate_hz: int) -> np.ndarray:
    import pedalboard

    stretched = pedalboard.time_stretch(
        np.ascontiguousarray(samples.T, dtype=np.float32), float(sample_rate_hz),
        stretch_factor=float(ratio), high_quality=True,
    )
    return np.asarray(stretched, dtype=np.float32).T


def _write_wav_atomic(path: Path, samples: np.ndarray, sample_rate_hz: int) -> None:
    import soundfile

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        soundfile.write(str(tmp), samples, sample_rate_hz, subtype="FLOAT", format="WAV")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def bake_bgm(
    plan: SyncPlan,
    out_wav: Path,
    *,
    sample_rate_hz: int = 44100,
    on_progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Path:
    """Write the plan's fitted music to ``out_wav`` (32-bit float WAV, stereo), atomically.

    Unity gain; ``round(plan.duration_s · sample_rate_hz)`` samples long.
    Progress is reported in percent.
    :raises BakeError: the source music is missing or empty.
    :raises musiccog.jobs.Cancelled: ``cancel`` was set; nothing is written.
    """
    out_wav = Path(out_wav)
    if not plan.edits:
        raise BakeError("the plan has no music pieces; build it with build_plan().")
    report(on_progress, 0)
    source = decode_audio(plan.music_path, sample_rate_hz=sample_rate_hz, cancel=cancel)
    report(on_progress, 30)
    pre_length = plan.duration_s * plan.stretch_ratio
    samples = assemble(source, plan.edits, sample_rate_hz=sample_rate_hz,
                       length_s=pre_length, cancel=cancel)
    report(on_progress, 50)
    check_cancel(cancel)
    if abs(plan.stretch_ratio - 1.0) > 1e-9:
        samples = _stretch(samples, plan.stretch_ratio, sample_rate_hz)
    report(on_progress, 90)
    total = int(round(plan.duration_s * sample_rate_hz))
    if samples.shape[0] < total:
        samples = np.concatenate(
            [samples, np.zeros((total - samples.shape[0], samples.shape[1]), np.float32)]
        )
    samples = samples[:total]
    check_cancel(cancel)
    _write_wav_atomic(out_wav, samples, sample_rate_hz)
    report(on_progress, 100)
    return out_wav
