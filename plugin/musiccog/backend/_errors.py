"""The backend's exception tree and the one function that maps a code to its class.

::

    MusicCogError
     └── BackendError                      code 0; every failure of a backend
          ├── AuthError                    1001  token refused (after one fresh token)
          ├── SessionLostError             1002  session not found (after one new session)
          ├── NoCreditsError               2001  out of credits: register / top up
          ├── BadInputError                4000  a request the server refused as malformed
          │    ├── UnsupportedFileError    4001  file type not accepted: lists the formats
          │    └── UploadTooLargeError     4002  over 500 MB: compress or trim
          ├── ClientIdError                 400  missing/bad X-Client-Id (after one new id)
          ├── PlanRequiredError             402  export needs registration or a plan
          ├── RateLimitedError              429  still busy after one wait and retry
          ├── EngineUnavailableError       5001  the offline engine is not installed
          ├── RenderFailedError            5002  the render job failed or was cancelled
          ├── ServerError                   5xx  still failing after bounded retries
          ├── NetworkError                    -  cannot reach the backend after retries
          └── ProtocolError                   -  an answer that does not follow the protocol

The recovery for 1001, 1002, 400, 429, 5xx and network drops is done by the client
(``_transport``) before one of these reaches the user; what is left is a message
that says what to do.  Each error carries ``code``, ``http_status`` and ``request``
(``"POST /run_sse"``; never a token).
"""

from __future__ import annotations

from typing import Any

from musiccog.backend.base import BackendError

__all__ = [
    "ACCEPTED_SUFFIXES",
    "AuthError",
    "BadInputError",
    "BackendError",
    "ClientIdError",
    "EngineUnavailableError",
    "NetworkError",
    "NoCreditsError",
    "PlanRequiredError",
    "ProtocolError",
    "RateLimitedError",
    "RenderFailedError",
    "ServerError",
    "SessionLostError",
    "UnsupportedFileError",
    "UploadTooLargeError",
    "error_for_code",
]

#: File types the protocol accepts for upload (lower-case suffixes).
ACCEPTED_SUFFIXES = (
    ".mp4", ".mov", ".avi", ".webm", ".mkv",
    ".jpg", ".png", ".gif", ".webp",
    ".mp3", ".wav", ".m4a", ".aac",
)


class _ProtocolBackendError(BackendError):
    """A backend error with the request it answered and the HTTP status."""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        http_status: int | None = None,
        request: str = "",
    ) -> None:
        super().__init__(message, code=code)
        self.http_status = http_status
        self.request = request


class AuthError(_ProtocolBackendError):
    """1001: the token was refused and a fresh one did not help."""

    code = 1001


class SessionLostError(_ProtocolBackendError):
    """1002: the session is gone and a new one did not help."""

    code = 1002


