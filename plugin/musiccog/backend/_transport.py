"""HTTP core of the protocol client: headers, token, envelopes, retries and recovery.

One :class:`Transport` per base URL.  Every request carries ``Authorization:
Bearer <token>`` and the attribution headers (``X-Skill-Source``, ``X-Skill-Version``,
``X-Skill-Platform``).  Recovery, each at most once per call unless noted:

- 1001 / HTTP 401 → forget the token, get a new anonymous one, retry;
- 1002 (session-scoped calls) → ``on_session_lost()`` makes a new session, retry;
- 429 → wait ``rate_limit_wait_s`` (cancellable), retry;
- 400 on the token request → a new client id, retry;
- network drops and 5xx → up to ``max_retries`` retries with exponential backoff
  (non-idempotent POSTs only when the request was never sent: connect errors).

The token is never logged or put in an error message.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from musiccog import config
from musiccog._version import __version__
from musiccog.backend._envelope import Envelope, parse_envelope
from musiccog.backend._errors import (
    AuthError,
    NetworkError,
    ProtocolError,
    error_for_code,
)
from musiccog.jobs import CancelToken, check_cancel

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_REGISTER_URL", "ClientSettings", "Transport"]

log = logging.getLogger("musiccog.backend")

#: The hosted API.  Tests never use it: they pass a 127.0.0.1 URL.
DEFAULT_BASE_URL = "https://mega-api-prod.nemovideo.ai"
#: Where anonymous users register (``?bind=<user id>`` is appended); servers may override.
DEFAULT_REGISTER_URL = "https://nemovideo.ai/register"

_SENT_NEVER = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass
class ClientSettings:
    """Knobs of the HTTP client; times in seconds.  Tests shorten the waits."""

    base_url: str = DEFAULT_BASE_URL
    host: str = "cli"
    language: str = "en"
    #: Environment variable holding a registered token (None: always anonymous tokens).
    env_token_var: str | None = "NEMO_TOKEN"
    register_url: str = DEFAULT_REGISTER_URL
    still_working_s: float = 120.0
    render_poll_s: float = 30.0
    rate_limit_wait_s: float = 30.0
    max_retries: int = 3
    backoff_s: float = 1.0
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 60.0
    #: Longest chat turn (the protocol allows up to 15 minutes).
    chat_timeout_s: float = 900.0
    #: Longest silence on the chat stream before it counts as dropped.
    chat_read_timeout_s: float = 300.0
    state_poll_s: float = 3.0
    #: How long to poll state after a dropped stream or a turn without text.
    recover_timeout_s: float = 120.0
    render_timeout_s: float = 3600.0

    @classmethod
    def from_env(cls, **values: Any) -> ClientSettings:
        """Defaults, with waits overridable from the environment (seconds):
        ``MUSICCOG_RENDER_POLL_S``, ``MUSICCOG_STILL_WORKING_S``, ``MUSICCOG_RATE_LIMIT_WAIT_S``,
        ``MUSICCOG_BACKOFF_S``."""
        env = {"render_poll_s": "MUSICCOG_RENDER_POLL_S",
               "still_working_s": "MUSICCOG_STILL_WORKING_S",
               "rate_limit_wait_s": "MUSICCOG_RATE_LIMIT_WAIT_S",
               "backoff_s": "MUSICCOG_BACKOFF_S"}
        for field_name, var in env.items():
            raw = os.environ.get(var, "").strip()
            if raw and field_name not in values:
                try:
                    values[field_name] = max(0.0, float(raw))
                except ValueError:
                    log.warning("%s=%r is not a number of seconds; ignored", var, raw)
        return cls(**values)


def sleep_cancellable(seconds: float, cancel: CancelToken | None,
                      sleep: Callable[[float], None] = time.sleep) -> None:
    """Sleep ``seconds`` in short steps, raising ``Cancelled`` as soon as ``cancel`` is set."""
    end = time.monotonic() + max(0.0, seconds)
    while True:
        check_cancel(cancel)
        left = end - time.monotonic()
        if left <= 0:
            return
        sleep(min(left, 0.1))


def _parse_expiry(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value) / (1000.0 if value > 1e11 else 1.0)
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return None


class Transport:
    """Sends protocol requests to one base URL with token, headers and recovery."""

    def __init__(
        self,
        settings: ClientSettings,
        *,
        token_store: config.TokenStore | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.base_url = settings.base_url.rstrip("/")
        self.tokens = token_store or config.TokenStore()
        self._sleep = sleep
        self._record: config.TokenRecord | None = None
        self.on_session_lost: Callable[[], None] | None = None
        self.http = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            headers=self.attribution_headers(),
            timeout=httpx.Timeout(settings.read_timeout_s, connect=settings.connect_timeout_s),
            follow_redirects=False,
        )

    # -- headers and token ---------------------------------------------------------
    def attribution_headers(self) -> dict[str, str]:
        """The three ``X-Skill-*`` headers every request carries."""
        return {
            "X-Skill-Source": "ai-music-cog",
            "X-Skill-Version": __version__,
            "X-Skill-Platform": self.settings.host,
        }

    def same_origin(self, url: str) -> bool:
        """True when ``url`` is relative or on the base URL's scheme, host and port."""
        parts, base = urlsplit(url), urlsplit(self.base_url)
        if not parts.scheme:
            return True
        return (parts.scheme, parts.netloc) == (base.scheme, base.netloc)

    def _env_token(self) -> str | None:
        var = self.settings.env_token_var
        value = os.environ.get(var, "").strip() if var else ""
        return value or None

    @property
    def anonymous(self) -> bool:
        """True unless a registered token (the environment's) is in use."""
        return self._env_token() is None and (self._record is None or self._record.anonymous)

    @property
    def user_id(self) -> str:
        """The user id the token belongs to ('' when unknown)."""
        return self._record.user_id if self._record is not None else ""

    def token(self, *, cancel: CancelToken | None = None) -> str:
        """The bearer token: the environment's, the cached one, or a new anonymous one."""
        env = self._env_token()
        if env is not None:
            return env
        if self._record is None or self._record.expired():
            self._record = self.tokens.get(self.base_url)
        if self._record is None:
            self._record = self._fetch_anonymous_token(cancel)
            self.tokens.put(self.base_url, self._record)
        return self._record.token

    def forget_token(self) -> None:
        """Drop the cached token (the server refused it)."""
        self._record = None
        self.tokens.clear(self.base_url)

    def _fetch_anonymous_token(self, cancel: CancelToken | None) -> config.TokenRecord:
        new_id_done = False
        for _ in range(3):
            client_id = config.client_id(self.base_url)
            env, status = self._send_with_retries(
                lambda cid=client_id: self.http.build_request(
                    "POST", "/api/auth/anonymous-token", headers={"X-Client-Id": cid}, json={}),
                idempotent=False, cancel=cancel, request_name="POST /api/auth/anonymous-token",
            )
            if env.code == 0:
                data = env.data if isinstance(env.data, dict) else {}
                token = data.get("token")
                if not isinstance(token, str) or not token:
                    raise ProtocolError("The backend's token answer had no token; "
                                        "check the --backend URL.")
                log.info("got an anonymous token (user %s)", data.get("user_id", "?"))
                return config.TokenRecord(token=token, user_id=str(data.get("user_id") or ""),
                                          expires_at=_parse_expiry(data.get("expires_at")),
                                          anonymous=True)
            if env.code == 400 and not new_id_done:
                log.info("client id refused; making a new one")
                config.new_client_id(self.base_url)
                new_id_done = True
                continue
            raise self._error(env, "POST /api/auth/anonymous-token", status)
        raise self._error(Envelope(400, "", None), "POST /api/auth/anonymous-token")

    # -- sending -------------------------------------------------------------------
    def _error(self, env: Envelope, request: str, http_status: int | None = None) -> Exception:
        register_url = self.settings.register_url
        if isinstance(env.data, dict) and isinstance(env.data.get("register_url"), str):
            register_url = env.data["register_url"]
        return error_for_code(env.code, env.message, http_status=http_status, request=request,
                              anonymous=self.anonymous, user_id=self.user_id,
                              register_url=register_url)

    def _backoff(self, attempt: int, cancel: CancelToken | None) -> None:
        sleep_cancellable(self.settings.backoff_s * (2 ** attempt), cancel, self._sleep)

    def _send_with_retries(
        self,
        build: Callable[[], httpx.Request],
        *,
        idempotent: bool,
        cancel: CancelToken | None,
        request_name: str,
        stream: bool = False,
    ) -> tuple[Envelope, int]:
        """Send with network/5xx retries and the one 429 wait; returns (envelope, HTTP status).

        For a successful streaming request the envelope's ``data`` is the open response.
        """
        attempt = 0
        waited_429 = False
        while True:
            check_cancel(cancel)
            try:
                response = self.http.send(build(), stream=stream)
            except httpx.TransportError as exc:
                if (idempotent or isinstance(exc, _SENT_NEVER)) and attempt < \
                        self.settings.max_retries:
                    log.warning("%s: %s; retrying", request_name, type(exc).__name__)
                    self._backoff(attempt, cancel)
                    attempt += 1
                    continue
                raise NetworkError(
                    f"Cannot reach the backend at {self.base_url} ({type(exc).__name__}"
                    f"{' after retries' if attempt else ''}). Check the network and the "
                    "backend address, or switch to the local backend.",
                    request=request_name) from None
            if stream and response.status_code < 400 and "text/event-stream" in \
                    response.headers.get("content-type", ""):
                return Envelope(0, "", response), response.status_code
            env = self._read_envelope(response, request_name)
            if env.code == 0:
                return env, response.status_code
            if env.code == 429 and not waited_429:
                log.warning("%s: 429, waiting %.0f s then retrying once", request_name,
                            self.settings.rate_limit_wait_s)
                sleep_cancellable(self.settings.rate_limit_wait_s, cancel, self._sleep)
                waited_429 = True
                continue
            retryable = response.status_code >= 500 and (500 <= env.code < 600)
            if retryable and attempt < self.settings.max_retries:
                log.warning("%s: HTTP %d; retrying", request_name, response.status_code)
                self._backoff(attempt, cancel)
                attempt += 1
                continue
            return Envelope(env.code, env.message, env.data), response.status_code

    def _read_envelope(self, response: httpx.Response, request_name: str) -> Envelope:
        try:
            response.read()
        finally:
            response.close()
        if not response.content:
            return parse_envelope(None, http_status=response.status_code)
        try:
            body = response.json()
        except ValueError:
            if response.status_code >= 400:
                return Envelope(response.status_code, "", None)
            raise ProtocolError(f"{request_name}: the backend's answer is not JSON; check "
                                "the backend address.", request=request_name) from None
        return parse_envelope(body, http_status=response.status_code)

    def call(
        self,
        method: str,
        path: str | Callable[[], str],
        *,
        json: Any | Callable[[], Any] = None,
        files: Callable[[], Any] | None = None,
        headers: dict[str, str] | None = None,
        session_scoped: bool = False,
        idempotent: bool | None = None,
        timeout: httpx.Timeout | None = None,
        stream: bool = False,
        cancel: CancelToken | None = None,
    ) -> Any:
        """Send a protocol request and return its ``data`` (or the open stream response).

        ``path``/``json``/``files`` may be callables so a retry after a new session
        rebuilds them with the new session id.
        """
        idempotent = method in ("GET", "HEAD") if idempotent is None else idempotent
        reauthed = renewed = False
        while True:
            name = f"{method} {urlsplit(path() if callable(path) else path).path}"

            def build() -> httpx.Request:
                url = path() if callable(path) else path
                body = json() if callable(json) else json
                extra = {"Authorization": f"Bearer {self.token(cancel=cancel)}", **(headers or {})}
                kwargs: dict[str, Any] = {"headers": extra}
                if timeout is not None:
                    kwargs["timeout"] = timeout
                if files is not None:
                    kwargs["files"] = files()
                    if body is not None:
                        kwargs["data"] = body
                elif body is not None:
                    kwargs["json"] = body
                return self.http.build_request(method, url, **kwargs)

            env, http_status = self._send_with_retries(build, idempotent=idempotent,
                                                       cancel=cancel, request_name=name,
                                                       stream=stream)
            if env.code == 0:
                return env.data
            if (env.code == 1001 or http_status == 401) and not reauthed:
                if self._env_token() is not None:
                    raise AuthError(
                        f"The backend refused the token in ${self.settings.env_token_var}. "
                        "Set a valid token, or unset it to use a free anonymous one.",
                        code=1001, http_status=http_status, request=name)
                log.info("%s: token refused; getting a new one and retrying once", name)
                self.forget_token()
                reauthed = True
                continue
            if env.code == 1002 and session_scoped and not renewed and self.on_session_lost:
                log.info("%s: session lost; starting a new one and retrying once", name)
                self.on_session_lost()
                renewed = True
                continue
            raise self._error(env, name, http_status)

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()
