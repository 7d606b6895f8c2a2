"""Resolve timeline snapshot → draft (pure).

Used when Resolve cannot export OTIO (before 18.5) or its export cannot be
mapped.  Positions are converted from absolute frames (minus the timeline's
start frame) so there is no drift; ``m.tc`` is the start frame in ms (what
OTIO's ``global_start_time`` says), ``m.fps`` the nominal rate, and Resolve's
own clock is kept under ``m.resolve`` (``start_timecode``, ``start_frame``,
``drop_frame``, ``timeline``).
"""

from __future__ import annotations

from typing import Any

from musiccog.draft.model import TRACK_AUDIO, TRACK_TEXT, TRACK_VIDEO, Draft
from musiccog.draft.validate import parse_draft
from musiccog.resolve.snapshot import ItemSnap, MarkerSnap, TimelineInfo, TimelineSnap
from musiccog.resolve.timecode import FrameRate, frame_to_ms

_TRACK_TYPES = {"video": TRACK_VIDEO, "audio": TRACK_AUDIO, "subtitle": TRACK_TEXT}

#: Resolve marker colours → OTIO colour names (draft ``c``); unknown ones become RED.
RESOLVE_TO_OTIO_COLOR = {
    "Red": "RED", "Pink": "PINK", "Rose": "PINK", "Sand": "ORANGE", "Yellow": "YELLOW",
    "Lemon": "YELLOW", "Green": "GREEN", "Mint": "GREEN", "Cyan": "CYAN", "Sky": "CYAN",
    "Blue": "BLUE", "Purple": "PURPLE", "Lavender": "PURPLE", "Fuchsia": "MAGENTA",
    "Cocoa": "BLACK", "Cream": "WHITE",
}


def _ms(frames: int, rate: FrameRate) -> float:
    """Frames → ms, rounded to 1 µs so drafts stay readable (far below a frame)."""
    return round(frame_to_ms(frames, rate), 3)


def resolve_meta(info: TimelineInfo) -> dict[str, Any]:
    """The draft's ``m`` for a Resolve timeline."""
    meta: dict[str, Any] = {
        "title": info.name,
        "fps": info.rate.nominal,
        "tc": _ms(info.start_frame, info.rate),
        "resolve": {
            "timeline": info.name,
            "start_timecode": info.start_timecode,
            "start_frame": info.start_frame,
            "drop_frame": info.rate.drop_frame,
        },
    }
    if info.width and info.height:
        meta["width"], meta["height"] = info.width, info.height
    return meta


def _segment(item: ItemSnap, info: TimelineInfo, kind: str) -> dict[str, Any]:
    rate = info.rate
    start = _ms(item.start_frame - info.start_frame, rate)
    end = _ms(item.end_frame - info.start_frame, rate)
    seg: dict[str, Any] = {"s": start, "d": round(end - start, 3)}
    if item.name:
        seg["n"] = item.name
    if kind == "subtitle":
        seg["tx"] = item.name
        return seg
    if item.file_path:
        seg["src"] = item.file_path
    src_rate = FrameRate(item.source_fps) if item.source_fps else rate
    if item.source_start_frame is not None:
        seg["i"] = _ms(item.source_start_frame, src_rate)
    if item.source_frames:
        seg["sd"] = _ms(item.source_frames, src_rate)
    return seg


def _marker(marker: MarkerSnap, rate: FrameRate) -> dict[str, Any]:
    out: dict[str, Any] = {
        "s": _ms(marker.frame, rate),
        "c": RESOLVE_TO_OTIO_COLOR.get(marker.color, "RED"),
    }
    if marker.duration > 1:
        out["d"] = _ms(marker.duration, rate)
    if marker.name:
        out["n"] = marker.name
    if marker.note:
        out["nt"] = marker.note
    if marker.custom_data:
        out["m"] = {"resolve_custom_data": marker.custom_data}
    return out


def snapshot_to_draft(snap: TimelineSnap) -> Draft:
    """Build a validated draft from a timeline snapshot.

    Video tracks → ``tt`` 0, audio → 1, subtitle → 7 (item names as ``tx``), in
    Resolve's order (V1, V2 …, A1, A2 …, S1 …).  Disabled tracks are ``mu: true``.
    """
    info = snap.info
    tracks = []
    for kind in ("video", "audio", "subtitle"):
        for track in sorted((t for t in snap.tracks if t.kind == kind), key=lambda t: t.index):
            out: dict[str, Any] = {
                "tt": _TRACK_TYPES[kind],
                "n": track.name or f"{kind[0].upper()}{track.index}",
                "sg": [_segment(item, info, kind)
                       for item in sorted(track.items, key=lambda i: i.start_frame)],
            }
            if not track.enabled:
                out["mu"] = True
            tracks.append(out)
    data: dict[str, Any] = {
        "t": tracks,
        "d": _ms(info.length_frames, info.rate),
        "m": resolve_meta(info),
    }
    if snap.markers:
        data["mk"] = [_marker(m, info.rate) for m in sorted(snap.markers, key=lambda m: m.frame)]
    return parse_draft(data, source=f"Resolve timeline {info.name!r}")


def with_resolve_meta(draft: Draft, info: TimelineInfo) -> Draft:
    """A draft read through OTIO, with Resolve's clock added under ``m.resolve``."""
    data = draft.to_json()
    meta = data.get("m") if isinstance(data.get("m"), dict) else {}
    ours = resolve_meta(info)
    meta.setdefault("fps", ours["fps"])
    meta.setdefault("tc", ours["tc"])
    meta.setdefault("title", ours["title"])
    meta["resolve"] = ours["resolve"]
    if "width" in ours:
        meta.setdefault("width", ours["width"])
        meta.setdefault("height", ours["height"])
    data["m"] = meta
    return parse_draft(data, source=f"Resolve timeline {info.name!r}")
