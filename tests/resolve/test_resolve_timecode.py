"""Frame ↔ timecode ↔ ms at every rate Resolve offers, checked against an independent count."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from musiccog.resolve.errors import ResolveTimecodeError
from musiccog.resolve.timecode import (
    FrameRate,
    frame_to_ms,
    frame_to_timecode,
    ms_to_frame,
    parse_rate,
    span_frames,
    start_ms,
    timecode_to_frame,
)

RATES = {
    "23.976": FrameRate(Fraction(24000, 1001)),
    "24": FrameRate(Fraction(24)),
    "25": FrameRate(Fraction(25)),
    "29.97": FrameRate(Fraction(30000, 1001)),
    "29.97 DF": FrameRate(Fraction(30000, 1001), True),
    "30": FrameRate(Fraction(30)),
    "50": FrameRate(Fraction(50)),
    "59.94": FrameRate(Fraction(60000, 1001)),
    "59.94 DF": FrameRate(Fraction(60000, 1001), True),
    "60": FrameRate(Fraction(60)),
}

#: Absolute frame of 01:00:00:00 at each rate (DF counts real frames, NDF counts labels).
ONE_HOUR_FRAMES = {
    "23.976": 86400, "24": 86400, "25": 90000, "29.97": 108000, "29.97 DF": 107892,
    "30": 108000, "50": 180000, "59.94": 216000, "59.94 DF": 215784, "60": 216000,
}


def _labels(rate: FrameRate, count: int):
    """Reference: step a label counter frame by frame, skipping dropped labels."""
    base = rate.timebase
    drop = {30: 2, 60: 4}.get(base, 0) if rate.drop_frame else 0
    h = m = s = f = 0
    for _ in range(count):
        sep = ";" if rate.drop_frame else ":"
        yield f"{h:02d}:{m:02d}:{s:02d}{sep}{f:02d}"
        f += 1
        if f == base:
            f, s = 0, s + 1
            if s == 60:
                s, m = 0, m + 1
                if m == 60:
                    m, h = 0, h + 1
                if m % 10 != 0:
                    f = drop


@pytest.mark.parametrize("name", list(RATES))
def test_parse_rate_reads_resolve_settings(name):
    rate = RATES[name]
    assert parse_rate(name) == rate
    assert rate.label == name
    # the separate drop-frame setting works too
    plain = name.replace(" DF", "")
    assert parse_rate(plain, "1" if rate.drop_frame else "0") == rate


def test_parse_rate_accepts_numbers_and_rejects_nonsense():
    assert parse_rate(23.976).fps == Fraction(24000, 1001)
    assert parse_rate(24.0).fps == 24
    assert parse_rate("29.970").fps == Fraction(30000, 1001)
    for bad in (None, "", "fast", "0", "-24"):
        with pytest.raises(ResolveTimecodeError):
            parse_rate(bad)
    with pytest.raises(ResolveTimecodeError, match="only at 29.97 and 59.94"):
        parse_rate("25 DF")
    with pytest.raises(ResolveTimecodeError, match="NTSC"):
        parse_rate("30", "1")


@pytest.mark.parametrize("name", list(RATES))
def test_every_frame_of_the_first_twelve_minutes_matches_the_reference(name):
    rate = RATES[name]
    count = rate.timebase * 60 * 12  # crosses the 10-minute rule for drop frame
    for frame, label in enumerate(_labels(rate, count)):
        assert frame_to_timecode(frame, rate) == label
        assert timecode_to_frame(label, rate) == frame


@pytest.mark.parametrize("name", list(RATES))
def test_one_hour_start_is_the_absolute_frame_resolve_uses(name):
    rate = RATES[name]
    sep = ";" if rate.drop_frame else ":"
    hour = ONE_HOUR_FRAMES[name]
    assert timecode_to_frame(f"01:00:00{sep}00", rate) == hour
    assert frame_to_timecode(hour, rate) == f"01:00:00{sep}00"
    # the separator written does not change the meaning: the timeline's setting does
    assert timecode_to_frame("01:00:00:00", rate) == hour
    # m.tc is the real time of that frame (what OTIO's global_start_time says)
    assert start_ms(hour, rate) == pytest.approx(hour * 1000 / float(rate.fps), abs=1e-6)


def test_one_hour_of_ntsc_is_longer_than_an_hour_unless_drop_frame():
    ndf, df = RATES["29.97"], RATES["29.97 DF"]
    assert start_ms(timecode_to_frame("01:00:00:00", ndf), ndf) == pytest.approx(3_603_600)
    assert start_ms(timecode_to_frame("01:00:00;00", df), df) == pytest.approx(3_599_996.4)


@pytest.mark.parametrize("label", ["00:01:00;00", "00:01:00;01", "00:59:00;01"])
def test_dropped_labels_are_refused(label):
    with pytest.raises(ResolveTimecodeError, match="does not exist"):
        timecode_to_frame(label, RATES["29.97 DF"])


def test_fifty_nine_ninety_four_drops_four_labels():
    rate = RATES["59.94 DF"]
    for ff in range(4):
        with pytest.raises(ResolveTimecodeError):
            timecode_to_frame(f"00:02:00;{ff:02d}", rate)
    assert timecode_to_frame("00:02:00;04", rate) == 2 * 3600 - 4


@pytest.mark.parametrize("bad", ["1:2:3", "00:00:60:00", "00:61:00:00", "00:00:00:24", "x"])
def test_malformed_or_out_of_range_timecode_is_refused(bad):
    with pytest.raises(ResolveTimecodeError):
        timecode_to_frame(bad, RATES["24"])


@settings(max_examples=400, deadline=None)
@given(name=st.sampled_from(list(RATES)), frame=st.integers(0, 24 * 3600 * 60 - 1))
def test_frame_ms_round_trip_is_exact_anywhere_in_a_day(name, frame):
    rate = RATES[name]
    assert ms_to_frame(frame_to_ms(frame, rate), rate) == frame
    # whole milliseconds (as drafts usually hold) also come back to the same frame
    assert ms_to_frame(round(frame_to_ms(frame, rate)), rate) == frame


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(list(RATES)),
    start=st.integers(0, 3_600_000),
    lengths=st.lists(st.integers(1, 20_000), min_size=1, max_size=50),
)
def test_consecutive_spans_tile_without_gaps_or_drift(name, start, lengths):
    rate = RATES[name]
    cursor = start
    expected_first = ms_to_frame(start, rate)
    for length in lengths:
        first, count = span_frames(cursor, length, rate)
        assert first == expected_first
        expected_first = first + count
        cursor += length
    assert expected_first == ms_to_frame(cursor, rate)


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(list(RATES)), frame=st.integers(0, 24 * 3600 * 30 - 1))
def test_timecode_round_trip_anywhere_in_a_day(name, frame):
    rate = RATES[name]
    if frame >= 24 * 3600 * float(rate.fps) - 1:
        return
    assert timecode_to_frame(frame_to_timecode(frame, rate), rate) == frame


def test_negative_or_fractional_frames_are_refused():
    with pytest.raises(ResolveTimecodeError):
        frame_to_timecode(-1, RATES["24"])
    with pytest.raises(ResolveTimecodeError):
        frame_to_timecode(1.5, RATES["24"])
    with pytest.raises(ResolveTimecodeError):
        ms_to_frame(float("nan"), RATES["24"])
