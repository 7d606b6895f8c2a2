"""Draft → OpenTimelineIO.

Tracks map by type (0 → Video, 1 → Audio, 7 → Video track of generator-reference
title clips); holes between segments become Gaps; media becomes ExternalReference
with an available range; speed becomes a LinearTimeWarp effect; markers become
OTIO markers.  Volume, fades and volume keys, unknown keys and draft-only values
ride in ``metadata["musiccog_draft"]`` (see :mod:`musiccog.otio_mapping.common`).
Tracks of unknown type are carried whole in the timeline's namespace.
"""

from __future__ import annotations

from typing import Any

import opentimelineio as otio

try:  # OTIO's value wrapper: setting one skips the generic conversion
    from opentimelineio._otio import PyAny as _PyAny
except ImportError:  # pragma: no cover - another OTIO layout: plain values work too
    def _PyAny(value: Any) -> Any:  # noqa: N802 - stands in for the class
        return value

from musiccog.draft.model import TRACK_AUDIO, TRACK_TEXT, Draft
from musiccog.otio_mapping.common import (
    NAMESPACE,
    OTIO_EXTRA_KEY,
    SPEED_EFFECT_NAME,
    TEXT_GENERATOR_KIND,
    deserialize,
    encode_namespace,
    otio_safe,
    to_otio_value,
)
from musiccog.otio_mapping.timecode import DEFAULT_RATE_FPS, exact_rate, ms_rt, ms_to_frames, span

#: Draft keys each object expresses natively in OTIO (the rest go to ``keep``).
SEGMENT_NATIVE = ("s", "d", "i", "src", "sd", "n", "sp", "tx", "mk", "m", OTIO_EXTRA_KEY)
TRACK_NATIVE = ("tt", "sg", "n", "mu", "mk", "m", OTIO_EXTRA_KEY)
MARKER_NATIVE = ("s", "d", "n", "c", "nt", "m")
ROOT_NATIVE = ("t", "mk", OTIO_EXTRA_KEY)
META_NATIVE = ("title", "fps", "tc")


def _split(data: dict[str, Any], native: tuple[str, ...]) -> dict[str, Any]:
    """The namespace dict: native values as they were (``orig``) and the rest (``keep``)."""
    orig = {k: v for k, v in data.items() if k in native and k not in ("sg", "t", "mk", "m")}
    keep = {k: v for k, v in data.items() if k not in native}
    present = [k for k in data if k in native]
    return {"orig": orig, "keep": keep, "present": present}


def _set_namespace(obj: Any, ns: dict[str, Any]) -> None:
    # Handing OTIO a ready PyAny skips its generic value conversion (two ABC checks).
    obj.metadata[NAMESPACE] = _PyAny(encode_namespace(ns))


def _user_metadata(obj: Any, data: dict[str, Any], ns: dict[str, Any]) -> None:
    """Spread a draft ``m`` dict into OTIO metadata.

    ``m`` that is not a dict, or that holds our own key, rides verbatim in the namespace.
    """
    if "m" not in data:
        return
    meta = data["m"]
    if not isinstance(meta, dict) or NAMESPACE in meta or not otio_safe(meta):
        ns["m"] = meta
        return
    ns["m_spread"] = True
    for key, value in meta.items():
        obj.metadata[key] = to_otio_value(value)


def _marker(data: dict[str, Any], rate: float) -> otio.schema.Marker:
    start = data.get("s", 0)
    duration = data.get("d") or 0
    marker = otio.schema.Marker(
        name=data.get("n") or "",
        marked_range=span(start, start + duration, rate),
        color=data.get("c") or otio.schema.MarkerColor.RED,
    )
    if data.get("nt") is not None:
        marker.comment = data["nt"]
    ns = _split(data, MARKER_NATIVE)
    _user_metadata(marker, data, ns)
    _set_namespace(marker, ns)
    return marker


