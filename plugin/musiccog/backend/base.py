"""The one interface every host talks to, whatever runs the work.

Three implementations share it (see ``DESIGN.md``):

- ``local`` — the offline engine in-process (the default; no account, no network);
- ``self-hosted`` — the HTTP client against ``musiccog serve``;
- ``cloud`` — the same HTTP client against the hosted API.

Hosts (CLI, Qt panel, Blender, Resolve) never import an implementation
directly: they call :func:`musiccog.backend.open_backend` and use only the
methods below.  Every method may raise a :class:`BackendError` subclass whose
message says what the user should do.  Long calls take an ``on_progress``
callback and a :class:`CancelToken` so hosts can keep their UI thread free.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from musiccog.draft.model import Draft
from musiccog.errors import MusicCogError
from musiccog.jobs import Cancelled, CancelToken, ProgressCallback

__all__ = [
    "Backend",
    "BackendError",
    "BackendKind",
    "CancelToken",
    "Cancelled",
    "ChatEvent",
    "Credits",
    "HostName",
    "ProgressCallback",
    "SessionState",
    "UploadedFile",
]

BackendKind = Literal["local", "self-hosted", "cloud"]
HostName = Literal["resolve", "blender", "cli", "panel"]


class BackendError(MusicCogError):
    """Base of every backend failure; ``code`` is the protocol's code (0 when none)."""

    code: int = 0

    def __init__(self, message: str, *, code: int | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


@dataclass(frozen=True)
class Credits:
    """Credit balance of a cloud account (credits are whole units)."""

    available: float
    frozen: float
    total: float


@dataclass(frozen=True)
class UploadedFile:
    """A media file the backend holds for the session.

    ``duration_s`` in seconds, ``width``/``height`` in pixels, ``fps`` frames per second;
    any may be None when the backend did not say.
    """

    filename: str
    file_type: str
    url: str
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChatEvent:
    """One thing that happened during a chat turn, in the order it happened.

    ``kind``:
      - ``"text"`` — words for the user (already translated for a GUI);
      - ``"progress"`` — work is going on; ``data["percent"]`` 0–100 when known;
      - ``"still_working"`` — no news for a while ("⏳ Still working...");
      - ``"changed"`` — the timeline changed; ``text`` summarises what changed;
      - ``"error"`` — a recovered problem worth showing (the turn goes on).
    """

    kind: Literal["text", "progress", "still_working", "changed", "error"]
    text: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class SessionState:
    """What the backend holds for the session now."""

    draft: Draft | None = None
    files: list[UploadedFile] = field(default_factory=list)
    generated_media: list[dict[str, Any]] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


class Backend(ABC):
    """The operations every backend offers; see the module docstring."""

    #: ``"local"``, ``"self-hosted"`` or ``"cloud"``.
    kind: BackendKind

    @abstractmethod
    def connect(self) -> None:
        """Get a token and a session if needed; cheap to call again."""

    @abstractmethod
    def credits(self) -> Credits | None:
        """The credit balance, or None for backends without credits (local)."""

    @abstractmethod
    def upload(
        self,
        path: str | Path,
        *,
        on_progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> UploadedFile:
        """Check (format, 500 MB) and send a media file to the session."""

    @abstractmethod
    def set_timeline(self, draft: Draft) -> None:
        """Give the backend the host's current edit (media referenced by path or URL)."""

    @abstractmethod
    def chat(self, message: str, *, cancel: CancelToken | None = None) -> Iterator[ChatEvent]:
        """Send a prompt; yield events until the turn ends (the stream closing ends it)."""

    @abstractmethod
    def state(self) -> SessionState:
        """The session's current draft, files and generated media."""

    @abstractmethod
    def export(
        self,
        dest: str | Path,
        *,
        on_progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> Path:
        """Render the session's draft to an MP4 at ``dest`` (written atomically)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections and temporary files."""
