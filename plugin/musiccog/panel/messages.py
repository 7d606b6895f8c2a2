"""Words the panel shows: suggested prompts, and each error as a short message + action.

Pure (no Qt): :func:`describe_error` turns any exception from a job into a
:class:`PanelMessage` — one or two short sentences and the action that fixes
the problem (a link to open, or a panel action such as ``"retry"``).  The
backend's own message (which already says what to do) is kept as the detail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from musiccog.backend import ACCEPTED_SUFFIXES, MAX_UPLOAD_BYTES
from musiccog.errors import MusicCogError
from musiccog.jobs import Cancelled

__all__ = [
    "STILL_WORKING",
    "SUGGESTED_PROMPTS",
    "SUPPORTED_FORMATS",
    "UPLOAD_LIMIT_BYTES",
    "PanelMessage",
    "describe_error",
]

#: Prompts one click away under the prompt box.
SUGGESTED_PROMPTS: tuple[str, ...] = (
    "sync background music to match the video tempo and mood",
    "calm lo-fi music at 35% under the voice",
    "upbeat music that hits every cut",
    "show tracks",
    "export",
)

#: Shown after a stretch of silence during a job (the protocol's wording).
STILL_WORKING = "⏳ Still working..."

#: File suffixes the backends accept (the protocol's list), lower case, without the dot.
SUPPORTED_FORMATS: tuple[str, ...] = tuple(s.lstrip(".") for s in ACCEPTED_SUFFIXES)

#: Largest file the backends accept: 500 MB (decimal megabytes, as the protocol says).
UPLOAD_LIMIT_BYTES = MAX_UPLOAD_BYTES

ActionKind = Literal["none", "link", "retry", "reconnect", "choose_file", "local"]

_URL = re.compile(r"https?://[^\s)\"'<>]+")


@dataclass(frozen=True)
class PanelMessage:
    """An error as the panel shows it.

    ``text`` is the short message; ``detail`` the backend's full message;
    ``action`` what the button does (``"link"`` opens ``url``); ``action_label``
    the button's caption ("" when there is no button); ``code`` the protocol code.
    """

    text: str
    detail: str = ""
    action: ActionKind = "none"
    action_label: str = ""
    url: str = ""
    code: int = 0
    is_cancel: bool = False


def _first_url(*texts: str) -> str:
    for text in texts:
        found = _URL.search(text or "")
        if found:
            return found.group(0).rstrip(".,;")
    return ""


def _url_attr(exc: BaseException) -> str:
    for name in ("register_url", "registration_url", "upgrade_url", "url", "action_url"):
        value = getattr(exc, name, None)
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return value
    return ""


def _formats_line() -> str:
    return ", ".join(SUPPORTED_FORMATS)


def describe_error(exc: BaseException) -> PanelMessage:
    """The short message and action for ``exc`` (any exception a job raised).

    Protocol codes (``exc.code``): 1001 token, 1002 session, 2001 no credits,
    4001 unsupported file, 4002 too large, 400 client id, 402 plan, 429 busy,
    5001 engine missing, 5002 render failed; 5xx and network failures carry
    code 0 or their HTTP status.
    """
    detail = str(exc)
    if isinstance(exc, Cancelled):
        return PanelMessage("Cancelled. Nothing was changed.", detail, is_cancel=True)
    code = getattr(exc, "code", 0)
    code = code if isinstance(code, int) else 0
    url = _url_attr(exc) or _first_url(detail)
    if code == 2001:
        if url:
            return PanelMessage(
                "You're out of credits. Register (free) to keep this session and get more.",
                detail, "link", "Register…", url, code,
            )
        return PanelMessage(
            "You're out of credits. Top up your credits to go on.",
            detail, "link" if url else "none", "Top up…" if url else "", url, code,
        )
    if code == 402:
        return PanelMessage(
            "Export needs a registered account or a higher plan (this is not about credits).",
            detail, "link" if url else "none", "Register or upgrade…" if url else "", url, code,
        )
    if code == 4001:
        return PanelMessage(
            f"That file type isn't supported. Use one of: {_formats_line()}.",
            detail, "choose_file", "Choose another file…", "", code,
        )
    if code == 4002:
        return PanelMessage(
            "That file is over 500 MB. Compress it or trim it to the part you need, "
            "then add it again.",
            detail, "choose_file", "Choose another file…", "", code,
        )
    if code == 429:
        return PanelMessage(
            "The backend is busy (too many requests). Wait a minute, then try again.",
            detail, "retry", "Try again", "", code,
        )
    if code in (1001, 1002, 400):
        what = {1001: "Your sign-in token", 1002: "Your session", 400: "This client's id"}[code]
        return PanelMessage(
            f"{what} could not be renewed. Reconnect to start a fresh session.",
            detail, "reconnect", "Reconnect", "", code,
        )
    if code == 5001:
        return PanelMessage(
            "The music engine isn't installed where the work runs. Switch to another backend, "
            "or install 'ai-music-cog[engine]' there.",
            detail, "none", "", "", code,
        )
    if code == 5002:
        return PanelMessage(
            "The render failed. Check that the timeline's media files still exist, then export "
            "again.", detail, "retry", "Export again", "", code,
        )
    if 500 <= code < 600 or _looks_like_network(exc):
        return PanelMessage(
            "Can't reach the backend right now. Check the connection and try again, "
            "or switch to the local backend.",
            detail, "retry", "Try again", "", code,
        )
    if isinstance(exc, MusicCogError):
        return PanelMessage(_first_sentence(detail), detail, "none", "", url, code)
    return PanelMessage(
        f"Something went wrong ({type(exc).__name__}). Try again; if it keeps happening, "
        "report it with the details.",
        detail, "retry", "Try again", "", code,
    )


def _looks_like_network(exc: BaseException) -> bool:
    names = {cls.__name__ for cls in type(exc).__mro__}
    return bool(names & {"NetworkError", "BackendUnavailable", "ConnectError", "ConnectionError",
                         "TransportError", "TimeoutException", "ServerError"})


def _first_sentence(text: str, limit: int = 220) -> str:
    line = (text or "").strip().splitlines()[0] if text and text.strip() else "Error."
    return line if len(line) <= limit else line[: limit - 1] + "…"