def _media_reference(seg: dict[str, Any], track_type: int, rate: float) -> Any:
    extra = seg.get(OTIO_EXTRA_KEY) or {}
    if isinstance(extra, dict) and isinstance(extra.get("mr"), (dict, str)):
        ref = deserialize(extra["mr"], what=f"media reference of segment {seg.get('n')!r}")
        if isinstance(ref, otio.schema.ExternalReference) and seg.get("src") is not None:
            ref.target_url = seg["src"]
        return ref
    available = None
    if seg.get("sd") is not None:
        available = span(0, seg["sd"], rate)
    if track_type == TRACK_TEXT and seg.get("src") is None:
        ref = otio.schema.GeneratorReference(
            generator_kind=TEXT_GENERATOR_KIND, available_range=available)
        ref.parameters["text"] = _PyAny(seg.get("tx") or "")  # a dict here costs 5× more
        return ref
    if seg.get("src") is not None:
        return otio.schema.ExternalReference(target_url=seg["src"], available_range=available)
    return otio.schema.MissingReference(available_range=available)


def _item_from_segment(
    seg: dict[str, Any], track_type: int, rate: float, index: int | None = None
) -> Any:
    extra = seg.get(OTIO_EXTRA_KEY)
    start_f = ms_to_frames(seg["s"], rate)
    end_f = ms_to_frames(seg["s"] + seg["d"], rate)
    if isinstance(extra, dict) and isinstance(extra.get("item"), (dict, str)):
        # A nested stack or track the draft cannot express: restored as it was.
        item = deserialize(extra["item"], what=f"nested item {seg.get('n')!r}")
        ns = _split(seg, SEGMENT_NATIVE)
        if index is not None:
            ns["index"] = index
        _set_namespace(item, ns)
        return item
    in_f = ms_to_frames(seg.get("i") or 0, rate)
    clip = otio.schema.Clip(
        name=seg.get("n") or "",
        media_reference=_media_reference(seg, track_type, rate),
        source_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(in_f, rate),
            otio.opentime.RationalTime(end_f - start_f, rate),
        ),
    )
    if seg.get("sp") is not None:
        clip.effects.append(
            otio.schema.LinearTimeWarp(name=SPEED_EFFECT_NAME, time_scalar=float(seg["sp"]))
        )
    if isinstance(extra, dict):
        for text in extra.get("fx", []) or []:
            clip.effects.append(deserialize(text, what=f"effect on segment {seg.get('n')!r}"))
        if extra.get("enabled") is False:
            clip.enabled = False
    for marker in seg.get("mk") or []:
        clip.markers.append(_marker(marker, rate))
    ns = _split(seg, SEGMENT_NATIVE)
    if "tx" in seg and not isinstance(clip.media_reference, otio.schema.GeneratorReference):
        ns["keep"]["tx"] = seg["tx"]  # text on a media clip: OTIO has no place for it
        ns["present"].remove("tx")
        ns["orig"].pop("tx", None)
    if "mk" in seg and seg["mk"] is None:
        ns["keep"]["mk"] = None
    _user_metadata(clip, seg, ns)
    if index is not None:
        ns["index"] = index
    _set_namespace(clip, ns)
    return clip


def _gap(start_ms: float, end_ms: float, rate: float, stored: dict[float, Any]) -> otio.schema.Gap:
    rng = span(start_ms, end_ms, rate)
    text = stored.get(start_ms)
    if text is not None:
        gap = deserialize(text, what="gap")
        gap.source_range = otio.opentime.TimeRange(gap.source_range.start_time, rng.duration)
        return gap
    return otio.schema.Gap(source_range=otio.opentime.TimeRange(duration=rng.duration))


