"""What a host editor gives the panel so prompts work on its timeline (pure: no Qt).

A host (Resolve, Blender, …) that embeds the panel passes an object matching
:class:`TimelineBridge`.  Without one the panel works on the backend session
alone (files the user drops, the session's draft).  With one, a chat prompt
reads the host's timeline, syncs it through ``Session.sync_timeline`` and puts
the result back on the host with :meth:`TimelineBridge.apply`.

The panel calls the bridge **on its UI thread only** (host APIs are rarely
thread-safe); the backend work between the two calls runs on a worker.
``musiccog.resolve.bridge.ResolveTimelineBridge`` implements it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from musiccog.draft.model import Draft

__all__ = ["TimelineBridge", "bridge_label"]


@runtime_checkable
class TimelineBridge(Protocol):
    """A host timeline seen by the panel.

    ``host_name`` is the backend's host name (``"resolve"``, ``"blender"``).
    """

    host_name: str

    def read_draft(self) -> Draft:
        """The host's current timeline as a draft (media referenced by file path).

        Raises a :class:`musiccog.errors.MusicCogError` saying what to do when
        there is no timeline to read.
        """
        ...

    def apply(
        self, draft: Draft, *, bgm_path: str | Path | None = None, new_timeline: bool = False
    ) -> Any:
        """Add the synced music (new tracks, markers) to the host; never edits in place.

        ``bgm_path`` is the rendered music file (WAV) when the backend made one.
        Returns a host report whose ``str()`` is shown to the user (may be None).
        """
        ...


def bridge_label(bridge: object) -> str:
    """One line naming the host timeline: the bridge's ``describe()`` when it has one."""
    describe = getattr(bridge, "describe", None)
    if callable(describe):
        try:
            return str(describe())
        except Exception as exc:  # a host that cannot describe itself still works
            return f"{getattr(bridge, 'host_name', 'host')} (timeline not readable: {exc})"
    return str(getattr(bridge, "host_name", "host"))
