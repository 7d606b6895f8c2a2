"""One-line track summaries in the style users see.

``Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%)
3. Title: "Urban Dreams" (0-3s)``
"""

from __future__ import annotations

import posixpath

from musiccog.draft.model import TRACK_AUDIO, TRACK_TEXT, TRACK_VIDEO, Draft, OpaqueTrack, Track

_BGM_WORDS = ("bgm", "music", "score", "song")


def _seconds(ms: float) -> str:
    value = round(ms / 1000.0, 1)
    return f"{value:g}"


def is_bgm_track(track: Track) -> bool:
    """True for an audio track that holds background music (by role or name)."""
    if track.track_type != TRACK_AUDIO:
        return False
    role = (track.metadata or {}).get("role")
    if isinstance(role, str) and role.lower() == "bgm":
        return True
    name = (track.name or "").lower()
    return any(word in name for word in _BGM_WORDS)


def _label(track: Track) -> str:
    if track.track_type == TRACK_VIDEO:
        return "Video"
    if track.track_type == TRACK_TEXT:
        return "Title"
    return "BGM" if is_bgm_track(track) else "Audio"


def _what(track: Track) -> str:
    if not track.segments:
        return track.name or "(empty)"
    first = track.segments[0]
    if track.track_type == TRACK_TEXT and first.text is not None:
        return f'"{first.text}"'
    if first.name:
        return first.name
    if first.source:
        return posixpath.basename(first.source.replace("\\", "/")) or first.source
    return track.name or "(untitled)"


def summarize_track(track: Track | OpaqueTrack) -> str:
    """``Video: city timelapse (0-10s)``; gain as % for audio, clip count when > 1."""
    if isinstance(track, OpaqueTrack):
        count = len(track.unknown.get("sg", []) or [])
        return f"Track type {track.track_type}: kept as is ({count} segments)"
    details: list[str] = []
    if track.segments:
        start = min(seg.start_ms for seg in track.segments)
        end = max(seg.end_ms for seg in track.segments)
        details.append(f"{_seconds(start)}-{_seconds(end)}s")
    if track.track_type == TRACK_AUDIO:
        gains = {seg.volume for seg in track.segments if seg.volume is not None}
        if len(gains) == 1:
            details.append(f"{round(gains.pop() * 100)}%")
    if len(track.segments) > 1:
        details.append(f"{len(track.segments)} clips")
    if track.muted:
        details.append("muted")
    tail = f" ({', '.join(details)})" if details else ""
    return f"{_label(track)}: {_what(track)}{tail}"


def summarize(draft: Draft) -> str:
    """The whole timeline on one line, tracks numbered from 1."""
    parts = [f"{i}. {summarize_track(trk)}" for i, trk in enumerate(draft.tracks, start=1)]
    count = len(draft.tracks)
    head = f"Timeline ({count} track{'s' if count != 1 else ''})"
    return f"{head}: {' '.join(parts)}" if parts else f"{head}: empty"
