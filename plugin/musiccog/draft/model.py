"""The draft timeline model (pydantic v2).

A draft is the compact JSON timeline the backend speaks.  Every key, its unit
and range is documented in ``docs/draft-format.md``.  Times are integer or
float **milliseconds**; gains are **linear factors** (1.0 = unchanged, 0.35 is
shown to users as 35 %).

Unknown keys at every level, and tracks of unknown type, are kept verbatim:
``Draft.from_json(x).to_json() == x`` for every valid ``x``.  Python attribute
names say what a field holds (``start_ms``); the JSON keys are the short
aliases (``s``).
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    Tag,
    model_validator,
)

#: Track types named by the public description of the format.
TRACK_VIDEO = 0
TRACK_AUDIO = 1
TRACK_TEXT = 7
KNOWN_TRACK_TYPES = frozenset({TRACK_VIDEO, TRACK_AUDIO, TRACK_TEXT})

#: Longest time a draft may describe: 24 hours, in milliseconds.
MAX_TIME_MS = 86_400_000
#: Largest linear gain accepted (+12 dB).
MAX_GAIN = 4.0


def _finite_non_negative_ms(value: float) -> float:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("must be a finite number of milliseconds")
    if value < 0:
        raise ValueError("must be >= 0")
    if value > MAX_TIME_MS:
        raise ValueError(f"must be <= {MAX_TIME_MS} (24 h in milliseconds)")
    return value


def _gain(value: float) -> float:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("must be a finite linear gain")
    if not 0 <= value <= MAX_GAIN:
        raise ValueError(f"must be between 0 and {MAX_GAIN} (linear gain, 1 = unchanged)")
    return value


def _positive_rate(value: float) -> float:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("must be a finite number")
    if not 0 < value <= 1000:
        raise ValueError("must be > 0 and <= 1000")
    return value


def _pixels(value: int) -> int:
    if not 1 <= value <= 16384:
        raise ValueError("must be between 1 and 16384 pixels")
    return value


#: A time in milliseconds, 0 … 86 400 000; int or float, kept as given.
Ms = Annotated[StrictInt | StrictFloat, AfterValidator(_finite_non_negative_ms)]
#: A linear gain factor, 0 … 4 (1.0 = unchanged); int or float, kept as given.
Gain = Annotated[StrictInt | StrictFloat, AfterValidator(_gain)]
#: A rate (frames per second or playback speed factor), 0 < x <= 1000.
Rate = Annotated[StrictInt | StrictFloat, AfterValidator(_positive_rate)]
Pixels = Annotated[StrictInt, AfterValidator(_pixels)]


class _DraftObject(BaseModel):
    """Common config: short JSON keys, unknown keys allowed and kept verbatim."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        validate_default=False,
        serialize_by_alias=True,
    )

    @property
    def unknown(self) -> dict[str, Any]:
        """Keys this version does not know, exactly as they came in."""
        return dict(self.model_extra or {})

    @model_validator(mode="wrap")
    @classmethod
    def _unknown_key_named_like_a_field(cls, data: Any, handler: Any) -> Any:
        """An unknown JSON key that equals a field's Python name (``"source"``, ``"start_ms"``)
        is kept as an unknown key; pydantic also marks that field as set, which would add
        its alias (``"src": null``) on output.  Parsed by alias only (``parse_draft``)."""
        obj = handler(data)
        extra = obj.__pydantic_extra__
        if isinstance(data, dict) and extra:
            for name, field in type(obj).model_fields.items():
                if name in extra and field.alias and field.alias not in data:
                    obj.__pydantic_fields_set__.discard(name)
        return obj


class Marker(_DraftObject):
    """A named point or range on the timeline (or within a segment)."""

    start_ms: Ms = Field(alias="s", description="position in ms (timeline, or segment start)")
    duration_ms: Ms | None = Field(default=None, alias="d", description="length in ms, 0 = point")
    name: StrictStr | None = Field(default=None, alias="n")
    color: StrictStr | None = Field(default=None, alias="c", description="OTIO colour name")
    note: StrictStr | None = Field(default=None, alias="nt")
    metadata: dict[str, Any] | None = Field(default=None, alias="m")


