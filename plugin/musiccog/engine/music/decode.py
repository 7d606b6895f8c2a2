"""Decode any supported audio file to mono float32 PCM through the FFmpeg binary.

FFmpeg (from imageio-ffmpeg) reads wav, mp3, m4a, aac and flac alike and
resamples on the way, writing raw little-endian float32 (mono, or stereo when
the file is) to a pipe that is read in fixed-size chunks.  Each chunk feeds the
streaming loudness meter (on the file's own channels, as BS.1770 wants) and is
then downmixed; the only buffer that grows is the mono signal itself
(88 kB per second of audio at 22 050 Hz).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from musiccog.engine.ffmpeg import FFmpegError, MediaInfo, open_pipe
from musiccog.engine.media_check import (
    EmptyMediaError,
    UnreadableMediaError,
    check_media,
)
from musiccog.engine.music.loudness import LoudnessMeter
from musiccog.jobs import CancelToken, ProgressCallback, check_cancel, report

#: Sample rate of the analysis signal (Hz).
ANALYSIS_RATE_HZ = 22050
#: Bytes read from FFmpeg's pipe at a time (about 3 s of stereo float32 at 22 050 Hz).
CHUNK_BYTES = 1 << 19
#: Shortest music the analysis accepts, in seconds.
MIN_DURATION_S = 2.0


class AudioTooShortError(EmptyMediaError):
    """4004: the audio is shorter than :data:`MIN_DURATION_S`, too short to hold a beat."""


@dataclass(frozen=True)
class DecodedAudio:
    """A decoded file.

    ``mono``: float32 samples, shape ``(n,)``, the mean of the file's channels;
    ``rate_hz``: their sample rate; ``source_rate_hz``: the file's own rate (None
    when FFmpeg did not say); ``channels``: channels measured for loudness (1 or 2);
    ``loudness_lufs``: integrated loudness (BS.1770, floor −70);
    ``block_lufs``: momentary loudness of 400 ms blocks every 100 ms (−inf = silence).
    """

    mono: np.ndarray
    rate_hz: int
    source_rate_hz: int | None
    channels: int
    loudness_lufs: float
    block_lufs: np.ndarray

    @property
    def duration_s(self) -> float:
        return self.mono.shape[0] / self.rate_hz


class _IntegratedLoudness:
    """Reads ``I: … LUFS`` from the summary FFmpeg's ebur128 filter prints at the end."""

    def __init__(self) -> None:
        self.lufs: float | None = None
        self._in_integrated = False

    def feed(self, line: str) -> None:
        text = line.strip()
        if text.startswith("Integrated loudness"):
            self._in_integrated = True
        elif self._in_integrated and text.startswith("I:"):
            try:
                self.lufs = max(float(text[2:].split()[0]), -70.0)
            except (ValueError, IndexError):
                self.lufs = None
            self._in_integrated = False


def decode_audio(
    path: str | os.PathLike[str],
    *,
    rate_hz: int = ANALYSIS_RATE_HZ,
    on_progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    min_duration_s: float = MIN_DURATION_S,
    info: MediaInfo | None = None,
) -> DecodedAudio:
    """Check and decode an audio file to mono float32 at ``rate_hz``, measuring its loudness.

    :param on_progress: called with (percent decoded, 100) as the pipe is read.
    :raises musiccog.engine.media_check.MediaCheckError: missing, unsupported (4001),
        too large (4002), unreadable (4003) or empty (4004) file.
    :raises AudioTooShortError: less than ``min_duration_s`` of audio.
    :param info: the result of ``check_media(path, "audio")`` when the caller already has it.
    :raises musiccog.jobs.Cancelled: ``cancel`` was set.
    """
    file = Path(path)
    if info is None:
        info = check_media(file, "audio")
    channels = 2 if (info.audio_channels or 1) >= 2 else 1
    # A second output meters the integrated loudness full-band at the file's own rate
    # (FFmpeg's ebur128, BS.1770): the analysis signal stops at rate_hz / 2, which read
    # up to ~1.6 LU low on music with bright hi-hats.
    args = ["-i", str(file), "-map", "0:a:0", "-vn", "-sn", "-dn",
            "-ac", str(channels), "-ar", str(rate_hz), "-f", "f32le", "pipe:1",
            "-map", "0:a:0", "-vn", "-sn", "-dn", "-af", "ebur128=peak=none:framelog=quiet",
            "-f", "null", "-"]
    full_band = _IntegratedLoudness()
    frame_bytes = 4 * channels
    expected_frames = int((info.duration_s or 0.0) * rate_hz)
    meter = LoudnessMeter(rate_hz, channels)
    chunks: list[np.ndarray] = []
    got_frames = 0
    leftover = b""
    try:
        with open_pipe(args, cancel=cancel, what=f"decoding {file.name}",
                       on_stderr_line=full_band.feed) as run:
            while True:
                check_cancel(cancel)
                raw = run.read(CHUNK_BYTES)
                if not raw:
                    break
                raw = leftover + raw
                usable = len(raw) - len(raw) % frame_bytes
                leftover = raw[usable:]
                block = np.frombuffer(raw[:usable], dtype="<f4").reshape(-1, channels)
                block = np.nan_to_num(block, nan=0.0, posinf=1.0, neginf=-1.0)
                meter.feed(block)
                chunks.append(block[:, 0].copy() if channels == 1
                              else block.mean(axis=1, dtype=np.float32))
                got_frames += block.shape[0]
                if expected_frames:
                    report(on_progress, min(99.0, 100.0 * got_frames / expected_frames))
    except FFmpegError as exc:
        raise UnreadableMediaError(
            f"{file.name}: FFmpeg cannot decode this audio (error 4003). "
            "Check that the file plays, or convert it to WAV or FLAC.\n"
            f"{exc.stderr_tail}",
            path=file,
        ) from None
    if got_frames == 0:
        raise EmptyMediaError(f"{file.name}: no audio samples could be decoded (error 4004). "
                              "Export the music again from your editor.", path=file)
    mono = np.concatenate(chunks).astype(np.float32, copy=False)
    integrated = full_band.lufs if full_band.lufs is not None else meter.integrated_lufs()
    decoded = DecodedAudio(mono, rate_hz, info.audio_rate_hz, channels,
                           integrated, meter.block_loudness())
    if decoded.duration_s < min_duration_s:
        raise AudioTooShortError(
            f"{file.name}: only {decoded.duration_s:.2f} s of audio; music needs at least "
            f"{min_duration_s:g} s to find a beat (error 4004). Use a longer track.",
            path=file,
        )
    report(on_progress, 100.0)
    return decoded
