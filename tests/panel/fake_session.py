"""A FAKE ``musiccog.session.Session`` with scripted turns, for the panel's timing tests.

Used only where a test needs exact control of time (a turn that stays silent
for a set time, a job that blocks until cancelled); everything else in
``tests/panel`` runs the real backends.  It offers the Session methods the
panel uses: ``handle``, ``export``, ``backend.connect/credits/state/close``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from musiccog.backend.base import ChatEvent, Credits, SessionState
from musiccog.draft import Draft
from musiccog.jobs import CancelToken, ProgressCallback


@dataclass
class FakeBackend:
    """Backend side of the fake: ``kind``, connect delay, credits and a draft."""

    kind: str = "local"
    connect_delay_s: float = 0.0
    credit_balance: Credits | None = None
    draft: Draft | None = None
    closed: bool = False

    def connect(self) -> None:
        time.sleep(self.connect_delay_s)

    def credits(self) -> Credits | None:
        return self.credit_balance

    def state(self) -> SessionState:
        return SessionState(draft=self.draft)

    def close(self) -> None:
        self.closed = True


@dataclass
class FakeSession:
    """``script`` steps for each turn: ``("event", ChatEvent)``, ``("sleep", seconds)``,
    ``("block",)`` (wait until cancelled, polling every 10 ms), ``("raise", exc)``."""

    backend: FakeBackend = field(default_factory=FakeBackend)
    script: list[tuple[Any, ...]] = field(default_factory=list)
    calls: list[tuple[str, tuple[Path, ...]]] = field(default_factory=list)
    cancelled: bool = False

    def handle(self, text: str, *, files: tuple[Path, ...] = (), cancel: CancelToken | None = None,
               on_progress: ProgressCallback | None = None) -> Iterator[ChatEvent]:
        self.calls.append((text, tuple(files)))
        for step in self.script:
            if step[0] == "event":
                yield step[1]
            elif step[0] == "sleep":
                time.sleep(step[1])
            elif step[0] == "block":
                while cancel is not None and not cancel.cancelled:
                    time.sleep(0.01)
                self.cancelled = True
                assert cancel is not None
                cancel.raise_if_cancelled()
            elif step[0] == "raise":
                raise step[1]

    def export(self, dest: str | Path, *, on_progress: ProgressCallback | None = None,
               cancel: CancelToken | None = None) -> Path:
        for percent in range(0, 101, 10):
            if cancel is not None:
                cancel.raise_if_cancelled()
            if on_progress is not None:
                on_progress(percent, 100)
            time.sleep(0.01)
        Path(dest).write_bytes(b"fake mp4")
        return Path(dest)

    def close(self) -> None:
        self.backend.close()
