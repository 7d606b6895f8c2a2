"""Mix: base level from the prompt or loudness, fades, and the ducking envelope's values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from musiccog.engine.plan import build_plan, duck_at, envelope_db
from musiccog.engine.plan.mix import (
    MAX_GAIN_DB,
    MIN_GAIN_DB,
    MUSIC_ONLY_HEADROOM_DB,
    duck_keys,
    merge_intervals,
)
from musiccog.engine.plan.synthetic import steady_music, video_with_cuts
from musiccog.engine.types import PromptOptions


def _keys(speech, **kw):
    args = {"bgm_start_s": 0.0, "duration_s": 30.0, "duck_db": 12.0, "attack_s": 0.15,
            "release_s": 0.5}
    args.update(kw)
    return duck_keys(speech, **args)


def test_duck_envelope_values_at_given_times():
    keys = _keys([(5.0, 8.0)])
    times = np.array([0.0, 4.85, 4.925, 5.0, 6.5, 8.0, 8.25, 8.5, 20.0, 30.0])
    expected = [0.0, 0.0, -6.0, -12.0, -12.0, -12.0, -6.0, 0.0, 0.0, 0.0]
    assert duck_at(keys, times) == pytest.approx(expected)
    assert keys[0] == (0.0, 0.0) and keys[-1] == (30.0, 0.0)


def test_close_speech_is_merged_far_speech_is_not():
    # gap 0.5 s < attack + release (0.65 s): one dip; gap 2 s: two dips
    keys = _keys([(5.0, 6.0), (6.5, 7.0), (9.0, 10.0)])
    assert duck_at(keys, np.array([6.25]))[0] == pytest.approx(-12.0)
    assert duck_at(keys, np.array([8.0]))[0] == pytest.approx(0.0)
    assert merge_intervals([(5, 6), (6.5, 7), (9, 10)], min_gap_s=0.65) == [(5, 7), (9, 10)]


def test_speech_cut_by_the_bgm_start_and_end():
    keys = _keys([(9.0, 11.0), (28.0, 40.0)], bgm_start_s=10.0, duration_s=20.0)
    # local time: speech (-1, 1) and (18, 30): ducked at both ends of the BGM
    assert duck_at(keys, np.array([0.0, 1.0, 1.25, 1.5, 18.0, 20.0])) == pytest.approx(
        [-12.0, -12.0, -6.0, 0.0, -12.0, -12.0])
    assert all(0.0 <= t <= 20.0 for t, _ in keys)


def test_no_speech_or_no_ducking_gives_no_keys():
    assert _keys([]) == ()
    music = steady_music(duration_s=60.0)
    video = video_with_cuts(duration_s=20.0, speech_s=[(2.0, 5.0)])
    assert build_plan(video, music, PromptOptions(duck=False)).duck_keys == ()
    assert build_plan(video, music, PromptOptions(duck_db=18.0)).duck_keys[2][1] == -18.0


@pytest.mark.parametrize(
    ("options", "clip_lufs", "has_audio", "expected_db"),
    [
        (PromptOptions(music_volume=0.35), -20.0, True, 20 * math.log10(0.35)),
        (PromptOptions(), -20.0, True, (-20.0 - 8.0) - (-14.0)),  # 8 dB under the clip
        (PromptOptions(music_below_clip_db=12.0), -18.0, True, -30.0 + 14.0),
        (PromptOptions(), None, False, -16.0 - MUSIC_ONLY_HEADROOM_DB + 14.0),
        (PromptOptions(target_lufs=-14.0), -90.0, True, -14.0 - MUSIC_ONLY_HEADROOM_DB + 14.0),
        (PromptOptions(music_volume=0.0), -20.0, True, MIN_GAIN_DB),
        (PromptOptions(music_volume=4.0), -20.0, True, MAX_GAIN_DB),
    ],
)
def test_base_gain(options, clip_lufs, has_audio, expected_db):
    music = steady_music(duration_s=60.0, loudness_lufs=-14.0)
    video = video_with_cuts(duration_s=20.0, loudness_lufs=clip_lufs, has_audio=has_audio)
    plan = build_plan(video, music, options)
    assert plan.gain_db == pytest.approx(expected_db)


def test_fades_fit_in_short_bgm_and_envelope_follows_them():
    music = steady_music(duration_s=60.0)
    plan = build_plan(video_with_cuts(duration_s=2.0), music,
                      PromptOptions(fade_in_s=2.0, fade_out_s=2.0, music_volume=1.0))
    assert plan.fade_in_s + plan.fade_out_s == pytest.approx(2.0)
    plan = build_plan(video_with_cuts(duration_s=20.0, speech_s=[(10.0, 12.0)]), music,
                      PromptOptions(fade_in_s=1.0, fade_out_s=2.0, music_volume=1.0))
    env = envelope_db(plan, np.array([0.5, 5.0, 11.0, 19.0, 25.0]))
    assert env == pytest.approx([20 * math.log10(0.5), 0.0, -12.0, 20 * math.log10(0.5), -60.0])
