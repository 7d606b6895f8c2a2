"""What the server needs from an engine, and the default: the real offline engine.

The server calls an object with ``check()``, ``sync(...)`` and ``render(...)``
(:class:`ServerEngine`).  :class:`RealEngine` forwards to ``musiccog.engine``
(``sync_draft``/``sync_video``/``render_draft``), imported lazily so the server
starts without it and answers 5001 "engine not available" until it is installed.
Tests may pass another small, real implementation (see ``tests/server``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from musiccog.draft.model import Draft
from musiccog.jobs import CancelToken, ProgressCallback

__all__ = ["EngineTurn", "RealEngine", "ServerEngine"]


@dataclass
class EngineTurn:
    """One turn's result: the new draft (local paths), the BGM file, words for the user."""

    draft: Draft
    bgm_path: Path | None
    messages: list[str] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)


class ServerEngine(Protocol):
    """The engine interface the server uses."""

    def check(self) -> None:
        """Raise ``EngineUnavailableError`` when the engine cannot run here."""

    def sync(self, *, timeline: Draft | None, video_path: Path | None,
             music_path: Path | None, prompt: str, work_dir: Path,
             on_progress: ProgressCallback | None, cancel: CancelToken | None) -> EngineTurn:
        """Fit music to ``timeline`` (or to ``video_path`` when no timeline)."""

    def render(self, draft: Draft, out_path: Path, *, on_progress: ProgressCallback | None,
               cancel: CancelToken | None) -> Path:
        """Render ``draft`` to an MP4 at ``out_path`` (atomically)."""


class RealEngine:
    """The offline engine (``musiccog.engine``), imported on first use."""

    def check(self) -> None:
        from musiccog.backend._local import load_engine

        load_engine()

    def sync(self, *, timeline: Draft | None, video_path: Path | None,
             music_path: Path | None, prompt: str, work_dir: Path,
             on_progress: ProgressCallback | None, cancel: CancelToken | None) -> EngineTurn:
        from musiccog.backend._local import load_engine

        engine = load_engine()
        kwargs = dict(music_path=music_path, prompt=prompt, on_progress=on_progress,
                      cancel=cancel, work_dir=work_dir)
        if timeline is not None:
            result = engine.sync_draft(timeline, **kwargs)
        else:
            result = engine.sync_video(video_path, **kwargs)
        return EngineTurn(result.draft, Path(result.bgm_path) if result.bgm_path else None,
                          list(result.messages), dict(getattr(result, "report", {}) or {}))

    def render(self, draft: Draft, out_path: Path, *, on_progress: ProgressCallback | None,
               cancel: CancelToken | None) -> Path:
        from musiccog.backend._local import load_engine

        return Path(load_engine().render_draft(draft, out_path, on_progress=on_progress,
                                               cancel=cancel))
