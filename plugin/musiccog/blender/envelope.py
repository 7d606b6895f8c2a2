"""A music segment's level as Blender volume keyframes (pure).

The draft says how loud a segment plays with ``v`` (linear gain), ``fi``/``fo``
(fade lengths, ms) and ``vk`` (``[ms from segment start, linear gain]`` pairs
multiplied with ``v``, linear between keys; see ``docs/draft-format.md``). Blender
animates a sound strip's ``volume`` (linear factor, 0…100) with keyframes on scene
frames and plays them per frame, so the envelope is sampled at whole frames:
every breakpoint of the fades and keys, plus every frame where a fade and a
ducking ramp overlap (their product is not a straight line).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from musiccog.blender.rates import SceneRate
from musiccog.draft.model import Segment


def _key_gain(keys: Sequence[tuple[float, float]], t_ms: float) -> float:
    """Linear interpolation over ``keys`` (sorted by time), held flat outside them."""
    if not keys:
        return 1.0
    times = [k[0] for k in keys]
    idx = bisect_right(times, t_ms)
    if idx == 0:
        return float(keys[0][1])
    if idx == len(keys):
        return float(keys[-1][1])
    (t0, g0), (t1, g1) = keys[idx - 1], keys[idx]
    if t1 == t0:
        return float(g1)
    return float(g0 + (g1 - g0) * (t_ms - t0) / (t1 - t0))


def _fade_gain(t_ms: float, duration_ms: float, fade_in_ms: float, fade_out_ms: float) -> float:
    gain = 1.0
    if fade_in_ms > 0 and t_ms < fade_in_ms:
        gain *= max(0.0, t_ms / fade_in_ms)
    if fade_out_ms > 0 and t_ms > duration_ms - fade_out_ms:
        gain *= max(0.0, (duration_ms - t_ms) / fade_out_ms)
    return gain


def gain_at(segment: Segment, t_ms: float) -> float:
    """The segment's linear gain ``t_ms`` ms after its start (``v`` × keys × fades)."""
    keys = sorted(segment.volume_keys or [], key=lambda k: k[0])
    base = 1.0 if segment.volume is None else float(segment.volume)
    return base * _key_gain(keys, t_ms) * _fade_gain(
        t_ms, segment.duration_ms, segment.fade_in_ms or 0, segment.fade_out_ms or 0
    )


def has_envelope(segment: Segment) -> bool:
    """True when the level changes over the segment (fades or volume keys)."""
    return bool(segment.fade_in_ms or segment.fade_out_ms or segment.volume_keys)


def volume_keyframes(
    segment: Segment, *, origin_frame: int, rate: SceneRate
) -> list[tuple[int, float]]:
    """``[(scene frame, linear volume)]`` for the segment, timeline starting at ``origin_frame``.

    Frames are absolute scene frames: a time ``t`` ms into the segment sits on
    ``origin_frame + round((s + t) × fps / 1000)``, the same rule that places the
    strip, so the first key is on the strip's first frame and the last on its end
    (exclusive) frame. Keys that round to the same frame keep the later value,
    except the first and last frame, which keep the segment's own start and end
    level. Empty when the segment has no fades or keys (its level is ``v``).
    """
    if not has_envelope(segment):
        return []
    duration_ms = segment.duration_ms
    fade_in = min(segment.fade_in_ms or 0, duration_ms)
    fade_out = min(segment.fade_out_ms or 0, duration_ms)
    key_times = sorted({min(max(float(t), 0.0), duration_ms) for t, _ in segment.volume_keys or []})
    points = {0.0, float(duration_ms), float(fade_in), float(duration_ms - fade_out), *key_times}
    # Where a fade overlaps a ramp between two different key gains, sample every frame.
    keys = sorted(segment.volume_keys or [], key=lambda k: k[0])
    ramps = [(a[0], b[0]) for a, b in zip(keys, keys[1:], strict=False) if a[1] != b[1]]
    fades = [(0.0, fade_in), (duration_ms - fade_out, duration_ms)]
    frame_ms = 1000.0 / float(rate.exact)
    for r0, r1 in ramps:
        for f0, f1 in fades:
            lo, hi = max(r0, f0), min(r1, f1)
            t = lo
            while t < hi:
                points.add(t)
                t += frame_ms
    start_ms = segment.start_ms
    start_frame = origin_frame + rate.ms_to_frames(start_ms)
    end_frame = origin_frame + rate.ms_to_frames(start_ms + duration_ms)
    by_frame: dict[int, float] = {}
    for t_ms in sorted(points):
        frame = min(origin_frame + rate.ms_to_frames(start_ms + t_ms), end_frame)
        by_frame[frame] = round(gain_at(segment, t_ms), 6)
    by_frame[start_frame] = round(gain_at(segment, 0.0), 6)
    by_frame[end_frame] = round(gain_at(segment, float(duration_ms)), 6)
    return sorted(by_frame.items())
