"""A VSE edit as plain data, and that edit as a draft (pure; the add-on fills the snapshot).

Mapping:

- the timeline starts at the scene's first frame (``frame_start``, the "in") and
  the draft's ``d`` is the in…out range; a strip that starts before the in is cut
  at it (its in-point moves on), a strip that ends before it is left out;
- each channel becomes a track per kind: movie, image and colour strips → video
  (``tt`` 0), sound strips → audio (``tt`` 1), text strips → text (``tt`` 7); the
  channel number rides in the track's ``m.blender.channel``; channel gaps are gaps;
- ``i`` is the media in-point, ``sd`` the media length, ``v`` a sound strip's volume, or
  ``vk`` its volume keyframes when the volume is animated;
- colour strips have no media: their colour rides in ``m.blender``;
- scene, meta, mask, clip and effect strips are not carried; :func:`snapshot_to_draft`
  says which it left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from musiccog.blender.rates import SceneRate
from musiccog.draft.model import TRACK_AUDIO, TRACK_TEXT, TRACK_VIDEO, Draft
from musiccog.draft.validate import parse_draft

#: Strip types that become segments, and the track type each goes to.
TRACK_TYPE_BY_KIND = {
    "MOVIE": TRACK_VIDEO,
    "IMAGE": TRACK_VIDEO,
    "COLOR": TRACK_VIDEO,
    "SOUND": TRACK_AUDIO,
    "TEXT": TRACK_TEXT,
}
#: Key of the Blender-specific data in track and segment ``m``.
META_KEY = "blender"


@dataclass(frozen=True)
class StripSnapshot:
    """One top-level VSE strip. Frames are scene frames; ``end_frame`` is exclusive.

    ``content_start_frame`` is where the media's first frame sits (Blender's
    ``frame_start``); ``source_frames`` the media length in scene frames.
    """

    name: str
    kind: str
    channel: int
    start_frame: int
    end_frame: int
    content_start_frame: float
    source: str | None = None
    source_frames: float | None = None
    volume: float | None = None
    muted: bool = False
    color: tuple[float, float, float] | None = None
    text: str | None = None
    #: ``(scene frame, linear volume)`` keyframes of a sound strip's volume, if animated.
    volume_keys: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class SceneSnapshot:
    """What the draft needs of a scene: rate, in/out (inclusive), size, strips, markers."""

    title: str
    rate: SceneRate
    frame_start: int
    frame_end: int
    width: int
    height: int
    strips: tuple[StripSnapshot, ...] = ()
    markers: tuple[tuple[str, int], ...] = ()
    channel_names: dict[int, str] = field(default_factory=dict)
    muted_channels: frozenset[int] = frozenset()

    @property
    def top_channel(self) -> int:
        """Highest channel any strip uses (0 when the edit is empty)."""
        return max((s.channel for s in self.strips), default=0)


@dataclass
class DraftReading:
    """The draft of an edit plus the strips it left out (``"name (TYPE)"`` each)."""

    draft: Draft
    skipped: list[str] = field(default_factory=list)

    def notes(self) -> list[str]:
        """Sentences for the user about what the draft does not carry."""
        if not self.skipped:
            return []
        shown = ", ".join(self.skipped[:5]) + (" …" if len(self.skipped) > 5 else "")
        return [f"left out {len(self.skipped)} strip(s) a draft cannot carry: {shown}"]


def _segment(strip: StripSnapshot, snap: SceneSnapshot) -> dict[str, Any] | None:
    rate = snap.rate
    origin = snap.frame_start
    start = max(strip.start_frame, origin)
    if strip.end_frame <= start:
        return None
    seg: dict[str, Any] = {
        "s": rate.frames_to_ms(start - origin),
        "d": rate.frames_to_ms(strip.end_frame - start),
        "n": strip.name,
    }
    extra: dict[str, Any] = {"type": strip.kind}
    if strip.source is not None:
        seg["src"] = strip.source
        seg["i"] = rate.frames_to_ms(max(start - strip.content_start_frame, 0))
        if strip.source_frames:
            seg["sd"] = rate.frames_to_ms(strip.source_frames)
    if strip.kind == "SOUND" and strip.volume_keys:
        # An animated level travels as volume keys (ms from the segment's start).
        seg["vk"] = [
            [rate.frames_to_ms(frame - start), round(min(max(value, 0.0), 4.0), 6)]
            for frame, value in strip.volume_keys
            if start <= frame <= strip.end_frame
        ]
    elif strip.kind == "SOUND" and strip.volume is not None and strip.volume != 1.0:
        seg["v"] = round(min(max(strip.volume, 0.0), 4.0), 6)
    if strip.color is not None:
        extra["color"] = [round(c, 6) for c in strip.color]
    if strip.text is not None:
        seg["tx"] = strip.text
    if strip.muted:
        extra["mute"] = True
    seg["m"] = {META_KEY: extra}
    return seg


def snapshot_to_draft(snap: SceneSnapshot) -> DraftReading:
    """The edit as a draft: one track per (channel, kind), channels ascending."""
    tracks: dict[tuple[int, int], dict[str, Any]] = {}
    skipped: list[str] = []
    for strip in sorted(snap.strips, key=lambda s: (s.channel, s.start_frame)):
        track_type = TRACK_TYPE_BY_KIND.get(strip.kind)
        if track_type is None:
            skipped.append(f"{strip.name} ({strip.kind})")
            continue
        seg = _segment(strip, snap)
        if seg is None:
            skipped.append(f"{strip.name} (before the scene's start frame)")
            continue
        key = (strip.channel, track_type)
        if key not in tracks:
            tracks[key] = {
                "tt": track_type,
                "n": snap.channel_names.get(strip.channel, f"Channel {strip.channel}"),
                "sg": [],
                "m": {META_KEY: {"channel": strip.channel}},
            }
            if strip.channel in snap.muted_channels:
                tracks[key]["mu"] = True
        tracks[key]["sg"].append(seg)
    rate = snap.rate
    origin = snap.frame_start
    meta: dict[str, Any] = {
        "title": snap.title,
        "fps": rate.draft_fps,
        "tc": 0,
        META_KEY: {
            "frame_start": snap.frame_start,
            "frame_end": snap.frame_end,
            "fps": rate.fps,
            "fps_base": rate.fps_base,
        },
    }
    if 0 < snap.width <= 16384 and 0 < snap.height <= 16384:
        meta["width"], meta["height"] = snap.width, snap.height
    data: dict[str, Any] = {
        "t": [tracks[k] for k in sorted(tracks)],
        "d": rate.frames_to_ms(max(snap.frame_end + 1 - origin, 0)),
        "m": meta,
    }
    markers = [
        {"s": rate.frames_to_ms(frame - origin), "n": name}
        for name, frame in sorted(snap.markers, key=lambda m: m[1])
        if frame >= origin
    ]
    if markers:
        data["mk"] = markers
    return DraftReading(draft=parse_draft(data, source="the Blender edit"), skipped=skipped)


def missing_sources(snap: SceneSnapshot) -> list[str]:
    """``"strip: path"`` for every strip whose media file does not exist."""
    from pathlib import Path

    return [
        f"{s.name}: {s.source}"
        for s in snap.strips
        if s.kind in TRACK_TYPE_BY_KIND and s.source is not None and not Path(s.source).is_file()
    ]
