"""The HTTP backend (cloud and self-hosted): :class:`Backend` over the protocol client.

A chat turn: read the draft, open ``/run_sse``, turn items into events; when the
stream closes without any text, or drops, poll the state until the draft changes
(or the server says it is idle, or ``recover_timeout_s`` passes) and say what
changed.  ``set_timeline`` uploads the timeline's local media, rewrites their
``src`` to the uploaded URLs, and hands the draft to ``musiccog serve`` (the hosted
API has no such endpoint: there the uploaded media are what it works from).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from musiccog import config
from musiccog.backend._client import ProtocolClient, check_upload
from musiccog.backend._envelope import parse_uploaded
from musiccog.backend._errors import BackendError
from musiccog.backend._export import download, export_draft
from musiccog.backend._stream import TurnTracker, iter_items
from musiccog.backend._transport import ClientSettings, Transport, sleep_cancellable
from musiccog.backend.base import (
    Backend,
    BackendKind,
    ChatEvent,
    Credits,
    SessionState,
    UploadedFile,
)
from musiccog.draft.model import Draft, Track
from musiccog.errors import DraftError
from musiccog.jobs import CancelToken, ProgressCallback, check_cancel

__all__ = ["RemoteBackend"]

log = logging.getLogger("musiccog.backend")


def _translate(text: str) -> tuple[str, tuple[str, ...]]:
    from musiccog.session.translate import translate_for_gui

    out = translate_for_gui(text)
    return out.text, out.actions


def _parse_draft(value: Any) -> Draft | None:
    if not isinstance(value, dict):
        return None
    from musiccog.draft.validate import parse_draft

    try:
        return parse_draft(value, source="backend state")
    except DraftError as exc:
        log.warning("the backend's draft does not validate: %s", str(exc).splitlines()[0])
        return None


def _is_url(src: str) -> bool:
    return src.startswith(("http://", "https://"))


class RemoteBackend(Backend):
    """The protocol client behind the :class:`Backend` interface."""

    def __init__(self, settings: ClientSettings, *, kind: BackendKind = "cloud",
                 choice: str | None = None, remember: bool = True,
                 transport: httpx.BaseTransport | None = None,
                 token_store: config.TokenStore | None = None) -> None:
        self.kind = kind
        self.settings = settings
        self.choice = choice or settings.base_url
        self._remember = remember
        self.client = ProtocolClient(
            settings, transport=Transport(settings, token_store=token_store,
                                          transport=transport))
        self.client.on_new_session = self._session_made
        self._url_to_local: dict[str, str] = {}
        self.notices: list[str] = []

    # -- session ---------------------------------------------------------------------
    def _session_made(self, session_id: str) -> None:
        if self._remember:
            config.save_session(self.choice, session_id)

    @property
    def session_id(self) -> str | None:
        """The protocol session id (None before :meth:`connect`)."""
        return self.client.session_id

    def connect(self, *, cancel: CancelToken | None = None) -> None:
        """Get a token and reuse the remembered session, or make one."""
        self.client.transport.token(cancel=cancel)
        if self.client.session_id is None and self._remember:
            saved = config.load_session(self.choice)
            if saved:
                self.client.session_id = saved["session_id"]
        self.client.ensure_session(cancel=cancel)

    def new_session(self, *, cancel: CancelToken | None = None) -> str:
        """Start a fresh session (forgetting the remembered one)."""
        self._url_to_local.clear()
        return self.client.create_session(cancel=cancel)

    # -- reads -----------------------------------------------------------------------
    def credits(self) -> Credits | None:
        return self.client.credits()

    def state(self, *, cancel: CancelToken | None = None) -> SessionState:
        self.connect(cancel=cancel)
        raw = self.client.state(cancel=cancel)
        files = [parse_uploaded(v) for v in raw.get("video_infos") or [] if isinstance(v, dict)]
        media = [m for m in raw.get("generated_media") or [] if isinstance(m, dict)]
        return SessionState(draft=_parse_draft(raw.get("draft")), files=files,
                            generated_media=media, raw=raw)

    # -- upload and timeline ---------------------------------------------------------
    def upload(self, path: str | Path, *, on_progress: ProgressCallback | None = None,
               cancel: CancelToken | None = None) -> UploadedFile:
        check_upload(path)  # format and size first: nothing is sent for a bad file
        self.connect(cancel=cancel)
        files = self.client.upload_file(path, on_progress=on_progress, cancel=cancel)
        if not files:
            raise BackendError("The backend accepted the upload but listed no file; "
                               "try again.")
        if files[0].url:
            self._url_to_local[files[0].url] = str(Path(path).expanduser().resolve())
        return files[0]

    def upload_url(self, url: str, *, cancel: CancelToken | None = None) -> UploadedFile:
        """Have the backend fetch media from ``url`` (the JSON form of the upload)."""
        self.connect(cancel=cancel)
        files = self.client.upload_urls([url], cancel=cancel)
        if not files:
            raise BackendError(f"The backend could not fetch {url}; check the link.")
        return files[0]

    def set_timeline(self, draft: Draft, *, on_progress: ProgressCallback | None = None,
                     cancel: CancelToken | None = None) -> None:
        """Upload the draft's local media, point ``src`` at them and send the draft."""
        self.connect(cancel=cancel)
        data = draft.to_json()
        uploaded: dict[str, str] = {}
        for track in data.get("t", []):
            for seg in track.get("sg", []) if isinstance(track, dict) else []:
                src = seg.get("src") if isinstance(seg, dict) else None
                if not isinstance(src, str) or _is_url(src):
                    continue
                local = src[7:] if src.startswith("file://") else src
                if local not in uploaded:
                    if not os.path.isfile(local):
                        raise BackendError(
                            f"The timeline uses {local}, which does not exist here; relink "
                            "the media in the host, then try again.")
                    uploaded[local] = self.upload(local, on_progress=on_progress,
                                                  cancel=cancel).url
                seg["src"] = uploaded[local]
        if not self.client.put_timeline(data, cancel=cancel):
            log.info("the backend has no timeline endpoint; it works from the uploaded media")

    # -- chat ------------------------------------------------------------------------
    def _draft_now(self, cancel: CancelToken | None) -> tuple[Draft | None, dict[str, Any]]:
        raw = self.client.state(cancel=cancel)
        return _parse_draft(raw.get("draft")), raw

    def chat(self, message: str, *, cancel: CancelToken | None = None) -> Iterator[ChatEvent]:
        from musiccog.draft.summary import summarize
        from musiccog.session.diff import diff_drafts, summarize_changes

        self.connect(cancel=cancel)
        before, raw_before = self._draft_now(cancel)
        seen_messages = len(self._server_messages(raw_before))
        tracker = TurnTracker(still_working_s=self.settings.still_working_s, translate=_translate)
        started = time.monotonic()
        dropped = False
        response = self.client.open_chat(message, cancel=cancel)
        try:
            items = iter_items(response)
            while True:
                check_cancel(cancel)
                try:
                    item = next(items)
                except StopIteration:
                    break
                except (httpx.TransportError, httpx.StreamError) as exc:
                    log.warning("chat stream dropped: %s", type(exc).__name__)
                    dropped = True
                    break
                yield from tracker.feed(item)
                if time.monotonic() - started > self.settings.chat_timeout_s:
                    dropped = True
                    break
        finally:
            response.close()
        if dropped:
            yield ChatEvent("error", "The connection dropped while the backend was working; "
                                     "reading the session to get the result.")
        if dropped or not tracker.saw_text:
            after, raw = yield from self._poll_for_change(before, tracker, cancel)
            for text in self._server_messages(raw)[seen_messages:] if dropped else []:
                yield ChatEvent("text", _translate(text)[0])
        else:
            after, raw = self._draft_now(cancel)
            if "summary" in tracker.actions and after is not None:
                yield ChatEvent("text", summarize(after))
        lines = diff_drafts(before, after)
        if lines or dropped or not tracker.saw_text:
            yield ChatEvent("changed", summarize_changes(before, after), {"lines": lines})

    @staticmethod
    def _server_messages(raw: dict[str, Any]) -> list[str]:
        extra = raw.get("musiccog") if isinstance(raw.get("musiccog"), dict) else {}
        messages = extra.get("messages") if isinstance(extra, dict) else None
        return [m for m in messages or [] if isinstance(m, str)]

    def _poll_for_change(self, before: Draft | None, tracker: TurnTracker,
                         cancel: CancelToken | None):
        """Poll state until the draft differs, the server is idle, or the time is up."""
        deadline = time.monotonic() + self.settings.recover_timeout_s
        while True:
            after, raw = self._draft_now(cancel)
            extra = raw.get("musiccog") if isinstance(raw.get("musiccog"), dict) else {}
            changed = (after.to_json() if after else None) != (before.to_json() if before
                                                               else None)
            if (changed and not extra.get("busy")) or extra.get("busy") is False \
                    or time.monotonic() >= deadline:
                return after, raw
            yield from tracker.tick()
            sleep_cancellable(self.settings.state_poll_s, cancel)

    # -- export and media --------------------------------------------------------------
    def export(self, dest: str | Path, *, on_progress: ProgressCallback | None = None,
               cancel: CancelToken | None = None) -> Path:
        self.connect(cancel=cancel)
        raw = self.client.state(cancel=cancel)
        draft = raw.get("draft")
        parsed = _parse_draft(draft)
        if not isinstance(draft, dict) or (parsed is not None and
                                           not parsed.is_ready_for_export()):
            raise BackendError("Nothing to export yet: the session's timeline has no clips. "
                               "Upload a video and ask for music first.")
        return export_draft(self.client, draft, dest, on_progress=on_progress, cancel=cancel)

    def fetch(self, url: str, dest: str | Path, *, on_progress: ProgressCallback | None = None,
              cancel: CancelToken | None = None) -> Path:
        """Download ``url`` (a session media URL) to ``dest`` atomically."""
        return download(self.client.transport, url, dest, on_progress=on_progress,
                        cancel=cancel)

    def localize(self, draft: Draft, dest_dir: str | Path, *,
                 cancel: CancelToken | None = None) -> tuple[Draft, Path | None]:
        """The draft with uploaded URLs pointing back at the host's files and generated
        media (the BGM) downloaded into ``dest_dir``; returns it and the BGM path."""
        data = draft.to_json()
        bgm: Path | None = None
        fetched: dict[str, str] = {}
        for index, track in enumerate(data.get("t", [])):
            parsed = draft.tracks[index]
            is_bgm = isinstance(parsed, Track) and (parsed.metadata or {}).get("role") == "bgm"
            for seg in track.get("sg", []) if isinstance(track, dict) else []:
                src = seg.get("src") if isinstance(seg, dict) else None
                if not isinstance(src, str) or not _is_url(src):
                    continue
                if src in self._url_to_local:
                    seg["src"] = self._url_to_local[src]
                    continue
                if src not in fetched:
                    name = os.path.basename(src.split("?", 1)[0]) or "media"
                    target = Path(dest_dir) / f"{len(fetched):02d}_{name}"
                    fetched[src] = str(self.fetch(src, target, cancel=cancel))
                seg["src"] = fetched[src]
                if is_bgm and bgm is None:
                    bgm = Path(fetched[src])
        from musiccog.draft.validate import parse_draft

        return parse_draft(data, source="localized draft"), bgm

    def close(self) -> None:
        self.client.close()
