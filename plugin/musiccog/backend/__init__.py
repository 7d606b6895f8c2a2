"""Backends: the one interface hosts talk to, and its three implementations.

``open_backend(choice, host=...)`` gives a :class:`Backend`:

- ``"local"`` — :class:`LocalBackend`, the offline engine in-process (default);
- ``"cloud"`` — :class:`RemoteBackend` on the hosted API (``$MUSICCOG_CLOUD_URL``
  overrides the base URL);
- ``"http(s)://host:port"`` — :class:`RemoteBackend` on a ``musiccog serve``.

The exception tree is drawn in :mod:`musiccog.backend._errors`.
"""

from __future__ import annotations

import os
from typing import Any

import httpx

from musiccog.backend._client import MAX_UPLOAD_BYTES, ProtocolClient, check_upload
from musiccog.backend._envelope import RenderStatus, parse_envelope, parse_render_status
from musiccog.backend._errors import (
    ACCEPTED_SUFFIXES,
    AuthError,
    BadInputError,
    ClientIdError,
    EngineUnavailableError,
    NetworkError,
    NoCreditsError,
    PlanRequiredError,
    ProtocolError,
    RateLimitedError,
    RenderFailedError,
    ServerError,
    SessionLostError,
    UnsupportedFileError,
    UploadTooLargeError,
    error_for_code,
)
from musiccog.backend._local import LocalBackend, load_engine
from musiccog.backend._remote import RemoteBackend
from musiccog.backend._stream import STILL_WORKING, StreamItem, TurnTracker, interpret
from musiccog.backend._transport import (
    DEFAULT_BASE_URL,
    DEFAULT_REGISTER_URL,
    ClientSettings,
    Transport,
)
from musiccog.backend.base import (
    Backend,
    BackendError,
    BackendKind,
    ChatEvent,
    Credits,
    HostName,
    SessionState,
    UploadedFile,
)

__all__ = [
    "ACCEPTED_SUFFIXES",
    "DEFAULT_BASE_URL",
    "DEFAULT_REGISTER_URL",
    "MAX_UPLOAD_BYTES",
    "STILL_WORKING",
    "AuthError",
    "Backend",
    "BackendError",
    "BackendKind",
    "BadInputError",
    "ChatEvent",
    "ClientIdError",
    "ClientSettings",
    "Credits",
    "EngineUnavailableError",
    "HostName",
    "LocalBackend",
    "NetworkError",
    "NoCreditsError",
    "PlanRequiredError",
    "ProtocolClient",
    "ProtocolError",
    "RateLimitedError",
    "RemoteBackend",
    "RenderFailedError",
    "RenderStatus",
    "ServerError",
    "SessionLostError",
    "SessionState",
    "StreamItem",
    "Transport",
    "TurnTracker",
    "UnsupportedFileError",
    "UploadTooLargeError",
    "UploadedFile",
    "backend_kind",
    "check_upload",
    "error_for_code",
    "interpret",
    "load_engine",
    "open_backend",
    "parse_envelope",
    "parse_render_status",
]


def backend_kind(choice: str) -> BackendKind:
    """``"local"``, ``"cloud"`` or ``"self-hosted"`` for a choice; raises on anything else."""
    value = (choice or "").strip()
    if value == "local":
        return "local"
    if value == "cloud":
        return "cloud"
    if value.startswith(("http://", "https://")):
        return "self-hosted"
    raise BackendError(
        f"Unknown backend {choice!r}: use 'local', 'cloud' or the http(s)://host:port "
        "address of a musiccog server.")


def open_backend(choice: str = "local", *, host: HostName, settings: ClientSettings | None = None,
                 transport: httpx.BaseTransport | None = None, remember: bool = True,
                 **local_options: Any) -> Backend:
    """The backend for ``choice`` ("local", "cloud" or a server URL), for host ``host``.

    ``settings`` overrides the HTTP client's knobs (its ``base_url`` and ``host`` are
    set from ``choice``/``host``); ``transport`` is an injectable httpx transport;
    ``remember`` keeps the session id in the config dir; ``local_options`` go to
    :class:`LocalBackend` (e.g. ``library_dir``).
    """
    kind = backend_kind(choice)
    if kind == "local":
        return LocalBackend(remember=remember, **local_options)
    base = settings or ClientSettings.from_env()
    if kind == "cloud":
        base.base_url = os.environ.get("MUSICCOG_CLOUD_URL", "").strip() or (
            base.base_url if settings is not None else DEFAULT_BASE_URL)
    else:
        base.base_url = choice.strip().rstrip("/")
        base.env_token_var = None  # NEMO_TOKEN is the hosted service's, not a server's
    base.host = host
    return RemoteBackend(base, kind=kind, choice=choice.strip(), remember=remember,
                         transport=transport)
