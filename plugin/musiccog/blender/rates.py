"""Blender frame rates and frame ⇄ millisecond maths (exact, over fractions).

Blender stores a scene's rate as an integer ``fps`` and a float ``fps_base``
(29.97 is ``30 / 1.001``). Drafts write the rate as users do (``29.97``,
``23.976``). Frame positions are converted from absolute times, never by summing
rounded lengths, so nothing drifts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from musiccog.errors import MusicCogError

#: Integer rates whose NTSC variant (``n / 1.001``) is written with decimals.
NTSC_BASES = (24, 30, 48, 60, 120, 240)
#: How close (fps) a draft rate must be to ``n / 1.001`` to count as NTSC.
NTSC_TOLERANCE_FPS = 0.005


class FrameRateError(MusicCogError):
    """A frame rate Blender cannot use (zero, negative or absurd)."""


@dataclass(frozen=True)
class SceneRate:
    """A Blender scene rate: ``fps`` (1…32767) and ``fps_base`` (> 0)."""

    fps: int
    fps_base: float

    @property
    def exact(self) -> Fraction:
        """Frames per second as an exact fraction (``30 / 1.001`` → ``30000/1001``)."""
        return Fraction(self.fps) / Fraction(str(round(self.fps_base, 6)))

    @property
    def draft_fps(self) -> float | int:
        """The rate as a draft writes it: ``24``, ``29.97``, ``23.976``, ``12.5``."""
        value = self.exact
        if value.denominator == 1:
            return int(value)
        return round(float(value), 3)

    def frames_to_ms(self, frames: float) -> float | int:
        """Milliseconds for ``frames`` frames (rounded to 1 µs; int when whole)."""
        ms = round(float(Fraction(frames) * 1000 / self.exact), 3)
        return int(ms) if ms.is_integer() else ms

    def ms_to_frames(self, ms: float) -> int:
        """The nearest whole frame for ``ms`` milliseconds."""
        return round(Fraction(ms) * self.exact / 1000)


def scene_rate_for(fps: float) -> SceneRate:
    """The Blender ``fps``/``fps_base`` pair for a draft rate (``29.97`` → ``30, 1.001``)."""
    if not isinstance(fps, int | float) or not math.isfinite(fps) or not 0 < fps <= 1000:
        raise FrameRateError(
            f"frame rate {fps!r} is not usable; give a rate between 0 and 1000 fps."
        )
    for base in NTSC_BASES:
        if abs(fps - base / 1.001) < NTSC_TOLERANCE_FPS:
            return SceneRate(base, 1.001)
    if float(fps).is_integer():
        return SceneRate(int(fps), 1.0)
    whole = math.ceil(fps)
    return SceneRate(whole, round(whole / fps, 6))
