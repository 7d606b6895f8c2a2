"""``build_plan``: analyses + options → :class:`SyncPlan` (pure, no I/O).

Clock: ``video.cuts_s``, ``video.speech_s`` and ``video.duration_s`` are read on
the *timeline* clock (for a single video file placed at 0 that is the file's own
time; a host passing a timeline's picture passes its times on the timeline).
The BGM covers ``[timeline_start_s, timeline_start_s + timeline_duration_s)``, or
starts at the first cut inside that window when ``options.start_at == "first_cut"``.
"""

from __future__ import annotations

import math

import numpy as np

from musiccog.engine.plan.align import AlignProblem, Placement, place, search
from musiccog.engine.plan.fit import bar_grid
from musiccog.engine.plan.grid import cut_share, cuts_in_window
from musiccog.engine.plan.mix import base_gain_db, duck_keys, fade_lengths
from musiccog.engine.types import MusicAnalysis, PromptOptions, SyncPlan, VideoAnalysis
from musiccog.errors import MusicCogError

#: Shortest BGM the planner places (seconds).
MIN_DURATION_S = 0.1
#: A first cut closer than this to either end of the window is not used as the start (s).
FIRST_CUT_MARGIN_S = 0.5


class PlanError(MusicCogError):
    """The analyses or the window cannot give a plan (e.g. zero-length music or picture)."""


def _window(
    video: VideoAnalysis, options: PromptOptions, start_s: float, duration_s: float | None
) -> tuple[float, float, list[str]]:
    notes: list[str] = []
    if not math.isfinite(start_s) or start_s < 0:
        raise PlanError(f"timeline start {start_s!r} s is not a time >= 0; pass seconds >= 0.")
    length = video.duration_s - start_s if duration_s is None else duration_s
    if not math.isfinite(length) or length < MIN_DURATION_S:
        raise PlanError(
            f"the picture to score is {length!r} s long; it must be at least {MIN_DURATION_S} s "
            "(check the video's duration or the timeline range)."
        )
    end = start_s + length
    if options.start_at == "first_cut":
        later = [c for c in sorted(video.cuts_s)
                 if start_s + FIRST_CUT_MARGIN_S <= c <= end - max(FIRST_CUT_MARGIN_S, 1.0)]
        if later:
            notes.append(f"music starts at the first cut, {later[0]:.2f} s")
            start_s = float(later[0])
        else:
            notes.append("no cut to start the music at: it starts with the picture")
    return float(start_s), float(end - start_s), notes


def _check_music(music: MusicAnalysis) -> None:
    if not math.isfinite(music.duration_s) or music.duration_s < MIN_DURATION_S:
        raise PlanError(
            f"the music {music.path!r} is {music.duration_s!r} s long; choose a track of at "
            "least a few seconds."
        )


def _notes(placed: Placement, grid_bar_s: float, natural: bool) -> list[str]:
    notes: list[str] = []
    edits = placed.edits
    if natural:
        notes.append("the track's own ending lands on the last frame")
    first = edits[0].source_start_s
    if first > 0.001:
        notes.append(f"music starts {first:.2f} s into the track")
    for prev, cur in zip(edits, edits[1:], strict=False):
        if cur.source_start_s > prev.source_end_s:
            bars = (cur.source_start_s - prev.source_end_s) / grid_bar_s
            notes.append(f"skips {cur.source_start_s - prev.source_end_s:.2f} s (~{bars:.0f} "
                         f"bars) at {prev.source_end_s:.2f} s")
        else:
            notes.append(f"repeats from {cur.source_start_s:.2f} s at {prev.source_end_s:.2f} s")
    if abs(placed.stretch_ratio - 1) > 1e-6:
        notes.append(f"tempo changed by {100 * (placed.stretch_ratio - 1):+.2f} %")
    return notes


def build_plan(
    video: VideoAnalysis,
    music: MusicAnalysis,
    options: PromptOptions,
    *,
    timeline_start_s: float = 0.0,
    timeline_duration_s: float | None = None,
) -> SyncPlan:
    """Plan how ``music`` goes under ``video``: fit, align and mix (pure).

    :param video: the picture's analysis; times on the timeline clock (module doc).
    :param music: the track's analysis.
    :param options: parsed prompt options.
    :param timeline_start_s: where the picture starts on the timeline, seconds ≥ 0.
    :param timeline_duration_s: picture length in seconds; default
        ``video.duration_s − timeline_start_s``.
    :returns: the plan; ``duration_s`` equals the window length exactly (the BGM ends
        with the picture), ``sum(piece lengths) / stretch_ratio == duration_s``.
    :raises PlanError: zero-length music or window.
    """
    _check_music(music)
    start, duration, notes = _window(video, options, timeline_start_s, timeline_duration_s)
    grid = bar_grid(music)
    natural = bool(music.has_natural_ending) and grid.usable
    cuts = cuts_in_window(video.cuts_s, start, start + duration)
    # the file's own end counts as a phrase boundary for an open ending
    sections = np.asarray(sorted({*(s for s in music.sections_s if 0 < s < music.duration_s),
                                  float(music.duration_s)}))
    problem = AlignProblem(
        grid=grid, natural=natural, downbeats_src_s=grid.downbeats_s, sections_src_s=sections,
        start_s=start, duration_s=duration, cuts_s=cuts, align_to=options.align_to,
    )
    naive = place(problem, 0.0, 1.0)
    chosen = search(problem, allow_stretch=options.allow_stretch,
                    max_stretch=options.max_stretch)
    if chosen.score < naive.score:
        chosen = naive
    before = cut_share(cuts, naive.beats_s)
    after = cut_share(cuts, chosen.beats_s)
    notes += _notes(chosen, grid.bar_s, natural)
    if cuts.size:
        notes.append(f"cuts on a beat (±50 ms): {before:.0%} → {after:.0%} of {cuts.size}")
    else:
        notes.append("no cuts under the music to align to")
    gain, why = base_gain_db(music, video, options)
    notes.append(why)
    fade_in, fade_out = fade_lengths(duration, options, natural_end=natural)
    keys = ()
    if options.duck:
        keys = duck_keys(video.speech_s, bgm_start_s=start, duration_s=duration,
                         duck_db=options.duck_db, attack_s=options.duck_attack_s,
                         release_s=options.duck_release_s)
    return SyncPlan(
        music_path=music.path,
        timeline_start_s=start,
        duration_s=duration,
        stretch_ratio=chosen.stretch_ratio,
        edits=chosen.edits,
        gain_db=gain,
        fade_in_s=fade_in,
        fade_out_s=fade_out,
        duck_keys=keys,
        beats_s=tuple(float(b) for b in chosen.beats_s),
        downbeats_s=tuple(float(b) for b in chosen.downbeats_s),
        cut_share_before=before,
        cut_share_after=after,
        notes=tuple(notes),
    )
