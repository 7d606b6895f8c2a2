"""Structural comparison of two OTIO timelines, to the millisecond."""

from __future__ import annotations

from typing import Any

import opentimelineio as otio


def _ms(time: otio.opentime.RationalTime | None) -> int | None:
    return None if time is None else round(time.to_seconds() * 1000)


def _range(rng: otio.opentime.TimeRange | None) -> tuple[int | None, int | None] | None:
    if rng is None:
        return None
    return (_ms(rng.start_time), _ms(rng.end_time_exclusive()))


def _ref(ref: Any) -> tuple[Any, ...] | None:
    if ref is None:
        return None
    return (
        type(ref).__name__,
        getattr(ref, "target_url", None),
        getattr(ref, "generator_kind", None),
        ref.name,
        _range(ref.available_range),
    )


def _marker(marker: otio.schema.Marker) -> tuple[Any, ...]:
    return (marker.name, marker.color, _range(marker.marked_range))


def describe(item: Any) -> Any:
    """A comparable tree: kinds, names, ranges in parent, source ranges, refs, markers."""
    if isinstance(item, otio.schema.Timeline):
        return ("Timeline", item.name, _ms(item.global_start_time), describe(item.tracks))
    base: tuple[Any, ...] = (type(item).__name__, item.name)
    if isinstance(item, otio.schema.Transition):
        return base + (item.transition_type, _ms(item.in_offset), _ms(item.out_offset))
    markers = tuple(_marker(m) for m in getattr(item, "markers", []))
    effects = tuple(e.effect_name for e in getattr(item, "effects", []))
    if isinstance(item, otio.core.Composition):
        kind = getattr(item, "kind", None)
        children = []
        for child in item:
            entry = describe(child)
            if isinstance(item, otio.schema.Track) and not isinstance(
                child, otio.schema.Transition
            ):
                entry = (entry, _range(item.range_of_child(child)))
            children.append(entry)
        return base + (kind, _range(item.source_range), markers, effects, tuple(children))
    if isinstance(item, otio.schema.Clip):
        return base + (_range(item.trimmed_range()), _ref(item.media_reference), markers, effects)
    return base + (_range(item.trimmed_range()), markers, effects)
