"""What both directions of the mapping share: the namespace and JSON helpers.

Draft-only data rides in OTIO metadata under one key, :data:`NAMESPACE`, per
object (timeline, track, clip, marker)::

    {"orig": {<draft keys OTIO also expresses, as the draft had them>},
     "keep": {<draft keys OTIO cannot express, verbatim>}}

Reading back, an ``orig`` value wins when OTIO still says the same thing (to
within frame rounding); when another tool changed it, OTIO's value wins.
OTIO-only data rides in the draft under the key ``ox`` of the object.
"""

from __future__ import annotations

import json
from typing import Any

import opentimelineio as otio

from musiccog.errors import MappingError

#: The metadata key holding draft data inside OTIO objects.
NAMESPACE = "musiccog_draft"
#: The draft key holding OTIO-only data (serialised OTIO JSON and names).
OTIO_EXTRA_KEY = "ox"
#: ``generator_kind`` of the generator reference that carries a title (tt 7).
TEXT_GENERATOR_KIND = "musiccog.Text"
#: Name given to the LinearTimeWarp effect that carries a segment's speed.
SPEED_EFFECT_NAME = "musiccog.speed"


def to_otio_value(value: Any) -> Any:
    """JSON data as values OTIO metadata can hold (dicts/lists copied)."""
    if isinstance(value, dict):
        return {str(k): to_otio_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_otio_value(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        if not -(2**63) <= value < 2**63:
            raise MappingError(
                f"integer {value} does not fit OTIO metadata (64-bit); store it as a string"
            )
    return value


def from_otio_value(value: Any) -> Any:
    """OTIO metadata (AnyDictionary/AnyVector) as plain JSON data."""
    if isinstance(value, (dict, otio._otio.AnyDictionary)):
        return {str(k): from_otio_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, otio._otio.AnyVector)):
        return [from_otio_value(v) for v in value]
    if isinstance(value, otio.opentime.RationalTime):
        return {"value": value.value, "rate": value.rate}
    if isinstance(value, otio.core.SerializableObject):
        return json.loads(otio.adapters.otio_json.write_to_string(value, indent=-1))
    return value


def otio_safe(value: Any) -> bool:
    """True when OTIO metadata and otio_json files hold ``value`` exactly.

    Text must have no NUL, integers must fit 64 bits, floats must survive otio_json.
    """
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, float):
        # otio_json reads long mantissas back a few ulps off: keep those as JSON text.
        return float(f"{value:.12g}") == value and abs(value) < 1e15
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    if isinstance(value, dict):
        return all(otio_safe(k) and otio_safe(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(otio_safe(v) for v in value)
    return False


def encode_namespace(ns: dict[str, Any]) -> str:
    """The namespace as OTIO metadata: compact JSON text.

    Text, not a nested dict: OTIO keeps it byte for byte (no NUL or float
    precision loss through otio_json) and it is ~10× cheaper to store and read
    than a nested AnyDictionary on 10 000-clip timelines.
    """
    return json.dumps(ns, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def namespace(obj: Any) -> dict[str, Any] | None:
    """The :data:`NAMESPACE` dict of an OTIO object, or None for foreign objects."""
    metadata = obj.metadata
    if NAMESPACE not in metadata:
        return None
    value = metadata[NAMESPACE]
    if isinstance(value, str):
        try:
            ns = json.loads(value)
        except ValueError:
            return None
    else:
        ns = from_otio_value(value)
    return ns if isinstance(ns, dict) else None


def plain_metadata(obj: Any) -> dict[str, Any]:
    """An OTIO object's metadata as JSON data, without :data:`NAMESPACE`."""
    metadata = obj.metadata
    if len(metadata) == 0 or (len(metadata) == 1 and NAMESPACE in metadata):
        return {}
    data = from_otio_value(metadata)
    data.pop(NAMESPACE, None)
    return data


def serialize(obj: Any) -> dict[str, Any]:
    """OTIO object → its otio_json data as a JSON object (kept in the draft's ``ox``)."""
    return json.loads(otio.adapters.otio_json.write_to_string(obj, indent=-1))


def deserialize(data: dict[str, Any] | str, *, what: str) -> Any:
    """otio_json data (object or text) → OTIO object; ``what`` names it in the error."""
    text = data if isinstance(data, str) else json.dumps(data)
    try:
        return otio.adapters.otio_json.read_from_string(text)
    except Exception as exc:  # OTIO raises several kinds here
        raise MappingError(f"{what}: the stored OTIO data cannot be read back ({exc})") from None


def same_time(a: Any, b: Any, tolerance_ms: float) -> bool:
    """True when two ms values agree within ``tolerance_ms`` (None equals None only)."""
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= tolerance_ms
