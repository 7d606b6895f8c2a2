"""OpenTimelineIO → draft.

The inverse of :mod:`musiccog.otio_mapping.to_otio`.  Positions come from each
item's absolute range in its track (``range_of_all_children``), converted to
whole milliseconds.  Values a draft stored in the namespace win while OTIO
still says the same thing (within frame rounding), so draft → OTIO → draft is
exact; OTIO-only elements (transitions, nested stacks/tracks, effects, named
gaps, unusual media references) ride in ``ox`` as otio_json and come back.
"""

from __future__ import annotations

from typing import Any

import opentimelineio as otio

from musiccog.draft.model import TRACK_AUDIO, TRACK_TEXT, TRACK_VIDEO, Draft
from musiccog.draft.validate import parse_draft
from musiccog.errors import MappingError
from musiccog.otio_mapping.common import (
    OTIO_EXTRA_KEY,
    SPEED_EFFECT_NAME,
    TEXT_GENERATOR_KIND,
    namespace,
    plain_metadata,
    same_time,
    serialize,
)
from musiccog.otio_mapping.timecode import (
    DEFAULT_RATE_FPS,
    half_frame_ms,
    nominal_rate,
    rt_to_ms,
)


class _Ns:
    """A namespace dict read back, with the rule for each native key."""

    def __init__(self, raw: dict[str, Any] | None) -> None:
        self.raw = raw or {}
        self.foreign = raw is None
        self.orig: dict[str, Any] = self.raw.get("orig", {}) or {}
        self.keep: dict[str, Any] = dict(self.raw.get("keep", {}) or {})
        self.present: set[str] = set(self.raw.get("present", []) or [])

    def has(self, key: str) -> bool:
        return key in self.present

    def pick_time(self, key: str, computed: float, tolerance_ms: float) -> Any:
        """The stored value when OTIO still agrees with it, else OTIO's."""
        stored = self.orig.get(key)
        if key in self.orig and same_time(stored, computed, tolerance_ms):
            return stored
        return computed

    def pick(self, key: str, computed: Any) -> Any:
        stored = self.orig.get(key)
        if key in self.orig and (
            _as_otio_holds(stored) == computed or (stored is None and computed in ("", None))
        ):
            return stored
        return computed


def _as_otio_holds(value: Any) -> Any:
    """What OTIO keeps of a value: text stops at the first NUL (C strings)."""
    return value.split("\x00", 1)[0] if isinstance(value, str) else value


def _emit(out: dict[str, Any], ns: _Ns, key: str, value: Any, default: Any) -> None:
    """Put ``key`` in ``out`` when the draft had it or OTIO's value is not the default."""
    if ns.has(key):
        out[key] = ns.pick(key, value) if not isinstance(value, (list, dict)) else value
    elif value != default and value is not None:
        out[key] = value


def _user_meta(out: dict[str, Any], ns: _Ns, obj: Any) -> None:
    if "m" in ns.raw:
        out["m"] = ns.raw["m"]
        return
    meta = plain_metadata(obj)
    if meta or ns.raw.get("m_spread"):
        out["m"] = meta


def _detect_rate(timeline: otio.schema.Timeline) -> float:
    if timeline.global_start_time is not None:
        return timeline.global_start_time.rate
    for clip in timeline.find_clips():
        if clip.source_range is not None:
            return clip.source_range.duration.rate
        available = clip.available_range() if clip.media_reference else None
        if available is not None:
            return available.duration.rate
    for track in timeline.tracks:
        for item in track:
            if isinstance(item, otio.core.Item) and item.source_range is not None:
                return item.source_range.duration.rate
    return DEFAULT_RATE_FPS


