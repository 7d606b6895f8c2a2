"""One job at a time for the panel, with the silence clock ("⏳ Still working...").

:class:`JobRunner` starts a :class:`~musiccog.panel.worker.Job`, forwards its
signals for the current job only (a job let go of by :meth:`JobRunner.stop`
can no longer reach the panel), and emits ``silent`` each ``silence_ms`` of a
job without news.  Lives on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from musiccog.panel.worker import Job, JobContext

__all__ = ["JobRunner"]


class JobRunner(QObject):
    """Runs the panel's jobs, one at a time.

    Signals: ``event(object)``, ``progress(channel, done, total)``,
    ``succeeded(name, result)``, ``failed(name, exception)``, ``ended(name, ok)``
    and ``silent()`` (each ``silence_ms`` without :meth:`touch` during a job).
    """

    event = Signal(object)
    progress = Signal(str, float, float)
    succeeded = Signal(str, object)
    failed = Signal(str, object)
    ended = Signal(str, bool)
    silent = Signal()

    def __init__(self, parent: QObject | None = None, *, silence_ms: int = 120_000) -> None:
        super().__init__(parent)
        self._job: Job | None = None
        self._ok = False
        self._silence = QTimer(self)
        self._silence.setInterval(max(1, int(silence_ms)))
        self._silence.timeout.connect(self.silent)

    @property
    def busy(self) -> bool:
        """True while a job runs."""
        return self._job is not None

    @property
    def name(self) -> str:
        """The running job's name ("" when idle)."""
        return self._job.name if self._job is not None else ""

    @property
    def silence_ms(self) -> int:
        """Silence before ``silent`` is emitted, ms."""
        return self._silence.interval()

    def start(self, name: str, fn: Callable[[JobContext], Any], *, watch_silence: bool = True
              ) -> None:
        """Run ``fn(ctx)`` on a new thread; stops (and waits for) any running job first."""
        if self._job is not None:
            self.stop()
        job = Job(name, fn)
        job.event.connect(self._on_event)
        job.progress.connect(self._on_progress)
        job.succeeded.connect(self._on_succeeded)
        job.failed.connect(self._on_failed)
        job.ended.connect(self._on_ended)
        self._job, self._ok = job, False
        if watch_silence:
            self._silence.start()
        job.start_job()

    def touch(self) -> None:
        """News arrived: restart the silence count (when a job runs)."""
        if self._job is not None and self._silence.isActive():
            self._silence.start()

    def cancel(self) -> None:
        """Ask the running job to stop; returns at once."""
        if self._job is not None:
            self._job.cancel_token.cancel()

    def stop(self, timeout_ms: int = 10_000) -> bool:
        """Cancel the running job and wait up to ``timeout_ms``; True if its thread ended."""
        self._silence.stop()
        job, self._job = self._job, None
        return job.stop(timeout_ms) if job is not None else True

    def _on_event(self, job: Job, obj: object) -> None:
        if job is self._job:
            self.event.emit(obj)

    def _on_progress(self, job: Job, channel: str, done: float, total: float) -> None:
        if job is self._job:
            self.progress.emit(channel, done, total)

    def _on_succeeded(self, job: Job, result: object) -> None:
        if job is self._job:
            self._ok = True
            self.succeeded.emit(job.name, result)

    def _on_failed(self, job: Job, exc: object) -> None:
        if job is self._job:
            self.failed.emit(job.name, exc)

    def _on_ended(self, job: Job) -> None:
        if job is self._job:
            self._job = None
            self._silence.stop()
            self.ended.emit(job.name, self._ok)
