"""Frame rates, timecode and frame maths for Resolve timelines (pure, exact).

Resolve counts timeline positions in **absolute record frames**: a timeline
starting at ``01:00:00:00`` at 24 fps begins at frame 86 400, and every item's
``GetStart()`` and every ``recordFrame`` given to ``AppendToTimeline`` includes
that start.  Timeline markers, by contrast, are keyed by frames *relative* to
the timeline start.  Drafts count milliseconds from the timeline start.

- Rates are exact fractions: 23.976 → 24000/1001, 29.97 → 30000/1001,
  59.94 → 60000/1001 (and 47.952, 119.88).
- ``ms ↔ frame`` converts *absolute* times (never sums of rounded durations),
  so there is no drift over any length: ``ms_to_frame(frame_to_ms(f)) == f``.
- Timecode strings go through OpenTimelineIO's ``opentime`` (which implements
  SMPTE drop-frame); this module adds what it leaves out: parsing Resolve's
  ``timelineFrameRate`` setting, choosing drop-frame from the timeline (not
  from the separator a string happens to use), and refusing drop-frame labels
  that do not exist (``00:01:00;00`` at 29.97 DF).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from opentimelineio import opentime

from musiccog.resolve.errors import ResolveTimecodeError

#: Integer timebases whose NTSC (×1000/1001) variants Resolve offers.
_NTSC_BASES = (24, 30, 48, 60, 120)
#: Timebases that have a drop-frame timecode (frames dropped per minute).
_DROP_FRAMES_PER_MINUTE = {30: 2, 60: 4}
_TC_RE = re.compile(r"^\s*(\d{1,2})[:;.,](\d{2})[:;.,](\d{2})[:;.,](\d{2,3})\s*$")


@dataclass(frozen=True)
class FrameRate:
    """A timeline frame rate: ``fps`` exact, ``drop_frame`` for 29.97/59.94 DF timecode."""

    fps: Fraction
    drop_frame: bool = False

    def __post_init__(self) -> None:
        if self.fps <= 0 or self.fps > 1000:
            raise ResolveTimecodeError(f"frame rate {float(self.fps):g} is out of range (0…1000)")
        if self.drop_frame and self.timebase not in _DROP_FRAMES_PER_MINUTE:
            raise ResolveTimecodeError(
                f"drop-frame timecode exists only at 29.97 and 59.94 fps, not {self.label}; "
                "turn drop frame off in the timeline settings."
            )
        if self.drop_frame and self.fps == self.timebase:
            raise ResolveTimecodeError(
                f"drop-frame timecode needs an NTSC rate (29.97 or 59.94), not {self.timebase}"
            )

    @property
    def timebase(self) -> int:
        """The integer frames-per-second counted by timecode (30 for 29.97)."""
        return int(math.ceil(self.fps - Fraction(1, 100)))

    @property
    def as_float(self) -> float:
        """The rate as a float (exact NTSC value, e.g. 29.97002997…)."""
        return float(self.fps)

    @property
    def nominal(self) -> float | int:
        """The rate as users write it: 23.976, 29.97, 24, 25 …"""
        if self.fps.denominator == 1:
            return int(self.fps)
        if self.fps.denominator == 1001:
            return round(float(self.fps), 3)
        return float(self.fps)

    @property
    def label(self) -> str:
        """``"29.97 DF"``, ``"23.976"``, ``"25"``: the form Resolve's settings use."""
        return f"{self.nominal:g}" + (" DF" if self.drop_frame else "")


def exact_fps(value: float | int | str | Fraction) -> Fraction:
    """A frame rate as an exact fraction; NTSC nominal values snap to x·1000/1001."""
    try:
        fps = Fraction(str(value).strip()) if not isinstance(value, Fraction) else value
    except (ValueError, ZeroDivisionError):
        raise ResolveTimecodeError(
            f"frame rate {value!r} is not a number; use e.g. 24, 25, 29.97 or 23.976"
        ) from None
    for base in _NTSC_BASES:
        ntsc = Fraction(base * 1000, 1001)
        if fps != base and abs(fps - ntsc) < Fraction(5, 1000):
            return ntsc
    return fps


