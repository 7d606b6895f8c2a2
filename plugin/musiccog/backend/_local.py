"""The local backend (the default): the offline engine in-process, no network, no account.

Uploaded audio is the music to use; uploaded videos are what to score when no
timeline was given; ``set_timeline(draft)`` is the host's edit.  A chat turn runs
``engine.sync_draft`` (or ``engine.sync_video``) with the message as prompt on a
worker thread, streaming progress.  The session (timeline, files, result) is kept
in ``<config dir>/cache/local/<session id>/state.json`` so ``musiccog status`` and
``musiccog export`` work after ``musiccog chat`` in another process.
"""

from __future__ import annotations

import importlib
import json
import queue
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from musiccog import config
from musiccog.backend._client import check_upload
from musiccog.backend._errors import BackendError, EngineUnavailableError
from musiccog.backend._stream import TurnTracker
from musiccog.backend.base import Backend, ChatEvent, Credits, SessionState, UploadedFile
from musiccog.draft.io import write_text_atomic
from musiccog.draft.model import Draft
from musiccog.jobs import CancelToken, ProgressCallback, check_cancel, report

__all__ = ["AUDIO_SUFFIXES", "VIDEO_SUFFIXES", "LocalBackend", "load_engine"]

AUDIO_SUFFIXES = (".mp3", ".wav", ".m4a", ".aac", ".flac")
VIDEO_SUFFIXES = (".mp4", ".mov", ".avi", ".webm", ".mkv")


def _sentence(note: str) -> str:
    """A message as a streamed text piece: ends with punctuation and a space, so pieces
    joined as they arrive read as sentences (engine notes are bare phrases)."""
    text = note.strip()
    if text and text[-1] not in ".!?…:)":
        text += "."
    return text + " "


def load_engine() -> Any:
    """``musiccog.engine`` with ``sync_draft``, ``sync_video`` and ``render_draft``.

    :raises EngineUnavailableError: the engine (or one of its parts) is not installed.
    """
    try:
        engine = importlib.import_module("musiccog.engine")
        missing = [n for n in ("sync_draft", "sync_video", "render_draft")
                   if not callable(getattr(engine, n, None))]
    except ImportError as exc:
        raise EngineUnavailableError(
            f"The offline engine is not available ({exc}). Install 'ai-music-cog[engine]', "
            "or choose a server with --backend URL.") from None
    if missing:
        raise EngineUnavailableError(
            f"The offline engine is not available in this installation (musiccog.engine "
            f"lacks {', '.join(missing)}). Update ai-music-cog, or choose a server with "
            "--backend URL.")
    return engine


def _parse(value: Any) -> Draft | None:
    if not isinstance(value, dict):
        return None
    from musiccog.draft.validate import parse_draft

    return parse_draft(value, source="local session")