class Segment(_DraftObject):
    """One clip on a track: where it sits, what media it plays, how loud."""

    start_ms: Ms = Field(alias="s", description="start on the timeline, ms")
    duration_ms: Ms = Field(alias="d", description="length on the timeline, ms")
    source_in_ms: Ms | None = Field(default=None, alias="i", description="in-point in media, ms")
    source: StrictStr | None = Field(default=None, alias="src", description="media path or URL")
    source_duration_ms: Ms | None = Field(
        default=None, alias="sd", description="whole length of the media, ms"
    )
    name: StrictStr | None = Field(default=None, alias="n")
    volume: Gain | None = Field(default=None, alias="v", description="linear gain, 1 = unchanged")
    fade_in_ms: Ms | None = Field(default=None, alias="fi")
    fade_out_ms: Ms | None = Field(default=None, alias="fo")
    volume_keys: list[tuple[Ms, Gain]] | None = Field(
        default=None, alias="vk", description="[ms from segment start, linear gain] pairs"
    )
    speed: Rate | None = Field(default=None, alias="sp", description="playback rate, 1 = normal")
    text: StrictStr | None = Field(default=None, alias="tx", description="title text (tt 7)")
    markers: list[Marker] | None = Field(default=None, alias="mk")
    metadata: dict[str, Any] | None = Field(default=None, alias="m")

    @property
    def end_ms(self) -> float:
        """End on the timeline, ms (start + duration)."""
        return self.start_ms + self.duration_ms


class Track(_DraftObject):
    """A track of a known type (0 video, 1 audio, 7 text) holding timed segments."""

    track_type: StrictInt = Field(alias="tt")
    segments: list[Segment] = Field(default_factory=list, alias="sg")
    name: StrictStr | None = Field(default=None, alias="n")
    muted: StrictBool | None = Field(default=None, alias="mu")
    markers: list[Marker] | None = Field(default=None, alias="mk")
    metadata: dict[str, Any] | None = Field(default=None, alias="m")

    @property
    def end_ms(self) -> float:
        """End of the last segment, ms (0 for an empty track)."""
        return max((seg.end_ms for seg in self.segments), default=0)


class OpaqueTrack(_DraftObject):
    """A track of a type this version does not know; every key is kept verbatim."""

    track_type: StrictInt = Field(alias="tt")


def _track_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        track_type = value.get("tt")
    else:
        track_type = getattr(value, "track_type", None)
    if isinstance(track_type, int) and not isinstance(track_type, bool):
        return "Track" if track_type in KNOWN_TRACK_TYPES else "OpaqueTrack"
    return "Track"  # let Track report the missing or mistyped tt


AnyTrack = Annotated[
    Annotated[Track, Tag("Track")] | Annotated[OpaqueTrack, Tag("OpaqueTrack")],
    Discriminator(_track_tag),
]


class DraftMeta(_DraftObject):
    """Timeline metadata: title, frame size, frame rate, start timecode."""

    title: StrictStr | None = None
    width: Pixels | None = None
    height: Pixels | None = None
    fps: Rate | None = Field(default=None, description="frames per second, e.g. 29.97")
    start_ms: Ms | None = Field(
        default=None, alias="tc", description="timeline start timecode as ms, e.g. 3600000"
    )


class Draft(_DraftObject):
    """The whole draft timeline."""

    tracks: list[AnyTrack] = Field(default_factory=list, alias="t")
    duration_ms: Ms | None = Field(default=None, alias="d", description="timeline length, ms")
    metadata: DraftMeta | None = Field(default=None, alias="m")
    markers: list[Marker] | None = Field(default=None, alias="mk")

    # -- convenience ---------------------------------------------------------
    @property
    def fps(self) -> float | None:
        """The timeline's frame rate, or None when the draft does not say."""
        return self.metadata.fps if self.metadata is not None else None

    @property
    def end_ms(self) -> float:
        """The timeline length in ms: ``d`` when given, else the last segment's end."""
        ends = [trk.end_ms for trk in self.tracks if isinstance(trk, Track)]
        computed = max(ends, default=0)
        return self.duration_ms if self.duration_ms is not None else computed

    def known_tracks(self, track_type: int | None = None) -> list[Track]:
        """Tracks of known type, optionally only those of ``track_type``."""
        return [
            trk
            for trk in self.tracks
            if isinstance(trk, Track) and (track_type is None or trk.track_type == track_type)
        ]

    def is_ready_for_export(self) -> bool:
        """True when the draft has tracks and at least one has segments."""
        return any(isinstance(trk, Track) and trk.segments for trk in self.tracks)

    def to_json(self) -> dict[str, Any]:
        """The draft as plain JSON data (short keys, only what was set)."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)
