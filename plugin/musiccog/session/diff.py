"""What changed between two drafts, in words users read (pure).

``diff_drafts(before, after)`` lists one line per change, e.g.::

    BGM track added: Lo-fi (0-10s, 35%)
    t[1] volume 35% → 50%
    t[1] 0-10s → 0-12s
    t[2] removed (Title: "Intro")
    markers 0 → 12 (8 downbeat, 4 cut)

Tracks are paired by type and name (then by position among tracks of that type),
so a track added in front does not make every later track look changed.
``t[i]`` is the index in ``after`` (``before`` for removed tracks), as in JSON paths.
"""

from __future__ import annotations

from collections import Counter

from musiccog.draft.model import Draft, OpaqueTrack, Track
from musiccog.draft.summary import summarize_track

__all__ = ["diff_drafts", "summarize_changes"]

NO_CHANGE = "No changes to the timeline."


def _s(ms: float) -> str:
    return f"{round(ms / 1000.0, 1):g}"


def _pct(gain: float) -> str:
    return f"{round(gain * 100)}%"


def _range(track: Track) -> str:
    if not track.segments:
        return "empty"
    start = min(seg.start_ms for seg in track.segments)
    end = max(seg.end_ms for seg in track.segments)
    return f"{_s(start)}-{_s(end)}s"


def _single(values: set) -> object | None:
    return next(iter(values)) if len(values) == 1 else None


def _added_line(track: Track | OpaqueTrack) -> str:
    label, _, rest = summarize_track(track).partition(": ")
    return f"{label} track added: {rest}" if rest else f"{label} track added"


def _pair(before: list, after: list) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pairs (i_before, i_after), unmatched before indices, unmatched after indices."""
    pairs: list[tuple[int, int]] = []
    free_after = list(range(len(after)))

    def key(track: Track | OpaqueTrack) -> tuple:
        return (track.track_type, getattr(track, "name", None))

    for pass_key in (key, lambda t: (t.track_type,)):
        for i, old in enumerate(before):
            if any(p[0] == i for p in pairs):
                continue
            for j in free_after:
                if pass_key(after[j]) == pass_key(old):
                    pairs.append((i, j))
                    free_after.remove(j)
                    break
    matched_before = {p[0] for p in pairs}
    removed = [i for i in range(len(before)) if i not in matched_before]
    return sorted(pairs, key=lambda p: p[1]), removed, free_after


def _track_changes(index: int, old: Track, new: Track) -> list[str]:
    where = f"t[{index}]"
    out: list[str] = []
    if _range(old) != _range(new):
        out.append(f"{where} {_range(old)} → {_range(new)}")
    if len(old.segments) != len(new.segments):
        out.append(f"{where} clips {len(old.segments)} → {len(new.segments)}")
    checks = (
        ("volume", lambda s: s.volume if s.volume is not None else 1.0, _pct),
        ("fade-in", lambda s: s.fade_in_ms or 0, lambda v: f"{_s(v)}s"),
        ("fade-out", lambda s: s.fade_out_ms or 0, lambda v: f"{_s(v)}s"),
        ("speed", lambda s: s.speed if s.speed is not None else 1.0, lambda v: f"{v:g}x"),
    )
    for label, get, fmt in checks:
        was = _single({get(s) for s in old.segments})
        now = _single({get(s) for s in new.segments})
        if was is not None and now is not None and was != now:
            out.append(f"{where} {label} {fmt(was)} → {fmt(now)}")
    was_src = [s.name or s.source for s in old.segments]
    now_src = [s.name or s.source for s in new.segments]
    if len(was_src) == len(now_src) and was_src != now_src:
        changed = [(a, b) for a, b in zip(was_src, now_src, strict=True) if a != b]
        a, b = changed[0]
        out.append(f"{where} media {a} → {b}")
    was_keys = sum(len(s.volume_keys or []) for s in old.segments)
    now_keys = sum(len(s.volume_keys or []) for s in new.segments)
    if was_keys != now_keys or (
        [s.volume_keys for s in old.segments] != [s.volume_keys for s in new.segments]
        and len(old.segments) == len(new.segments)
    ):
        out.append(f"{where} ducking changed ({was_keys} → {now_keys} volume keys)")
    if bool(old.muted) != bool(new.muted):
        out.append(f"{where} {'muted' if new.muted else 'unmuted'}")
    if old.name != new.name:
        out.append(f"{where} renamed {old.name or '(unnamed)'} → {new.name or '(unnamed)'}")
    return out


def _dump(track: Track | OpaqueTrack) -> dict:
    return track.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _marker_line(before: Draft, after: Draft) -> str | None:
    old = before.markers or []
    new = after.markers or []
    if (before.to_json().get("mk") or []) == (after.to_json().get("mk") or []):
        return None
    kinds = Counter(m.name or "marker" for m in new)
    detail = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    return f"markers {len(old)} → {len(new)}" + (f" ({detail})" if detail else "")


def diff_drafts(before: Draft | None, after: Draft | None) -> list[str]:
    """One human line per change from ``before`` to ``after`` (empty list: no change)."""
    if after is None:
        return [] if before is None else ["the timeline was cleared"]
    before = before or Draft()
    if before.to_json() == after.to_json():
        return []
    pairs, removed, added = _pair(list(before.tracks), list(after.tracks))
    lines = [_added_line(after.tracks[j]) for j in added]
    for i in removed:
        lines.append(f"t[{i}] removed ({summarize_track(before.tracks[i])})")
    for i, j in pairs:
        old, new = before.tracks[i], after.tracks[j]
        if isinstance(old, Track) and isinstance(new, Track):
            lines += _track_changes(j, old, new)
        elif _dump(old) != _dump(new):
            lines.append(f"t[{j}] changed ({summarize_track(new)})")
    if (marker := _marker_line(before, after)) is not None:
        lines.append(marker)
    if before.duration_ms != after.duration_ms and None not in (before.duration_ms,
                                                                 after.duration_ms):
        lines.append(f"length {_s(before.duration_ms)}s → {_s(after.duration_ms)}s")
    if not lines:
        lines.append("details changed (no track, level or marker change)")
    return lines


def summarize_changes(before: Draft | None, after: Draft | None) -> str:
    """:func:`diff_drafts` joined with "; ", or "No changes to the timeline."."""
    lines = diff_drafts(before, after)
    return "; ".join(lines) if lines else NO_CHANGE
