"""Parse JSON data into a :class:`~musiccog.draft.model.Draft`, with errors that name paths.

Two passes: pydantic checks types and ranges field by field; :func:`semantic_problems`
then checks what spans fields (overlapping segments, keys beyond their segment,
absurd sizes).  Both report ``(path, message)`` pairs such as
``("t[2].sg[5].d", "must be >= 0")``, raised together as one
:class:`~musiccog.errors.DraftValidationError`.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from musiccog.draft.model import Draft, Track
from musiccog.errors import DraftValidationError

#: Most tracks a draft may hold.
MAX_TRACKS = 1_000
#: Most segments a draft may hold, over all tracks.
MAX_SEGMENTS = 1_000_000
#: Overlap tolerated between neighbouring segments (float rounding), ms.
OVERLAP_TOLERANCE_MS = 1e-6

_TAGS = {"Track", "OpaqueTrack"}
_UNION_MEMBERS = {"int", "float", "str", "bool"}
_TYPE_WORDS = {
    "int_type": "must be an integer",
    "float_type": "must be a number",
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "tuple_type": "must be a [time_ms, gain] pair",
    "missing": "is required",
    "too_short": "has too few items",
    "too_long": "has too many items",
}


def format_path(loc: tuple[Any, ...]) -> str:
    """``('t', 2, 'sg', 5, 'd')`` → ``'t[2].sg[5].d'``.

    Pydantic's own names for union members and discriminator tags
    (``int``, ``float``, ``function-after[…]``, ``Track``) are dropped.
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in _TAGS or part in _UNION_MEMBERS or "[" in part or "(" in part:
            continue
        else:
            out += f".{part}" if out else part
    return out or "(root)"


def _message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "value_error":
        msg = str(err.get("msg", ""))
        return msg.removeprefix("Value error, ")
    word = _TYPE_WORDS.get(kind)
    if word is None:
        return str(err.get("msg", "is invalid"))
    got = err.get("input")
    if kind != "missing" and got is not None:
        return f"{word} (got {type(got).__name__} {_short(got)})"
    return word


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _problems_from_validation_error(exc: ValidationError) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for err in exc.errors():
        path = format_path(tuple(err["loc"]))
        msg = _message(err)
        # A union (int | float) reports once per member: say "a number" once.
        if path in seen and {seen[path].split(" (")[0], msg.split(" (")[0]} == {
            "must be an integer",
            "must be a number",
        }:
            seen[path] = msg.replace("must be an integer", "must be a number")
        else:
            seen.setdefault(
                path,
                msg.replace("must be an integer", "must be a number")
                if "float" in str(err.get("loc", ""))
                else msg,
            )
    return list(seen.items())


def semantic_problems(draft: Draft) -> list[tuple[str, str]]:
    """Checks that span fields; returns ``(path, message)`` pairs, empty when fine."""
    problems: list[tuple[str, str]] = []
    if len(draft.tracks) > MAX_TRACKS:
        problems.append(("t", f"has {len(draft.tracks)} tracks; at most {MAX_TRACKS} allowed"))
    total = 0
    for t_idx, track in enumerate(draft.tracks):
        if not isinstance(track, Track):
            continue
        total += len(track.segments)
        order = sorted(
            range(len(track.segments)),
            key=lambda i: (track.segments[i].start_ms, track.segments[i].end_ms),
        )
        for prev, cur in zip(order, order[1:], strict=False):
            a, b = track.segments[prev], track.segments[cur]
            if b.start_ms < a.end_ms - OVERLAP_TOLERANCE_MS:
                problems.append(
                    (
                        f"t[{t_idx}].sg[{cur}].s",
                        f"overlaps t[{t_idx}].sg[{prev}] (which ends at {a.end_ms} ms); "
                        "move it or put it on another track",
                    )
                )
        for s_idx, seg in enumerate(track.segments):
            for k_idx, (key_ms, _gain) in enumerate(seg.volume_keys or []):
                if key_ms > seg.duration_ms:
                    problems.append(
                        (
                            f"t[{t_idx}].sg[{s_idx}].vk[{k_idx}][0]",
                            f"must be <= the segment's duration {seg.duration_ms} ms",
                        )
                    )
            fades = (seg.fade_in_ms or 0) + (seg.fade_out_ms or 0)
            if fades > seg.duration_ms:
                problems.append(
                    (
                        f"t[{t_idx}].sg[{s_idx}].fi",
                        "fade-in plus fade-out is longer than the segment",
                    )
                )
    if total > MAX_SEGMENTS:
        problems.append(("t", f"has {total} segments; at most {MAX_SEGMENTS} allowed"))
    return problems


def parse_draft(data: Any, *, source: str | None = None) -> Draft:
    """Validate JSON data (already decoded) into a :class:`Draft`.

    :raises DraftValidationError: naming every bad path, e.g. ``t[2].sg[5].d: must be >= 0``.
    """
    if not isinstance(data, dict):
        raise DraftValidationError(
            [("(root)", f"must be a JSON object with a 't' list (got {type(data).__name__})")],
            source=source,
        )
    try:
        # JSON keys are the short aliases only: a key spelled like a Python field name
        # ("source") is an unknown key, kept verbatim
        draft = Draft.model_validate(data, by_alias=True, by_name=False)
    except ValidationError as exc:
        raise DraftValidationError(_problems_from_validation_error(exc), source=source) from None
    problems = semantic_problems(draft)
    if problems:
        raise DraftValidationError(problems, source=source)
    return draft
