"""What the timeline picture shows, computed from a draft (pure: no Qt).

The panel draws the music's beats against the video's cuts and the music's
gain (ducking) curve.  This module turns a draft into plain numbers; the Qt
widget (:mod:`musiccog.panel.timeline_view`) only maps them to pixels.

Sources in the draft (``docs/draft-format.md``): cuts are timeline markers
named ``"cut"`` (else the starts of video segments after 0); beats are markers
named ``"beat"``/``"downbeat"`` on the timeline or inside the BGM segment
(media time, mapped through ``i`` and ``sp``); the gain curve is the BGM
segment's ``v`` × ``vk`` keys × its ``fi``/``fo`` fades.  All times are ms on
the timeline; gains are linear factors (1 = unchanged).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from musiccog.draft.model import TRACK_AUDIO, TRACK_TEXT, TRACK_VIDEO, Draft, Segment, Track
from musiccog.draft.summary import is_bgm_track, summarize_track

__all__ = ["Lane", "TimelinePicture", "cuts_on_beat", "gain_at", "picture_from_draft"]


@dataclass(frozen=True)
class Lane:
    """One track row: ``kind`` video | bgm | audio | title | other; spans in ms."""

    label: str
    kind: str
    spans: tuple[tuple[float, float, str], ...]


@dataclass(frozen=True)
class TimelinePicture:
    """Everything the picture draws; times in ms on the timeline, gains linear."""

    duration_ms: float
    lanes: tuple[Lane, ...] = ()
    cuts_ms: tuple[float, ...] = ()
    beats_ms: tuple[float, ...] = ()
    downbeats_ms: tuple[float, ...] = ()
    #: one polyline of ``(ms, linear gain)`` points per BGM segment
    gain_curves: tuple[tuple[tuple[float, float], ...], ...] = field(default=())

    @property
    def has_music(self) -> bool:
        """True when a BGM lane is present."""
        return any(lane.kind == "bgm" for lane in self.lanes)


def _kind(track: Track) -> str:
    if track.track_type == TRACK_VIDEO:
        return "video"
    if track.track_type == TRACK_TEXT:
        return "title"
    if track.track_type == TRACK_AUDIO:
        return "bgm" if is_bgm_track(track) else "audio"
    return "other"


def _span_name(seg: Segment) -> str:
    if seg.text is not None:
        return seg.text
    if seg.name:
        return seg.name
    src = (seg.source or "").replace("\\", "/")
    return src.rsplit("/", 1)[-1]


def _fade_factor(seg: Segment, t_ms: float) -> float:
    """Fade envelope 0..1 at ``t_ms`` from the segment's start."""
    factor = 1.0
    if seg.fade_in_ms and t_ms < seg.fade_in_ms:
        factor = min(factor, max(0.0, t_ms / seg.fade_in_ms))
    if seg.fade_out_ms and t_ms > seg.duration_ms - seg.fade_out_ms:
        factor = min(factor, max(0.0, (seg.duration_ms - t_ms) / seg.fade_out_ms))
    return factor


def _keys_factor(seg: Segment, t_ms: float) -> float:
    """The ``vk`` keys' gain at ``t_ms`` (linear ramps, held flat outside the keys)."""
    keys = sorted(seg.volume_keys or [])
    if not keys:
        return 1.0
    times = [k[0] for k in keys]
    idx = bisect.bisect_right(times, t_ms)
    if idx == 0:
        return float(keys[0][1])
    if idx == len(keys):
        return float(keys[-1][1])
    (t0, g0), (t1, g1) = keys[idx - 1], keys[idx]
    if t1 == t0:
        return float(g1)
    return float(g0 + (g1 - g0) * (t_ms - t0) / (t1 - t0))


def gain_at(seg: Segment, t_ms: float) -> float:
    """Linear gain of ``seg`` at ``t_ms`` ms from its start: ``v`` × keys × fades."""
    base = 1.0 if seg.volume is None else float(seg.volume)
    return base * _keys_factor(seg, t_ms) * _fade_factor(seg, t_ms)


