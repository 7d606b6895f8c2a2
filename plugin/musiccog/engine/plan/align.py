"""Choose where the music starts and how fast it plays so beats land on cuts.

Search, pure numpy.  A *placement* is ``(offset_s, stretch_ratio)``: the source
time played at the BGM's start and the playback rate.  Every candidate is judged
by :func:`~musiccog.engine.plan.grid.alignment_score` on its **final** placed beat
grid (after the fit's edits and the stretch), minus small preferences for less
stretch and an earlier start; an open-ended fit gets a bonus when its end lands
on a bar (or phrase) boundary of the music.

- **open ending**: offsets on a 5 ms grid over the first bar (every phase of the
  bar, i.e. "which downbeat lands at the start, or a small lead-in shift") plus the
  offsets that make the music end on a downbeat/section boundary, × ratios on a
  0.25 % grid; a fast proxy (the source grid played straight through, extended at
  the median beat) ranks them, the best few are refined (1 ms, 0.025 %) and
  re-scored exactly with their fit.
- **natural ending**: the end is pinned to the last frame, which fixes the grid's
  phase; only the ratio is searched (0.25 % grid, refined to 0.02 %), each
  candidate fitted and scored exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from musiccog.engine.plan.fit import BarGrid, fit_natural, fit_open, pieces_to_edits
from musiccog.engine.plan.grid import alignment_score, place_source_times
from musiccog.engine.types import MusicEdit

#: Coarse ratio step of the search.
RATIO_STEP = 0.0025
#: Coarse offset step of the search (seconds).
OFFSET_STEP_S = 0.005
#: Score cost per unit of |ratio − 1| (6 % stretch costs 0.03, less than a half hit).
STRETCH_COST = 0.5
#: Score cost per bar of start offset (the intro is worth keeping).
OFFSET_COST_PER_BAR = 0.05
#: Score cost per join (an audible edit) in the fit.
JOIN_COST = 0.05
#: An end this close to a boundary counts as on it (seconds).
END_TOLERANCE_S = 0.005
#: Offsets that pin the end to a boundary are tried up to this many bars into the track.
MAX_PINNED_OFFSET_BARS = 8
#: Bonus when an open-ended fit ends on a downbeat / on a section boundary.
END_ON_BAR_BONUS = 0.25
END_ON_SECTION_BONUS = 0.4
#: Candidates kept for refinement and exact scoring.
TOP_K = 6


@dataclass(frozen=True)
class Placement:
    """A scored candidate: offset and ratio, its edits and its final placed grid."""

    offset_s: float
    stretch_ratio: float
    edits: tuple[MusicEdit, ...]
    beats_s: np.ndarray
    downbeats_s: np.ndarray
    score: float


@dataclass(frozen=True)
class AlignProblem:
    """Everything the search needs: the music's grid, the window and the cuts under it."""

    grid: BarGrid
    natural: bool
    downbeats_src_s: np.ndarray
    sections_src_s: np.ndarray
    start_s: float
    duration_s: float
    cuts_s: np.ndarray
    align_to: str


def place(problem: AlignProblem, offset_s: float, ratio: float) -> Placement:
    """Fit at ``(offset_s, ratio)`` and score the final placed grid exactly.

    With a natural ending ``offset_s`` is ignored: the fit decides it.
    """
    grid = problem.grid
    length = problem.duration_s * ratio
    pieces = fit_natural(grid, length) if problem.natural else fit_open(grid, offset_s, length)
    edits = pieces_to_edits(pieces, grid)
    kw = {"stretch_ratio": ratio, "timeline_start_s": problem.start_s,
          "duration_s": problem.duration_s}
    beats = place_source_times(grid.beats_s, edits, **kw)
    downs = place_source_times(problem.downbeats_src_s, edits, **kw)
    score = float(alignment_score(problem.cuts_s, beats, downs, align_to=problem.align_to))
    first = edits[0].source_start_s
    score -= STRETCH_COST * abs(ratio - 1.0) + OFFSET_COST_PER_BAR * first / grid.bar_s
    score -= JOIN_COST * (len(edits) - 1)
    if not problem.natural:
        score += _end_bonus(problem, np.array([edits[-1].source_end_s]))[0]
    return Placement(first, ratio, edits, beats, downs, score)


def _end_bonus(problem: AlignProblem, ends_src_s: np.ndarray) -> np.ndarray:
    def near(points: np.ndarray) -> np.ndarray:
        if points.size == 0:
            return np.zeros(ends_src_s.shape, dtype=bool)
        return np.min(np.abs(ends_src_s[..., None] - points), axis=-1) <= END_TOLERANCE_S

    return np.where(near(problem.sections_src_s), END_ON_SECTION_BONUS,
                    np.where(near(problem.downbeats_src_s), END_ON_BAR_BONUS, 0.0))


def _extended(times: np.ndarray, step: float, until: float) -> np.ndarray:
    """``times`` continued past their last value every ``step`` up to ``until``."""
    if times.size == 0 or step <= 0:
        return times
    extra = times[-1] + step * np.arange(1, max(int((until - times[-1]) / step) + 2, 1))
    return np.concatenate([times, extra])


