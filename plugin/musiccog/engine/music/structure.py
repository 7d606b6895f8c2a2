"""Bar features, section boundaries and the natural-ending test.

* **Bar features**: per bar, the mean chroma (unit length) and the mean MFCCs
  (c1–c12, standardised over the piece, unit length) are concatenated with equal
  weight and normalised to unit length, so the dot product of two bars is their
  cosine similarity (−1…1, in practice 0…1).
* **Sections**: Foote novelty on the bar self-similarity matrix — a
  Gaussian-tapered checkerboard kernel :data:`KERNEL_BARS` bars wide each side
  slides along the diagonal; its peaks (local maxima over ±:data:`MIN_SECTION_BARS`
  bars, above the mean + :data:`PEAK_STD` standard deviations) are boundaries,
  which therefore always fall on downbeats.  librosa offers agglomerative
  segmentation but it needs the number of sections up front; novelty does not.
* **Natural ending** (measurable criterion): take the momentary loudness of
  400 ms blocks every 100 ms and its median over the audible blocks (the "body"
  level).  The music ends naturally when its level falls from within
  :data:`ENDING_NEAR_DB` dB of the body to :data:`ENDING_DROP_DB` dB below it over
  at least :data:`MIN_DECAY_S` seconds (a final chord ringing out, or a fade)
  and stays below that until the end of the file.  A file that ends above that
  level, or falls silent faster (a hard cut, perhaps padded with silence), has
  no natural ending.  ``ending_start_s`` is where the decay begins (the last block
  near the body level), snapped back to a downbeat within one bar, else to a
  beat within one beat.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musiccog.engine.music.features import Features

#: Half-width of the novelty kernel, in bars.
KERNEL_BARS = 4
#: Shortest section, in bars (also the peak-picking neighbourhood).
MIN_SECTION_BARS = 4
#: A novelty peak must exceed mean + PEAK_STD × standard deviation.
PEAK_STD = 0.0
#: Natural ending: level at the start of the decay, relative to the body (dB).
ENDING_NEAR_DB = 6.0
#: Natural ending: level the decay must reach below the body (dB).
ENDING_DROP_DB = 30.0
#: Natural ending: shortest decay (seconds).
MIN_DECAY_S = 1.0
#: Step and length of the loudness blocks (seconds).
BLOCK_STEP_S, BLOCK_S = 0.1, 0.4


@dataclass(frozen=True)
class Ending:
    """``natural``: the music ends with a decay or fade; ``start_s``: where that ending begins."""

    natural: bool
    start_s: float | None


def _unit_rows(x: np.ndarray) -> np.ndarray:
    return x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-9)


def bar_features(features: Features, downbeat_frames: np.ndarray) -> np.ndarray:
    """One unit-norm vector per bar, shape ``(n_bars, 24)``; bar *i* starts at downbeat *i*.

    The last bar ends one median bar length after the last downbeat (or at the
    end of the audio).
    """
    frames = np.asarray(downbeat_frames, dtype=int)
    if len(frames) == 0:
        return np.zeros((0, 24))
    bar_len = int(np.median(np.diff(frames))) if len(frames) > 1 else features.n_frames
    bounds = np.append(frames, min(features.n_frames, frames[-1] + max(1, bar_len)))
    lo = bounds[:-1]
    hi = np.minimum(np.maximum(bounds[1:], lo + 1), features.n_frames)
    lo = np.minimum(lo, hi - 1)

    def mean_over_bars(matrix: np.ndarray) -> np.ndarray:
        cumulative = np.concatenate([np.zeros((matrix.shape[0], 1)),
                                     np.cumsum(matrix, axis=1)], axis=1)
        return ((cumulative[:, hi] - cumulative[:, lo]) / (hi - lo)).T

    mfcc = features.mfcc[1:]
    mfcc = (mfcc - mfcc.mean(axis=1, keepdims=True)) / (mfcc.std(axis=1, keepdims=True) + 1e-9)
    combined = np.hstack([_unit_rows(mean_over_bars(features.chroma)),
                          _unit_rows(mean_over_bars(mfcc))])
    return _unit_rows(combined)


def novelty_curve(bar_vectors: np.ndarray, kernel_bars: int = KERNEL_BARS) -> np.ndarray:
    """Foote novelty (≥ 0) at the start of each bar, shape ``(n_bars,)``."""
    n = len(bar_vectors)
    if n < 2:
        return np.zeros(n)
    sim = bar_vectors @ bar_vectors.T
    k = kernel_bars
    idx = np.arange(-k, k)
    sign = np.where(idx[:, None] * idx[None, :] >= 0, 1.0, -1.0)  # +1 same side, -1 across
    taper = np.exp(-0.5 * ((idx + 0.5) / (0.5 * k)) ** 2)
    kernel = sign * np.outer(taper, taper)
    padded = np.pad(sim, k)  # zeros outside: no boundary is found at the very edges
    return np.array([max(0.0, float(np.sum(kernel * padded[i: i + 2 * k, i: i + 2 * k])))
                     for i in range(n)])


def section_starts(bar_vectors: np.ndarray) -> list[int]:
    """Indices of the bars that start a section; always begins with 0."""
    novelty = novelty_curve(bar_vectors)
    n = len(novelty)
    starts = [0]
    if n < 2 * MIN_SECTION_BARS:
        return starts
    interior = novelty[MIN_SECTION_BARS: n - MIN_SECTION_BARS + 1]
    threshold = interior.mean() + PEAK_STD * interior.std()
    for i in range(MIN_SECTION_BARS, n - MIN_SECTION_BARS + 1):
        window = novelty[max(0, i - MIN_SECTION_BARS): i + MIN_SECTION_BARS + 1]
        if novelty[i] >= threshold and novelty[i] == window.max() and novelty[i] > 0:
            if i - starts[-1] >= MIN_SECTION_BARS:
                starts.append(i)
    return starts


def detect_ending(
    block_lufs: np.ndarray,
    duration_s: float,
    beats_s: np.ndarray,
    downbeats_s: np.ndarray,
) -> Ending:
    """Apply the natural-ending criterion of the module docstring.

    :param block_lufs: momentary loudness of 400 ms blocks every 100 ms (LUFS, −inf = silence).
    """
    levels = np.asarray(block_lufs, dtype=float)
    audible = levels[np.isfinite(levels) & (levels > -70.0)]
    if len(audible) < 10:
        return Ending(False, None)
    body = float(np.median(audible))
    low_level = body - ENDING_DROP_DB
    near = np.nonzero(levels >= body - ENDING_NEAR_DB)[0]
    if len(near) == 0:
        return Ending(False, None)
    last_near = int(near[-1])
    above_low = np.nonzero(levels > low_level)[0]
    last_above_low = int(above_low[-1])
    ends_low = last_above_low < len(levels) - 1
    decay_s = (last_above_low - last_near) * BLOCK_STEP_S
    if not ends_low or decay_s < MIN_DECAY_S:
        return Ending(False, None)
    start_s = last_near * BLOCK_STEP_S  # start of the last block near the body level
    return Ending(True, _snap_back(start_s, beats_s, downbeats_s))


def _snap_back(time_s: float, beats_s: np.ndarray, downbeats_s: np.ndarray) -> float:
    beats = np.asarray(beats_s, dtype=float)
    downs = np.asarray(downbeats_s, dtype=float)
    beat_s = float(np.median(np.diff(beats))) if len(beats) > 1 else 0.5
    bar_s = float(np.median(np.diff(downs))) if len(downs) > 1 else 4 * beat_s
    earlier = downs[(downs <= time_s) & (downs >= time_s - bar_s)]
    if len(earlier):
        return float(earlier[-1])
    earlier = beats[(beats <= time_s) & (beats >= time_s - beat_s)]
    if len(earlier):
        return float(earlier[-1])
    return float(time_s)
