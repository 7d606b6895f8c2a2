"""One job on a worker thread, polled by Blender's modal timer (pure: threads only).

Blender's data must only be touched on its main thread, so the add-on reads the
edit first, hands plain data to a :class:`BackgroundJob`, polls it from a timer
(``percent``, ``status``) and writes the answer back on the main thread once
``done``. :meth:`BackgroundJob.cancel` (Esc) sets the job's
:class:`~musiccog.jobs.CancelToken`; the work stops at its next check.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from musiccog.jobs import Cancelled, CancelToken

T = TypeVar("T")

#: ``work(cancel, on_progress)`` — ``on_progress(done, total)`` as in :mod:`musiccog.jobs`.
Work = Callable[[CancelToken, Callable[[float, float], None]], T]


class BackgroundJob(Generic[T]):
    """Run ``work`` on a daemon thread; read its progress and outcome from another thread."""

    def __init__(self, work: Work[T], *, name: str = "musiccog-job") -> None:
        self._work = work
        self._cancel = CancelToken()
        self._lock = threading.Lock()
        self._percent = 0.0
        self._status = "starting"
        self._result: T | None = None
        self._error: BaseException | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> BackgroundJob[T]:
        """Start the worker thread; returns self."""
        self._thread.start()
        return self

    def _progress(self, done: float, total: float) -> None:
        percent = 100.0 * done / total if total else 0.0
        with self._lock:
            self._percent = min(max(percent, 0.0), 100.0)

    def set_status(self, text: str) -> None:
        """Set the one-line status shown with the progress (any thread)."""
        with self._lock:
            self._status = text

    def _run(self) -> None:
        try:
            self._cancel.raise_if_cancelled()
            result = self._work(self._cancel, self._progress)
            self._cancel.raise_if_cancelled()
            self._result = result
        except BaseException as exc:  # handed to the main thread, which reports it
            self._error = exc
        finally:
            self._done.set()

    def cancel(self) -> None:
        """Ask the work to stop (Esc); ``done`` turns True once it has."""
        self._cancel.cancel()
        self.set_status("cancelling")

    @property
    def cancel_token(self) -> CancelToken:
        return self._cancel

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def percent(self) -> float:
        """Progress 0–100 as last reported by the work."""
        with self._lock:
            return self._percent

    @property
    def status(self) -> str:
        with self._lock:
            return self._status

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until done (or ``timeout_s`` seconds); True when done."""
        return self._done.wait(timeout_s)

    def outcome(self) -> T:
        """The work's return value; re-raises its exception (Cancelled when cancelled)."""
        if not self.done:
            raise RuntimeError("the job is still running")
        if self._error is not None:
            raise self._error
        if self._cancel.cancelled:
            raise Cancelled("cancelled by the user")
        return self._result  # type: ignore[return-value]
