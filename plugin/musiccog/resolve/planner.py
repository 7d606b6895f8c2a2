"""Where the music goes on a Resolve timeline: draft → placement plan (pure).

The plan says, in Resolve's own frames, what :mod:`.host` must do on the
**current** timeline: one ``AppendToTimeline`` clipInfo per BGM segment on a new
audio track, downbeat markers, and markers that note the levels Resolve's
scripting cannot set.

Why notes: ``TimelineItem.SetProperty("Volume", …)`` returns False on audio
items, and the API has no clip-level or automation call.  So on the current
timeline the music is placed **at unity gain** and each duck (and the overall
level and fades) is written as a yellow marker whose note says how far down and
for how long; the user pulls it down in the Inspector or Fairlight.  The other
mode, a *new* timeline imported from OTIO (:mod:`.resolve_otio`), carries the
same levels as real volume keyframes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from musiccog.draft.model import TRACK_AUDIO, Draft, Segment, Track
from musiccog.resolve.errors import ResolvePlacementError
from musiccog.resolve.snapshot import TimelineInfo
from musiccog.resolve.timecode import FrameRate, frame_to_timecode, ms_to_frame, span_frames

#: OTIO colour names (draft ``c``) → Resolve marker colours.
OTIO_TO_RESOLVE_COLOR = {
    "RED": "Red", "PINK": "Pink", "ORANGE": "Sand", "YELLOW": "Yellow", "GREEN": "Green",
    "CYAN": "Cyan", "BLUE": "Blue", "PURPLE": "Purple", "MAGENTA": "Fuchsia",
    "BLACK": "Cocoa", "WHITE": "Cream",
}
#: A key below this share of the segment's level counts as a duck.
DUCK_THRESHOLD = 0.95
#: customData prefix of every marker this tool adds.
CUSTOM_DATA_PREFIX = "musiccog"


@dataclass(frozen=True)
class AppendStep:
    """One ``AppendToTimeline`` clipInfo, before the media pool item is known.

    ``source_start``/``source_frames`` count frames at the clip's own rate;
    ``record_frame`` is absolute; ``record_frames`` is the expected timeline length,
    exact when ``same_rate`` (clip and timeline count the same frames), else ±1.
    """

    media_path: str
    source_start: int
    source_frames: int
    record_frame: int
    record_frames: int
    same_rate: bool = True

    def clip_info(self, media_pool_item: object, track_index: int, *,
                  end_exclusive: bool) -> dict[str, object]:
        """The dict for ``MediaPool.AppendToTimeline`` (audio only, mediaType 2)."""
        end = self.source_start + self.source_frames - (0 if end_exclusive else 1)
        return {
            "mediaPoolItem": media_pool_item,
            "startFrame": self.source_start,
            "endFrame": end,
            "mediaType": 2,
            "trackIndex": track_index,
            "recordFrame": self.record_frame,
        }


@dataclass(frozen=True)
class MarkerStep:
    """One ``Timeline.AddMarker`` call; ``frame`` relative to the timeline start."""

    frame: int
    color: str
    name: str
    note: str
    duration: int
    custom_data: str


@dataclass(frozen=True)
class PlacementPlan:
    appends: tuple[AppendStep, ...]
    markers: tuple[MarkerStep, ...]
    skipped: tuple[str, ...]
    notes: tuple[str, ...]


def bgm_track(draft: Draft) -> Track:
    """The draft's BGM track (``m.role == "bgm"`` or named BGM); the last one wins."""
    found = [t for t in draft.known_tracks(TRACK_AUDIO)
             if (t.metadata or {}).get("role") == "bgm" or (t.name or "").upper() == "BGM"]
    if not found or not found[-1].segments:
        raise ResolvePlacementError(
            "the synced draft has no BGM track with music on it; run the sync again "
            "(or check the backend's answer with 'musiccog show')."
        )
    return found[-1]


def segment_media(seg: Segment, bgm_path: str | Path | None) -> str:
    """The file a BGM segment plays: its own ``src`` when on disk, else the rendered BGM."""
    if seg.source and Path(seg.source).is_file():
        return str(Path(seg.source).resolve())
    if bgm_path is not None:
        return str(Path(bgm_path).resolve())
    raise ResolvePlacementError(
        f"the BGM segment's media {seg.source!r} is not a local file and no rendered "
        "music file came back; run the sync again."
    )


def gain_db(gain: float) -> float:
    """Linear gain → dB, clamped to Resolve's clip-volume range −100…+30 dB."""
    if gain <= 0:
        return -100.0
    return max(-100.0, min(30.0, 20.0 * math.log10(gain)))


def duck_regions(seg: Segment) -> list[tuple[float, float, float]]:
    """``(start_ms, end_ms, lowest_gain)`` of each dip, ms from the segment start.

    ``vk`` gains multiply ``v`` (docs/draft-format.md); a dip is a run of keys below
    :data:`DUCK_THRESHOLD`, from the last key at full level before it to the first
    key back at it (ramps included).  ``lowest_gain`` is the effective gain (``v × g``).
    """
    level = seg.volume if seg.volume is not None else 1.0
    regions: list[tuple[float, float, float]] = []
    start: float | None = None
    low = 1.0
    previous_ms = 0.0
    for at_ms, gain in sorted(seg.volume_keys or []):
        if gain < DUCK_THRESHOLD:
            if start is None:
                start, low = previous_ms, gain
            low = min(low, gain)
        elif start is not None:
            regions.append((start, float(at_ms), level * low))
            start = None
        previous_ms = float(at_ms)
    if start is not None:
        regions.append((start, float(seg.duration_ms), level * low))
    return regions