def parse_rate(setting: object, drop_frame_setting: object = None) -> FrameRate:
    """Parse Resolve's ``timelineFrameRate`` (``"29.97 DF"``, ``"23.976"``, ``24.0``).

    ``drop_frame_setting`` is ``timelineDropFrameTimecode`` (``"1"``/``"0"``, bool or
    None); a ``DF`` suffix in ``setting`` also turns drop-frame on.
    """
    if setting is None or (isinstance(setting, str) and not setting.strip()):
        raise ResolveTimecodeError(
            "the timeline did not report its frame rate; open the timeline settings in Resolve "
            "and check 'Timeline frame rate'."
        )
    text = str(setting).strip()
    drop = False
    if text.upper().endswith("DF"):
        drop = True
        text = text[:-2].strip()
    elif text.upper().endswith("NDF"):
        text = text[:-3].strip()
    if str(drop_frame_setting).strip().lower() in ("1", "true", "yes"):
        drop = True
    return FrameRate(exact_fps(text), drop)


def ms_to_frame(ms: float | int, rate: FrameRate) -> int:
    """Nearest frame for a time in ms; use absolute times, never durations.

    An exact half frame rounds to even, as Python's ``round`` (and so the OTIO
    mapping) does, so both placement routes agree frame for frame.
    """
    if isinstance(ms, float) and not math.isfinite(ms):
        raise ResolveTimecodeError(f"time {ms} ms is not a finite number")
    return round(Fraction(ms) * rate.fps / 1000)


def frame_to_ms(frame: int, rate: FrameRate) -> float:
    """Milliseconds at the start of ``frame`` (a float; exact to float precision)."""
    return float(Fraction(int(frame)) * 1000 / rate.fps)


def span_frames(start_ms: float, duration_ms: float, rate: FrameRate) -> tuple[int, int]:
    """``(first_frame, frame_count)`` of a range given in ms, from absolute ends (no drift)."""
    first = ms_to_frame(start_ms, rate)
    return first, ms_to_frame(start_ms + duration_ms, rate) - first


def frame_to_timecode(frame: int, rate: FrameRate) -> str:
    """SMPTE timecode of an absolute frame count (``;`` before frames when drop-frame)."""
    if int(frame) != frame or frame < 0:
        raise ResolveTimecodeError(f"frame {frame!r} must be a whole number >= 0")
    rt = opentime.RationalTime(int(frame), rate.as_float)
    return opentime.to_timecode(rt, rate.as_float, rate.drop_frame)


def timecode_to_frame(timecode: str, rate: FrameRate) -> int:
    """Absolute frame count of a timecode at ``rate`` (drop-frame decided by ``rate``).

    Raises :class:`ResolveTimecodeError` for malformed text, fields out of range and
    drop-frame labels that do not exist (frames 00/01 of minutes not divisible by 10).
    """
    match = _TC_RE.match(str(timecode))
    if not match:
        raise ResolveTimecodeError(
            f"timecode {timecode!r} is not HH:MM:SS:FF (use ';' before frames for drop frame)"
        )
    hours, minutes, seconds, frames = (int(g) for g in match.groups())
    if minutes > 59 or seconds > 59 or frames >= rate.timebase:
        raise ResolveTimecodeError(
            f"timecode {timecode!r} has a field out of range at {rate.label} "
            f"(minutes/seconds 0–59, frames 0–{rate.timebase - 1})"
        )
    sep = ";" if rate.drop_frame else ":"
    if rate.drop_frame:
        dropped = _DROP_FRAMES_PER_MINUTE[rate.timebase]
        if seconds == 0 and frames < dropped and minutes % 10 != 0:
            raise ResolveTimecodeError(
                f"timecode {timecode!r} does not exist in drop-frame timecode at {rate.label}: "
                f"frames 00–{dropped - 1:02d} are skipped at the start of each minute "
                "not divisible by 10."
            )
    text = f"{hours:02d}:{minutes:02d}:{seconds:02d}{sep}{frames:02d}"
    return int(round(opentime.from_timecode(text, rate.as_float).value))


def start_ms(start_frame: int, rate: FrameRate) -> float:
    """The draft's ``m.tc``: the timeline start frame as ms (OTIO ``global_start_time``)."""
    return frame_to_ms(start_frame, rate)
