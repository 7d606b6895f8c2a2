"""Where the music's beats land on the timeline, and how many cuts they hit.

One mapping, used for the markers *and* for the alignment scores: a source time
inside an edit's piece goes to ``timeline_start_s + (output time) / stretch_ratio``.
Pure numpy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from musiccog.engine.types import MusicEdit

#: A cut "hits" a beat when the beat is at most this far away (seconds).
HIT_TOLERANCE_S = 0.050
#: Slack for float comparisons of source times (seconds).
_EPS_S = 1e-6


def place_source_times(
    source_times_s: Sequence[float] | np.ndarray,
    edits: Sequence[MusicEdit],
    *,
    stretch_ratio: float,
    timeline_start_s: float,
    duration_s: float,
) -> np.ndarray:
    """Map times in the source music (e.g. its beats) to timeline seconds.

    A source time is placed once for every piece ``[source_start_s, source_end_s)``
    that contains it (a looped bar's beats appear once per repetition); times in
    no piece are dropped, and so are placed times at or after the BGM's end.

    :param source_times_s: times in the source file, seconds, shape ``(n,)``.
    :param edits: the plan's pieces, in output order.
    :param stretch_ratio: playback rate (1.03 = 3 % faster); output time / ratio = timeline time.
    :param timeline_start_s: where the BGM starts on the timeline, seconds.
    :param duration_s: the BGM's length on the timeline, seconds.
    :returns: sorted timeline times in seconds.
    """
    src = np.asarray(source_times_s, dtype=float)
    placed: list[np.ndarray] = []
    for edit in edits:
        inside = src[(src >= edit.source_start_s - _EPS_S) & (src < edit.source_end_s - _EPS_S)]
        placed.append(edit.output_start_s + (inside - edit.source_start_s))
    if not placed:
        return np.zeros(0)
    out = timeline_start_s + np.concatenate(placed) / stretch_ratio
    out = out[(out >= timeline_start_s - _EPS_S) & (out < timeline_start_s + duration_s - _EPS_S)]
    return np.sort(out)


def nearest_distance_s(times_s: np.ndarray, grid_s: np.ndarray) -> np.ndarray:
    """Distance (seconds) from each of ``times_s`` to the nearest point of sorted ``grid_s``.

    Works on any shape of ``times_s``; an empty grid gives ``inf`` everywhere.
    """
    times = np.asarray(times_s, dtype=float)
    grid = np.asarray(grid_s, dtype=float)
    if grid.size == 0:
        return np.full(times.shape, np.inf)
    idx = np.searchsorted(grid, times)
    left = grid[np.clip(idx - 1, 0, grid.size - 1)]
    right = grid[np.clip(idx, 0, grid.size - 1)]
    return np.minimum(np.abs(times - left), np.abs(times - right))


def cuts_in_window(cuts_s: Sequence[float], start_s: float, end_s: float) -> np.ndarray:
    """The cuts that fall under the music: ``start_s - tolerance <= cut < end_s``."""
    cuts = np.asarray(sorted(cuts_s), dtype=float)
    return cuts[(cuts >= start_s - HIT_TOLERANCE_S) & (cuts < end_s)]


def cut_share(
    cuts_s: np.ndarray, beats_s: np.ndarray, *, tolerance_s: float = HIT_TOLERANCE_S
) -> float:
    """Share (0–1) of ``cuts_s`` with a beat within ``tolerance_s``; 0.0 when there are no cuts."""
    cuts = np.asarray(cuts_s, dtype=float)
    if cuts.size == 0:
        return 0.0
    hits = nearest_distance_s(cuts, np.asarray(beats_s, dtype=float)) <= tolerance_s + 1e-9
    return float(np.mean(hits))


def alignment_score(
    cuts_s: np.ndarray,
    beats_s: np.ndarray,
    downbeats_s: np.ndarray,
    *,
    align_to: str,
) -> np.ndarray | float:
    """The alignment objective: weighted hits plus a small closeness term.

    A cut on a downbeat scores 1; on a beat only, 0.5 when ``align_to`` is
    ``"downbeats"`` (1 when ``"beats"``).  ``0.01 × exp(-(d / 25 ms)²)`` per cut
    breaks ties towards beats nearer the cuts.  ``cuts_s`` may be 2-D (one row per
    candidate placement expressed as cut positions relative to a fixed grid).
    """
    d_beat = nearest_distance_s(cuts_s, beats_s)
    d_down = nearest_distance_s(cuts_s, downbeats_s)
    tol = HIT_TOLERANCE_S + 1e-9
    beat_weight = 0.5 if align_to == "downbeats" else 1.0
    hit = np.where(d_down <= tol, 1.0, np.where(d_beat <= tol, beat_weight, 0.0))
    close = 0.01 * np.exp(-((np.minimum(d_beat, d_down) / 0.025) ** 2))
    return np.sum(hit + close, axis=-1)
