"""Draft ⇄ OpenTimelineIO mapping (pure: no host, no I/O).

See ``docs/draft-format.md`` for what maps to what.
"""

from musiccog.otio_mapping.common import NAMESPACE, OTIO_EXTRA_KEY
from musiccog.otio_mapping.from_otio import otio_to_draft, otio_to_json
from musiccog.otio_mapping.to_otio import draft_to_otio

__all__ = ["NAMESPACE", "OTIO_EXTRA_KEY", "draft_to_otio", "otio_to_draft", "otio_to_json"]
