"""What the panel, the fallback window and the CLI use to work on the current Resolve timeline.

``ResolveTimelineBridge`` joins the host (:mod:`.host`) to the backend session:
read the timeline as a draft, send it with the prompt through
``Session.sync_timeline``, and put the result back — on the current timeline
(new audio track + markers) or as a new timeline from OTIO.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from musiccog.draft.model import Draft
from musiccog.jobs import CancelToken, ProgressCallback
from musiccog.resolve.host import PlacementReport, ResolveHost


def open_session(choice: str = "local") -> Any:
    """A ``musiccog.session.Session`` for Resolve on the chosen backend."""
    from musiccog.backend import open_backend
    from musiccog.session import Session

    return Session(open_backend(choice, host="resolve"), host="resolve")


class ResolveTimelineBridge:
    """The current Resolve timeline as the panel sees it (``host_name`` "resolve")."""

    host_name = "resolve"

    def __init__(self, host: ResolveHost) -> None:
        self.host = host

    def describe(self) -> str:
        """One line: project, timeline, rate, start timecode (or why there is none)."""
        info = self.host.timeline_info()
        project = self.host.project().GetName()
        return (f"{project} ▸ {info.name} · {info.rate.label} fps · "
                f"starts {info.start_timecode or info.start_frame}")

    def warnings(self) -> list[str]:
        """Edition facts the user should know (free 19.1+, free 21.1+)."""
        edition = self.host.edition()
        out = []
        if not edition.lists_python_scripts:
            out.append(f"{edition.product} {edition.version_text} lists only Lua scripts in "
                       "Workspace ▸ Scripts; see docs/resolve.md for other ways to start.")
        if edition.uimanager_may_fail:
            out.append(f"{edition.product} {edition.version_text}: script windows (UIManager) "
                       "may not open in the free edition since 19.1.")
        return out

    def read_draft(self) -> Draft:
        """The current timeline as a draft (through Resolve's OTIO export when it can)."""
        return self.host.read_draft()[0]

    def apply(self, draft: Draft, *, bgm_path: str | Path | None = None,
              new_timeline: bool = False) -> PlacementReport:
        """Put a synced draft's music on the current timeline, or build a new timeline.

        The music is first copied to Music Cog's media folder
        (:func:`musiccog.media_store.keep_music`): the project must not point into a cache.
        """
        from musiccog.media_store import keep_music

        draft, bgm_path = keep_music(draft, bgm_path)
        if new_timeline:
            return self.host.import_as_new_timeline(draft)
        return self.host.place_on_current_timeline(draft, bgm_path)

    def sync(self, session: Any, *, prompt: str, music_path: str | Path | None = None,
             library_dir: str | Path | None = None, new_timeline: bool = False,
             cancel: CancelToken | None = None,
             on_progress: ProgressCallback | None = None) -> tuple[Any, PlacementReport]:
        """Read → ``session.sync_timeline`` → apply; returns the outcome and what was added."""
        draft = self.read_draft()
        outcome = session.sync_timeline(draft, prompt=prompt, music_path=music_path,
                                        library_dir=library_dir, cancel=cancel,
                                        on_progress=on_progress)
        if cancel is not None:
            cancel.raise_if_cancelled()
        report = self.apply(outcome.draft, bgm_path=outcome.bgm_path, new_timeline=new_timeline)
        return outcome, report
