"""Fit to length: the BGM ends with the picture, joins sit on beats, real endings land last."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from musiccog.engine.plan import build_plan
from musiccog.engine.plan.fit import MAX_CROSSFADE_S, MIN_SKIP_SIMILARITY, bar_grid
from musiccog.engine.plan.synthetic import steady_music, video_with_cuts
from musiccog.engine.types import PromptOptions

RATES = {"23.976": Fraction(24000, 1001), "29.97": Fraction(30000, 1001), "30": Fraction(30)}


def _picture(rate: Fraction, frames: int, **kw):
    return video_with_cuts(duration_s=float(frames / rate), fps=float(rate), **kw)


def _output_length(plan) -> float:
    return sum(e.source_end_s - e.source_start_s for e in plan.edits) / plan.stretch_ratio


def _assert_joins_on_beats(plan, music):
    src_downs = np.asarray(music.downbeats_s)
    beats = np.asarray(plan.beats_s)
    for prev, cur in zip(plan.edits, plan.edits[1:], strict=False):
        assert np.min(np.abs(src_downs - cur.source_start_s)) < 1e-6
        assert np.min(np.abs(src_downs - prev.source_end_s)) < 1e-6
        join_s = plan.timeline_start_s + cur.output_start_s / plan.stretch_ratio
        assert np.min(np.abs(beats - join_s)) < 1e-6
        assert 0 < cur.crossfade_s <= min(MAX_CROSSFADE_S, 60 / music.tempo_bpm) + 1e-9


@pytest.mark.parametrize("rate_name", sorted(RATES))
@pytest.mark.parametrize("music_s", [95.0, 31.0, 12.5])  # longer, about equal, shorter
@pytest.mark.parametrize("natural", [False, True])
@pytest.mark.parametrize("stretch", [False, True])
def test_length_is_exact_to_a_frame(rate_name, music_s, natural, stretch):
    rate = RATES[rate_name]
    frames = 30 * 30 + 7
    video = _picture(rate, frames, cuts_s=[3.1, 7.77, 12.0, 20.5, 25.25])
    music = steady_music(duration_s=music_s, tempo_bpm=112.0, natural_ending=natural)
    plan = build_plan(video, music, PromptOptions(allow_stretch=stretch))
    frame_s = 1 / float(rate)
    assert abs(plan.duration_s - frames / float(rate)) < frame_s / 1000
    assert abs(_output_length(plan) - plan.duration_s) < frame_s
    assert abs(plan.timeline_start_s + plan.duration_s - video.duration_s) < frame_s
    if natural:
        assert plan.edits[-1].source_end_s == pytest.approx(music.duration_s, abs=1e-9)
    _assert_joins_on_beats(plan, music)


def test_equal_length_is_one_piece():
    music = steady_music(duration_s=30.0)
    plan = build_plan(video_with_cuts(duration_s=30.0), music, PromptOptions())
    assert len(plan.edits) == 1
    assert plan.edits[0].source_start_s == pytest.approx(0.0)
    assert plan.edits[0].source_end_s == pytest.approx(30.0)


def test_natural_ending_skips_similar_bars_in_the_middle():
    music = steady_music(duration_s=100.0, tempo_bpm=120.0, natural_ending=True)
    video = video_with_cuts(duration_s=41.0)
    plan = build_plan(video, music, PromptOptions())
    grid = bar_grid(music)
    downs = list(grid.downbeats_s)
    assert plan.edits[-1].source_end_s == pytest.approx(100.0)
    assert len(plan.edits) >= 2
    # the start keeps the intro: less than one bar is trimmed
    assert plan.edits[0].source_start_s < 2.0
    for prev, cur in zip(plan.edits, plan.edits[1:], strict=False):
        i, j = downs.index(prev.source_end_s), downs.index(cur.source_start_s)
        assert j > i  # a skip forward
        assert grid.sim[i, j] >= MIN_SKIP_SIMILARITY
        assert cur.source_start_s <= music.ending_start_s  # the ending plays whole
    assert any("ending lands" in note for note in plan.notes)
    # fade-out shortened so the real ending is heard
    assert plan.fade_out_s <= 0.25


def test_natural_ending_shorter_music_repeats_bars():
    music = steady_music(duration_s=40.0, tempo_bpm=120.0, natural_ending=True)
    video = video_with_cuts(duration_s=75.0)
    plan = build_plan(video, music, PromptOptions())
    assert plan.edits[-1].source_end_s == pytest.approx(40.0)
    assert any(cur.source_start_s < prev.source_end_s
               for prev, cur in zip(plan.edits, plan.edits[1:], strict=False))
    assert abs(_output_length(plan) - 75.0) < 1e-6
    _assert_joins_on_beats(plan, music)


def test_open_ending_longer_music_is_cut_with_a_fade():
    music = steady_music(duration_s=200.0, natural_ending=False)
    plan = build_plan(video_with_cuts(duration_s=33.3), music, PromptOptions(fade_out_s=3.0))
    assert len(plan.edits) == 1
    assert plan.fade_out_s == 3.0
    # no cuts: the search prefers an ending on a bar boundary (start moved < 1 bar)
    end = plan.edits[-1].source_end_s
    assert np.min(np.abs(np.asarray(music.downbeats_s) - end)) < 0.021
    assert plan.edits[0].source_start_s < 2.0


def test_music_without_features_still_fits():
    base = steady_music(duration_s=20.0, natural_ending=True)
    music = type(base)(**{**base.__dict__, "bar_features": ()})
    for length in (7.0, 55.0):
        plan = build_plan(video_with_cuts(duration_s=length), music, PromptOptions())
        assert abs(_output_length(plan) - length) < 1e-6
        assert plan.edits[-1].source_end_s == pytest.approx(20.0)


def test_music_without_beats_loops_whole_track():
    base = steady_music(duration_s=10.0)
    music = type(base)(**{**base.__dict__, "beats_s": (), "downbeats_s": (),
                          "bar_features": ()})
    plan = build_plan(video_with_cuts(duration_s=26.0), music, PromptOptions())
    assert abs(_output_length(plan) - 26.0) < 1e-6
    assert len(plan.edits) == 3
    assert plan.beats_s == ()