def _marker(marker: otio.schema.Marker, rate: float) -> dict[str, Any]:
    ns = _Ns(namespace(marker))
    out: dict[str, Any] = dict(ns.keep)
    rng = marker.marked_range
    start_ms = rt_to_ms(rng.start_time)
    out["s"] = ns.pick_time("s", start_ms, half_frame_ms(rate))
    duration_ms = rt_to_ms(rng.end_time_exclusive()) - start_ms
    if ns.has("d") or duration_ms:
        out["d"] = ns.pick_time("d", duration_ms, 2 * half_frame_ms(rate))
    _emit(out, ns, "n", marker.name, "")
    _emit(out, ns, "c", marker.color, otio.schema.MarkerColor.RED)
    _emit(out, ns, "nt", getattr(marker, "comment", ""), "")
    _user_meta(out, ns, marker)
    return out


def _is_plain_reference(ref: Any) -> bool:
    if ref.metadata or ref.name:
        return False
    available = ref.available_range
    if available is not None and available.start_time.value != 0:
        return False
    if isinstance(ref, otio.schema.GeneratorReference):
        params = ref.parameters  # len/in: iterating an AnyDictionary's keys costs 5× more
        return ref.generator_kind == TEXT_GENERATOR_KIND and (
            len(params) == 0 or (len(params) == 1 and "text" in params))
    if isinstance(ref, otio.schema.ExternalReference):
        return getattr(ref, "available_image_bounds", None) is None
    return isinstance(ref, otio.schema.MissingReference)


def _segment_from_clip(
    clip: otio.schema.Clip, start_ms: int, end_ms: int, rate: float
) -> tuple[dict[str, Any], Any]:
    ns = _Ns(namespace(clip))
    out: dict[str, Any] = dict(ns.keep)
    out["s"] = ns.pick_time("s", start_ms, half_frame_ms(rate))
    out["d"] = ns.pick_time("d", end_ms - start_ms, 2 * half_frame_ms(rate))
    trimmed = clip.source_range or clip.trimmed_range()
    in_ms = rt_to_ms(trimmed.start_time)
    if ns.has("i"):
        out["i"] = ns.pick_time("i", in_ms, half_frame_ms(rate))
    elif in_ms:
        out["i"] = in_ms
    ref = clip.media_reference
    extra: dict[str, Any] = {}
    if isinstance(ref, otio.schema.ExternalReference):
        _emit(out, ns, "src", ref.target_url, None)
    if isinstance(ref, otio.schema.GeneratorReference) and "text" in ref.parameters:
        _emit(out, ns, "tx", str(ref.parameters["text"]), "")
    available = ref.available_range if ref is not None else None
    if available is not None:
        sd_ms = rt_to_ms(available.duration)
        out["sd"] = ns.pick_time("sd", sd_ms, half_frame_ms(rate)) if ns.has("sd") else sd_ms
    elif ns.has("sd"):
        out["sd"] = ns.orig.get("sd")
    if ref is not None and not _is_plain_reference(ref):
        extra["mr"] = serialize(ref)
    _emit(out, ns, "n", clip.name, "")
    others = []
    effects = clip.effects
    for effect in effects if len(effects) else ():
        if isinstance(effect, otio.schema.LinearTimeWarp) and effect.name == SPEED_EFFECT_NAME:
            out["sp"] = ns.pick_time("sp", effect.time_scalar, 1e-9)
        else:
            others.append(serialize(effect))
    if others:
        extra["fx"] = others
    if not clip.enabled:
        extra["enabled"] = False
    clip_markers = clip.markers
    markers = [_marker(m, rate) for m in clip_markers] if len(clip_markers) else []
    if markers or ns.has("mk"):
        out.setdefault("mk", markers) if "mk" in ns.keep else out.__setitem__("mk", markers)
    _user_meta(out, ns, clip)
    _merge_extra(out, ns, extra)
    return out, ns.raw.get("index")


def _merge_extra(out: dict[str, Any], ns: _Ns, extra: dict[str, Any]) -> None:
    """Set ``ox`` from what OTIO-only data was found (or keep the draft's own ``ox``)."""
    if extra:
        out[OTIO_EXTRA_KEY] = extra
    elif ns.has(OTIO_EXTRA_KEY) and OTIO_EXTRA_KEY in ns.orig:
        out[OTIO_EXTRA_KEY] = ns.orig[OTIO_EXTRA_KEY]


