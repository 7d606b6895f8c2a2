"""Alignment: known offsets and stretches that put every cut on a beat are found."""

from __future__ import annotations

import numpy as np
import pytest

from musiccog.engine.plan import build_plan, cut_share, place_source_times
from musiccog.engine.plan.synthetic import steady_music, video_with_cuts
from musiccog.engine.types import MusicEdit, PromptOptions


def test_place_source_times_maps_through_edits_and_stretch():
    edits = (
        MusicEdit(source_start_s=1.0, source_end_s=5.0, output_start_s=0.0),
        MusicEdit(source_start_s=9.0, source_end_s=13.0, output_start_s=4.0, crossfade_s=0.25),
    )
    beats = np.arange(0.0, 14.0, 1.0)
    placed = place_source_times(beats, edits, stretch_ratio=2.0, timeline_start_s=10.0,
                                duration_s=4.0)
    # source 1,2,3,4 → out 0..3; source 9..12 → out 4..7; /2 then +10
    assert placed.tolist() == pytest.approx([10.0, 10.5, 11.0, 11.5, 12.0, 12.5, 13.0, 13.5])


def test_cut_share_counts_within_50_ms():
    beats = np.array([0.0, 0.5, 1.0, 1.5])
    cuts = np.array([0.049, 0.56, 1.0, 3.0])
    assert cut_share(cuts, beats) == pytest.approx(0.5)
    assert cut_share(np.array([]), beats) == 0.0


def test_known_offset_puts_every_cut_on_a_downbeat():
    music = steady_music(duration_s=120.0, tempo_bpm=120.0)
    # cuts fall 0.3 s before the music's downbeats: starting 0.3 s in aligns them all
    cuts = [d - 0.3 for d in music.downbeats_s[1:14]]
    video = video_with_cuts(duration_s=30.0, cuts_s=cuts)
    plan = build_plan(video, music, PromptOptions())
    assert plan.cut_share_before == 0.0
    assert plan.cut_share_after == 1.0
    assert plan.stretch_ratio == 1.0
    assert plan.edits[0].source_start_s == pytest.approx(0.3, abs=0.003)
    # the markers are the scored grid: every cut sits on a downbeat marker
    downs = np.asarray(plan.downbeats_s)
    assert np.max(np.min(np.abs(np.subtract.outer(cuts, downs)), axis=1)) < 0.005


@pytest.mark.parametrize("ratio", [0.95, 0.97, 1.025, 1.04, 1.055])
def test_known_stretch_is_found_when_allowed(ratio):
    music = steady_music(duration_s=120.0, tempo_bpm=120.0)
    bar_s = 2.0
    cuts = [k * bar_s / ratio for k in range(1, 15)]
    video = video_with_cuts(duration_s=30.0, cuts_s=[c for c in cuts if c < 30.0])
    plan = build_plan(video, music, PromptOptions(allow_stretch=True))
    assert plan.cut_share_after == 1.0
    assert plan.stretch_ratio == pytest.approx(ratio, abs=0.0015)
    assert plan.cut_share_before < 0.5
    # without permission to stretch the tempo stays and fewer cuts are hit
    fixed = build_plan(video, music, PromptOptions(allow_stretch=False))
    assert fixed.stretch_ratio == 1.0
    assert fixed.cut_share_after < 1.0


def test_stretch_never_exceeds_max_stretch():
    music = steady_music(duration_s=120.0, tempo_bpm=120.0)
    cuts = [k * 2.0 / 1.15 for k in range(1, 15)]  # would need 15 %
    video = video_with_cuts(duration_s=30.0, cuts_s=[c for c in cuts if c < 30.0])
    plan = build_plan(video, music, PromptOptions(allow_stretch=True, max_stretch=0.06))
    assert 0.94 - 1e-9 <= plan.stretch_ratio <= 1.06 + 1e-9


def test_beats_mode_weights_all_beats_equally():
    music = steady_music(duration_s=120.0, tempo_bpm=120.0)
    # cuts on off-bar beats 0.2 s late: downbeat mode can still put them on beats
    cuts = [1.5 + 0.2 + 0.5 * 3 * k for k in range(10)]
    video = video_with_cuts(duration_s=20.0, cuts_s=cuts)
    plan = build_plan(video, music, PromptOptions(align_to="beats"))
    assert plan.cut_share_after == 1.0


def test_real_world_like_jitter_still_gains():
    """Cuts on a 118-bpm grid with ±20 ms jitter under 120-bpm music: stretch recovers them."""
    rng = np.random.default_rng(4)
    music = steady_music(duration_s=150.0, tempo_bpm=120.0)
    beat = 60 / 118
    cuts = np.cumsum(rng.choice([4, 8, 6, 2], size=20)) * beat + 0.37
    cuts = cuts[cuts < 40] + rng.uniform(-0.02, 0.02, size=(cuts < 40).sum())
    video = video_with_cuts(duration_s=40.0, cuts_s=cuts)
    plan = build_plan(video, music, PromptOptions(allow_stretch=True))
    assert plan.cut_share_after >= 0.9
    assert plan.cut_share_after > plan.cut_share_before
    assert plan.stretch_ratio == pytest.approx(118 / 120, abs=0.004)  # rate = 118/120


def test_start_at_first_cut_moves_the_bgm():
    music = steady_music(duration_s=60.0)
    video = video_with_cuts(duration_s=20.0, cuts_s=[3.2, 9.0])
    plan = build_plan(video, music, PromptOptions(start_at="first_cut"))
    assert plan.timeline_start_s == pytest.approx(3.2)
    assert plan.timeline_start_s + plan.duration_s == pytest.approx(20.0)
    assert plan.beats_s[0] >= 3.2 - 1e-9
