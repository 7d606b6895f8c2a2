"""The session layer: intent routing, GUI translation, draft diffs and :class:`Session`.

Pure parts (``route_intent``, ``translate_for_gui``, ``diff_drafts``) import no
network; :class:`Session` talks only to a :class:`~musiccog.backend.base.Backend`.
"""

from musiccog.session._session import Session, SyncOutcome
from musiccog.session.diff import diff_drafts, summarize_changes
from musiccog.session.intents import INTENTS, Intent, looks_like_media_path, route_intent
from musiccog.session.translate import GuiText, translate_for_gui

__all__ = [
    "INTENTS",
    "GuiText",
    "Intent",
    "Session",
    "SyncOutcome",
    "diff_drafts",
    "looks_like_media_path",
    "route_intent",
    "summarize_changes",
    "translate_for_gui",
]
