"""Export over the protocol: start the render, poll it, download the MP4 atomically.

Poll after 2, 4, 8, 16 s, then every ``render_poll_s`` (30 s by default) until
``completed`` (or ``failed``);
cancelling calls the job's cancel endpoint; the file is written to a temporary
file beside ``dest`` and renamed, so a cancelled or failed download leaves nothing.
When ``output.url`` fails, ``/api/render/proxy/<id>/download`` is tried.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from musiccog.backend._client import ProtocolClient
from musiccog.backend._errors import BackendError, NetworkError, RenderFailedError
from musiccog.backend._transport import Transport, sleep_cancellable
from musiccog.draft.io import usual_file_mode
from musiccog.jobs import Cancelled, CancelToken, ProgressCallback, check_cancel, report

__all__ = ["download", "export_draft"]

log = logging.getLogger("musiccog.backend")

_CHUNK = 256 * 1024


def poll_wait_s(polls_done: int, poll_s: float) -> float:
    """Seconds to wait before the next render poll: 2, 4, 8, 16 … capped at ``poll_s``.

    A short render (a self-hosted server, a 30-second clip) is picked up within
    seconds; a long one is polled every ``poll_s`` (30 s by default) as documented.
    """
    return min(poll_s, 2.0 * 2.0 ** polls_done)


def download(transport: Transport, url: str, dest: str | os.PathLike[str], *,
             on_progress: ProgressCallback | None = None,
             cancel: CancelToken | None = None) -> Path:
    """GET ``url`` into ``dest`` atomically, reporting bytes; the token goes only to the
    backend's own origin (never to a CDN)."""
    target = Path(dest)
    target.parent.mkdir(parents=True, exist_ok=True)
    headers = {}
    if transport.same_origin(url):
        headers["Authorization"] = f"Bearer {transport.token(cancel=cancel)}"
    timeout = httpx.Timeout(transport.settings.read_timeout_s,
                            connect=transport.settings.connect_timeout_s)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                with transport.http.stream("GET", url, headers=headers, timeout=timeout,
                                           follow_redirects=True) as response:
                    if response.status_code >= 400:
                        raise RenderFailedError(
                            f"Downloading the render failed (HTTP {response.status_code}).",
                            http_status=response.status_code, request="GET download")
                    total = float(response.headers.get("content-length") or 0)
                    done = 0
                    for chunk in response.iter_bytes(_CHUNK):
                        check_cancel(cancel)
                        out.write(chunk)
                        done += len(chunk)
                        report(on_progress, done, total or done)
            except httpx.TransportError as exc:
                raise NetworkError(f"The download dropped ({type(exc).__name__}); export "
                                   "again to retry.", request="GET download") from None
            out.flush()
            os.fsync(out.fileno())
        if os.path.getsize(tmp) == 0:
            raise RenderFailedError("The render's file was empty; export again.")
        os.chmod(tmp, usual_file_mode())  # mkstemp made it 0600
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return target


def export_draft(client: ProtocolClient, draft_json: dict[str, Any],
                 dest: str | os.PathLike[str], *,
                 on_progress: ProgressCallback | None = None,
                 cancel: CancelToken | None = None) -> Path:
    """Render ``draft_json`` on the backend and download it to ``dest``.

    Progress: 0–90 % while the job runs (from the server's ``progress``), 90–100 %
    while downloading.
    """
    settings = client.settings
    render_id = client.start_render(draft_json, cancel=cancel)
    log.info("render %s started", render_id)
    started = time.monotonic()
    polls = 0
    report(on_progress, 0.0)
    try:
        while True:
            status = client.render_status(render_id, cancel=cancel)
            if status.progress is not None:
                report(on_progress, min(90.0, 0.9 * status.progress))
            if status.status == "completed":
                break
            if status.status in ("failed", "cancelled"):
                raise RenderFailedError(
                    f"The render {status.status}"
                    f"{': ' + status.message if status.message else ''}. Check the timeline's "
                    "media and export again.")
            if time.monotonic() - started > settings.render_timeout_s:
                raise RenderFailedError(
                    f"The render did not finish within {settings.render_timeout_s / 60:.0f} "
                    "minutes; try again later.")
            sleep_cancellable(poll_wait_s(polls, settings.render_poll_s), cancel)
            polls += 1
    except Cancelled:
        client.cancel_render(render_id)
        raise

    def dl_progress(done: float, total: float) -> None:
        report(on_progress, 90.0 + 10.0 * (done / total if total else 0.0))

    urls = [u for u in (status.output_url, client.fallback_download_url(render_id)) if u]
    last: BackendError | None = None
    for url in urls:
        try:
            path = download(client.transport, url, dest, on_progress=dl_progress,
                            cancel=cancel)
        except (RenderFailedError, NetworkError) as exc:
            log.warning("download from %s failed: %s", "output url" if url == urls[0]
                        else "fallback", type(exc).__name__)
            last = exc
            continue
        report(on_progress, 100.0)
        return path
    raise last or RenderFailedError("The render gave no file to download; export again.")