def _percent(gain: float) -> str:
    return f"{gain * 100:.0f} % ({gain_db(gain):+.1f} dB)"


def plan_placement(
    draft: Draft,
    *,
    bgm_path: str | Path | None,
    info: TimelineInfo,
    source_rates: dict[str, Fraction],
    source_lengths: dict[str, int] | None = None,
    occupied_marker_frames: set[int] | frozenset[int] = frozenset(),
    run_id: str = "run",
) -> PlacementPlan:
    """Plan the BGM placement on the current timeline (see the module docstring).

    :param source_rates: frames per second of each media file as Resolve counts its
        source frames (audio pool items report 24 whatever the timeline rate).
    :param source_lengths: length of each media file in its own frames, to clamp to.
    :param occupied_marker_frames: relative frames that already hold a marker.
    """
    rate = info.rate
    track = bgm_track(draft)
    appends: list[AppendStep] = []
    for seg in sorted(track.segments, key=lambda s: s.start_ms):
        path = segment_media(seg, bgm_path)
        rel_first, rec_frames = span_frames(seg.start_ms, seg.duration_ms, rate)
        src_rate = FrameRate(source_rates.get(path, rate.fps))
        src_first = ms_to_frame(seg.source_in_ms or 0, src_rate)
        if src_rate.fps == rate.fps:
            src_frames = rec_frames
        else:
            src_frames = round(Fraction(rec_frames) * src_rate.fps / rate.fps)
        limit = (source_lengths or {}).get(path)
        if limit is not None and src_first + src_frames > limit:
            src_frames = max(0, limit - src_first)
            rec_frames = round(Fraction(src_frames) * rate.fps / src_rate.fps)
        if rec_frames <= 0:
            continue
        appends.append(AppendStep(path, src_first, src_frames, info.start_frame + rel_first,
                                  rec_frames, src_rate.fps == rate.fps))
    if not appends:
        raise ResolvePlacementError("the BGM segments are shorter than one frame; nothing to place")

    end_rel = max(info.length_frames,
                  max(a.record_frame + a.record_frames for a in appends) - info.start_frame)
    taken = set(occupied_marker_frames)
    markers: list[MarkerStep] = []
    skipped: list[str] = []
    notes: list[str] = []

    def add(step: MarkerStep, *, may_shift: int = 0) -> None:
        for shift in range(may_shift + 1):
            frame = step.frame + shift
            if frame not in taken and 0 <= frame < end_rel:
                taken.add(frame)
                duration = max(1, min(step.duration, end_rel - frame))
                markers.append(MarkerStep(frame, step.color, step.name, step.note, duration,
                                          step.custom_data))
                return
        tc = frame_to_timecode(info.start_frame + max(0, step.frame), rate)
        skipped.append(f"{step.name} at {tc}: a marker is already there")

    # Downbeats first: they never move; the notes below shift a frame or two if needed.
    bar = 0
    for marker in sorted(draft.markers or [], key=lambda m: m.start_ms):
        if (marker.name or "").lower() != "downbeat":
            continue
        bar += 1
        add(MarkerStep(ms_to_frame(marker.start_ms, rate),
                       OTIO_TO_RESOLVE_COLOR.get((marker.color or "GREEN").upper(), "Green"),
                       "Downbeat", marker.note or f"bar {bar}", 1,
                       f"{CUSTOM_DATA_PREFIX}:{run_id}:downbeat:{bar}"))
    # Levels Resolve's API cannot set: one note at each segment start, one per duck.
    for number, seg in enumerate(sorted(track.segments, key=lambda s: s.start_ms), start=1):
        base = seg.volume if seg.volume is not None else 1.0
        parts = [f"music level {_percent(base)}"]
        if seg.fade_in_ms:
            parts.append(f"fade in {seg.fade_in_ms / 1000:.1f} s")
        if seg.fade_out_ms:
            parts.append(f"fade out {seg.fade_out_ms / 1000:.1f} s")
        ducks = duck_regions(seg)
        if ducks:
            parts.append(f"{len(ducks)} duck(s) under speech, marked in yellow")
        note = ("Music Cog: " + ", ".join(parts) + ". The clip was placed at 0 dB because "
                "Resolve's scripting cannot set clip volume: set the level in the Inspector, "
                "or sync again as a new timeline to get it as volume keyframes.")
        add(MarkerStep(ms_to_frame(seg.start_ms, rate), "Purple", f"Music Cog BGM {number}",
                       note, 1, f"{CUSTOM_DATA_PREFIX}:{run_id}:bgm:{number}"), may_shift=3)
        for k, (duck_start, duck_end, low) in enumerate(ducks, start=1):
            first, frames = span_frames(seg.start_ms + duck_start, duck_end - duck_start, rate)
            add(MarkerStep(first, "Yellow", "Duck music",
                           f"Music Cog: music down to {_percent(low)} for "
                           f"{(duck_end - duck_start) / 1000:.1f} s (ramps included).",
                           max(1, frames), f"{CUSTOM_DATA_PREFIX}:{run_id}:duck:{number}.{k}"),
                may_shift=3)
        if ducks or base != 1.0 or seg.fade_in_ms or seg.fade_out_ms:
            notes.append(f"segment {number}: " + ", ".join(parts) + " (noted in markers)")

    return PlacementPlan(tuple(appends), tuple(markers), tuple(skipped), tuple(notes))
