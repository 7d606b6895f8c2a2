"""What each panel job does on its worker thread (no Qt: plain calls on the Session).

Every function takes a ``ctx`` with ``cancel`` (a CancelToken), ``emit(obj)``
and ``progress(channel) -> on_progress`` (see :class:`musiccog.panel.worker.JobContext`)
and talks to the backend only through ``musiccog.session.Session`` and the
``Backend`` methods ``credits()``/``state()``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from musiccog.backend.base import ChatEvent, Credits
from musiccog.draft.model import Draft
from musiccog.jobs import CancelToken, ProgressCallback

__all__ = [
    "AUDIO_SUFFIXES",
    "Connected",
    "SessionFactory",
    "TurnResult",
    "connect",
    "default_session_factory",
    "export",
    "is_media_path",
    "path_from_text",
    "new_export_path",
    "prompt_intent",
    "refresh",
    "run_prompt",
]

#: Suffixes the local backend treats as the music to use.
AUDIO_SUFFIXES = frozenset({".mp3", ".wav", ".m4a", ".aac", ".flac"})

#: ``factory(choice) -> Session``; ``choice`` is "local", "cloud" or a server URL.
SessionFactory = Callable[[str], Any]


class Ctx(Protocol):
    """The worker context (see :class:`musiccog.panel.worker.JobContext`)."""

    cancel: CancelToken

    def emit(self, obj: object) -> None: ...

    def progress(self, channel: str) -> ProgressCallback: ...


@dataclass
class Connected:
    """A ready session: ``kind`` local | self-hosted | cloud; credits for the cloud."""

    session: Any
    kind: str
    credits: Credits | None
    draft: Draft | None


@dataclass
class TurnResult:
    """After a prompt: the session's draft now, the credit balance, a host sync outcome."""

    intent: str
    draft: Draft | None
    credits: Credits | None
    outcome: Any = None


def default_session_factory(host: str) -> SessionFactory:
    """``choice -> Session(open_backend(choice, host=host), host=host)``."""

    def factory(choice: str) -> Any:
        from musiccog.backend import open_backend
        from musiccog.session import Session

        return Session(open_backend(choice, host=host), host=host)

    return factory


def _backend(session: Any) -> Any:
    return getattr(session, "backend", None)


def _credits(backend: Any) -> Credits | None:
    if backend is None or getattr(backend, "kind", "local") == "local":
        return None
    return backend.credits()


def _draft(backend: Any) -> Draft | None:
    if backend is None:
        return None
    return backend.state().draft


def connect(ctx: Ctx, factory: SessionFactory, choice: str) -> Connected:
    """Open the session on ``choice`` and read its credits and current draft."""
    session = factory(choice)
    backend = _backend(session)
    try:
        ctx.cancel.raise_if_cancelled()
        if backend is not None:
            backend.connect()
            warm_up = getattr(backend, "warm_up", None)  # the local engine: load it now
            if callable(warm_up):
                warm_up()
        ctx.cancel.raise_if_cancelled()
        credits = _credits(backend)
        draft = _draft(backend)
    except BaseException:
        _close(session)
        raise
    return Connected(session, getattr(backend, "kind", "local"), credits, draft)


def _close(session: Any) -> None:
    for obj in (session, _backend(session)):
        close = getattr(obj, "close", None)
        if callable(close):
            try:
                close()
            except Exception:  # closing must not hide the error that got us here
                pass
            return


def prompt_intent(text: str, files: Sequence[Path]) -> str:
    """The intent of ``text`` (the backend issue's routing); files alone mean upload."""
    if not text.strip():
        return "upload" if files else "chat"
    from musiccog.session import route_intent

    return str(route_intent(text))


def is_media_path(text: str) -> bool:
    """True when ``text`` is a single media file path (the session's rule)."""
    from musiccog.session import looks_like_media_path

    return bool(looks_like_media_path(text))


def path_from_text(text: str) -> Path:
    """The path in a typed or pasted ``text`` (quotes and ``file://`` removed)."""
    value = text.strip().strip("\"'").strip()
    return Path(value[7:] if value.startswith("file://") else value).expanduser()


def run_prompt(
    ctx: Ctx,
    session: Any,
    text: str,
    files: Sequence[Path] = (),
    *,
    host_draft: Draft | None = None,
) -> TurnResult:
    """One prompt turn; emits each :class:`ChatEvent` as it arrives.

    With ``host_draft`` (a host timeline) a chat prompt goes through
    ``Session.sync_timeline`` (the result is placed on the host by the UI);
    otherwise ``Session.handle`` streams the turn.  Progress with ``total``
    100 is work (percent); any other total is an upload (bytes).
    """
    intent = prompt_intent(text, files)
    backend = _backend(session)
    work = ctx.progress("work")
    if host_draft is not None and intent == "chat":
        music = next((p for p in files if p.suffix.lower() in AUDIO_SUFFIXES), None)
        outcome = session.sync_timeline(host_draft, prompt=text, music_path=music,
                                        cancel=ctx.cancel, on_progress=work)
        for message in getattr(outcome, "messages", []) or []:
            ctx.emit(ChatEvent("text", message))
        ctx.emit(ChatEvent("changed", getattr(outcome, "summary", "")))
        return TurnResult(intent, outcome.draft, _credits(backend), outcome)
    upload = ctx.progress("upload")

    def on_progress(done: float, total: float) -> None:
        (work if total == 100 else upload)(done, total)

    message = text if text.strip() else "upload"
    for event in session.handle(message, files=tuple(files), cancel=ctx.cancel,
                                on_progress=on_progress):
        ctx.emit(event)
        ctx.cancel.raise_if_cancelled()
    return TurnResult(intent, _draft(backend), _credits(backend))


def refresh(ctx: Ctx, session: Any) -> TurnResult:
    """Read the session's draft and credits again."""
    backend = _backend(session)
    ctx.cancel.raise_if_cancelled()
    return TurnResult("status", _draft(backend), _credits(backend))


def new_export_path(export_dir: Path) -> Path:
    """``export_dir/musiccog-YYYYmmdd-HHMMSS.mp4``, numbered when that name is taken."""
    stem = f"musiccog-{time.strftime('%Y%m%d-%H%M%S')}"
    path = export_dir / f"{stem}.mp4"
    number = 2
    while path.exists():
        path = export_dir / f"{stem}-{number}.mp4"
        number += 1
    return path


def export(ctx: Ctx, session: Any, dest: Path) -> Path:
    """Render the session's draft to ``dest`` (MP4, atomic); progress on channel "export"."""
    return Path(session.export(dest, on_progress=ctx.progress("export"), cancel=ctx.cancel))
