"""Bars: beats per bar (3 or 4) and which beats are downbeats.

Per-beat sequences are built from the beat track: low-band onset strength (bass
notes, kick drums), overall onset strength, the mean MFCC vector (timbre) and
the mean chroma vector (harmony) of each inter-beat span.

* **Beats per bar**: music repeats at the bar, so each sequence is compared with
  itself shifted by 3 and 6 beats and by 4 and 8 beats (autocorrelation of the
  z-scored scalars, mean cosine similarity of the vectors); the meter whose lags
  agree more wins (4 on a tie).  Duple bars (2/4) come out as 4-beat bars:
  2 and 4 cannot be told apart this way, and a 4-beat unit is still musical.
* **Phase**: for each candidate phase the beats are grouped into bars and the
  mean chroma of each bar computed.  At the right phase chords change *between*
  bars and stay *within* them: the mean cosine distance between consecutive bars
  is highest and the spans are closest to their own bar's mean.  Both measures
  are standardised over the phases and added.  Onset strength is deliberately
  not used for the phase: syncopation and back-beats put the strongest onsets
  off the downbeat.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musiccog.engine.music.features import Features

#: Bar lengths (beats) considered.
METERS = (3, 4)
#: Meter used when there are too few beats to tell (fewer than three bars of 4).
DEFAULT_METER = 4
#: Fewest beats needed to estimate the meter.
MIN_BEATS = 12


@dataclass(frozen=True)
class Meter:
    """``beats_per_bar``; ``phase``: index of the first downbeat in the beat list (0 ≤ phase <
    beats_per_bar); ``scores``: ``{(meter, -1): meter score, (meter, phase): phase score}``
    for inspection."""

    beats_per_bar: int
    phase: int
    scores: dict[tuple[int, int], float]

    def downbeat_indices(self, n_beats: int) -> np.ndarray:
        """Indices into the beat list of the downbeats."""
        return np.arange(self.phase, n_beats, self.beats_per_bar)


def _zscore(values: np.ndarray) -> np.ndarray:
    spread = values.std()
    return (values - values.mean()) / spread if spread > 1e-9 else np.zeros_like(values)


def _peak_at(env: np.ndarray, frames: np.ndarray, radius: int = 2) -> np.ndarray:
    offsets = np.arange(-radius, radius + 1)
    idx = np.clip(frames[:, None] + offsets[None, :], 0, len(env) - 1)
    return env[idx].max(axis=1)


def beat_chroma(features: Features, beat_frames: np.ndarray) -> np.ndarray:
    """Mean chroma of each inter-beat span, shape ``(n_beats, 12)``; span *i* starts at beat *i*.

    The last span ends one median inter-beat interval after the last beat.
    """
    if len(beat_frames) == 0:
        return np.zeros((0, 12))
    step = int(np.median(np.diff(beat_frames))) if len(beat_frames) > 1 else 1
    bounds = np.append(beat_frames, min(features.n_frames, beat_frames[-1] + max(1, step)))
    cumulative = np.concatenate([np.zeros((12, 1)), np.cumsum(features.chroma, axis=1)], axis=1)
    lo, hi = bounds[:-1], np.maximum(bounds[1:], bounds[:-1] + 1)
    hi = np.minimum(hi, features.n_frames)
    sums = cumulative[:, hi] - cumulative[:, lo]
    return (sums / np.maximum(1, hi - lo)).T


def beat_mfcc(features: Features, beat_frames: np.ndarray) -> np.ndarray:
    """Mean MFCC (without c0) of each inter-beat span, shape ``(n_beats, 12)``."""
    if len(beat_frames) == 0:
        return np.zeros((0, features.mfcc.shape[0] - 1))
    step = int(np.median(np.diff(beat_frames))) if len(beat_frames) > 1 else 1
    bounds = np.append(beat_frames, min(features.n_frames, beat_frames[-1] + max(1, step)))
    mfcc = features.mfcc[1:]
    cumulative = np.concatenate([np.zeros((mfcc.shape[0], 1)), np.cumsum(mfcc, axis=1)], axis=1)
    lo = bounds[:-1]
    hi = np.minimum(np.maximum(bounds[1:], lo + 1), features.n_frames)
    return ((cumulative[:, hi] - cumulative[:, lo]) / np.maximum(1, hi - lo)).T


def _unit_rows(x: np.ndarray) -> np.ndarray:
    return x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-9)


def _lag_similarity(seqs: list[np.ndarray], lag: int) -> float:
    """Mean similarity of each sequence with itself ``lag`` beats later, summed over sequences."""
    total = 0.0
    for seq in seqs:
        if len(seq) <= lag:
            continue
        total += float(np.mean(np.sum(seq[lag:] * seq[:-lag], axis=-1) if seq.ndim > 1
                               else seq[lag:] * seq[:-lag]))
    return total


def _phase_scores(chroma: np.ndarray, meter: int) -> np.ndarray:
    """Bar-change + bar-homogeneity score for each phase (standardised over phases)."""
    unit_spans = _unit_rows(chroma)
    change, homogeneity = np.zeros(meter), np.zeros(meter)
    for phase in range(meter):
        starts = np.arange(phase, len(chroma) - meter + 1, meter)
        bars = _unit_rows(np.stack([chroma[s: s + meter].mean(axis=0) for s in starts]))
        change[phase] = np.mean(1.0 - np.sum(bars[1:] * bars[:-1], axis=1)) if len(bars) > 1 else 0
        homogeneity[phase] = np.mean([unit_spans[s: s + meter] @ bars[k]
                                      for k, s in enumerate(starts)])
    return _zscore(change) + _zscore(homogeneity)


def estimate_meter(features: Features, beat_frames: np.ndarray) -> Meter:
    """Beats per bar (3 or 4) and the phase of the first downbeat for a beat list."""
    frames = np.asarray(beat_frames, dtype=int)
    if len(frames) < MIN_BEATS:
        return Meter(DEFAULT_METER, 0, {})
    chroma = beat_chroma(features, frames)
    mfcc = beat_mfcc(features, frames)
    seqs = [
        _zscore(_peak_at(features.low_onset_env, frames)),
        _zscore(_peak_at(features.onset_env, frames)),
        _unit_rows(mfcc - mfcc.mean(axis=0)),
        _unit_rows(chroma) - _unit_rows(chroma).mean(axis=0),
    ]
    meter_scores = {m: _lag_similarity(seqs, m) + _lag_similarity(seqs, 2 * m) for m in METERS}
    chosen = 3 if meter_scores[3] > meter_scores[4] else 4
    phases = _phase_scores(chroma, chosen)
    scores = {(m, -1): v for m, v in meter_scores.items()}
    scores.update({(chosen, p): float(v) for p, v in enumerate(phases)})
    return Meter(chosen, int(np.argmax(phases)), scores)
