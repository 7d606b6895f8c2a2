"""Synthetic analyses with known answers, for tests, benchmarks and demos (pure).

``steady_music`` builds a :class:`MusicAnalysis` of a steady beat grid with bar
features drawn from a repeating pattern of "parts" (so self-similar bars exist
where the pattern repeats); ``video_with_cuts`` a :class:`VideoAnalysis`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from musiccog.engine.types import MusicAnalysis, VideoAnalysis


def steady_music(
    *,
    duration_s: float,
    tempo_bpm: float = 120.0,
    beats_per_bar: int = 4,
    first_beat_s: float = 0.0,
    natural_ending: bool = False,
    ending_bars: int = 2,
    parts: Sequence[int] | None = None,
    feature_dim: int = 12,
    seed: int = 0,
    path: str = "/music/synthetic.wav",
    loudness_lufs: float = -14.0,
    energy_db: float = -20.0,
) -> MusicAnalysis:
    """A steady grid: beats every ``60 / tempo_bpm`` s from ``first_beat_s``.

    :param parts: per bar, which "part" it belongs to; bars of the same part get the
        same unit feature vector (plus a little noise).  Default: parts of 4 bars
        cycling A B A C …, ending bars get their own part.
    :param natural_ending: the last ``ending_bars`` bars form an ending
        (``ending_start_s`` at their first downbeat).
    """
    beat_s = 60.0 / tempo_bpm
    beats = np.arange(first_beat_s, duration_s - 1e-9, beat_s)
    downs = beats[::beats_per_bar]
    n_bars = len(downs)
    rng = np.random.default_rng(seed)
    if parts is None:
        cycle = [0, 1, 0, 2]
        parts = [cycle[(k // 4) % len(cycle)] for k in range(n_bars)]
        if natural_ending:
            parts = [*parts[: max(n_bars - ending_bars, 0)], *([9] * min(ending_bars, n_bars))]
    part_vectors: dict[int, np.ndarray] = {}
    feats = []
    for k in range(n_bars):
        part = parts[k % len(parts)]
        if part not in part_vectors:
            part_vectors[part] = np.abs(rng.normal(size=feature_dim))
        v = part_vectors[part] + 0.02 * np.abs(rng.normal(size=feature_dim))
        feats.append(tuple(float(x) for x in v / np.linalg.norm(v)))
    ending = float(downs[max(n_bars - ending_bars, 0)]) if natural_ending and n_bars else None
    sections = tuple(float(downs[k]) for k in range(0, n_bars, 8))
    return MusicAnalysis(
        path=path, content_hash="synthetic", duration_s=float(duration_s), sample_rate_hz=44100,
        tempo_bpm=float(tempo_bpm), beats_s=tuple(float(b) for b in beats),
        downbeats_s=tuple(float(d) for d in downs), beats_per_bar=beats_per_bar,
        sections_s=sections, loudness_lufs=loudness_lufs, has_natural_ending=natural_ending,
        ending_start_s=ending, bar_features=tuple(feats), energy_db=energy_db,
    )


def video_with_cuts(
    *,
    duration_s: float,
    cuts_s: Sequence[float] = (),
    speech_s: Sequence[tuple[float, float]] = (),
    fps: float = 30.0,
    has_audio: bool = True,
    loudness_lufs: float | None = -20.0,
    motion: float = 0.05,
    path: str = "/video/synthetic.mp4",
) -> VideoAnalysis:
    """A :class:`VideoAnalysis` with the given cuts and speech (seconds)."""
    return VideoAnalysis(
        path=path, content_hash="synthetic", duration_s=float(duration_s), fps=fps,
        width=1920, height=1080, cuts_s=tuple(float(c) for c in cuts_s),
        speech_s=tuple((float(s), float(e)) for s, e in speech_s), has_audio=has_audio,
        loudness_lufs=loudness_lufs if has_audio else None, motion=motion,
    )
