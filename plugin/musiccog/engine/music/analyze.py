"""``analyze_music``: decode → features → beats → bars → structure → ``MusicAnalysis``, cached.

Results are cached per file content (BLAKE2b of the bytes) through
:mod:`musiccog.engine.cache` under kind ``"music"``; :data:`ANALYSIS_VERSION`
is part of the entry, so changing the algorithm invalidates old results.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np

from musiccog.engine import cache
from musiccog.engine.media_check import check_media
from musiccog.engine.music import beats, meter, structure
from musiccog.engine.music.decode import ANALYSIS_RATE_HZ, decode_audio
from musiccog.engine.music.features import compute_features
from musiccog.engine.types import MusicAnalysis
from musiccog.jobs import CancelToken, ProgressCallback, check_cancel, report

#: Bump when the analysis changes: cached results of other versions are recomputed.
ANALYSIS_VERSION = "music-2"
#: Cache kind of music analyses.
CACHE_KIND = "music"

_TUPLE_FIELDS = ("beats_s", "downbeats_s", "sections_s")


def _scaled(on_progress: ProgressCallback | None, lo: float, hi: float) -> ProgressCallback | None:
    if on_progress is None:
        return None
    return lambda done, total: on_progress(lo + (hi - lo) * done / (total or 100.0), 100.0)


def analysis_to_dict(analysis: MusicAnalysis) -> dict:
    """A JSON-ready dict of every field (tuples become lists)."""
    return dataclasses.asdict(analysis)


def analysis_from_dict(data: dict, *, path: str | None = None) -> MusicAnalysis:
    """Inverse of :func:`analysis_to_dict`; ``path`` replaces the stored path when given."""
    values = dict(data)
    for name in _TUPLE_FIELDS:
        values[name] = tuple(float(t) for t in values.get(name, ()))
    values["bar_features"] = tuple(tuple(float(v) for v in row)
                                   for row in values.get("bar_features", ()))
    if path is not None:
        values["path"] = path
    names = {f.name for f in dataclasses.fields(MusicAnalysis)}
    return MusicAnalysis(**{k: v for k, v in values.items() if k in names})


#: Beats spanned by each interval in :func:`tempo_from_beats`.
TEMPO_SPAN_BEATS = 8


def tempo_from_beats(beats_s: np.ndarray) -> float:
    """Tempo (BPM) from beat positions: 60 / the median inter-beat interval.

    The interval is measured over spans of up to :data:`TEMPO_SPAN_BEATS` beats
    ((b[i+k] - b[i]) / k), so the 11.6 ms frame grid of the beat times does not
    quantise the tempo (one frame is 2 % of a beat at 104 BPM).  0 with < 2 beats.
    """
    times = np.asarray(beats_s, dtype=float)
    if len(times) < 2:
        return 0.0
    span = min(TEMPO_SPAN_BEATS, len(times) - 1)
    intervals = (times[span:] - times[:-span]) / span
    return 60.0 / float(np.median(intervals))


def _times(values: np.ndarray) -> tuple[float, ...]:
    return tuple(round(float(t), 4) for t in values)


def analyze_decoded(
    mono: np.ndarray,
    *,
    rate_hz: int,
    loudness_lufs: float,
    block_lufs: np.ndarray,
    path: str = "",
    content_hash: str = "",
    on_progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> MusicAnalysis:
    """Analyse an already decoded mono float32 signal (no cache, no file access)."""
    duration_s = len(mono) / rate_hz
    features = compute_features(mono, sr=rate_hz, on_progress=_scaled(on_progress, 0, 80),
                                cancel=cancel)
    check_cancel(cancel)
    track = beats.track_beats(features.onset_env, sr=rate_hz)
    beat_frames = track.beat_frames
    bars = meter.estimate_meter(features, beat_frames)
    down_frames = beat_frames[bars.downbeat_indices(len(beat_frames))]
    downbeats_s = features.frames_to_time(down_frames)
    check_cancel(cancel)
    vectors = structure.bar_features(features, down_frames)
    starts = structure.section_starts(vectors) if len(vectors) else [0]
    sections = [0.0] + [float(downbeats_s[i]) for i in starts[1:]]
    ending = structure.detect_ending(block_lufs, duration_s, track.beats_s, downbeats_s)
    tempo_bpm = tempo_from_beats(track.beats_s)
    rms = float(np.sqrt(np.mean(np.square(mono, dtype=np.float64)))) if len(mono) else 0.0
    report(on_progress, 100.0)
    return MusicAnalysis(
        path=path,
        content_hash=content_hash,
        duration_s=round(duration_s, 4),
        sample_rate_hz=rate_hz,
        tempo_bpm=round(tempo_bpm, 3),
        beats_s=_times(track.beats_s),
        downbeats_s=_times(downbeats_s),
        beats_per_bar=bars.beats_per_bar,
        sections_s=_times(np.asarray(sections)),
        loudness_lufs=round(float(loudness_lufs), 2),
        has_natural_ending=ending.natural,
        ending_start_s=None if ending.start_s is None else round(ending.start_s, 4),
        bar_features=tuple(tuple(round(float(v), 4) for v in row) for row in vectors),
        energy_db=round(20.0 * np.log10(max(rms, 1e-5)), 2),
    )


def analyze_music(
    path: str | os.PathLike[str],
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    on_progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    use_cache: bool = True,
) -> MusicAnalysis:
    """Analyse a music file (wav, mp3, m4a, aac, flac): beats, bars, sections, loudness, ending.

    :param cache_dir: cache folder (default: ``MUSICCOG_CACHE_DIR`` or the user cache).
    :param on_progress: called with (percent, 100).
    :param use_cache: False skips reading and writing the cache.
    :raises musiccog.engine.media_check.MediaCheckError: missing, unsupported, too large,
        unreadable or empty file (all ``InputFileError``, CLI exit 2).
    :raises musiccog.engine.music.AudioTooShortError: less than 2 s of audio.
    :raises musiccog.jobs.Cancelled: ``cancel`` was set.
    """
    file = Path(path)
    info = check_media(file, "audio")
    content_hash = cache.file_content_hash(file)
    if use_cache:
        hit = cache.load_cached(CACHE_KIND, content_hash, version=ANALYSIS_VERSION,
                                cache_dir=cache_dir)
        if hit is not None:
            try:
                result = analysis_from_dict(hit, path=str(file))
            except (TypeError, ValueError):
                result = None
            if result is not None:
                report(on_progress, 100.0)
                return result
    decoded = decode_audio(file, rate_hz=ANALYSIS_RATE_HZ, info=info, cancel=cancel,
                           on_progress=_scaled(on_progress, 0, 30))
    result = analyze_decoded(decoded.mono, rate_hz=decoded.rate_hz,
                             loudness_lufs=decoded.loudness_lufs, block_lufs=decoded.block_lufs,
                             path=str(file), content_hash=content_hash,
                             on_progress=_scaled(on_progress, 30, 100), cancel=cancel)
    if use_cache:
        cache.store_cached(CACHE_KIND, content_hash, analysis_to_dict(result),
                           version=ANALYSIS_VERSION, cache_dir=cache_dir)
    return result
