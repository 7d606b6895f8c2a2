"""Run backend calls off the UI thread: one :class:`Job` (a QThread) per call.

A job runs ``fn(ctx)`` on its own thread.  ``ctx`` (:class:`JobContext`) holds
the job's :class:`~musiccog.jobs.CancelToken`, ``emit(obj)`` to send an event
to the UI thread, and ``progress(channel)`` to make a throttled
``on_progress(done, total)`` callback.  Signals cross to the UI thread as
queued calls; the UI never waits on a job except in :meth:`Job.stop`.

Every started job is held in a module-level set until it has finished (pruned
from the UI thread), so a job whose owner goes away is never destroyed while
its thread runs ("QThread: Destroyed while thread is still running").
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread, Signal

from musiccog.jobs import CancelToken, ProgressCallback

__all__ = ["Job", "JobContext", "running_jobs"]

#: Started jobs, kept until finished (see :func:`running_jobs`).
_STARTED: set[Job] = set()

#: Least time between two progress signals of one channel, in seconds.
PROGRESS_MIN_INTERVAL_S = 0.05


class JobContext:
    """What a job's function gets: the cancel token, ``emit`` and ``progress``."""

    def __init__(self, job: Job) -> None:
        self._job = job
        self.cancel: CancelToken = job.cancel_token

    def emit(self, obj: object) -> None:
        """Send ``obj`` (e.g. a ChatEvent) to the UI thread's ``event`` slot."""
        self._job.event.emit(self._job, obj)

    def progress(self, channel: str) -> ProgressCallback:
        """An ``on_progress(done, total)`` for ``channel`` ("upload", "work", "export").

        At most one signal each 50 ms per channel (plus the final one), so a
        transfer reporting every chunk cannot flood the UI thread.
        """
        last = [0.0, -1.0]  # time, fraction

        def on_progress(done: float, total: float) -> None:
            fraction = (done / total) if total else 0.0
            now = time.monotonic()
            final = total and done >= total
            if final or (now - last[0] >= PROGRESS_MIN_INTERVAL_S and fraction != last[1]):
                last[0], last[1] = now, fraction
                self._job.progress.emit(self._job, channel, float(done), float(total))

        return on_progress


class Job(QThread):
    """A backend call on its own thread.

    Signals (queued to the UI thread), each with the job first so a receiver
    can ignore a job it has let go of: ``event(job, object)`` for each emitted
    object, ``progress(job, channel, done, total)``, then exactly one of
    ``succeeded(job, result)`` or ``failed(job, exception)``, then ``ended(job)``.
    """

    event = Signal(object, object)
    progress = Signal(object, str, float, float)
    succeeded = Signal(object, object)
    failed = Signal(object, object)
    ended = Signal(object)

    def __init__(self, name: str, fn: Callable[[JobContext], Any]) -> None:
        super().__init__()
        self.setObjectName(f"musiccog-{name}")
        self.name = name
        self.cancel_token = CancelToken()
        self._fn = fn

    def start_job(self) -> None:
        """Start the thread; the job is held until it finishes."""
        running_jobs()  # prune finished ones
        _STARTED.add(self)
        self.start()

    def run(self) -> None:  # noqa: D102 - QThread entry point, runs on the worker thread
        try:
            result = self._fn(JobContext(self))
        except BaseException as exc:  # every failure reaches the UI as a message
            self.failed.emit(self, exc)
        else:
            self.succeeded.emit(self, result)
        finally:
            self.ended.emit(self)

    def stop(self, timeout_ms: int = 10_000) -> bool:
        """Cancel and wait up to ``timeout_ms``; True when the thread has ended.

        Its signals are disconnected (receivers also ignore jobs they let go
        of); a job that does not end in time stays held (see :func:`running_jobs`)
        until it ends.
        """
        self.cancel_token.cancel()
        for signal in (self.event, self.progress, self.succeeded, self.failed, self.ended):
            try:
                signal.disconnect()
            except (RuntimeError, TypeError):
                pass
        return bool(self.wait(timeout_ms)) if self.isRunning() else True


def running_jobs() -> int:
    """How many started jobs are still running (0 after a clean close).

    Call from the UI thread: finished jobs are released here, never from their own thread.
    """
    for job in [j for j in _STARTED if not j.isRunning()]:
        _STARTED.discard(job)
    return len(_STARTED)
