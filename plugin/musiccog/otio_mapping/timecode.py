"""Milliseconds ⇄ OpenTimelineIO times, without drift.

Every position is converted from its *absolute* time (never by summing rounded
durations), so a 10 000-segment timeline lands on the same frames as a 1-segment
one.  NTSC rates are snapped to their exact rationals: 23.976 → 24000/1001,
29.97 → 30000/1001, 59.94 → 60000/1001 (and 47.952, 119.88).
"""

from __future__ import annotations

import opentimelineio as otio

#: Frame rate used when neither the draft nor the OTIO file says (frames per second).
DEFAULT_RATE_FPS = 30.0
_NTSC_BASES = (24, 30, 48, 60, 120)


def exact_rate(fps: float) -> float:
    """Snap a nominal NTSC rate to its exact value: ``29.97`` → ``30000/1001``."""
    for base in _NTSC_BASES:
        ntsc = base * 1000.0 / 1001.0
        if abs(fps - ntsc) < 0.005 and fps != base:
            return ntsc
    return float(fps)


def nominal_rate(rate: float) -> float:
    """The rate as users write it: ``30000/1001`` → ``29.97``, ``24`` → ``24``."""
    for base in _NTSC_BASES:
        if abs(rate - base * 1000.0 / 1001.0) < 1e-6:
            return round(base / 1.001, 3)
    return int(rate) if float(rate).is_integer() else rate


def ms_to_frames(ms: float, rate: float) -> int:
    """Nearest whole frame at ``rate`` (frames per second) for an absolute time in ms."""
    return int(round(ms * rate / 1000.0))


def frames_to_ms(frames: float, rate: float) -> float:
    """Milliseconds of ``frames`` at ``rate``."""
    return frames * 1000.0 / rate


def rt_to_ms(time: otio.opentime.RationalTime) -> int:
    """A RationalTime as whole milliseconds (nearest)."""
    return int(round(time.value * 1000.0 / time.rate))


def ms_rt(ms: float, rate: float) -> otio.opentime.RationalTime:
    """A frame-aligned RationalTime at ``rate`` for ``ms``."""
    return otio.opentime.RationalTime(ms_to_frames(ms, rate), rate)


def span(start_ms: float, end_ms: float, rate: float) -> otio.opentime.TimeRange:
    """A frame-aligned TimeRange from absolute start/end times in ms (no drift)."""
    start_f = ms_to_frames(start_ms, rate)
    end_f = ms_to_frames(end_ms, rate)
    return otio.opentime.TimeRange(
        otio.opentime.RationalTime(start_f, rate),
        otio.opentime.RationalTime(end_f - start_f, rate),
    )


def half_frame_ms(rate: float) -> float:
    """Half a frame in ms plus 1 ms: how far a value may move through frame rounding."""
    return 500.0 / rate + 1.0
