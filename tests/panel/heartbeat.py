"""Measure how long the UI thread goes without running its event loop.

A 10 ms ``QTimer`` (precise) records the time between its ticks; a tick late
by more than its interval means the UI thread was busy (blocked) that long.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer


class Heartbeat(QObject):
    """Ticks every ``interval_ms``; ``max_gap_ms`` is the longest time between ticks."""

    def __init__(self, interval_ms: int = 10) -> None:
        super().__init__()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self.gaps_ms: list[float] = []

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._tick()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps_ms.append((now - self._last) * 1000.0)
        self._last = now

    @property
    def max_gap_ms(self) -> float:
        """The longest gap between two ticks, ms (0 before any tick)."""
        return max(self.gaps_ms, default=0.0)
