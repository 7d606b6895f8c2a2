"""OpenTimelineIO adapter for the AI Music Cog draft (``*.draft.json``, ``*.draft``).

The draft is the compact JSON timeline of the Music Cog backend: ``t`` tracks,
``tt`` track type (0 video, 1 audio, 7 text), ``sg`` segments, ``d`` duration in
ms, ``m`` metadata.  The mapping itself lives in :mod:`musiccog.otio_mapping`
(one place, reused by every host); this module only wraps it in OTIO's adapter
interface.  Draft-only data rides in ``metadata["musiccog_draft"]``.
"""

from __future__ import annotations

import opentimelineio as otio

from musiccog.draft.io import draft_from_string, draft_to_string
from musiccog.errors import MusicCogError
from musiccog.otio_mapping import draft_to_otio, otio_to_draft


class DraftAdapterError(otio.exceptions.OTIOError):
    """A draft that cannot be read, or a timeline that cannot be written as a draft."""


def read_from_string(input_str: str) -> otio.schema.Timeline:
    """Parse draft JSON text into an OTIO Timeline.

    :raises DraftAdapterError: malformed JSON or an invalid draft (the message names the path).
    """
    try:
        return draft_to_otio(draft_from_string(input_str))
    except MusicCogError as exc:
        raise DraftAdapterError(str(exc)) from None


def write_to_string(input_otio: otio.schema.Timeline, indent: int = 2) -> str:
    """Serialise an OTIO Timeline as draft JSON text.

    :raises DraftAdapterError: an element the draft cannot carry, named.
    """
    try:
        return draft_to_string(otio_to_draft(input_otio), indent=indent) + "\n"
    except MusicCogError as exc:
        raise DraftAdapterError(str(exc)) from None
