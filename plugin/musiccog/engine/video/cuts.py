"""Shot-cut detection on frame-difference scores (pure numpy, no I/O).

Input is ``diffs``, shape ``(n_frames, LAGS)``: ``diffs[t, k-1]`` is the mean
absolute difference (0–1) between thumbnail frame *t* and frame *t − k*
(NaN where *t − k* < 0).  A **cut at t** (the first frame of the new shot) is
accepted when all of these hold:

1. **floor** — ``diffs[t, 0] >= min_score`` (default 0.06: a clearly different picture);
2. **spike** — it is at least ``spike_ratio`` (2×) the largest lag-1 score of the
   two frames either side.  Fades and fast camera moves change every frame by
   a similar amount, so they never stand out like this; a hard cut does;
3. **adaptive** — it is above ``local_ratio`` (3×) the median lag-1 score in a
   window of ±``window`` frames (1 s at 30 fps), so busy handheld footage needs
   a proportionally bigger jump;
4. **not a flash** — the picture does not come back: a frame up to ``LAGS − 1``
   frames later matching the frame before *t* (a flash, a strobe, a single
   glitch frame), or frame *t* matching a frame up to ``LAGS`` back (the end of
   such a flash), within ``return_ratio`` of the spike, rejects the candidate.

Cross-dissolves (a shot blending into the next over many frames) are not
reported as cuts: by design, the planner aligns music to hard cuts.
"""

from __future__ import annotations

import numpy as np

#: How many previous frames each frame is compared with.
LAGS = 4


def detect_cuts(
    diffs: np.ndarray,
    *,
    min_score: float = 0.06,
    spike_ratio: float = 2.0,
    local_ratio: float = 3.0,
    window: int = 30,
    return_ratio: float = 0.4,
) -> np.ndarray:
    """Indices of the frames that start a new shot.

    :param diffs: ``(n_frames, LAGS)`` mean absolute differences, 0–1, NaN where undefined.
    :returns: sorted int array of frame indices (never 0).
    """
    diffs = np.asarray(diffs, dtype=np.float64)
    if diffs.ndim != 2 or diffs.shape[1] < 2:
        raise ValueError("diffs must have shape (n_frames, lags>=2)")
    n = diffs.shape[0]
    if n < 2:
        return np.zeros(0, dtype=np.int64)
    score = np.nan_to_num(diffs[:, 0], nan=0.0)
    score[0] = 0.0
    cands = np.flatnonzero(score >= min_score)
    cuts: list[int] = []
    lags = diffs.shape[1]
    for t in cands:
        s = score[t]
        near = np.concatenate([score[max(0, t - 2):t], score[t + 1:t + 3]])
        if near.size and s < spike_ratio * near.max():
            continue
        lo, hi = max(0, t - window), min(n, t + window + 1)
        local = np.concatenate([score[lo:t], score[t + 1:hi]])
        if local.size and s < local_ratio * float(np.median(local)):
            continue
        # the picture before t comes back within a few frames: a flash, not a cut
        returns = [diffs[t + j, j] for j in range(1, lags) if t + j < n]
        # frame t matches a frame before the previous one: the end of a flash
        returns += [diffs[t, k] for k in range(1, lags)]
        returns_arr = np.asarray([r for r in returns if np.isfinite(r)])
        if returns_arr.size and returns_arr.min() < return_ratio * s:
            continue
        cuts.append(int(t))
    return np.asarray(cuts, dtype=np.int64)


def motion_score(diffs: np.ndarray, cuts: np.ndarray) -> float:
    """Mean lag-1 frame difference (0–1) over the clip, leaving out the cut frames."""
    diffs = np.asarray(diffs, dtype=np.float64)
    if diffs.shape[0] < 2:
        return 0.0
    score = np.nan_to_num(diffs[1:, 0], nan=0.0)
    keep = np.ones(score.shape[0], dtype=bool)
    idx = np.asarray(cuts, dtype=np.int64) - 1
    keep[idx[(idx >= 0) & (idx < keep.size)]] = False
    return float(score[keep].mean()) if keep.any() else 0.0