def _proxy_scores(problem: AlignProblem, offsets: np.ndarray, ratio: float) -> np.ndarray:
    """Scores of straight-through playback from each offset at ``ratio`` (open ending)."""
    grid = problem.grid
    until = offsets.max() + problem.duration_s * ratio + grid.bar_s
    beats = _extended(grid.beats_s, grid.beat_s, until) / ratio
    downs = _extended(problem.downbeats_src_s, grid.bar_s, until) / ratio
    cuts = offsets[:, None] / ratio + (problem.cuts_s - problem.start_s)[None, :]
    score = np.asarray(alignment_score(cuts, beats, downs, align_to=problem.align_to), float)
    score -= STRETCH_COST * abs(ratio - 1.0) + OFFSET_COST_PER_BAR * offsets / grid.bar_s
    ends = offsets + problem.duration_s * ratio
    fits = ends <= grid.duration_s
    return score + np.where(fits, _end_bonus(problem, ends), 0.0)


def _ratios(allow_stretch: bool, max_stretch: float) -> np.ndarray:
    if not allow_stretch or max_stretch <= 0:
        return np.array([1.0])
    steps = int(round(max_stretch / RATIO_STEP))
    coarse = 1.0 + RATIO_STEP * np.arange(-steps, steps + 1)
    return np.union1d(coarse, [1.0 - max_stretch, 1.0, 1.0 + max_stretch])


def _clip_ratio(ratio: float, max_stretch: float) -> float:
    return float(np.clip(ratio, 1.0 - max_stretch, 1.0 + max_stretch))


def search(
    problem: AlignProblem,
    *,
    allow_stretch: bool,
    max_stretch: float,
    check: Callable[[], None] = lambda: None,
) -> Placement:
    """The best placement for ``problem`` (see the module doc for the search)."""
    max_stretch = max(0.0, min(max_stretch, 0.5)) if allow_stretch else 0.0
    ratios = _ratios(allow_stretch, max_stretch)
    if problem.natural:
        return _search_ratio_only(problem, ratios, max_stretch, check)
    grid = problem.grid
    first_down = float(problem.downbeats_src_s[0]) if problem.downbeats_src_s.size else 0.0
    span = min(first_down + grid.bar_s, max(grid.duration_s - 0.5, 0.0))
    base_offsets = np.arange(0.0, span + 1e-9, OFFSET_STEP_S)
    candidates: list[tuple[float, float, float]] = []
    for ratio in ratios:
        check()
        length = problem.duration_s * ratio
        pinned = np.concatenate([problem.downbeats_src_s, problem.sections_src_s]) - length
        pinned = pinned[(pinned >= 0) & (pinned <= MAX_PINNED_OFFSET_BARS * grid.bar_s)]
        offsets = np.concatenate([base_offsets, pinned])
        scores = _proxy_scores(problem, offsets, float(ratio))
        for k in np.argsort(-scores)[:TOP_K]:
            candidates.append((float(scores[k]), float(offsets[k]), float(ratio)))
    candidates.sort(key=lambda c: -c[0])
    best: Placement = place(problem, 0.0, 1.0)
    seen: set[tuple[float, float]] = set()
    for _score, offset, ratio in candidates:
        key = (round(offset, 2), round(ratio, 3))
        if key in seen:
            continue
        seen.add(key)
        check()
        offset, ratio = _refine(problem, offset, ratio, max_stretch)
        placed = place(problem, offset, ratio)
        if placed.score > best.score + 1e-9:
            best = placed
        if len(seen) >= TOP_K:
            break
    return best


def _refine(problem: AlignProblem, offset: float, ratio: float, max_stretch: float) -> tuple:
    offsets = np.clip(offset + 0.001 * np.arange(-6, 7), 0.0, None)
    if max_stretch > 0:
        ratios = ratio + 0.00025 * np.arange(-10, 11)
        ratios = np.unique(np.clip(ratios, 1.0 - max_stretch, 1.0 + max_stretch))
    else:
        ratios = np.array([1.0])
    best = (-np.inf, offset, ratio)
    for r in ratios:
        scores = _proxy_scores(problem, offsets, float(r))
        k = int(np.argmax(scores))
        if scores[k] > best[0]:
            best = (float(scores[k]), float(offsets[k]), float(r))
    return best[1], best[2]


def _search_ratio_only(
    problem: AlignProblem, ratios: np.ndarray, max_stretch: float, check: Callable[[], None]
) -> Placement:
    best = place(problem, 0.0, 1.0)
    if ratios.size == 1 or problem.cuts_s.size == 0:
        return best
    scored = []
    for ratio in ratios:
        check()
        scored.append(place(problem, 0.0, float(ratio)))
    scored.sort(key=lambda p: -p.score)
    pool = [best, *scored[:3]]
    for top in scored[:3]:
        for r in top.stretch_ratio + 0.0002 * np.arange(-12, 13):
            check()
            pool.append(place(problem, 0.0, _clip_ratio(float(r), max_stretch)))
    return max(pool, key=lambda p: p.score)
