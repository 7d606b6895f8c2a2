"""Render a draft to an MP4 with FFmpeg: the picture of its video track, all its audio mixed.

**Picture.** The first video track (``tt`` 0) with segments gives the picture.
When it is one segment that plays a whole file from its start at normal speed
and fills the timeline, and the codec fits in MP4 (H.264, HEVC, MPEG-4, AV1,
VP9), the stream is **copied** (no re-encode: seconds for a long clip).
Otherwise each segment is cut from its file, brought to the output frame rate and
size (letterboxed), gaps become black, and the result is encoded with libx264
(``veryfast``, CRF 20, yuv420p).  ``preset`` picks the size: ``"auto"`` keeps the
first clip's size (within 1920×1080 / 1080×1920), ``"16:9"`` 1920×1080,
``"9:16"`` 1080×1920, ``"1:1"`` 1080×1080; a preset other than ``"auto"``
always re-encodes.  Text tracks are not burnt in.

**Sound.** Every audio track (``tt`` 1) that is not muted is decoded segment by
segment (FFmpeg → 48 kHz stereo float PCM through a pipe) and multiplied by its
gain envelope — ``v`` × fade-in ramp (``fi``) × fade-out ramp (``fo``) ×
``vk`` keys (linear between keys) — computed in numpy per sample, so fades and
ducking are exactly what the draft says; the tracks are summed and clipped to ±1
in 5-second blocks that are fed to the muxing FFmpeg's stdin as it encodes AAC
(192 kb/s): no temporary audio file, bounded memory, and the mix overlaps the
encode (FFmpeg's AAC encoder, single-threaded, is the slow part: ~20× real time here).

The output is written to a temporary file beside ``out_path`` and renamed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from urllib.parse import unquote, urlparse

import numpy as np

from musiccog.draft import TRACK_AUDIO, TRACK_VIDEO, Draft, Segment, Track
from musiccog.engine.ffmpeg import MediaInfo, exact_rate, open_pipe, probe, run_ffmpeg
from musiccog.errors import MusicCogError
from musiccog.jobs import CancelToken, ProgressCallback, check_cancel, report

#: Output sizes (width, height) of the presets.
PRESETS: dict[str, tuple[int, int] | None] = {
    "auto": None, "16:9": (1920, 1080), "9:16": (1080, 1920), "1:1": (1080, 1080),
}
#: Video codecs that can be copied into MP4.
MP4_COPY_CODECS = frozenset({"h264", "hevc", "mpeg4", "av1", "vp9"})
#: Sample rate (Hz) and channels of the mix.
MIX_RATE_HZ = 48_000
MIX_CHANNELS = 2
#: Samples mixed per block (5 s).
BLOCK_SAMPLES = MIX_RATE_HZ * 5


class RenderError(MusicCogError):
    """A draft that cannot be rendered (no picture, remote media, bad preset)."""


def media_path(seg: Segment) -> Path | None:
    """The local file a segment plays (``file://`` URLs decoded), None without ``src``.

    :raises RenderError: the media is an ``http(s)://`` URL or the file is missing.
    """
    if not seg.source:
        return None
    src = seg.source
    if "://" in src:
        parsed = urlparse(src)
        if parsed.scheme != "file":
            raise RenderError(f"{src}: remote media cannot be rendered offline; download it "
                              "and point the segment's src at the local file.")
        src = unquote(parsed.path)
    path = Path(src)
    if not path.is_file():
        raise RenderError(f"{path}: media file not found; relink it in the draft (src).")
    return path


def gain_envelope(seg: Segment, times_s: np.ndarray) -> np.ndarray:
    """Linear gain of ``seg`` at ``times_s`` (seconds from the segment's start).

    ``v`` × linear fade-in over ``fi`` × linear fade-out over ``fo`` × ``vk``
    keys (``[ms, gain]``, linear between keys, held before the first and after the last).
    """
    dur_s = seg.duration_ms / 1000.0
    gain = np.full(times_s.shape, float(seg.volume if seg.volume is not None else 1.0))
    if seg.fade_in_ms:
        gain *= np.clip(times_s / (seg.fade_in_ms / 1000.0), 0.0, 1.0)
    if seg.fade_out_ms:
        gain *= np.clip((dur_s - times_s) / (seg.fade_out_ms / 1000.0), 0.0, 1.0)
    if seg.volume_keys:
        keys = sorted(seg.volume_keys)
        gain *= np.interp(times_s, [k[0] / 1000.0 for k in keys], [k[1] for k in keys])
    return gain


class _SegmentSource:
    """Decoded PCM of one segment, read sequentially from an FFmpeg pipe."""

    def __init__(self, seg: Segment, path: Path, cancel: CancelToken | None) -> None:
        speed = float(seg.speed or 1.0)
        src_s = seg.duration_ms / 1000.0 * speed
        args = ["-ss", f"{(seg.source_in_ms or 0) / 1000.0:.6f}", "-t", f"{src_s:.6f}",
                "-i", str(path), "-map", "0:a:0", "-vn", "-sn", "-dn"]
        if abs(speed - 1.0) > 1e-6:
            args += ["-af", f"atempo={speed:.6f}"]
        args += ["-ac", str(MIX_CHANNELS), "-ar", str(MIX_RATE_HZ), "-f", "f32le", "pipe:1"]
        self._cm = open_pipe(args, cancel=cancel, what=f"decoding the audio of {path.name}")
        self._run = self._cm.__enter__()

    def read(self, n: int) -> np.ndarray:
        """``(n, channels)`` float32; zeros past the end of the decoded audio."""
        data = self._run.read(n * MIX_CHANNELS * 4)
        got = np.frombuffer(data[: len(data) // (MIX_CHANNELS * 4) * MIX_CHANNELS * 4],
                            dtype="<f4").reshape(-1, MIX_CHANNELS)
        if got.shape[0] < n:
            got = np.concatenate([got, np.zeros((n - got.shape[0], MIX_CHANNELS), "f4")])
        return got

    def close(self) -> None:
        self._cm.__exit__(None, None, None)


class _TrackMixer:
    """Yields one audio track's samples block by block (segments sorted, no overlap)."""

    def __init__(self, track: Track, infos: dict[Path, MediaInfo],
                 cancel: CancelToken | None) -> None:
        self.items = []
        for seg in sorted(track.segments, key=lambda s: s.start_ms):
            path = media_path(seg)
            if path is None or not infos[path].has_audio or seg.duration_ms <= 0:
                continue
            start = round(seg.start_ms * MIX_RATE_HZ / 1000)
            end = round(seg.end_ms * MIX_RATE_HZ / 1000)
            self.items.append((start, end, seg, path))
        self.open: dict[int, _SegmentSource] = {}
        self.cancel = cancel

    def add_block(self, out: np.ndarray, block_start: int) -> None:
        block_end = block_start + out.shape[0]
        for idx, (start, end, seg, path) in enumerate(self.items):
            if end <= block_start or start >= block_end:
                if end <= block_start and idx in self.open:
                    self.open.pop(idx).close()
                continue
            if idx not in self.open:
                self.open[idx] = _SegmentSource(seg, path, self.cancel)
            lo, hi = max(start, block_start), min(end, block_end)
            pcm = self.open[idx].read(hi - lo)
            times_s = (np.arange(lo, hi) - start) / MIX_RATE_HZ
            out[lo - block_start:hi - block_start] += pcm * gain_envelope(seg, times_s)[:, None]

    def close(self) -> None:
        for source in self.open.values():
            source.close()
        self.open.clear()


def mix_blocks(draft: Draft, *, duration_s: float, cancel: CancelToken | None = None,
               on_progress: ProgressCallback | None = None,
               stats: dict | None = None) -> Iterator[np.ndarray]:
    """The mix of every unmuted audio track, as ``(n, 2)`` float32 blocks of 48 kHz audio.

    Blocks are :data:`BLOCK_SAMPLES` long (the last one shorter) and clipped to ±1;
    ``stats["clipped"]`` counts the clipped samples.  FFmpeg decoders are closed when
    the generator finishes or is closed.
    """
    tracks = [t for t in draft.known_tracks(TRACK_AUDIO) if not t.muted]
    paths = {p for t in tracks for s in t.segments if (p := media_path(s)) is not None}
    infos = {p: probe(p) for p in paths}
    mixers = [_TrackMixer(t, infos, cancel) for t in tracks]
    total = round(duration_s * MIX_RATE_HZ)
    stats = stats if stats is not None else {}
    stats["clipped"] = 0
    try:
        for block_start in range(0, total, BLOCK_SAMPLES):
            check_cancel(cancel)
            block = np.zeros((min(BLOCK_SAMPLES, total - block_start), MIX_CHANNELS),
                             dtype=np.float32)
            for mixer in mixers:
                mixer.add_block(block, block_start)
            stats["clipped"] += int((np.abs(block) > 1.0).sum())
            yield np.clip(block, -1.0, 1.0)
            report(on_progress, 100.0 * (block_start + block.shape[0]) / max(total, 1))
    finally:
        for mixer in mixers:
            mixer.close()


def mix_audio(draft: Draft, out_wav: Path, *, duration_s: float,
              on_progress: ProgressCallback | None = None,
              cancel: CancelToken | None = None) -> int:
    """Write :func:`mix_blocks` to a 48 kHz stereo 24-bit WAV; returns the clipped count."""
    import soundfile

    stats: dict = {}
    with soundfile.SoundFile(out_wav, "w", MIX_RATE_HZ, MIX_CHANNELS, "PCM_24") as wav:
        for block in mix_blocks(draft, duration_s=duration_s, cancel=cancel,
                                on_progress=on_progress, stats=stats):
            wav.write(block)
    return stats["clipped"]


def _even(x: float) -> int:
    return max(2, int(round(x / 2)) * 2)


def _output_size(preset: str, info: MediaInfo) -> tuple[int, int]:
    size = PRESETS[preset]
    if size is not None:
        return size
    width, height = info.width or 1920, info.height or 1080
    box = (1920, 1080) if width >= height else (1080, 1920)
    scale = min(1.0, box[0] / width, box[1] / height)
    return _even(width * scale), _even(height * scale)


def _copyable(segs: list[Segment], info: MediaInfo, end_s: float, rate: Fraction) -> bool:
    if len(segs) != 1 or info.video_codec not in MP4_COPY_CODECS:
        return False
    seg, frame_s = segs[0], 1.0 / float(rate)
    media_s = info.duration_s or 0.0
    return (seg.start_ms <= 1 and (seg.source_in_ms or 0) / 1000.0 < frame_s / 2
            and abs(float(seg.speed or 1.0) - 1.0) < 1e-9
            and abs(seg.duration_ms / 1000.0 - media_s) <= frame_s + 0.01
            and end_s <= seg.duration_ms / 1000.0 + frame_s)


def _picture_args(segs: list[Segment], infos: dict[Path, MediaInfo], end_s: float,
                  rate: Fraction, size: tuple[int, int]) -> tuple[list[str], list[str]]:
    """Input args and the filter graph (output label ``[vout]``) of a re-encoded picture."""
    width, height = size
    rate_txt = f"{rate.numerator}/{rate.denominator}"
    inputs: list[str] = []
    chains: list[str] = []
    labels: list[str] = []
    cursor_frame = 0
    n_in = 0

    def black(frames: int) -> None:
        label = f"[g{len(labels)}]"
        chains.append(f"color=c=black:s={width}x{height}:r={rate_txt},"
                      f"trim=end_frame={frames},setsar=1,format=yuv420p{label}")
        labels.append(label)

    for seg in sorted(segs, key=lambda s: s.start_ms):
        path = media_path(seg)
        first = round(seg.start_ms / 1000.0 * float(rate))
        last = round(seg.end_ms / 1000.0 * float(rate))
        if first > cursor_frame:
            black(first - cursor_frame)
        frames = last - max(first, cursor_frame)
        if frames <= 0:
            continue
        if path is None or not infos[path].has_video:
            black(frames)
        else:
            speed = float(seg.speed or 1.0)
            inputs += ["-ss", f"{(seg.source_in_ms or 0) / 1000.0:.6f}",
                       "-t", f"{seg.duration_ms / 1000.0 * speed + 1.0:.6f}", "-i", str(path)]
            label = f"[s{len(labels)}]"
            chains.append(
                f"[{n_in}:v:0]setpts=(PTS-STARTPTS)/{speed:.6f},fps={rate_txt},"
                f"scale={width}:{height}:force_original_aspect_ratio=decrease,"
                f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:black,setsar=1,format=yuv420p,"
                f"trim=end_frame={frames},setpts=PTS-STARTPTS{label}")
            labels.append(label)
            n_in += 1
        cursor_frame = last
    end_frame = round(end_s * float(rate))
    if end_frame > cursor_frame:
        black(end_frame - cursor_frame)
    graph = ";".join(chains) + ";" + "".join(labels) + f"concat=n={len(labels)}:v=1:a=0[vout]"
    return inputs, ["-filter_complex", graph]


def render_draft(draft: Draft, out_path: str | os.PathLike[str], *,
                 on_progress: ProgressCallback | None = None,
                 cancel: CancelToken | None = None, preset: str = "auto") -> Path:
    """Render ``draft`` to an MP4 at ``out_path`` (atomic); returns the path.

    Progress 0–100 follows FFmpeg's output time (the mix is made as FFmpeg encodes).
    :raises RenderError: no picture, remote or missing media, unknown preset.
    :raises FFmpegError: FFmpeg failed.  :raises Cancelled: ``cancel`` was set.
    """
    if preset not in PRESETS:
        raise RenderError(f"unknown preset {preset!r}; use one of {', '.join(PRESETS)}.")
    out = Path(out_path)
    videos = [t for t in draft.known_tracks(TRACK_VIDEO) if t.segments and not t.muted]
    if not videos:
        raise RenderError("the draft has no video track with segments: nothing to render.")
    segs = list(videos[0].segments)
    end_s = draft.end_ms / 1000.0
    if end_s <= 0:
        raise RenderError("the draft's timeline has zero length: nothing to render.")
    paths = [p for s in segs if (p := media_path(s)) is not None]
    infos = {p: probe(p) for p in paths}
    first = next((infos[p] for p in paths if infos[p].has_video), None)
    if first is None:
        raise RenderError("no segment of the video track has a picture to render.")
    rate = exact_rate(draft.fps) if draft.fps else (first.fps or Fraction(30))
    out.parent.mkdir(parents=True, exist_ok=True)
    if preset == "auto" and _copyable(segs, first, end_s, rate):
        video_in = ["-i", str(paths[0])]
        video_map = ["-map", "0:v:0", "-c:v", "copy"]
        if first.video_codec == "hevc":
            video_map += ["-tag:v", "hvc1"]
        audio_index = 1
    else:
        video_in, graph = _picture_args(segs, infos, end_s, rate, _output_size(preset, first))
        video_map = [*graph, "-map", "[vout]", "-c:v", "libx264", "-preset", "veryfast",
                     "-crf", "20", "-pix_fmt", "yuv420p", "-r", str(rate)]
        audio_index = video_in.count("-i")
    # the mix is made block by block and fed to FFmpeg's stdin while it encodes
    blocks = (b.tobytes() for b in mix_blocks(draft, duration_s=end_s, cancel=cancel))
    with tempfile.TemporaryDirectory(prefix=".musiccog-render-", dir=out.parent) as tmp:
        tmp_out = Path(tmp) / ("out" + (out.suffix or ".mp4"))
        args = [*video_in, "-f", "f32le", "-ar", str(MIX_RATE_HZ), "-ac", str(MIX_CHANNELS),
                "-i", "pipe:0", *video_map, "-map", f"{audio_index}:a:0",
                "-c:a", "aac", "-b:a", "192k", "-t", f"{end_s:.6f}",
                "-movflags", "+faststart", "-y", str(tmp_out)]
        run_ffmpeg(args, duration_s=end_s, cancel=cancel, what=f"rendering {out.name}",
                   on_progress=on_progress, stdin_chunks=blocks)
        os.replace(tmp_out, out)
    return out


def _decode_mono(path: Path, duration_s: float) -> np.ndarray:
    args = ["-i", str(path), "-map", "0:a:0", "-vn", "-ac", "1", "-ar", "16000",
            "-t", f"{duration_s:.6f}", "-f", "f32le", "pipe:1"]
    with open_pipe(args, what=f"decoding {path.name}") as run:
        data = run.read(int(duration_s * 16000 + 16000) * 4)
    return np.frombuffer(data[: len(data) // 4 * 4], dtype="<f4")


def added_audio_levels_db(rendered: Path, original: Path | None, speech_s, *,  # noqa: ANN001
                          duration_s: float) -> dict[str, float | None]:
    """Level (dBFS RMS) of what a render added to the original sound, under speech and elsewhere.

    Decodes both files' audio (16 kHz mono) and subtracts the original from the render,
    which leaves the music (plus a little AAC coding noise).  ``speech_s`` are
    ``(start_s, end_s)`` intervals; the first/last 2 s (fades) count as neither.
    Keys ``under_speech_db``, ``elsewhere_db``, ``duck_db`` (their difference).
    """
    mix = _decode_mono(rendered, duration_s)
    if original is not None:
        orig = _decode_mono(original, duration_s)
        n = min(mix.size, orig.size)
        added = mix[:n] - orig[:n]
    else:
        added = mix
    t = np.arange(added.size) / 16000.0
    in_speech = np.zeros(added.size, dtype=bool)
    for a, b in speech_s:
        in_speech |= (t >= a + 0.5) & (t < b - 0.3)  # leave out the duck ramps
    near_speech = np.zeros(added.size, dtype=bool)
    for a, b in speech_s:
        near_speech |= (t >= a - 1.0) & (t < b + 1.0)
    body = (t >= 2.0) & (t < duration_s - 2.0)

    def level(mask: np.ndarray) -> float | None:
        if mask.sum() < 1600:
            return None
        return round(10 * float(np.log10(np.mean(added[mask].astype(np.float64) ** 2) + 1e-12)),
                     2)

    under, elsewhere = level(in_speech & body), level(~near_speech & body)
    duck = None if under is None or elsewhere is None else round(elsewhere - under, 2)
    return {"under_speech_db": under, "elsewhere_db": elsewhere, "duck_db": duck}
