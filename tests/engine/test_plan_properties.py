"""Properties of every plan, over generated music, pictures and options (hypothesis)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from musiccog.engine.plan import build_plan
from musiccog.engine.plan.synthetic import steady_music, video_with_cuts
from musiccog.engine.types import PromptOptions


@st.composite
def scenarios(draw):
    music = steady_music(
        duration_s=draw(st.floats(2.0, 240.0)),
        tempo_bpm=draw(st.floats(60.0, 180.0)),
        beats_per_bar=draw(st.sampled_from([3, 4])),
        first_beat_s=draw(st.floats(0.0, 1.0)),
        natural_ending=draw(st.booleans()),
        seed=draw(st.integers(0, 5)),
    )
    if draw(st.booleans()):  # random features: some bars similar, most not
        rng = np.random.default_rng(draw(st.integers(0, 100)))
        feats = rng.normal(size=(len(music.downbeats_s), 6))
        music = replace(music, bar_features=tuple(map(tuple, feats)))
    duration = draw(st.floats(0.5, 200.0))
    cuts = draw(st.lists(st.floats(0.0, duration), max_size=30))
    speech = [tuple(sorted(p)) for p in draw(
        st.lists(st.tuples(st.floats(-5.0, duration + 5), st.floats(-5.0, duration + 5)),
                 max_size=8))]
    video = video_with_cuts(duration_s=duration, cuts_s=sorted(cuts), speech_s=speech)
    options = PromptOptions(
        allow_stretch=draw(st.booleans()),
        max_stretch=draw(st.sampled_from([0.0, 0.03, 0.06])),
        start_at=draw(st.sampled_from(["start", "first_cut"])),
        align_to=draw(st.sampled_from(["downbeats", "beats"])),
        duck_db=draw(st.floats(0.0, 30.0)),
        fade_in_s=draw(st.floats(0.0, 5.0)),
        fade_out_s=draw(st.floats(0.0, 5.0)),
    )
    return music, video, options


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_plan_invariants(scenario):
    music, video, options = scenario
    plan = build_plan(video, music, options)
    end = video.duration_s
    eps = 1e-6
    # the BGM ends with the picture, exactly
    assert abs(plan.timeline_start_s + plan.duration_s - end) < eps
    lengths = [e.source_end_s - e.source_start_s for e in plan.edits]
    assert abs(sum(lengths) / plan.stretch_ratio - plan.duration_s) < eps
    # edits are contiguous and non-overlapping in output time, inside the source file
    assert plan.edits[0].output_start_s == 0.0
    out = 0.0
    for edit, length in zip(plan.edits, lengths, strict=True):
        assert abs(edit.output_start_s - out) < eps
        assert length > 0
        assert edit.source_start_s - edit.crossfade_s >= -eps
        assert edit.source_end_s <= music.duration_s + eps
        assert 0.0 <= edit.crossfade_s <= 0.25
        out += length
    # stretch within bounds, and only when allowed
    if options.allow_stretch:
        assert abs(plan.stretch_ratio - 1.0) <= options.max_stretch + 1e-9
    else:
        assert plan.stretch_ratio == 1.0
    # ducking envelope within [-duck_db, 0], times in order inside the BGM
    times = [t for t, _ in plan.duck_keys]
    assert times == sorted(times)
    for t, g in plan.duck_keys:
        assert -options.duck_db - eps <= g <= eps
        assert -eps <= t <= plan.duration_s + eps
    assert plan.fade_in_s + plan.fade_out_s <= plan.duration_s + eps
    # scores are shares; alignment never makes things worse than the naive placement
    assert 0.0 <= plan.cut_share_before <= 1.0 and 0.0 <= plan.cut_share_after <= 1.0
    if options.align_to == "beats":  # unweighted objective: one hit outweighs every preference
        assert plan.cut_share_after >= plan.cut_share_before
    beats = np.asarray(plan.beats_s)
    assert np.all(beats >= plan.timeline_start_s - eps) and np.all(beats < end)
    assert set(plan.downbeats_s) <= set(plan.beats_s) or len(music.beats_s) == 0
    if music.has_natural_ending and len(music.downbeats_s) >= 3:
        assert abs(plan.edits[-1].source_end_s - music.duration_s) < eps
