"""Fit the music to a length: skip or repeat whole bars at self-similar points.

What Premiere Pro's Remix and Resolve's music fitting do, on the analysis only
(pure numpy, no audio).  The music is cut into *pieces* that meet at downbeats
(``jump from downbeat i to downbeat j``), so the beat grid stays continuous and
every join sits on a beat.  A jump between downbeats *i* and *j* sounds seamless
when bar *i* resembles bar *j* and bar *i−1* resembles bar *j−1* (cosine
similarity of ``MusicAnalysis.bar_features``).

- **natural ending** — the last piece ends at the file's end: longer music skips
  bars in the middle (``choose_skips``), shorter music repeats a stretch of bars
  (``choose_loop``); the residual smaller than the chosen edits is trimmed off the
  start (a lead-in shift of less than a bar when good edits exist).
- **open ending** — the music starts at a chosen offset and is cut at the
  picture's end (a fade-out covers it); shorter music loops.

Crossfades: the previous piece fades out over ``[join − xf, join]`` while the new
piece fades in from ``source_start_s − xf``, so the new piece's downbeat plays at
full level.  ``xf`` is one beat, at most :data:`MAX_CROSSFADE_S`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from musiccog.engine.types import MusicAnalysis, MusicEdit

#: Longest crossfade at a join (seconds).
MAX_CROSSFADE_S = 0.25
#: Lowest bar similarity (cosine) accepted for a skip.
MIN_SKIP_SIMILARITY = 0.5
#: Most skips in one fit.
MAX_SKIPS = 8
#: Shortest first/last piece kept around a skip, in bars.
MIN_PIECE_BARS = 1.0
_EPS = 1e-9


@dataclass(frozen=True)
class BarGrid:
    """The music's bars for fitting.

    ``downbeats_s``: sorted bar starts inside the file (seconds); ``sim[i, j]``: how
    well a jump between downbeat *i* and *j* joins (−1 … 1, 0 without features);
    ``ending_index``: last downbeat a jump may land on or leave from while keeping
    the natural ending whole.
    """

    duration_s: float
    downbeats_s: np.ndarray
    beats_s: np.ndarray
    beat_s: float
    bar_s: float
    sim: np.ndarray
    has_features: bool
    ending_index: int

    @property
    def usable(self) -> bool:
        """True when there are at least two bars to jump between."""
        return self.downbeats_s.size >= 3


def bar_grid(music: MusicAnalysis) -> BarGrid:
    """Bars, beat/bar lengths and the jump-similarity matrix of ``music``."""
    duration = float(music.duration_s)
    beats = np.asarray(sorted(b for b in music.beats_s if 0 <= b < duration), dtype=float)
    downs_all = np.asarray(sorted(music.downbeats_s), dtype=float)
    keep = (downs_all >= 0) & (downs_all < duration)
    downs = downs_all[keep]
    beat_s = float(np.median(np.diff(beats))) if beats.size >= 2 else 60.0 / max(
        music.tempo_bpm, 1.0
    )
    bar_s = (
        float(np.median(np.diff(downs)))
        if downs.size >= 2
        else beat_s * max(music.beats_per_bar, 1)
    )
    n = downs.size
    feats = [music.bar_features[k] if k < len(music.bar_features) else None
             for k in np.flatnonzero(keep)]
    has_features = any(f is not None and len(f) > 0 for f in feats)
    sim = np.zeros((n, n))
    if has_features and n:
        dim = max(len(f) for f in feats if f is not None)
        mat = np.full((n, dim), np.nan)
        for k, f in enumerate(feats):
            if f is not None and len(f) == dim:
                v = np.asarray(f, dtype=float)
                norm = np.linalg.norm(v)
                if norm > 0:
                    mat[k] = v / norm
        cos = mat @ mat.T  # nan where a bar has no feature
        prev = np.full((n, n), np.nan)
        prev[1:, 1:] = cos[:-1, :-1]
        stacked = np.stack([cos, prev])
        count = np.sum(~np.isnan(stacked), axis=0)
        total = np.nansum(stacked, axis=0)
        sim = np.where(count > 0, total / np.maximum(count, 1), -1.0)
    ending_index = n - 1
    if music.has_natural_ending and music.ending_start_s is not None and n:
        ending_index = int(np.searchsorted(downs, music.ending_start_s + 1e-6) - 1)
        ending_index = max(ending_index, 0)
    return BarGrid(duration, downs, beats, beat_s, bar_s, sim, has_features, ending_index)


# -- choosing edits -------------------------------------------------------------------------


def choose_skips(grid: BarGrid, need_s: float) -> tuple[list[tuple[int, int]], float]:
    """Skips ``(i, j)`` (play to downbeat *i*, continue at downbeat *j*) removing ≤ ``need_s``.

    Greedy: each step takes the pair with the best ``similarity + 0.3 × length / remaining``
    among similar enough pairs (``≥ MIN_SKIP_SIMILARITY``) that fit and do not touch
    earlier skips.  Returns the skips sorted by time and the remainder (seconds) not removed.
    """
    d = grid.downbeats_s
    n = d.size
    remaining = need_s
    skips: list[tuple[int, int]] = []
    if not grid.usable or not grid.has_features:
        return skips, remaining
    top = min(grid.ending_index, n - 1)
    ii, jj = np.triu_indices(n, k=1)
    ok = (d[ii] >= d[0] + 2 * MIN_PIECE_BARS * grid.bar_s - _EPS) & (jj <= top)
    ii, jj = ii[ok], jj[ok]
    lengths = d[jj] - d[ii]
    sims = grid.sim[ii, jj]
    free = np.ones(ii.size, dtype=bool)
    while len(skips) < MAX_SKIPS and remaining >= 0.5 * grid.bar_s:
        cand = free & (lengths <= remaining + _EPS) & (sims >= MIN_SKIP_SIMILARITY)
        if not cand.any():
            break
        score = sims + 0.3 * lengths / remaining + 0.05 * ((jj - ii) % 4 == 0)
        best = int(np.argmax(np.where(cand, score, -np.inf)))
        i, j = int(ii[best]), int(jj[best])
        skips.append((i, j))
        remaining -= float(lengths[best])
        # later skips keep at least one bar of music between them and this one
        free &= (jj < i) | (ii > j)
    skips.sort()
    return skips, remaining


def choose_loop(
    grid: BarGrid, extra_s: float, *, after_s: float, natural: bool
) -> tuple[int, int, int] | None:
    """A stretch of bars ``[downbeat i, downbeat j)`` repeated ``k`` times to add ≥ ``extra_s``.

    The jump back happens at downbeat *j* (after ``after_s``, the music's start) to
    downbeat *i*.  Score: similarity, minus 0.03 per extra repetition, plus a bonus
    for longer and 4-bar-multiple loops, minus 0.1 for a target with no room for a
    crossfade before it; with a natural ending the overshoot (which is
    trimmed off the start) costs 0.1 per bar.  None when there are not two bars.
    """
    d = grid.downbeats_s
    n = d.size
    if not grid.usable or extra_s <= 0:
        return None
    top = min(grid.ending_index if natural else n - 1, n - 1)
    ii, jj = np.triu_indices(n, k=1)
    ok = (jj <= top) & (d[jj] > after_s + MIN_PIECE_BARS * grid.bar_s * 0.5)
    if not ok.any():
        return None
    ii, jj = ii[ok], jj[ok]
    lengths = d[jj] - d[ii]
    reps = np.ceil(extra_s / lengths - 1e-9).astype(int)
    overshoot = reps * lengths - extra_s
    score = (grid.sim[ii, jj] - 0.03 * (reps - 1) + 0.05 * np.minimum(lengths / extra_s, 1.0)
             + 0.05 * ((jj - ii) % 4 == 0) - 0.1 * (d[ii] < MAX_CROSSFADE_S))
    if natural:
        score = score - 0.1 * overshoot / grid.bar_s
    best = int(np.argmax(score))
    return int(ii[best]), int(jj[best]), int(reps[best])


# -- pieces ----------------------------------------------------------------------------------


Pieces = list[tuple[float, float]]


def fit_natural(grid: BarGrid, length_s: float) -> Pieces:
    """Pieces totalling ``length_s`` whose last piece ends at the file's end."""
    total = grid.duration_s
    d = grid.downbeats_s
    need = total - length_s
    if need >= 0:
        skips, offset = choose_skips(grid, need)
        # drop skips that would leave less than half a bar before them
        while skips and d[skips[0][0]] - offset < 0.5 * MIN_PIECE_BARS * grid.bar_s - _EPS:
            i, j = skips.pop(0)
            offset += d[j] - d[i]
        pieces: Pieces = []
        start = offset
        for i, j in skips:
            pieces.append((start, float(d[i])))
            start = float(d[j])
        pieces.append((start, total))
        return _exact(pieces, length_s, keep_end=True)
    loop = choose_loop(grid, -need, after_s=0.0, natural=True)
    if loop is None:
        return fit_open(grid, 0.0, length_s)
    i, j, reps = loop
    length = float(d[j] - d[i])
    offset = reps * length + need
    pieces = [(offset, float(d[j]))]
    pieces += [(float(d[i]), float(d[j]))] * (reps - 1)
    pieces.append((float(d[i]), total))
    return _exact(pieces, length_s, keep_end=True)


def fit_open(grid: BarGrid, offset_s: float, length_s: float) -> Pieces:
    """Pieces totalling ``length_s`` from ``offset_s``; the end is cut (faded) where it falls."""
    total = grid.duration_s
    if total - offset_s >= length_s:
        return [(offset_s, offset_s + length_s)]
    d = grid.downbeats_s
    loop = choose_loop(grid, length_s - (total - offset_s), after_s=offset_s, natural=False)
    if loop is None:
        return _whole_track_loops(grid, offset_s, length_s)
    i, j, _reps = loop
    length = float(d[j] - d[i])
    reps = max(1, math.ceil((length_s - (total - offset_s)) / length - 1e-9))
    pieces: Pieces = [(offset_s, float(d[j]))]
    pieces += [(float(d[i]), float(d[j]))] * (reps - 1)
    pieces.append((float(d[i]), float(d[i]) + 1.0))  # end fixed by _exact
    return _exact(pieces, length_s, keep_end=False)


def _whole_track_loops(grid: BarGrid, offset_s: float, length_s: float) -> Pieces:
    """Fallback without bars: the whole track again and again (joined with a short crossfade)."""
    total = grid.duration_s
    lead = min(MAX_CROSSFADE_S, total / 4)
    pieces: Pieces = [(offset_s, total)]
    have = total - offset_s
    while have < length_s - _EPS:
        pieces.append((lead, total))
        have += total - lead
    return _exact(pieces, length_s, keep_end=False)


def _exact(pieces: Pieces, length_s: float, *, keep_end: bool) -> Pieces:
    """Adjust the first piece's start (``keep_end``) or the last piece's end so the sum is exact."""
    others = sum(e - s for s, e in (pieces[1:] if keep_end else pieces[:-1]))
    if keep_end:
        s, e = pieces[0]
        return [(e - (length_s - others), e), *pieces[1:]]
    s, _e = pieces[-1]
    return [*pieces[:-1], (s, s + (length_s - others))]


def pieces_to_edits(pieces: Pieces, grid: BarGrid) -> tuple[MusicEdit, ...]:
    """:class:`MusicEdit` records with output starts and crossfades (see the module doc)."""
    edits: list[MusicEdit] = []
    out = 0.0
    prev_len = math.inf
    for index, (start, end) in enumerate(pieces):
        length = end - start
        xf = 0.0
        if index:
            xf = min(MAX_CROSSFADE_S, grid.beat_s, start, prev_len / 2, length / 2)
            xf = max(xf, 0.0)
        edits.append(MusicEdit(source_start_s=start, source_end_s=end, output_start_s=out,
                               crossfade_s=xf))
        out += length
        prev_len = length
    return tuple(edits)