def _segment_from_composition(item: Any, start_ms: int, end_ms: int, rate: float) -> dict[str, Any]:
    ns = _Ns(namespace(item))
    out: dict[str, Any] = dict(ns.keep)
    out["s"] = ns.pick_time("s", start_ms, half_frame_ms(rate))
    out["d"] = ns.pick_time("d", end_ms - start_ms, 2 * half_frame_ms(rate))
    _emit(out, ns, "n", item.name, "")
    copy = item.deepcopy()
    copy.metadata.pop("musiccog_draft", None)
    out[OTIO_EXTRA_KEY] = {"item": serialize(copy)}
    return out


def _track_type(track: otio.schema.Track, ns: _Ns) -> int:
    stored = ns.orig.get("tt")
    if track.kind == otio.schema.TrackKind.Audio:
        return TRACK_AUDIO
    if stored in (TRACK_VIDEO, TRACK_TEXT):
        return stored
    clips = list(track.find_clips(shallow_search=True))
    if clips and all(
        isinstance(c.media_reference, otio.schema.GeneratorReference)
        and c.media_reference.generator_kind == TEXT_GENERATOR_KIND
        for c in clips
    ):
        return TRACK_TEXT
    return TRACK_VIDEO


def _track(track: Any, rate: float, index: int) -> dict[str, Any]:
    if not isinstance(track, otio.schema.Track):
        raise MappingError(
            f"tracks[{index}] ({type(track).__name__} {track.name!r}) is not a track; the draft "
            "holds only tracks at the top level. Wrap it in a track and try again."
        )
    if track.source_range is not None:
        raise MappingError(
            f"track {track.name!r} is trimmed (it has a source range); the draft cannot express a "
            "trimmed track. Remove the trim in your editor and export again."
        )
    ns = _Ns(namespace(track))
    out: dict[str, Any] = dict(ns.keep)
    out["tt"] = _track_type(track, ns)
    extra: dict[str, Any] = {}
    if track.kind not in (otio.schema.TrackKind.Audio, otio.schema.TrackKind.Video):
        extra["kind"] = track.kind
    ranges = track.range_of_all_children()
    segments: list[tuple[Any, dict[str, Any]]] = []
    transitions: list[dict[str, Any]] = []
    gaps: list[dict[str, Any]] = []
    last_item_end_ms = 0
    track_end_ms = 0
    for position, child in enumerate(track):
        if isinstance(child, otio.schema.Transition):
            transitions.append({"at": position, "otio": serialize(child)})
            continue
        rng = ranges[child]
        start_ms = rt_to_ms(rng.start_time)
        end_ms = rt_to_ms(rng.end_time_exclusive())
        track_end_ms = max(track_end_ms, end_ms)
        if isinstance(child, otio.schema.Gap):
            if child.name or child.metadata or child.effects or child.markers:
                gaps.append({"s": start_ms, "otio": serialize(child)})
            continue
        last_item_end_ms = max(last_item_end_ms, end_ms)
        if isinstance(child, otio.schema.Clip):
            segments.append(_segment_from_clip(child, start_ms, end_ms, rate)[::-1])
        else:
            segments.append((None, _segment_from_composition(child, start_ms, end_ms, rate)))
    if any(index is not None for index, _ in segments):
        segments.sort(key=lambda pair: pair[0] if pair[0] is not None else 1 << 30)
    if transitions:
        extra["tr"] = transitions
    if gaps:
        extra["gaps"] = gaps
    if track_end_ms > last_item_end_ms:
        extra["end_gap_ms"] = track_end_ms
    if track.effects:
        extra["fx"] = [serialize(e) for e in track.effects]
    muted = not track.enabled
    if ns.has("mu"):
        out["mu"] = ns.pick("mu", muted) if ns.orig.get("mu") is not None or muted else None
    elif muted:
        out["mu"] = True
    if "sg" not in ns.keep:
        out["sg"] = [seg for _, seg in segments]
    _emit(out, ns, "n", track.name, "")
    markers = [_marker(m, rate) for m in track.markers]
    if (markers or ns.has("mk")) and "mk" not in ns.keep:
        out["mk"] = markers
    _user_meta(out, ns, track)
    _merge_extra(out, ns, extra)
    return out