def _segment_curve(seg: Segment) -> list[tuple[float, float]]:
    points = {0.0, float(seg.duration_ms)}
    points.update(float(t) for t, _ in seg.volume_keys or [] if 0 <= t <= seg.duration_ms)
    for fade, anchor in ((seg.fade_in_ms, 0.0), (seg.fade_out_ms, float(seg.duration_ms))):
        if fade:
            edge = fade if anchor == 0.0 else anchor - fade
            points.update({edge, (anchor + edge) / 2})
    return [(seg.start_ms + t, gain_at(seg, t)) for t in sorted(points)]


def _segment_beats(seg: Segment) -> tuple[list[float], list[float]]:
    """Beat markers inside a segment (media time) mapped onto the timeline."""
    beats: list[float] = []
    downs: list[float] = []
    rate = float(seg.speed or 1.0)
    start_in = float(seg.source_in_ms or 0)
    for mk in seg.markers or []:
        t = seg.start_ms + (mk.start_ms - start_in) / rate
        if not seg.start_ms <= t <= seg.end_ms:
            continue
        if mk.name == "downbeat":
            downs.append(t)
        elif mk.name == "beat":
            beats.append(t)
    ours = (seg.metadata or {}).get("musiccog")  # the offline engine's beat list
    if isinstance(ours, dict) and isinstance(ours.get("beats_ms"), list):
        beats += [seg.start_ms + float(t) for t in ours["beats_ms"]
                  if isinstance(t, int | float) and 0 <= t <= seg.duration_ms]
    return beats, downs


def picture_from_draft(draft: Draft) -> TimelinePicture:
    """The lanes, cuts, beats and BGM gain curve of ``draft`` (see the module docstring)."""
    lanes: list[Lane] = []
    cuts: set[float] = set()
    beats: set[float] = set()
    downs: set[float] = set()
    curves: list[tuple[tuple[float, float], ...]] = []
    video_joins: set[float] = set()
    for number, track in enumerate(draft.tracks, start=1):
        if not isinstance(track, Track):
            lanes.append(Lane(f"{number}. {summarize_track(track)}", "other", ()))
            continue
        kind = _kind(track)
        spans = tuple(
            (float(s.start_ms), float(s.end_ms), _span_name(s))
            for s in sorted(track.segments, key=lambda s: s.start_ms)
        )
        lanes.append(Lane(f"{number}. {summarize_track(track)}", kind, spans))
        if kind == "video":
            for seg in track.segments:
                video_joins.add(float(seg.start_ms))
        if kind == "bgm":
            for seg in sorted(track.segments, key=lambda s: s.start_ms):
                curves.append(tuple(_segment_curve(seg)))
                seg_beats, seg_downs = _segment_beats(seg)
                beats.update(seg_beats)
                downs.update(seg_downs)
    for mk in draft.markers or []:
        if mk.name == "cut":
            cuts.add(float(mk.start_ms))
        elif mk.name == "downbeat":
            downs.add(float(mk.start_ms))
        elif mk.name == "beat":
            beats.add(float(mk.start_ms))
    duration = float(draft.end_ms)
    if not cuts:
        cuts = {t for t in video_joins if 0 < t < duration}
    return TimelinePicture(
        duration_ms=duration,
        lanes=tuple(lanes),
        cuts_ms=tuple(sorted(cuts)),
        beats_ms=tuple(sorted(beats - downs)),
        downbeats_ms=tuple(sorted(downs)),
        gain_curves=tuple(curves),
    )


#: A cut counts as on a beat within this many ms (the engine's report uses the same).
ON_BEAT_TOLERANCE_MS = 50.0


def cuts_on_beat(picture: TimelinePicture, *,
                 tolerance_ms: float = ON_BEAT_TOLERANCE_MS) -> tuple[int, int]:
    """``(cuts within tolerance_ms of a beat or downbeat, all cuts)``."""
    marks = sorted(picture.beats_ms + picture.downbeats_ms)
    hits = 0
    for cut in picture.cuts_ms:
        idx = bisect.bisect_left(marks, cut)
        near = [marks[i] for i in (idx - 1, idx) if 0 <= i < len(marks)]
        if near and min(abs(cut - m) for m in near) <= tolerance_ms:
            hits += 1
    return hits, len(picture.cuts_ms)
