"""Pure parsing of the protocol's answers: envelopes, render status, uploaded files.

Both envelopes are accepted: ``{"code": 0, "data": …}`` and ``{"success": true,
"data": …}``; an answer without either is taken as the data itself (some render
answers are bare).  Render status comes as top-level ``status`` + ``output.url``
or as ``data.status`` + ``data.outputUrl``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from musiccog.backend.base import UploadedFile

__all__ = ["Envelope", "RenderStatus", "parse_envelope", "parse_render_status", "parse_uploaded"]


@dataclass(frozen=True)
class Envelope:
    """An answer split into ``code`` (0 = ok), ``message`` and ``data``."""

    code: int
    message: str
    data: Any


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def parse_envelope(body: Any, *, http_status: int = 200) -> Envelope:
    """Split a decoded JSON answer; an HTTP error status without a code becomes the code."""
    if not isinstance(body, dict):
        code = 0 if http_status < 400 else http_status
        return Envelope(code, "", body)
    message = body.get("message") or body.get("msg") or body.get("error") or ""
    if not isinstance(message, str):
        message = str(message)
    code = _as_int(body.get("code"))
    if code is not None:
        return Envelope(code, message, body.get("data"))
    if "success" in body:
        ok = body.get("success") is True
        return Envelope(0 if ok else (http_status if http_status >= 400 else 500),
                        message, body.get("data"))
    return Envelope(0 if http_status < 400 else http_status, message, body)


@dataclass(frozen=True)
class RenderStatus:
    """A render job's state: ``status`` pending | processing | completed | failed | cancelled.

    ``progress`` 0–100 when the server said; ``output_url`` once completed.
    """

    status: str
    progress: float | None
    output_url: str | None
    message: str = ""

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "failed", "cancelled")


def parse_render_status(body: Any) -> RenderStatus:
    """Read either render status form, inside or outside an envelope."""
    layers = [body] if isinstance(body, dict) else []
    if isinstance(body, dict) and isinstance(body.get("data"), dict):
        layers.append(body["data"])
    status = ""
    progress: float | None = None
    url: str | None = None
    message = ""
    for layer in layers:
        if isinstance(layer.get("status"), str):
            status = layer["status"].lower()
        value = layer.get("progress")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            progress = float(value) * (100.0 if 0 < value <= 1 and isinstance(value, float)
                                       else 1.0)
        output = layer.get("output")
        if isinstance(output, dict) and isinstance(output.get("url"), str):
            url = output["url"]
        for key in ("outputUrl", "output_url", "url"):
            if isinstance(layer.get(key), str) and url is None:
                url = layer[key]
        for key in ("error", "message"):
            if isinstance(layer.get(key), str) and layer[key]:
                message = layer[key]
    if status in ("succeeded", "success", "done", "complete"):
        status = "completed"
    if status in ("error",):
        status = "failed"
    if status in ("queued", "waiting", ""):
        status = "pending"
    if status == "running":
        status = "processing"
    return RenderStatus(status, progress, url, message)


def _num(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def parse_uploaded(item: dict[str, Any]) -> UploadedFile:
    """One ``data.files[]`` entry → :class:`UploadedFile` (unknown keys in ``extra``)."""
    known = {"filename", "file_type", "cdn_url", "duration", "width", "height", "fps"}
    width, height = _num(item.get("width")), _num(item.get("height"))
    return UploadedFile(
        filename=str(item.get("filename") or ""),
        file_type=str(item.get("file_type") or ""),
        url=str(item.get("cdn_url") or item.get("url") or ""),
        duration_s=_num(item.get("duration")),
        width=int(width) if width is not None else None,
        height=int(height) if height is not None else None,
        fps=_num(item.get("fps")),
        extra={k: v for k, v in item.items() if k not in known},
    )
