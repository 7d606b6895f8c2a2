"""The session every host goes through: routes what the user types to the backend.

``Session.handle(text, files=…)`` streams :class:`ChatEvent` s for any intent
(export, credits, status, upload, chat); ``sync_timeline`` is the host round trip
(the host's draft in, the draft with music and the BGM file out); ``export``
renders the session's draft to an MP4.  No host talks HTTP or runs the engine: the
backend does.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from musiccog.backend.base import Backend, BackendError, ChatEvent, HostName
from musiccog.draft.model import Draft
from musiccog.draft.summary import summarize
from musiccog.jobs import CancelToken, ProgressCallback, check_cancel, report
from musiccog.session.diff import summarize_changes
from musiccog.session.intents import looks_like_media_path, route_intent

__all__ = ["Session", "SyncOutcome"]


@dataclass
class SyncOutcome:
    """A host round trip's result.

    ``draft``: the host's timeline plus the music track and markers, with media as
    local paths; ``bgm_path``: the fitted music file (None when the backend gave
    none); ``summary``: what changed compared with the host's draft; ``messages``:
    the backend's words for the user.
    """

    draft: Draft
    bgm_path: Path | None
    summary: str
    messages: list[str] = field(default_factory=list)


def _describe_upload(uploaded) -> str:  # noqa: ANN001 - an UploadedFile
    details = []
    if uploaded.duration_s:
        details.append(f"{uploaded.duration_s:.1f} s")
    if uploaded.width and uploaded.height:
        details.append(f"{uploaded.width}×{uploaded.height}")
    tail = f" ({', '.join(details)})" if details else ""
    return f"Uploaded {uploaded.filename or 'the file'}{tail}."


def _default_export_dir() -> Path:
    try:
        import platformdirs

        path = Path(platformdirs.user_videos_dir())
    except Exception:  # platformdirs may not know the folder on this system
        path = Path.home()
    return path if path.is_dir() else Path.home()


class Session:
    """One conversation with a backend, for one host."""

    def __init__(self, backend: Backend, *, host: HostName = "cli",
                 export_dir: str | os.PathLike[str] | None = None,
                 media_dir: str | os.PathLike[str] | None = None) -> None:
        self.backend = backend
        self.host = host
        self.export_dir = Path(export_dir) if export_dir else None
        self._media_dir = Path(media_dir) if media_dir else None

    # -- routing ---------------------------------------------------------------------
    def handle(self, text: str, *, files: Sequence[str | os.PathLike[str]] = (),
               cancel: CancelToken | None = None,
               on_progress: ProgressCallback | None = None) -> Iterator[ChatEvent]:
        """Route ``text`` and stream what happens.

        ``files`` are uploaded first (progress in bytes); work progress is reported
        as percent (``total`` 100).  A bare file path in ``text`` is an upload.
        """
        text = text or ""
        intent = route_intent(text) if text.strip() else ("upload" if files else "chat")
        paths = [Path(f) for f in files]
        if intent == "upload" and looks_like_media_path(text):
            value = text.strip().strip("\"'").strip()
            paths.append(Path(value[7:] if value.startswith("file://") else value).expanduser())
        for path in paths:
            check_cancel(cancel)
            uploaded = self.backend.upload(path, on_progress=on_progress, cancel=cancel)
            yield ChatEvent("text", _describe_upload(uploaded), {"file": uploaded.filename})
        if intent == "upload":
            if not paths:
                yield ChatEvent("text", "Add the file to upload (drop it here or give its "
                                        "path), e.g. --file clip.mp4.")
            return
        if intent == "export":
            dest = (self.export_dir or _default_export_dir()) / \
                time.strftime("musiccog_%Y%m%d_%H%M%S.mp4")
            path = self.export(dest, on_progress=on_progress, cancel=cancel)
            yield ChatEvent("text", f"Exported to {path}", {"path": str(path)})
        elif intent == "credits":
            yield ChatEvent("text", self.credits_text())
        elif intent == "status":
            yield ChatEvent("text", self.status_text())
        else:
            for event in self.backend.chat(text, cancel=cancel):
                if event.kind == "progress" and "percent" in event.data:
                    report(on_progress, float(event.data["percent"]))
                yield event

    def credits_text(self) -> str:
        """The balance in words (or why there is none)."""
        credits = self.backend.credits()
        if credits is None:
            return "The local backend needs no credits."
        return (f"Credits: {credits.available:g} available, {credits.frozen:g} frozen, "
                f"{credits.total:g} total.")

    def status_text(self) -> str:
        """The session's timeline summary (or that there is none yet)."""
        draft = self.backend.state().draft
        if draft is None:
            return "The session has no timeline yet: add a video and ask for music."
        return summarize(draft)

    # -- host round trip -----------------------------------------------------------------
    def _media_dir_for(self) -> Path:
        if self._media_dir is None:
            from musiccog import config

            sid = getattr(self.backend, "session_id", None) or "session"
            self._media_dir = config.cache_dir() / "media" / str(sid)
        self._media_dir.mkdir(parents=True, exist_ok=True)
        return self._media_dir

    def sync_timeline(self, draft: Draft, *, prompt: str,
                      music_path: str | os.PathLike[str] | None = None,
                      library_dir: str | os.PathLike[str] | None = None,
                      cancel: CancelToken | None = None,
                      on_progress: ProgressCallback | None = None) -> SyncOutcome:
        """Send the host's ``draft`` and ``prompt``; return the draft with music.

        ``music_path``: a track to use (uploaded); ``library_dir``: a folder of tracks
        to choose from (local backend only).  Progress is percent (``total`` 100).
        """
        messages: list[str] = []
        self.backend.set_timeline(draft)
        if library_dir is not None:
            if hasattr(self.backend, "library_dir"):
                self.backend.library_dir = Path(library_dir)
            else:
                messages.append("The music library folder is used by the local backend only; "
                                "give a track with the music file instead.")
        if music_path is not None:
            self.backend.upload(music_path, cancel=cancel)
        for event in self.backend.chat(prompt, cancel=cancel):
            if event.kind == "text":
                messages.append(event.text)
            elif event.kind == "progress" and "percent" in event.data:
                report(on_progress, float(event.data["percent"]))
        check_cancel(cancel)
        after = self.backend.state().draft
        if after is None:
            raise BackendError("The backend finished without a timeline; try again, or "
                               "switch to the local backend.")
        localize = getattr(self.backend, "localize", None)
        bgm_path = None
        if callable(localize):
            after, bgm_path = localize(after, self._media_dir_for(), cancel=cancel)
        report(on_progress, 100.0)
        return SyncOutcome(after, bgm_path, summarize_changes(draft, after), messages)

    # -- export ----------------------------------------------------------------------
    def export(self, dest: str | os.PathLike[str], *, on_progress: ProgressCallback | None = None,
               cancel: CancelToken | None = None) -> Path:
        """Render the session's draft to ``dest`` (MP4, written atomically)."""
        target = Path(dest).expanduser()
        if target.suffix.lower() != ".mp4":
            raise BackendError(f"{target.name}: export writes MP4 files; use a name ending "
                               "in .mp4.")
        if target.is_dir():
            raise BackendError(f"{target} is a folder; give a file name ending in .mp4.")
        return Path(self.backend.export(target, on_progress=on_progress, cancel=cancel))

    def close(self) -> None:
        """Close the backend's connections."""
        self.backend.close()
