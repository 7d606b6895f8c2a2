"""The draft timeline: model, validation, file I/O and summaries (pure, no host imports)."""

from musiccog.draft.io import draft_from_string, draft_to_string, read_draft, write_draft
from musiccog.draft.model import (
    KNOWN_TRACK_TYPES,
    TRACK_AUDIO,
    TRACK_TEXT,
    TRACK_VIDEO,
    Draft,
    DraftMeta,
    Marker,
    OpaqueTrack,
    Segment,
    Track,
)
from musiccog.draft.summary import summarize, summarize_track
from musiccog.draft.validate import parse_draft

__all__ = [
    "KNOWN_TRACK_TYPES",
    "TRACK_AUDIO",
    "TRACK_TEXT",
    "TRACK_VIDEO",
    "Draft",
    "DraftMeta",
    "Marker",
    "OpaqueTrack",
    "Segment",
    "Track",
    "draft_from_string",
    "draft_to_string",
    "parse_draft",
    "read_draft",
    "summarize",
    "summarize_track",
    "write_draft",
]
