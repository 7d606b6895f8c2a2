"""What the Blender add-on does off its main thread: pick the backend, sync, export (host-free).

The add-on reads everything it needs from Blender on the main thread into a
:class:`BackendSettings` and a draft, then runs :func:`run_sync` /
:func:`run_export` on a worker. Self-hosted and cloud backends are reached through
``musiccog.session.Session`` over ``musiccog.backend.open_backend``; the "local"
choice runs the same ``Session`` over the local backend in an Engine Python
(:mod:`.engine_process`), because Blender's own Python cannot import the engine.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from musiccog.blender.placement import is_new_music
from musiccog.draft.model import TRACK_AUDIO, Draft
from musiccog.draft.summary import summarize_track
from musiccog.errors import InputFileError, MusicCogError
from musiccog.jobs import CancelToken, ProgressCallback

#: Music files the engine reads (lower case, with the dot).
MUSIC_SUFFIXES = frozenset({".wav", ".mp3", ".m4a", ".aac", ".flac", ".ogg", ".aif", ".aiff"})
BackendKindChoice = Literal["local", "url", "cloud"]


class BackendChoiceError(MusicCogError):
    """A backend choice that cannot be used (bad URL, online access off)."""


@dataclass(frozen=True)
class BackendSettings:
    """The panel's backend choice, read on Blender's main thread.

    ``online_access`` is ``bpy.app.online_access``: with it off only the local
    engine and servers on this computer may be used.
    """

    kind: BackendKindChoice = "local"
    url: str = ""
    engine_python: str = ""
    online_access: bool = True


@dataclass
class SyncAnswer:
    """A sync's outcome plus the cloud credit line (empty for other backends)."""

    outcome: Any  # musiccog.session.SyncOutcome
    credits: str = ""
    messages: list[str] = field(default_factory=list)


def _is_loopback(url: str) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return host in ("127.0.0.1", "localhost", "::1")


def check_backend(settings: BackendSettings) -> None:
    """Refuse a URL that is not http(s), or the internet while online access is off."""
    if settings.kind == "url":
        parsed = urlparse(settings.url.strip())
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise BackendChoiceError(
                f"'{settings.url}' is not a server address. Type the URL of your Music Cog "
                "server, e.g. http://192.168.1.20:8765."
            )
        if not settings.online_access and not _is_loopback(settings.url):
            raise BackendChoiceError(
                "Blender's online access is off, so Music Cog cannot reach "
                f"{parsed.hostname}. Allow it in Preferences ▸ System ▸ Network, or use the "
                "local engine."
            )
    if settings.kind == "cloud" and not settings.online_access:
        raise BackendChoiceError(
            "Blender's online access is off, so the cloud backend cannot be used. Allow it in "
            "Preferences ▸ System ▸ Network, or pick the local engine."
        )


def check_music(music_path: str = "", library_dir: str = "") -> tuple[Path | None, Path | None]:
    """The music file or library folder as paths; InputFileError for missing/unsupported ones."""
    music = Path(music_path).expanduser() if music_path.strip() else None
    library = Path(library_dir).expanduser() if library_dir.strip() else None
    if music is not None:
        if not music.is_file():
            raise InputFileError(f"the music file {music} does not exist. Pick another file.")
        if music.suffix.lower() not in MUSIC_SUFFIXES:
            raise InputFileError(
                f"{music.name} is not a music file Music Cog reads. Use one of: "
                f"{', '.join(sorted(s[1:] for s in MUSIC_SUFFIXES))}."
            )
    if library is not None:
        if not library.is_dir():
            raise InputFileError(f"the music folder {library} does not exist. Pick a folder.")
        if not any(p.suffix.lower() in MUSIC_SUFFIXES for p in library.rglob("*")):
            raise InputFileError(
                f"the folder {library} holds no music files. Put some music in it or pick "
                "a single file."
            )
    return music, library


def backend_choice(settings: BackendSettings) -> str:
    """``"cloud"``, the server URL, or ``local:<engine python>`` for the local engine."""
    check_backend(settings)
    if settings.kind == "cloud":
        return "cloud"
    if settings.kind == "url":
        return settings.url.strip().rstrip("/")
    from musiccog.blender.engine_process import find_engine_python

    return LOCAL_PREFIX + str(find_engine_python(settings.engine_python or None))


SessionFactory = Callable[[str], tuple[Any, Any]]
#: A "local" choice is ``local:<engine python>``: the engine runs in that interpreter.
LOCAL_PREFIX = "local:"


def open_session(choice: str) -> tuple[Any, Any]:
    """``(session, backend)`` for Blender on ``choice`` (see :func:`backend_choice`)."""
    if choice.startswith(LOCAL_PREFIX):
        from musiccog.blender.engine_process import EngineProcessSession

        session = EngineProcessSession(Path(choice[len(LOCAL_PREFIX):]))
        return session, session
    from musiccog.backend import open_backend
    from musiccog.session import Session

    backend = open_backend(choice, host="blender")
    return Session(backend, host="blender"), backend


class _Sessions:
    """The last session, kept so Export can render what Sync made."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: str | None = None
        self._pair: tuple[Any, Any] | None = None

    def get(self, choice: str, factory: SessionFactory) -> tuple[Any, Any]:
        with self._lock:
            if self._pair is None or self._key != choice:
                self.close()
                self._pair, self._key = factory(choice), choice
            return self._pair

    def last(self) -> tuple[Any, Any] | None:
        with self._lock:
            return self._pair

    def close(self) -> None:
        if self._pair is not None:
            close = getattr(self._pair[1], "close", None)
            if callable(close):
                close()
        self._pair, self._key = None, None


SESSIONS = _Sessions()


def _credits_line(backend: Any) -> str:
    if getattr(backend, "kind", "") != "cloud":
        return ""
    balance = backend.credits()
    return "" if balance is None else f"Credits: {balance.available:g} available"


def run_sync(
    settings: BackendSettings,
    draft: Draft,
    *,
    prompt: str,
    music_path: Path | None = None,
    library_dir: Path | None = None,
    cancel: CancelToken | None = None,
    on_progress: ProgressCallback | None = None,
    session_factory: SessionFactory | None = None,
) -> SyncAnswer:
    """Send the edit and prompt to the chosen backend; the synced draft comes back.

    ``session_factory(choice) -> (session, backend)`` defaults to :func:`open_session`.
    """
    choice = backend_choice(settings)
    session, backend = SESSIONS.get(choice, session_factory or open_session)
    outcome = session.sync_timeline(
        draft, prompt=prompt, music_path=music_path, library_dir=library_dir,
        cancel=cancel, on_progress=on_progress,
    )
    return SyncAnswer(outcome=outcome, credits=_credits_line(backend),
                      messages=list(getattr(outcome, "messages", []) or []))


def run_export(
    dest: Path,
    *,
    cancel: CancelToken | None = None,
    on_progress: ProgressCallback | None = None,
) -> Path:
    """Render the last synced session's draft to ``dest`` through the backend."""
    pair = SESSIONS.last()
    if pair is None:
        raise BackendChoiceError(
            "the backend has nothing to export yet. Sync music first, or export with Blender."
        )
    return Path(pair[0].export(dest, on_progress=on_progress, cancel=cancel))


def bgm_summary(draft: Draft) -> str:
    """One line about the music placed, e.g. ``BGM: Lo-fi (0-30s, 35%)``; "" when none."""
    for track in draft.known_tracks(TRACK_AUDIO):
        if is_new_music(track) and track.segments:
            return summarize_track(track)
    return ""