class LocalBackend(Backend):
    """The offline engine behind the :class:`Backend` interface."""

    kind = "local"

    def __init__(self, *, session_id: str | None = None, state_root: Path | None = None,
                 library_dir: str | Path | None = None, remember: bool = True,
                 still_working_s: float = 120.0) -> None:
        self._remember = remember
        saved = config.load_session("local") if (remember and session_id is None) else None
        self.session_id = session_id or (saved or {}).get("session_id") or uuid.uuid4().hex
        self._root = state_root
        self.library_dir = Path(library_dir) if library_dir else None
        self.still_working_s = still_working_s
        self._timeline: Draft | None = None
        self._draft: Draft | None = None
        self._music: str | None = None
        self._videos: list[str] = []
        self._files: list[UploadedFile] = []
        self._bgm: str | None = None
        self._messages: list[str] = []
        self._load()

    # -- persistence -------------------------------------------------------------------
    @property
    def state_dir(self) -> Path:
        """This session's folder (created)."""
        root = self._root or (config.cache_dir() / "local")
        path = root / self.session_id
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _load(self) -> None:
        try:
            data = json.loads((self.state_dir / "state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        self._timeline = _parse(data.get("timeline"))
        self._draft = _parse(data.get("draft"))
        self._music, self._bgm = data.get("music"), data.get("bgm")
        self._videos = [v for v in data.get("videos", []) if isinstance(v, str)]
        self._files = [UploadedFile(**f) for f in data.get("files", []) if isinstance(f, dict)]
        self._messages = [m for m in data.get("messages", []) if isinstance(m, str)]

    def _save(self) -> None:
        data = {
            "timeline": self._timeline.to_json() if self._timeline else None,
            "draft": self._draft.to_json() if self._draft else None,
            "music": self._music, "bgm": self._bgm, "videos": self._videos,
            "files": [f.__dict__ for f in self._files], "messages": self._messages,
        }
        write_text_atomic(self.state_dir / "state.json", json.dumps(data, indent=1))
        if self._remember:
            config.save_session("local", self.session_id)

    # -- Backend ---------------------------------------------------------------------
    def connect(self) -> None:
        """Nothing to connect to; remembers the session."""
        if self._remember:
            config.save_session("local", self.session_id)

    def warm_up(self) -> None:
        """Load the engine now (a UI calls this while "Connecting..."); see
        ``musiccog.engine.warm_up``.  Without the engine this does nothing: the first
        chat says what to install."""
        try:
            engine = load_engine()
        except EngineUnavailableError:
            return
        warm = getattr(engine, "warm_up", None)
        if callable(warm):
            warm()

    def credits(self) -> Credits | None:
        return None

    def upload(self, path: str | Path, *, on_progress: ProgressCallback | None = None,
               cancel: CancelToken | None = None) -> UploadedFile:
        """Use a local file: audio becomes the music, video the picture to score."""
        check_cancel(cancel)
        file = Path(path).expanduser()
        if file.suffix.lower() != ".flac":
            file = check_upload(file)
        elif not file.is_file():
            check_upload(file)  # raises the "does not exist" message
        file = file.resolve()
        suffix = file.suffix.lower()
        kind = "audio" if suffix in AUDIO_SUFFIXES else (
            "video" if suffix in VIDEO_SUFFIXES else "image")
        info = _probe(file)
        uploaded = UploadedFile(filename=file.name, file_type=kind, url=str(file), **info)
        if kind == "audio":
            self._music = str(file)
        elif kind == "video":
            self._videos.append(str(file))
        self._files.append(uploaded)
        size = file.stat().st_size
        report(on_progress, size, size)
        self._save()
        return uploaded

    def set_timeline(self, draft: Draft) -> None:
        self._timeline = draft
        self._draft = None
        self._bgm = None
        self._save()

    def chat(self, message: str, *, cancel: CancelToken | None = None) -> Iterator[ChatEvent]:
        from musiccog.session.diff import diff_drafts, summarize_changes

        engine = load_engine()
        if self._timeline is None and not self._videos:
            raise BackendError("Nothing to work on yet: add a video (--file clip.mp4) or run "
                               "from a host with a timeline, then ask again.")
        before = self._draft or self._timeline
        inner = CancelToken()
        events: queue.Queue[tuple[str, Any]] = queue.Queue()

        def on_progress(done: float, total: float) -> None:
            events.put(("progress", 100.0 * done / total if total else 0.0))

        def work() -> None:
            kwargs = dict(music_path=self._music, library_dir=self.library_dir, prompt=message,
                          on_progress=on_progress, cancel=inner,
                          work_dir=self.state_dir / f"turn-{uuid.uuid4().hex[:8]}")
            try:
                if self._timeline is not None:
                    result = engine.sync_draft(self._timeline, **kwargs)
                else:
                    result = engine.sync_video(self._videos[-1], **kwargs)
                events.put(("done", result))
            except BaseException as exc:  # handed to the caller's thread
                events.put(("error", exc))

        thread = threading.Thread(target=work, name="musiccog-local-turn", daemon=True)
        thread.start()
        tracker = TurnTracker(still_working_s=self.still_working_s)
        last_percent = -1.0
        try:
            while True:
                if cancel is not None and cancel.cancelled:
                    inner.cancel()
                try:
                    kind, value = events.get(timeout=0.1)
                except queue.Empty:
                    yield from tracker.tick()
                    continue
                if kind == "progress":
                    if value - last_percent >= 1.0 or value >= 100.0:
                        last_percent = value
                        yield ChatEvent("progress", "", {"percent": round(value, 1)})
                    continue
                if kind == "error":
                    raise value
                result = value
                break
        finally:
            if thread.is_alive():  # the caller stopped listening: stop the engine too
                inner.cancel()
        self._draft = result.draft
        self._bgm = str(result.bgm_path) if result.bgm_path else None
        self._messages = list(result.messages)
        self._save()
        for text in result.messages:
            yield ChatEvent("text", _sentence(text))
        lines = diff_drafts(before, self._draft)
        yield ChatEvent("changed", summarize_changes(before, self._draft),
                        {"lines": lines, "report": getattr(result, "report", {})})

    def state(self) -> SessionState:
        media = [{"type": "audio", "role": "bgm", "path": self._bgm}] if self._bgm else []
        return SessionState(draft=self._draft or self._timeline, files=list(self._files),
                            generated_media=media,
                            raw={"session_id": self.session_id, "messages": self._messages})

    def export(self, dest: str | Path, *, on_progress: ProgressCallback | None = None,
               cancel: CancelToken | None = None) -> Path:
        draft = self._draft or self._timeline
        if draft is None or not draft.is_ready_for_export():
            raise BackendError("Nothing to export yet: add a video and ask for music first "
                               "(musiccog chat \"calm music\" --file clip.mp4).")
        engine = load_engine()
        return Path(engine.render_draft(draft, Path(dest), on_progress=on_progress,
                                        cancel=cancel))

    def localize(self, draft: Draft, dest_dir: str | Path, *,
                 cancel: CancelToken | None = None) -> tuple[Draft, Path | None]:
        """Local media are already local: the draft as is and the last BGM file."""
        return draft, Path(self._bgm) if self._bgm else None

    @property
    def last_bgm_path(self) -> Path | None:
        """The fitted music of the last turn (WAV), or None."""
        return Path(self._bgm) if self._bgm else None


def _probe(file: Path) -> dict[str, Any]:
    """Duration/size/rate from FFmpeg when the engine's prober is there; else nothing."""
    try:
        from musiccog.engine.ffmpeg import probe

        info = probe(file)
    except Exception:  # probing is a courtesy: the engine checks the file properly
        return {}
    return {"duration_s": info.duration_s, "width": info.width, "height": info.height,
            "fps": float(info.fps) if info.fps else None}
