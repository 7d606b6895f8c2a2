"""Speech regions and loudness of a clip's own audio.

FFmpeg decodes the first audio stream once: its ``ebur128`` filter measures the
integrated loudness (ITU-R BS.1770, on the original channels and rate, streaming:
pyloudnorm would need the whole signal in memory), then the audio is resampled to
16 kHz mono 16-bit PCM and piped to Python in chunks.  webrtcvad (the WebRTC
voice activity detector; its model is compiled into the wheel, nothing fetched)
labels each 30 ms frame; :func:`smooth_speech` turns the frame labels into
intervals.  Memory is bounded: one chunk of PCM plus one bool per 30 ms.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from musiccog.engine.ffmpeg import open_pipe
from musiccog.jobs import CancelToken

#: Sample rate fed to the VAD (Hz) and its frame length (ms: 10, 20 or 30).
VAD_RATE_HZ = 16_000
VAD_FRAME_MS = 30
#: webrtcvad aggressiveness, 0 (least) … 3 (most eager to call non-speech).
VAD_MODE = 2
#: Frames quieter than this (dBFS RMS) are never speech (the VAD fires on hiss).
SILENCE_DBFS = -50.0

_LUFS_RE = re.compile(r"^\s*I:\s+(-?[\d.]+|-inf) LUFS")


def smooth_speech(
    is_speech: np.ndarray,
    *,
    frame_s: float = VAD_FRAME_MS / 1000.0,
    min_gap_s: float = 0.3,
    min_speech_s: float = 0.25,
    pad_s: float = 0.1,
    duration_s: float | None = None,
) -> list[tuple[float, float]]:
    """Speech intervals ``[(start_s, end_s), …]`` from per-frame VAD labels.

    Runs of speech frames closer than ``min_gap_s`` are joined (pauses between
    words), runs shorter than ``min_speech_s`` are dropped (clicks, single
    syllable false alarms), and each interval is widened by ``pad_s`` on both
    sides (clipped to ``[0, duration_s]``).
    """
    flags = np.asarray(is_speech, dtype=bool)
    if flags.size == 0 or not flags.any():
        return []
    padded = np.concatenate([[False], flags, [False]]).astype(np.int8)
    edges = np.diff(padded)
    starts = np.flatnonzero(edges == 1) * frame_s
    ends = np.flatnonzero(edges == -1) * frame_s
    merged: list[list[float]] = []
    for s, e in zip(starts, ends, strict=True):
        if merged and s - merged[-1][1] < min_gap_s:
            merged[-1][1] = float(e)
        else:
            merged.append([float(s), float(e)])
    limit = duration_s if duration_s is not None else float(flags.size * frame_s)
    out = []
    for s, e in merged:
        if e - s < min_speech_s:
            continue
        out.append((round(max(0.0, s - pad_s), 3), round(min(limit, e + pad_s), 3)))
    return out


def analyze_audio(
    path: str | Path,
    *,
    duration_s: float | None = None,
    cancel: CancelToken | None = None,
) -> tuple[list[tuple[float, float]], float | None]:
    """Speech intervals (seconds) and integrated loudness (LUFS, None if silent) of a file.

    The file must have an audio stream (check with :func:`musiccog.engine.ffmpeg.probe`).
    """
    import webrtcvad

    vad = webrtcvad.Vad(VAD_MODE)
    frame_samples = VAD_RATE_HZ * VAD_FRAME_MS // 1000
    frame_bytes = frame_samples * 2
    silence = (10 ** (SILENCE_DBFS / 20.0) * 32768.0) ** 2
    lufs: list[float | None] = []

    def on_line(line: str) -> None:
        if m := _LUFS_RE.match(line):
            lufs.append(None if m.group(1) == "-inf" else float(m.group(1)))

    args = [
        "-loglevel", "info", "-i", str(path), "-map", "0:a:0", "-vn", "-sn", "-dn",
        "-af", "ebur128=framelog=quiet", "-ac", "1", "-ar", str(VAD_RATE_HZ),
        "-f", "s16le", "pipe:1",
    ]
    labels: list[np.ndarray] = []
    chunk_frames = 1000  # 30 s per read
    with open_pipe(args, cancel=cancel, on_stderr_line=on_line,
                   what=f"decoding the audio of {Path(path).name}") as run:
        while True:
            data = run.read(frame_bytes * chunk_frames)
            n = len(data) // frame_bytes
            if n == 0:
                break
            pcm = np.frombuffer(data[: n * frame_bytes], dtype="<i2").reshape(n, frame_samples)
            power = (pcm.astype(np.float64) ** 2).mean(axis=1)
            flags = np.zeros(n, dtype=bool)
            for i in np.flatnonzero(power > silence):
                flags[i] = vad.is_speech(pcm[i].tobytes(), VAD_RATE_HZ)
            labels.append(flags)
    is_speech = np.concatenate(labels) if labels else np.zeros(0, dtype=bool)
    speech = smooth_speech(is_speech, duration_s=duration_s)
    loudness = lufs[-1] if lufs else None
    if loudness is not None and loudness < -70.0:
        loudness = None
    return speech, loudness
