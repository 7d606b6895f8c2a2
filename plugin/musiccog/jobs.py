"""Cancellation and progress for long jobs, shared by the engine, backends and hosts.

Pure: no host, no network.  A host creates a :class:`CancelToken`, hands it to a
worker, and calls :meth:`CancelToken.cancel` from its UI thread; the worker
calls :meth:`CancelToken.raise_if_cancelled` between steps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from musiccog.errors import MusicCogError

#: ``on_progress(done, total)``: bytes for transfers, percent (0–100, total 100) for work.
ProgressCallback = Callable[[float, float], None]


class Cancelled(MusicCogError):
    """The user cancelled the job; nothing half-done was kept."""

    exit_code = 130


class CancelToken:
    """A flag set from one thread and polled from another.

    A token made with ``parent`` is also cancelled when its parent is: a job can stop
    its own helpers without cancelling the caller's token.
    """

    def __init__(self, parent: CancelToken | None = None) -> None:
        self._event = threading.Event()
        self._parent = parent

    def cancel(self) -> None:
        """Ask the running job to stop as soon as it can."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """True once :meth:`cancel` was called (on this token or its parent)."""
        return self._event.is_set() or (self._parent is not None and self._parent.cancelled)

    def raise_if_cancelled(self) -> None:
        """Raise :class:`Cancelled` when cancelled."""
        if self.cancelled:
            raise Cancelled("cancelled by the user")


def check_cancel(cancel: CancelToken | None) -> None:
    """Raise :class:`Cancelled` if ``cancel`` is set; a None token never cancels."""
    if cancel is not None:
        cancel.raise_if_cancelled()


def report(on_progress: ProgressCallback | None, done: float, total: float = 100.0) -> None:
    """Call ``on_progress(done, total)`` when a callback was given."""
    if on_progress is not None:
        on_progress(done, total)
