"""The protocol's endpoints, one method each, over :class:`~._transport.Transport`.

Pure protocol: no draft diffs, no GUI wording.  Session ids are kept here; a lost
session (1002) is replaced by a new one through ``Transport.on_session_lost`` and the
``on_new_session`` hook lets the owner remember it.
"""

from __future__ import annotations

import io
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from musiccog.backend._envelope import RenderStatus, parse_render_status, parse_uploaded
from musiccog.backend._errors import (
    ACCEPTED_SUFFIXES,
    ProtocolError,
    UnsupportedFileError,
    UploadTooLargeError,
)
from musiccog.backend._transport import ClientSettings, Transport
from musiccog.backend.base import Credits, UploadedFile
from musiccog.jobs import CancelToken, ProgressCallback, check_cancel, report

__all__ = ["MAX_UPLOAD_BYTES", "ProtocolClient", "check_upload"]

log = logging.getLogger("musiccog.backend")

#: Largest upload the protocol accepts: 500 MB.
MAX_UPLOAD_BYTES = 500 * 1000 * 1000


def check_upload(path: str | os.PathLike[str], *, max_bytes: int = MAX_UPLOAD_BYTES) -> Path:
    """Check a file before sending: exists, accepted suffix (4001), at most 500 MB (4002)."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise UnsupportedFileError(f"{file} does not exist or is not a file. Check the path.",
                                   code=4001)
    if file.suffix.lower() not in ACCEPTED_SUFFIXES:
        formats = ", ".join(s.lstrip(".") for s in ACCEPTED_SUFFIXES)
        raise UnsupportedFileError(
            f"{file.name}: '{file.suffix or 'no suffix'}' files are not supported. "
            f"Use one of: {formats}.")
    size = file.stat().st_size
    if size > max_bytes:
        raise UploadTooLargeError(
            f"{file.name} is {size / 1e6:.0f} MB, over the {max_bytes / 1e6:.0f} MB limit. "
            "Compress it (re-encode at a lower bitrate) or trim it to the part you need.")
    return file


class _ProgressReader(io.RawIOBase):
    """A read-only file that reports bytes read and stops when cancelled."""

    def __init__(self, path: Path, on_progress: ProgressCallback | None,
                 cancel: CancelToken | None) -> None:
        super().__init__()
        self._file = open(path, "rb")  # noqa: SIM115 - closed by close()
        self._total = os.fstat(self._file.fileno()).st_size
        self._on_progress = on_progress
        self._cancel = cancel
        self.name = path.name

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._file.fileno()

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def read(self, size: int = -1) -> bytes:
        check_cancel(self._cancel)
        chunk = self._file.read(size)
        report(self._on_progress, self._file.tell(), self._total)
        return chunk

    def close(self) -> None:
        self._file.close()
        super().close()


class ProtocolClient:
    """Token, session and every endpoint of the protocol for one base URL."""

    def __init__(self, settings: ClientSettings, *, transport: Transport | None = None,
                 session_id: str | None = None) -> None:
        self.settings = settings
        self.transport = transport or Transport(settings)
        self.transport.on_session_lost = self._renew_session
        self.session_id = session_id
        self.task_id: str | None = None
        #: Called with the new session id whenever one is made.
        self.on_new_session: Callable[[str], None] | None = None

    # -- session -----------------------------------------------------------------------
    def create_session(self, *, cancel: CancelToken | None = None) -> str:
        """POST the session request; stores and returns the new ``session_id``."""
        data = self.transport.call(
            "POST", "/api/tasks/me/with-session/nemo_agent",
            json={"task_name": "project", "language": self.settings.language}, cancel=cancel)
        sid = data.get("session_id") if isinstance(data, dict) else None
        if not isinstance(sid, str) or not sid:
            raise ProtocolError("The backend did not return a session id; check the address.")
        self.session_id, self.task_id = sid, str(data.get("task_id") or "")
        log.info("new session %s", sid)
        if self.on_new_session is not None:
            self.on_new_session(sid)
        return sid

    def _renew_session(self) -> None:
        self.session_id = None
        self.create_session()

    def ensure_session(self, *, cancel: CancelToken | None = None) -> str:
        """The current session id, creating a session when there is none."""
        return self.session_id or self.create_session(cancel=cancel)

    def _sid(self) -> str:
        return self.session_id or self.create_session()

    # -- simple reads ----------------------------------------------------------------
    def credits(self, *, cancel: CancelToken | None = None) -> Credits:
        """GET the balance: ``available``, ``frozen``, ``total`` credits."""
        data = self.transport.call("GET", "/api/credits/balance/simple", cancel=cancel)
        data = data if isinstance(data, dict) else {}

        def num(key: str) -> float:
            value = data.get(key)
            return float(value) if isinstance(value, (int, float)) else 0.0

        return Credits(available=num("available"), frozen=num("frozen"), total=num("total"))

    def state(self, *, cancel: CancelToken | None = None) -> dict[str, Any]:
        """GET the session's latest ``state`` (``draft``, ``video_infos``, …)."""
        self.ensure_session(cancel=cancel)
        data = self.transport.call(
            "GET", lambda: f"/api/state/nemo_agent/me/{self._sid()}/latest",
            session_scoped=True, cancel=cancel)
        state = data.get("state") if isinstance(data, dict) else None
        return state if isinstance(state, dict) else {}

    # -- chat ------------------------------------------------------------------------
    def open_chat(self, message: str, *, cancel: CancelToken | None = None) -> httpx.Response:
        """POST ``/run_sse`` and return the open event-stream response (caller closes it)."""
        self.ensure_session(cancel=cancel)
        settings = self.settings
        timeout = httpx.Timeout(settings.chat_read_timeout_s, connect=settings.connect_timeout_s)
        return self.transport.call(
            "POST", "/run_sse",
            json=lambda: {"app_name": "nemo_agent", "user_id": "me",
                          "session_id": self._sid(),
                          "new_message": {"parts": [{"text": message}]}},
            headers={"Accept": "text/event-stream", "Cache-Control": "no-store"},
            session_scoped=True, stream=True, timeout=timeout, cancel=cancel)

    # -- upload ------------------------------------------------------------------------
    def upload_file(self, path: str | os.PathLike[str], *,
                    on_progress: ProgressCallback | None = None,
                    cancel: CancelToken | None = None) -> list[UploadedFile]:
        """Check then send one file (multipart ``files``), reporting bytes sent."""
        file = check_upload(path)
        self.ensure_session(cancel=cancel)
        readers: list[_ProgressReader] = []

        def files() -> Any:
            for old in readers:
                old.close()
            readers.append(_ProgressReader(file, on_progress, cancel))
            return {"files": (file.name, readers[-1], "application/octet-stream")}

        timeout = httpx.Timeout(max(self.settings.read_timeout_s, 600.0),
                                connect=self.settings.connect_timeout_s)
        try:
            data = self.transport.call(
                "POST", lambda: f"/api/upload-video/nemo_agent/me/{self._sid()}",
                files=files, session_scoped=True, timeout=timeout, cancel=cancel)
        finally:
            for reader in readers:
                reader.close()
        return self._files(data)

    def upload_urls(self, urls: list[str], *, cancel: CancelToken | None = None
                    ) -> list[UploadedFile]:
        """Ask the backend to fetch media from ``urls`` (JSON form of the upload)."""
        self.ensure_session(cancel=cancel)
        data = self.transport.call(
            "POST", lambda: f"/api/upload-video/nemo_agent/me/{self._sid()}",
            json={"urls": list(urls), "source_type": "url"}, session_scoped=True, cancel=cancel)
        return self._files(data)

    @staticmethod
    def _files(data: Any) -> list[UploadedFile]:
        items = data.get("files") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise ProtocolError("The upload answer listed no files; check the backend address.")
        return [parse_uploaded(item) for item in items if isinstance(item, dict)]

    # -- musiccog extension ------------------------------------------------------------
    def put_timeline(self, draft_json: dict[str, Any], *,
                     cancel: CancelToken | None = None) -> bool:
        """Send the host's timeline to a ``musiccog serve`` session; False when unsupported.

        An extension of the protocol (``POST /api/musiccog/timeline/<sid>``): the hosted
        API does not have it and answers 404, which this reports as False.
        """
        from musiccog.backend._errors import BackendError

        try:
            self.transport.call(
                "POST", lambda: f"/api/musiccog/timeline/{self._sid()}",
                json={"draft": draft_json}, session_scoped=True, cancel=cancel)
        except BackendError as exc:
            if getattr(exc, "http_status", None) in (404, 405):
                return False
            raise
        return True

    # -- render ------------------------------------------------------------------------
    def start_render(self, draft_json: dict[str, Any], *, quality: str = "high",
                     cancel: CancelToken | None = None) -> str:
        """POST the render job (``sessionId`` camelCase) and return its id."""
        self.ensure_session(cancel=cancel)
        render_id = f"render_{int(time.time() * 1000)}"
        data = self.transport.call(
            "POST", "/api/render/proxy/lambda",
            json=lambda: {"id": render_id, "sessionId": self._sid(), "draft": draft_json,
                          "output": {"format": "mp4", "quality": quality}},
            session_scoped=True, cancel=cancel)
        if isinstance(data, dict) and isinstance(data.get("id"), str) and data["id"]:
            return data["id"]
        return render_id

    def render_status(self, render_id: str, *, cancel: CancelToken | None = None
                      ) -> RenderStatus:
        """GET the job's status in either of its forms."""
        data = self.transport.call("GET", f"/api/render/proxy/lambda/{render_id}",
                                   cancel=cancel)
        return parse_render_status(data)

    def cancel_render(self, render_id: str) -> None:
        """POST the job's cancel endpoint (errors are logged, not raised)."""
        from musiccog.backend._errors import BackendError

        try:
            self.transport.call("POST", f"/api/render/proxy/lambda/{render_id}/cancel",
                                json={})
        except BackendError as exc:
            log.warning("cancelling render %s failed: %s", render_id, type(exc).__name__)

    def fallback_download_url(self, render_id: str) -> str:
        """The protocol's fallback download path for a finished job."""
        return f"/api/render/proxy/{render_id}/download"

    def close(self) -> None:
        """Close the connection pool."""
        self.transport.close()
