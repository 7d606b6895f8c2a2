"""The offline sync engine: analyse (beats, cuts, speech, loudness) → plan → render.

The public entry points (``sync_video``, ``sync_draft``, ``render_draft``,
``parse_prompt``, ``SyncResult``) live in :mod:`musiccog.engine.facade` and are
re-exported here lazily, so ``import musiccog.engine.types`` (or this package)
costs nothing until an entry point is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from musiccog.engine.facade import (
        SyncResult,
        parse_prompt,
        render_draft,
        sync_draft,
        sync_video,
        warm_up,
    )

__all__ = ["SyncResult", "parse_prompt", "render_draft", "sync_draft", "sync_video", "warm_up"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("musiccog.engine.facade"), name)
    raise AttributeError(f"module 'musiccog.engine' has no attribute {name!r}")
