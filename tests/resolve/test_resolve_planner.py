"""Planner and OTIO-level maths: properties over many timelines, rates and music spans."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from musiccog.draft import parse_draft
from musiccog.resolve.planner import duck_regions, gain_db, plan_placement
from musiccog.resolve.resolve_otio import gain_at, volume_keyframes
from musiccog.resolve.snapshot import TimelineInfo
from musiccog.resolve.timecode import FrameRate, ms_to_frame, parse_rate, timecode_to_frame
from tests.resolve.builders import RATES


def _draft(segments, markers=()):
    return parse_draft({"t": [{"tt": 1, "n": "BGM", "m": {"role": "bgm"}, "sg": segments}],
                        "mk": list(markers)})


def _info(rate: FrameRate, length_frames=10**7):
    start = timecode_to_frame("01:00:00;00" if rate.drop_frame else "01:00:00:00", rate)
    return TimelineInfo("T", rate, start, start + length_frames, "01:00:00:00")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rate_name=st.sampled_from(RATES),
       spans=st.lists(st.tuples(st.integers(0, 3_000_000), st.integers(40, 600_000),
                                st.integers(0, 100_000)), min_size=1, max_size=6),
       audio_fps=st.sampled_from(["24", "same"]))
def test_every_segment_lands_on_the_frame_its_absolute_time_says(tmp_path_factory, rate_name,
                                                                 spans, audio_fps):
    rate = parse_rate(rate_name)
    bgm = tmp_path_factory.mktemp("m") / "bgm.wav"
    bgm.write_bytes(b"")
    segs, cursor = [], 0
    for gap, dur, inpoint in spans:
        cursor += gap
        segs.append({"s": cursor, "d": dur, "i": inpoint, "src": str(bgm)})
        cursor += dur
    src_fps = Fraction(24) if audio_fps == "24" else rate.fps
    plan = plan_placement(_draft(segs), bgm_path=bgm, info=_info(rate),
                          source_rates={str(bgm.resolve()): src_fps})
    steps = [s for s in plan.appends]
    for seg, step in zip(sorted(segs, key=lambda s: s["s"]), steps, strict=True):
        first = ms_to_frame(seg["s"], rate)
        assert step.record_frame == _info(rate).start_frame + first
        assert step.record_frames == ms_to_frame(seg["s"] + seg["d"], rate) - first
        assert step.source_start == ms_to_frame(seg["i"], FrameRate(src_fps))
        # source length covers the record length in real time, to within one source frame
        real = Fraction(step.source_frames) / src_fps - Fraction(step.record_frames) / rate.fps
        assert abs(real) <= Fraction(1, 2) / src_fps + Fraction(1, 10**9)
    # consecutive segments never overlap on the new track
    for a, b in zip(steps, steps[1:], strict=False):
        assert a.record_frame + a.record_frames <= b.record_frame


def test_music_is_clamped_to_the_clip_length():
    rate = parse_rate("24")
    plan = plan_placement(_draft([{"s": 0, "d": 10_000, "i": 2000, "src": "/nope.wav"}]),
                          bgm_path="/music/bgm.wav", info=_info(rate),
                          source_rates={}, source_lengths={"/music/bgm.wav": 24 * 5})
    (step,) = plan.appends
    assert (step.source_start, step.source_frames, step.record_frames) == (48, 72, 72)


def test_duck_regions_and_levels():
    (seg,) = _draft([{"s": 0, "d": 10_000, "v": 0.8,
                      "vk": [[0, 1], [2000, 1], [2300, 0.375], [4000, 0.375], [4300, 1],
                             [8000, 1], [8200, 0.625]]}]).known_tracks()[0].segments
    assert duck_regions(seg) == [(2000.0, 4300.0, pytest.approx(0.3)),
                                 (8000.0, 10_000.0, pytest.approx(0.5))]
    assert gain_db(1.0) == 0 and gain_db(0) == -100 and gain_db(100) == 30
    assert gain_at(seg, 3000) == pytest.approx(0.3)
    assert gain_at(seg, 2150) == pytest.approx(0.55)


@pytest.mark.parametrize("rate_name", ["23.976", "29.97 DF", "50"])
def test_keyframes_are_clip_relative_and_inside_the_clip(rate_name):
    rate = parse_rate(rate_name)
    (seg,) = _draft([{"s": 1234, "d": 6000, "v": 1.0, "fi": 500, "fo": 1000,
                      "vk": [[0, 1.0], [2000, 1.0], [2200, 0.25], [3000, 0.25],
                             [3200, 1.0]]}]).known_tracks()[0].segments
    keys = volume_keyframes(seg, rate)
    frames = list(keys)
    last = ms_to_frame(7234, rate) - ms_to_frame(1234, rate) - 1
    assert frames == sorted(frames) and frames[0] == 0 and frames[-1] == last
    assert keys[0] == -100.0 and keys[last] < -30
    assert keys[ms_to_frame(1234 + 2200, rate) - ms_to_frame(1234, rate)] == pytest.approx(-12.041)
    assert keys[ms_to_frame(1234 + 500, rate) - ms_to_frame(1234, rate)] == 0.0
    # no levels → no keys (a static clip at its level)
    (flat,) = _draft([{"s": 0, "d": 1000}]).known_tracks()[0].segments
    assert volume_keyframes(flat, rate) == {}