def otio_to_json(timeline: otio.schema.Timeline) -> dict[str, Any]:
    """An OTIO Timeline as draft JSON data (not yet validated)."""
    if not isinstance(timeline, otio.schema.Timeline):
        raise MappingError(
            f"expected an OTIO Timeline, got {type(timeline).__name__}; open a file that holds "
            "one timeline (a SerializableCollection of several is not a single draft)."
        )
    raw = namespace(timeline)
    ns = _Ns(raw)
    rate = float(raw["rate"]) if raw and "rate" in raw else _detect_rate(timeline)
    out: dict[str, Any] = dict(ns.keep)
    tracks: list[Any] = [_track(trk, rate, i) for i, trk in enumerate(timeline.tracks)]
    for entry in (raw or {}).get("opaque", []) or []:
        tracks.insert(int(entry["index"]), entry["track"])
    if "t" not in ns.keep:
        out["t"] = tracks
    markers = [_marker(m, rate) for m in timeline.tracks.markers]
    if (markers or ns.has("mk")) and "mk" not in ns.keep:
        out["mk"] = markers
    out_meta = _timeline_meta(timeline, raw, rate)
    if out_meta is not None and "m" not in ns.keep:
        out["m"] = out_meta
    extra: dict[str, Any] = {}
    if timeline.tracks.name not in ("tracks", ""):
        extra["stack_name"] = timeline.tracks.name
    if plain_metadata(timeline):
        extra["md"] = plain_metadata(timeline)
    if plain_metadata(timeline.tracks):
        extra["stack_md"] = plain_metadata(timeline.tracks)
    if timeline.tracks.effects:
        extra["stack_fx"] = [serialize(e) for e in timeline.tracks.effects]
    _merge_extra(out, ns, extra)
    if ns.foreign:
        out["d"] = rt_to_ms(timeline.duration())
    return out


def _timeline_meta(
    timeline: otio.schema.Timeline, raw: dict[str, Any] | None, rate: float
) -> dict[str, Any] | None:
    tc_ms = rt_to_ms(timeline.global_start_time) if timeline.global_start_time else None
    if raw is None:
        meta: dict[str, Any] = {"fps": nominal_rate(rate)}
        if timeline.name:
            meta["title"] = timeline.name
        if tc_ms is not None:
            meta["tc"] = tc_ms
        return meta
    stored = raw.get("meta")
    if stored is None:
        return None
    meta_ns = _Ns(stored | {"present": list(stored.get("orig", {}))})
    meta = dict(meta_ns.keep)
    _emit(meta, meta_ns, "title", timeline.name, "")
    if meta_ns.has("fps"):
        fps = meta_ns.orig["fps"]
        meta["fps"] = fps if abs(float(fps) - rate) < 0.01 else nominal_rate(rate)
    if meta_ns.has("tc") or tc_ms is not None:
        meta["tc"] = (
            meta_ns.pick_time("tc", tc_ms, half_frame_ms(rate)) if tc_ms is not None else None
        )
    return meta


def otio_to_draft(timeline: otio.schema.Timeline) -> Draft:
    """Build a validated :class:`~musiccog.draft.model.Draft` from an OTIO Timeline.

    :raises MappingError: an element the draft cannot carry, named.
    :raises DraftValidationError: the result breaks the draft format (e.g. overlaps).
    """
    return parse_draft(otio_to_json(timeline), source=f"OTIO timeline {timeline.name!r}")
