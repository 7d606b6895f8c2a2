"""``musiccog serve``: the protocol's endpoints over the offline engine (FastAPI).

Same paths, bodies, envelopes (``{"code": 0, "data": …}``; render routes answer
``{"success": true, "data": …}``) and error codes as the hosted API; see
``../shared/PROTOCOL.md``.  Extensions, which the hosted API does not have:
``POST /api/musiccog/timeline/<sid>`` (the host's draft), ``GET /files/…`` (session
media, owner's token required), ``state.musiccog`` (``busy``, ``messages``) and,
only with fault injection on, ``/api/_musiccog/faults``.

Chat and render routes live in :mod:`._routes_work`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from musiccog.backend._transport import DEFAULT_REGISTER_URL
from musiccog.server._engine import RealEngine, ServerEngine
from musiccog.server._faults import Faults
from musiccog.server._media import draft_to_local, draft_to_public, public_file, store_stream
from musiccog.server._store import ApiError, ServerSession, Store, User

__all__ = ["ServerOptions", "create_app"]


@dataclass
class ServerOptions:
    """Server settings; sizes in bytes, times in seconds.

    ``credits`` None = unlimited (each chat turn costs 1 credit otherwise);
    ``render_status_form`` "data" (``{"success", "data": {status, outputUrl}}``) or
    "top" (bare ``{status, output: {url}}``): the two forms the hosted API uses.
    """

    data_dir: Path
    engine: ServerEngine | None = None
    enable_faults: bool = False
    max_upload_bytes: int = 500 * 1000 * 1000
    session_ttl_s: float = 24 * 3600.0
    token_ttl_s: float = 7 * 24 * 3600.0
    cleanup_every_s: float = 300.0
    credits: float | None = None
    heartbeat_s: float = 15.0
    render_status_form: str = "data"
    register_url: str = DEFAULT_REGISTER_URL
    allow_url_uploads: bool = True
    public_base_url: str | None = None


def ok(data: Any) -> JSONResponse:
    return JSONResponse({"code": 0, "message": "ok", "data": data})


def fail(exc: ApiError) -> JSONResponse:
    return JSONResponse({"code": exc.code, "message": exc.message, "data": exc.data},
                        status_code=exc.http_status)


class Ctx:
    """What the routes share: options, store, faults, engine."""

    def __init__(self, options: ServerOptions) -> None:
        self.options = options
        self.store = Store(options.data_dir, token_ttl_s=options.token_ttl_s,
                           session_ttl_s=options.session_ttl_s, credits=options.credits)
        self.faults = Faults(enabled=options.enable_faults or
                             os.environ.get("MUSICCOG_SERVER_FAULTS") == "1")
        self.engine: ServerEngine = options.engine or RealEngine()

    def base_url(self, request: Request) -> str:
        return (self.options.public_base_url or str(request.base_url)).rstrip("/")

    def auth(self, request: Request) -> User:
        """The caller's user (1001), after the auth-level faults."""
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        faults = self.faults
        faults.hit(f"{request.method} {request.url.path}")
        if faults.take("server_error") is not None:
            raise ApiError(503, "temporarily unavailable", http_status=503)
        if faults.take("rate_limit") is not None:
            raise ApiError(429, "too many requests; wait and retry", http_status=429)
        if token and faults.take("expired_token") is not None:
            self.store.revoke(token)
        return self.store.user_for(token)

    def session(self, user: User, session_id: str) -> ServerSession:
        """The user's session (1002), after the lost-session fault."""
        if self.faults.take("lost_session") is not None:
            with contextlib.suppress(ApiError):
                self.store.session(user, session_id)
                self.store.drop_session(session_id)
        return self.store.session(user, session_id)


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object (4000 when it is not one)."""
    try:
        body = await request.json()
    except ValueError:
        raise ApiError(4000, "the body must be JSON", http_status=400) from None
    if not isinstance(body, dict):
        raise ApiError(4000, "the body must be a JSON object", http_status=400)
    return body


def _state(ctx: Ctx, session: ServerSession, base: str) -> dict[str, Any]:
    draft = session.draft or session.timeline
    meta = draft.metadata if draft is not None else None
    files = list(session.files.values())
    return {"state": {
        "draft": draft_to_public(draft, session, base) if draft is not None else None,
        "video_infos": [public_file(base, session, f) for f in files if not f.generated],
        "canvas_config": {"width": getattr(meta, "width", None),
                          "height": getattr(meta, "height", None),
                          "fps": getattr(meta, "fps", None)},
        "video_analyses": [],
        "generated_media": [{**public_file(base, session, f), "role": f.info.get("role")}
                            for f in files if f.generated],
        "musiccog": {"busy": session.busy, "messages": list(session.messages)},
    }}


def _routes(app: FastAPI, ctx: Ctx) -> None:  # noqa: C901 - one place lists the routes
    @app.post("/api/auth/anonymous-token")
    async def anonymous_token(request: Request) -> JSONResponse:
        client_id = request.headers.get("x-client-id", "").strip()
        ctx.faults.hit("POST /api/auth/anonymous-token")
        if ctx.faults.take("client_id") is not None or not (8 <= len(client_id) <= 128):
            raise ApiError(400, "missing or invalid X-Client-Id header", http_status=400)
        token, user, expires = ctx.store.issue_anonymous(client_id)
        from datetime import datetime, timezone

        return ok({"token": token, "user_id": user.user_id,
                   "expires_at": datetime.fromtimestamp(expires, timezone.utc).isoformat(),
                   "credits": user.credits if user.credits is not None else 100})

    @app.post("/api/tasks/me/with-session/nemo_agent")
    async def new_session(request: Request) -> JSONResponse:
        user = ctx.auth(request)
        session = ctx.store.new_session(user)
        return ok({"task_id": session.task_id, "session_id": session.session_id})

    @app.get("/api/credits/balance/simple")
    async def credits(request: Request) -> JSONResponse:
        user = ctx.auth(request)
        if user.credits is None:
            return ok({"available": 999999, "frozen": 0, "total": 999999, "unlimited": True})
        return ok({"available": user.credits, "frozen": 0, "total": user.credits})

    @app.get("/api/state/nemo_agent/me/{session_id}/latest")
    async def state(request: Request, session_id: str) -> JSONResponse:
        session = ctx.session(ctx.auth(request), session_id)
        return ok(_state(ctx, session, ctx.base_url(request)))

    @app.post("/api/upload-video/nemo_agent/me/{session_id}")
    async def upload(request: Request, session_id: str) -> JSONResponse:
        session = ctx.session(ctx.auth(request), session_id)
        if ctx.faults.take("unsupported") is not None:
            raise ApiError(4001, "unsupported file type", http_status=415)
        if ctx.faults.take("too_large") is not None:
            raise ApiError(4002, "file too large", http_status=413)
        cap = ctx.options.max_upload_bytes
        if int(request.headers.get("content-length") or 0) > cap + 1_000_000:
            raise ApiError(4002, f"file too large (over {cap} bytes); compress or trim it",
                           http_status=413)
        if request.headers.get("content-type", "").startswith("application/json"):
            stored = await run_in_threadpool(_fetch_urls, ctx, session,
                                             await json_body(request))
        else:
            form = await request.form(max_files=16, max_fields=16)
            uploads = [v for v in form.getlist("files") if isinstance(v, UploadFile)]
            if not uploads:
                raise ApiError(4000, "no 'files' part in the upload", http_status=400)
            stored = []
            for item in uploads:
                chunks = iter(lambda f=item.file: f.read(1 << 20), b"")
                stored.append(await run_in_threadpool(
                    store_stream, session, item.filename or "upload", chunks, max_bytes=cap))
        base = ctx.base_url(request)
        return ok({"files": [public_file(base, session, f) for f in stored],
                   "session_state_applied": True})

    @app.post("/api/musiccog/timeline/{session_id}")
    async def timeline(request: Request, session_id: str) -> JSONResponse:
        session = ctx.session(ctx.auth(request), session_id)
        body = await json_body(request)
        if not isinstance(body.get("draft"), dict):
            raise ApiError(4000, "body needs a 'draft' object", http_status=400)
        if session.busy:
            raise ApiError(4090, "a chat turn is running; wait for it", http_status=409)
        session.timeline = draft_to_local(body["draft"], session)
        session.draft = None
        return ok({"tracks": len(session.timeline.tracks)})

    @app.get("/files/{session_id}/{file_id}/{name}")
    async def file(request: Request, session_id: str, file_id: str, name: str) -> Any:
        session = ctx.session(ctx.auth(request), session_id)
        stored = session.files.get(file_id)
        if stored is None or not stored.path.is_file():
            raise ApiError(4040, "file not found", http_status=404)
        return FileResponse(stored.path, filename=stored.filename)

    @app.post("/api/_musiccog/faults")
    async def arm_fault(request: Request) -> JSONResponse:
        if not ctx.faults.enabled:
            raise ApiError(4040, "not found", http_status=404)
        body = await json_body(request)
        try:
            ctx.faults.arm(str(body.get("name")), times=int(body.get("times", 1)),
                           **dict(body.get("params") or {}))
        except ValueError as exc:
            raise ApiError(4000, str(exc), http_status=400) from None
        return ok({"armed": body.get("name")})


def _fetch_urls(ctx: Ctx, session: ServerSession, body: dict[str, Any]) -> list:
    """The JSON upload form: fetch each http(s) URL into the session (size-capped)."""
    import httpx

    urls = body.get("urls")
    if not ctx.options.allow_url_uploads:
        raise ApiError(4000, "URL uploads are off on this server; upload the file",
                       http_status=400)
    if not isinstance(urls, list) or not urls or not all(isinstance(u, str) for u in urls):
        raise ApiError(4000, "body needs 'urls': a list of http(s) URLs", http_status=400)
    stored = []
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise ApiError(4000, f"not an http(s) URL: {url}", http_status=400)
        name = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or "download"
        try:
            with httpx.stream("GET", url, timeout=60.0, follow_redirects=True) as response:
                if response.status_code >= 400:
                    raise ApiError(4000, f"could not fetch {url} (HTTP "
                                   f"{response.status_code})", http_status=400)
                stored.append(store_stream(session, name, response.iter_bytes(1 << 20),
                                           max_bytes=ctx.options.max_upload_bytes))
        except httpx.HTTPError as exc:
            raise ApiError(4000, f"could not fetch {url} ({type(exc).__name__})",
                           http_status=400) from None
    return stored


def create_app(options: ServerOptions | None = None, **kwargs: Any) -> FastAPI:
    """The ASGI app; ``options`` or keyword arguments of :class:`ServerOptions`.

    ``app.state.ctx`` holds the store, the faults (``app.state.ctx.faults``) and the engine.
    """
    from musiccog.server._routes_work import add_work_routes

    if options is None:
        options = ServerOptions(**kwargs)
    options.data_dir = Path(options.data_dir)
    shutil.rmtree(options.data_dir / "sessions", ignore_errors=True)  # state is in memory
    ctx = Ctx(options)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202
        async def sweep() -> None:
            while True:
                await asyncio.sleep(options.cleanup_every_s)
                await run_in_threadpool(ctx.store.cleanup)

        task = asyncio.create_task(sweep())
        try:
            yield
        finally:
            task.cancel()

    app = FastAPI(title="musiccog serve", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.ctx = ctx

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        if exc.code == 2001 and ctx.store is not None:
            exc.data = {**(exc.data or {}), "register_url": options.register_url}
        return fail(exc)

    _routes(app, ctx)
    add_work_routes(app, ctx)
    return app
