"""The draft as an OTIO file Resolve imports as a *new* timeline, levels included (pure).

Resolve's OTIO dialect carries a clip's level as an effect whose metadata sits
under ``Resolve_OTIO``: ``"Effect Name": "Fairlight Clip Volume and Fades"`` with
a parameter ``"Parameter ID": "volume"`` in dB (−100…+30) and ``"Key Frames"``
mapping a frame counted **from the clip's start on the timeline** to a dB value
(linear interpolation between keys).  An untouched export has
``"Parameters": []``, so the parameter is inserted, not patched.

``ImportTimelineFromFile`` answers None, and says nothing, when any referenced
media file is missing or the path is relative: :func:`media_problems` names them
first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import opentimelineio as otio

from musiccog.draft.model import Draft, Segment
from musiccog.otio_mapping import draft_to_otio
from musiccog.resolve.planner import bgm_track, gain_db
from musiccog.resolve.timecode import FrameRate, ms_to_frame

VOLUME_EFFECT = "Fairlight Clip Volume and Fades"
RESOLVE_KEY = "Resolve_OTIO"


def url_to_path(url: str) -> str:
    """A media reference's target (``file://`` URL or plain path) as a local path."""
    if url.startswith("file:"):
        parsed = urlparse(url)
        path = unquote(parsed.path)
        if len(path) > 2 and path[0] == "/" and path[2] == ":":  # file:///C:/…
            path = path[1:]
        return path
    return url


def media_problems(timeline: otio.schema.Timeline) -> tuple[list[str], list[str]]:
    """``(missing, relative)`` media paths of every clip, each listed once, in order."""
    missing: list[str] = []
    relative: list[str] = []
    for clip in timeline.find_clips():
        ref = clip.media_reference
        if not isinstance(ref, otio.schema.ExternalReference):
            continue
        path = url_to_path(ref.target_url or "")
        if not path:
            continue
        if not (Path(path).is_absolute() or path.startswith("\\\\")):
            if path not in relative:
                relative.append(path)
        elif not Path(path).is_file() and path not in missing:
            missing.append(path)
    return missing, relative


def gain_at(seg: Segment, at_ms: float) -> float:
    """The linear gain of ``seg`` at ``at_ms`` from its start: ``v`` × keys × fades.

    ``vk`` gains multiply ``v`` with linear ramps between keys; before the first
    and after the last key the nearest key holds (docs/draft-format.md).
    """
    gain = seg.volume if seg.volume is not None else 1.0
    keys = sorted(seg.volume_keys or [])
    if keys:
        if at_ms <= keys[0][0]:
            factor = keys[0][1]
        elif at_ms >= keys[-1][0]:
            factor = keys[-1][1]
        else:
            factor = 1.0
            for (t0, g0), (t1, g1) in zip(keys, keys[1:], strict=False):
                if t0 <= at_ms <= t1:
                    factor = g0 if t1 == t0 else g0 + (g1 - g0) * (at_ms - t0) / (t1 - t0)
                    break
        gain *= factor
    if seg.fade_in_ms and at_ms < seg.fade_in_ms:
        gain *= max(0.0, at_ms / seg.fade_in_ms)
    if seg.fade_out_ms and at_ms > seg.duration_ms - seg.fade_out_ms:
        gain *= max(0.0, (seg.duration_ms - at_ms) / seg.fade_out_ms)
    return gain


def volume_keyframes(seg: Segment, rate: FrameRate) -> dict[int, float]:
    """Clip-relative frame → dB keys for a segment (empty when the level never changes)."""
    if not seg.volume_keys and not seg.fade_in_ms and not seg.fade_out_ms:
        return {}
    times = {0.0, float(seg.duration_ms)}
    times |= {float(t) for t, _ in seg.volume_keys or [] if 0 <= t <= seg.duration_ms}
    if seg.fade_in_ms:
        times.add(float(min(seg.fade_in_ms, seg.duration_ms)))
    if seg.fade_out_ms:
        times.add(float(max(0.0, seg.duration_ms - seg.fade_out_ms)))
    last = max(0, ms_to_frame(seg.start_ms + seg.duration_ms, rate)
               - ms_to_frame(seg.start_ms, rate) - 1)
    keys: dict[int, float] = {}
    for at_ms in sorted(times):
        frame = min(last, ms_to_frame(seg.start_ms + at_ms, rate) - ms_to_frame(seg.start_ms, rate))
        at = min(at_ms, float(seg.duration_ms))
        keys[frame] = round(gain_db(gain_at(seg, at)), 3)
    return dict(sorted(keys.items()))


def volume_effect(level_db: float, keys: dict[int, float]) -> otio.schema.Effect:
    """A ``Resolve Effect`` carrying the clip volume as Resolve writes it."""
    parameter: dict[str, Any] = {
        "Parameter ID": "volume",
        "Parameter Value": level_db,
        "Default Parameter Value": 0.0,
        "Variant Type": "Double",
        "minValue": -100.0,
        "maxValue": 30.0,
    }
    if keys:
        parameter["Key Frames"] = {str(f): {"Value": db, "Variant Type": "Double"}
                                   for f, db in keys.items()}
    return otio.schema.Effect(
        name="",
        effect_name="Resolve Effect",
        metadata={RESOLVE_KEY: {"Effect Name": VOLUME_EFFECT, "Enabled": True, "Name": "Volume",
                                "Parameters": [parameter], "Type": 62}},
    )


def _set_volume(clip: otio.schema.Clip, effect: otio.schema.Effect) -> None:
    for index, old in enumerate(clip.effects):
        meta = old.metadata.get(RESOLVE_KEY) if RESOLVE_KEY in old.metadata else None
        if meta is not None and meta.get("Effect Name") == VOLUME_EFFECT:
            clip.effects[index] = effect
            return
    clip.effects.append(effect)


def draft_to_resolve_otio(draft: Draft, *, rate: FrameRate, start_frame: int,
                          name: str) -> otio.schema.Timeline:
    """The draft as an OTIO timeline for ``ImportTimelineFromFile``.

    The BGM clips carry their level, fades and ducking as volume keyframes; the
    start is pinned to ``start_frame`` at ``rate`` so the new timeline keeps the
    current one's start timecode.
    """
    timeline = draft_to_otio(draft)
    timeline.name = name
    timeline.global_start_time = otio.opentime.RationalTime(start_frame, rate.as_float)
    track = bgm_track(draft)
    segments = sorted(track.segments, key=lambda s: s.start_ms)
    index = [i for i, t in enumerate(draft.known_tracks()) if t is track][0]
    otio_track = timeline.tracks[index]
    clips = [c for c in otio_track if isinstance(c, otio.schema.Clip)]
    for seg, clip in zip(segments, clips, strict=False):
        base = seg.volume if seg.volume is not None else 1.0
        _set_volume(clip, volume_effect(round(gain_db(base), 3), volume_keyframes(seg, rate)))
    return timeline