def _track(track: dict[str, Any], rate: float) -> otio.schema.Track:
    track_type = track["tt"]
    kind = otio.schema.TrackKind.Audio if track_type == TRACK_AUDIO else otio.schema.TrackKind.Video
    extra = track.get(OTIO_EXTRA_KEY) if isinstance(track.get(OTIO_EXTRA_KEY), dict) else {}
    if isinstance(extra.get("kind"), str):
        kind = extra["kind"]
    out = otio.schema.Track(name=track.get("n") or "", kind=kind)
    gaps = {g["s"]: g["otio"] for g in extra.get("gaps", []) or [] if isinstance(g, dict)}
    segments = track.get("sg") or []
    order = sorted(
        range(len(segments)), key=lambda i: (segments[i]["s"], segments[i]["s"] + segments[i]["d"])
    )
    shuffled = order != list(range(len(segments)))
    cursor_ms = 0.0
    for idx in order:
        seg = segments[idx]
        if ms_to_frames(seg["s"], rate) > ms_to_frames(cursor_ms, rate):
            out.append(_gap(cursor_ms, seg["s"], rate, gaps))
        out.append(_item_from_segment(seg, track_type, rate, idx if shuffled else None))
        cursor_ms = max(cursor_ms, seg["s"] + seg["d"])
    for key in ("end_gap_ms",):
        if isinstance(extra.get(key), (int, float)) and extra[key] > cursor_ms:
            out.append(_gap(cursor_ms, extra[key], rate, gaps))
    for tr in extra.get("tr", []) or []:
        out.insert(int(tr["at"]), deserialize(tr["otio"], what="transition"))
    for text in extra.get("fx", []) or []:
        out.effects.append(deserialize(text, what=f"effect on track {track.get('n')!r}"))
    if extra.get("enabled") is False or track.get("mu") is True:
        out.enabled = False
    for marker in track.get("mk") or []:
        out.markers.append(_marker(marker, rate))
    ns = _split(track, TRACK_NATIVE)
    for key in ("mk", "sg"):
        if key in track and track[key] is None:
            ns["keep"][key] = None
    _user_metadata(out, track, ns)
    _set_namespace(out, ns)
    return out


def draft_to_otio(draft: Draft | dict[str, Any]) -> otio.schema.Timeline:
    """Build an OTIO Timeline from a draft (model or already-validated JSON data).

    The draft's frame rate (``m.fps``, default 30) is the rate of every time; NTSC
    rates are exact.  Nothing is dropped: see the module docstring.
    """
    data = draft.to_json() if isinstance(draft, Draft) else draft
    meta = data.get("m") if isinstance(data.get("m"), dict) else {}
    rate = exact_rate(meta.get("fps") or DEFAULT_RATE_FPS)
    timeline = otio.schema.Timeline(name=meta.get("title") or "")
    if meta.get("tc") is not None:
        timeline.global_start_time = ms_rt(meta["tc"], rate)
    extra = data.get(OTIO_EXTRA_KEY) if isinstance(data.get(OTIO_EXTRA_KEY), dict) else {}
    opaque: list[dict[str, Any]] = []
    for index, track in enumerate(data.get("t") or []):
        if isinstance(track, dict) and track.get("tt") in (0, 1, 7):
            timeline.tracks.append(_track(track, rate))
        else:
            opaque.append({"index": index, "track": track})
    for marker in data.get("mk") or []:
        timeline.tracks.markers.append(_marker(marker, rate))
    if isinstance(extra.get("stack_name"), str):
        timeline.tracks.name = extra["stack_name"]
    for key, value in (extra.get("md") or {}).items():
        timeline.metadata[key] = to_otio_value(value)
    for key, value in (extra.get("stack_md") or {}).items():
        timeline.tracks.metadata[key] = to_otio_value(value)
    for text in extra.get("stack_fx", []) or []:
        timeline.tracks.effects.append(deserialize(text, what="effect on the timeline's stack"))
    ns = _split(data, ROOT_NATIVE)
    for key in ("t", "mk", "m"):
        if key in data and data[key] is None:
            ns["keep"][key] = None
    if "m" in data and data["m"] is not None:
        ns["meta"] = {
            "orig": {k: v for k, v in meta.items() if k in META_NATIVE},
            "keep": {k: v for k, v in meta.items() if k not in META_NATIVE},
        }
    ns["rate"] = rate
    if opaque:
        ns["opaque"] = opaque
    _set_namespace(timeline, ns)
    return timeline