class NoCreditsError(_ProtocolBackendError):
    """2001: out of credits; ``register_url`` is set for anonymous users."""

    code = 2001

    def __init__(self, message: str, *, register_url: str = "", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.register_url = register_url


class BadInputError(_ProtocolBackendError):
    """4000: the server refused the request's content."""

    code = 4000


class UnsupportedFileError(BadInputError):
    """4001: a file type the backend does not accept."""

    code = 4001


class UploadTooLargeError(BadInputError):
    """4002: a file over the 500 MB limit."""

    code = 4002


class ClientIdError(_ProtocolBackendError):
    """400: the server refused the client id even after a new one."""

    code = 400


class PlanRequiredError(_ProtocolBackendError):
    """402: export needs registration or a higher plan (not a credits problem)."""

    code = 402


class RateLimitedError(_ProtocolBackendError):
    """429: too many requests, even after one wait and retry."""

    code = 429


class EngineUnavailableError(_ProtocolBackendError):
    """5001: the offline engine is not available where the work should run."""

    code = 5001


class RenderFailedError(_ProtocolBackendError):
    """5002: the render job failed, was cancelled elsewhere, or gave no file."""

    code = 5002


class ServerError(_ProtocolBackendError):
    """5xx: the server kept failing after bounded retries."""

    code = 500


class NetworkError(_ProtocolBackendError):
    """The backend could not be reached (connection refused, dropped, timed out)."""

    code = 0


class ProtocolError(_ProtocolBackendError):
    """An answer that does not follow the protocol (not JSON, missing fields)."""

    code = 0


def _formats() -> str:
    return ", ".join(s.lstrip(".") for s in ACCEPTED_SUFFIXES)


def error_for_code(
    code: int,
    message: str = "",
    *,
    http_status: int | None = None,
    request: str = "",
    anonymous: bool = True,
    user_id: str = "",
    register_url: str = "",
) -> BackendError:
    """The typed error for a protocol ``code`` (or HTTP status), with a message saying what to do.

    ``message`` is what the server said (appended as detail); ``anonymous``/``user_id``
    pick the 2001 advice (registration link with ``?bind=<user_id>`` vs "top up").
    """
    detail = f" (server said: {message})" if message else ""
    kwargs: dict[str, Any] = {"code": code, "http_status": http_status, "request": request}
    if code == 1001 or http_status == 401:
        kwargs["code"] = 1001
        return AuthError(
            "The backend refused the sign-in token even after getting a fresh one. "
            "If NEMO_TOKEN is set, check it (or unset it for an anonymous token); "
            f"otherwise try again later{detail}.", **kwargs)
    if code == 1002:
        return SessionLostError(
            "The backend lost the session even after starting a new one. "
            f"Try again; if it keeps happening the service may be resetting{detail}.", **kwargs)
    if code == 2001:
        if anonymous and register_url:
            sep = "&" if "?" in register_url else "?"
            url = f"{register_url}{sep}bind={user_id}" if user_id else register_url
            return NoCreditsError(
                f"You're out of free credits. Register at {url} to keep this session "
                f"and get more credits, then try again{detail}.", register_url=url, **kwargs)
        return NoCreditsError(
            f"You're out of credits. Top up credits on your account, then try again{detail}.",
            **kwargs)
    if code == 4001:
        return UnsupportedFileError(
            f"That file type is not supported. Use one of: {_formats()}{detail}.", **kwargs)
    if code == 4002:
        return UploadTooLargeError(
            "That file is over the 500 MB limit. Compress it (e.g. re-encode at a lower "
            f"bitrate) or trim it to the part you need, then upload again{detail}.", **kwargs)
    if code == 400:
        return ClientIdError(
            "The backend refused this client's id even after a new one was made. "
            f"Check the --backend URL, or try again later{detail}.", **kwargs)
    if code == 402:
        return PlanRequiredError(
            "Export is locked for this account: register or upgrade your plan to unlock "
            f"export. This is a plan issue, not credits{detail}.", **kwargs)
    if code == 429:
        return RateLimitedError(
            f"The backend is busy (too many requests). Wait a minute and try again{detail}.",
            **kwargs)
    if code == 5001:
        return EngineUnavailableError(
            f"The offline engine is not available on the backend{detail}. Install "
            "'ai-music-cog[engine]' there, or choose another backend.", **kwargs)
    if code == 5002:
        return RenderFailedError(
            f"The render failed{detail}. Check that the timeline's media still exist, "
            "then export again.", **kwargs)
    if 4000 <= code < 5000:
        return BadInputError(f"The backend refused the request{detail}. Check the input.",
                             **kwargs)
    if 500 <= code < 600 or (http_status or 0) >= 500:
        return ServerError(
            f"The backend kept failing ({request}, HTTP {http_status or code}){detail}. "
            "Try again in a few minutes, or switch to the local backend.", **kwargs)
    return BackendError(
        f"The backend answered with error {code} to {request or 'a request'}{detail}.",
        code=code)
