"""Work the server does on threads: a chat turn (engine sync) and a render.

A :class:`ChatJob` runs independently of the stream that watches it: when the
client's connection drops, the turn still finishes and its draft and words land
in the session, so the client recovers them by reading the state.  Streams
subscribe with an asyncio event that the job sets (thread-safely) on each new
payload.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from musiccog.draft.model import Draft
from musiccog.errors import MusicCogError
from musiccog.jobs import Cancelled, CancelToken
from musiccog.server._engine import ServerEngine
from musiccog.server._media import register_generated, relink
from musiccog.server._store import RenderRecord, ServerSession

__all__ = ["ChatJob", "run_render"]

log = logging.getLogger("musiccog.server")


class ChatJob:
    """One chat turn; ``events`` is the append-only list of payloads to stream."""

    def __init__(self, session: ServerSession, engine: ServerEngine, prompt: str, *,
                 suppress_text: bool = False) -> None:
        self.session = session
        self.engine = engine
        self.prompt = prompt
        self.suppress_text = suppress_text
        self.events: list[dict[str, Any]] = []
        self.done = False
        self.cancel = CancelToken()
        self._lock = threading.Lock()
        self._subscribers: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []
        self._last_percent = -1.0

    # -- streaming -------------------------------------------------------------------
    def subscribe(self) -> asyncio.Event:
        """An event set whenever a payload is added or the job ends (call in the loop)."""
        event = asyncio.Event()
        with self._lock:
            self._subscribers.append((asyncio.get_running_loop(), event))
            if self.events or self.done:
                event.set()
        return event

    def unsubscribe(self, event: asyncio.Event) -> None:
        with self._lock:
            self._subscribers = [s for s in self._subscribers if s[1] is not event]

    def _push(self, payload: dict[str, Any] | None) -> None:
        with self._lock:
            if payload is not None:
                self.events.append(payload)
            subscribers = list(self._subscribers)
        for loop, event in subscribers:
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:  # the loop closed: that stream is gone
                pass

    def _progress(self, done: float, total: float) -> None:
        percent = 100.0 * done / total if total else 0.0
        if percent - self._last_percent >= 1.0 or percent >= 100.0:
            self._last_percent = percent
            self._push({"type": "heartbeat", "progress": round(percent, 1)})

    def _text(self, text: str) -> None:
        self.session.messages.append(text)
        if not self.suppress_text:
            self._push({"type": "text", "content": text})

    # -- work --------------------------------------------------------------------------
    def start(self) -> None:
        threading.Thread(target=self._run, name="musiccog-chat", daemon=True).start()

    def _inputs(self) -> tuple[Draft | None, Path | None, Path | None]:
        files = [f for f in self.session.files.values() if not f.generated]
        videos = [f.path for f in files if f.file_type == "video"]
        music = [f.path for f in files if f.file_type == "audio"]
        return (self.session.timeline, videos[-1] if videos else None,
                music[-1] if music else None)

    def _run(self) -> None:
        session = self.session
        try:
            timeline, video, music = self._inputs()
            self._push({"type": "tool_call", "name": "sync_music",
                        "args": {"prompt": self.prompt, "has_timeline": timeline is not None,
                                 "has_music": music is not None}})
            if timeline is None and video is None:
                session.messages.clear()
                self._text("Upload a video (or send a timeline) first, then tell me what "
                           "music you want.")
                return
            turn = self.engine.sync(timeline=timeline, video_path=video, music_path=music,
                                    prompt=self.prompt, work_dir=session.folder / "work",
                                    on_progress=self._progress, cancel=self.cancel)
            moved: dict[str, str] = {}
            if turn.bgm_path is not None:
                moved[str(turn.bgm_path)] = str(
                    register_generated(session, turn.bgm_path, role="bgm").path)
            for path in _local_srcs(turn.draft):
                if str(path) not in moved:
                    moved[str(path)] = str(register_generated(session, path, role="media").path)
            session.draft = relink(turn.draft, moved)
            session.messages.clear()
            self._push({"type": "tool_result", "name": "sync_music",
                        "result": {"tracks": len(turn.draft.tracks)}})
            for message in turn.messages or ["Done: the music is on the timeline."]:
                self._text(message)
        except Cancelled:
            session.messages.clear()
            self._text("Cancelled; nothing was changed.")
        except MusicCogError as exc:
            session.messages.clear()
            self._text(f"I couldn't do that: {exc}")
        except Exception as exc:  # a bug in the engine must not kill the server
            log.exception("chat turn failed")
            session.messages.clear()
            self._text(f"Something went wrong on the server ({type(exc).__name__}); "
                       "try again.")
        finally:
            self.done = True
            self._push(None)


def _local_srcs(draft: Draft) -> list[Path]:
    """Existing local files a draft references (registered so clients get URLs)."""
    out = []
    for track in draft.known_tracks():
        for seg in track.segments:
            if seg.source and not seg.source.startswith(("http://", "https://")) and \
                    os.path.isfile(seg.source):
                out.append(Path(seg.source))
    return out


def run_render(record: RenderRecord, engine: ServerEngine, draft: Draft, *,
               slow_s: float = 0.0) -> None:
    """Render on a thread, updating ``record`` (status, progress, error)."""

    def work() -> None:
        record.status = "processing"
        try:
            end = time.monotonic() + slow_s
            while time.monotonic() < end:
                record.cancel.raise_if_cancelled()
                time.sleep(0.02)

            def on_progress(done: float, total: float) -> None:
                record.progress = round(100.0 * done / total, 1) if total else 0.0

            record.out_path.parent.mkdir(parents=True, exist_ok=True)
            engine.render(draft, record.out_path, on_progress=on_progress,
                          cancel=record.cancel)
            record.progress = 100.0
            record.status = "completed"
        except Cancelled:
            record.status = "cancelled"
        except MusicCogError as exc:
            record.status, record.error = "failed", str(exc)
        except Exception as exc:  # keep the server up; say what failed
            log.exception("render failed")
            record.status, record.error = "failed", f"{type(exc).__name__}: {exc}"

    threading.Thread(target=work, name="musiccog-render", daemon=True).start()
