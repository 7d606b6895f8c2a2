"""The routes that run work: ``/run_sse`` (a chat turn, streamed) and the render job.

The stream sends ``data:`` JSON events — ``tool_call``, ``heartbeat`` (with
``progress`` 0–100 while the engine reports it, or bare every ``heartbeat_s``
seconds of silence), ``text``, ``tool_result`` — and then simply closes: there is
no "done" event.  Render answers use the ``{"success": true, "data": …}``
envelope, and status comes in the form chosen by ``render_status_form``.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from sse_starlette.sse import EventSourceResponse

from musiccog.backend._errors import EngineUnavailableError
from musiccog.server._app import Ctx, json_body
from musiccog.server._jobs import ChatJob, run_render
from musiccog.server._media import draft_to_local
from musiccog.server._store import ApiError, RenderRecord

__all__ = ["add_work_routes"]

_ID_RE = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
_ATTRIBUTION = ("x-skill-source", "x-skill-version", "x-skill-platform")


class StreamCut(Exception):
    """Raised inside a stream to drop the connection without a clean end (a fault)."""


def _success(data: Any) -> JSONResponse:
    return JSONResponse({"success": True, "data": data})


def _check_engine(ctx: Ctx) -> None:
    try:
        ctx.engine.check()
    except EngineUnavailableError as exc:
        raise ApiError(5001, str(exc), http_status=503) from None


def _prompt(body: dict[str, Any]) -> str:
    message = body.get("new_message")
    parts = message.get("parts") if isinstance(message, dict) else None
    texts = [p.get("text") for p in parts or [] if isinstance(p, dict)]
    text = " ".join(t for t in texts if isinstance(t, str)).strip()
    if not text:
        raise ApiError(4000, "new_message.parts[].text is required", http_status=400)
    return text


def add_work_routes(app: FastAPI, ctx: Ctx) -> None:
    """Add ``/run_sse`` and the render routes to ``app``."""

    @app.post("/run_sse")
    async def run_sse(request: Request) -> Any:
        user = ctx.auth(request)
        body = await json_body(request)
        if not isinstance(body.get("session_id"), str):
            raise ApiError(4000, "session_id is required", http_status=400)
        session = ctx.session(user, body["session_id"])
        prompt = _prompt(body)
        if ctx.faults.take("no_credits") is not None:
            raise ApiError(2001, "insufficient credits", http_status=402)
        _check_engine(ctx)
        if session.busy:
            raise ApiError(4090, "a chat turn is already running in this session; wait for it",
                           http_status=409)
        ctx.store.charge(user)
        job = ChatJob(session, ctx.engine, prompt,
                      suppress_text=ctx.faults.take("no_text") is not None)
        cut = ctx.faults.take("stream_cut")
        session.job = job
        job.start()
        heartbeat_s = ctx.options.heartbeat_s

        async def events():  # noqa: ANN202 - an async generator of SSE dicts
            sent = 0
            wake = job.subscribe()
            try:
                while True:
                    try:
                        await asyncio.wait_for(wake.wait(), timeout=heartbeat_s)
                    except asyncio.TimeoutError:
                        yield {"data": json.dumps({"type": "heartbeat"})}
                        continue
                    wake.clear()
                    while sent < len(job.events):
                        payload = job.events[sent]
                        sent += 1
                        yield {"data": json.dumps(payload, ensure_ascii=False)}
                        if cut is not None and sent >= int(cut.get("after", 1)):
                            raise StreamCut("fault injection: stream cut")
                    if job.done and sent >= len(job.events):
                        return
            finally:
                job.unsubscribe(wake)

        return EventSourceResponse(events(), ping=0, headers={"Cache-Control": "no-store"})

    @app.post("/api/render/proxy/lambda")
    async def start_render(request: Request) -> JSONResponse:
        user = ctx.auth(request)
        missing = [h for h in _ATTRIBUTION if not request.headers.get(h)]
        if missing:
            raise ApiError(402, f"export needs the attribution headers ({', '.join(missing)})",
                           http_status=402)
        if ctx.faults.take("plan_required") is not None:
            raise ApiError(402, "export is not included in this plan", http_status=402)
        body = await json_body(request)
        sid = body.get("sessionId")
        if not isinstance(sid, str):
            raise ApiError(4000, "sessionId is required", http_status=400)
        session = ctx.session(user, sid)
        if not isinstance(body.get("draft"), dict):
            raise ApiError(4000, "draft is required", http_status=400)
        draft = draft_to_local(body["draft"], session)
        if not draft.is_ready_for_export():
            raise ApiError(4000, "the draft has no clips to render", http_status=400)
        _check_engine(ctx)
        wanted = body.get("id")
        with ctx.store.lock:
            rid = wanted if isinstance(wanted, str) and _ID_RE.match(wanted) and \
                wanted not in ctx.store.renders else f"render_{secrets.token_hex(8)}"
            record = RenderRecord(rid, user.user_id, sid,
                                  session.folder / "renders" / f"{rid}.mp4", time.time())
            ctx.store.renders[rid] = record
        slow = ctx.faults.take("slow_render")
        run_render(record, ctx.engine, draft,
                   slow_s=float(slow.get("seconds", 2.0)) if slow is not None else 0.0)
        return _success({"id": rid, "status": record.status})

    def _record(request: Request, render_id: str) -> RenderRecord:
        user = ctx.auth(request)
        with ctx.store.lock:
            record = ctx.store.renders.get(render_id)
        if record is None or record.user_id != user.user_id:
            raise ApiError(4040, "render not found", http_status=404)
        return record

    @app.get("/api/render/proxy/lambda/{render_id}")
    async def render_status(request: Request, render_id: str) -> JSONResponse:
        record = _record(request, render_id)
        base = ctx.base_url(request)
        url = f"{base}/renders/{record.render_id}/{record.render_id}.mp4" \
            if record.status == "completed" else None
        if ctx.options.render_status_form == "top":
            answer: dict[str, Any] = {"id": record.render_id, "status": record.status,
                                      "progress": record.progress}
            if url:
                answer["output"] = {"url": url}
            if record.error:
                answer["error"] = record.error
            return JSONResponse(answer)
        data: dict[str, Any] = {"id": record.render_id, "status": record.status,
                                "progress": record.progress}
        if url:
            data["outputUrl"] = url
        if record.error:
            data["error"] = record.error
        return _success(data)

    @app.post("/api/render/proxy/lambda/{render_id}/cancel")
    async def cancel_render(request: Request, render_id: str) -> JSONResponse:
        record = _record(request, render_id)
        record.cancel.cancel()
        return _success({"id": record.render_id, "status": "cancelling"})

    def _file(request: Request, render_id: str) -> FileResponse:
        record = _record(request, render_id)
        if record.status != "completed" or not record.out_path.is_file():
            raise ApiError(4090, f"render is {record.status}, not completed", http_status=409)
        return FileResponse(record.out_path, media_type="video/mp4",
                            filename=f"{record.render_id}.mp4")

    @app.get("/renders/{render_id}/{name}")
    async def render_file(request: Request, render_id: str, name: str) -> FileResponse:
        return _file(request, render_id)

    @app.get("/api/render/proxy/{render_id}/download")
    async def render_download(request: Request, render_id: str) -> FileResponse:
        return _file(request, render_id)
