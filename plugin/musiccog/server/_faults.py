"""Fault injection for tests: make the server fail the way the hosted API can.

Off unless the app is built with ``enable_faults=True`` (or the environment has
``MUSICCOG_SERVER_FAULTS=1``).  A fault is *armed* for a number of uses
(``times``) and *taken* by the handler it concerns::

    expired_token   the next authenticated request: the token is revoked → 1001
    lost_session    the next session-scoped request: the session is deleted → 1002
    rate_limit      the next authenticated request → 429
    server_error    the next ``times`` authenticated requests → HTTP 503
    client_id       the next token request → 400 (missing/bad client id)
    no_credits      the next chat → 2001
    plan_required   the next render request → 402
    unsupported     the next upload → 4001
    too_large       the next upload → 4002
    stream_cut      the next chat stream is cut after its first events (no clean end)
    no_text         the next chat stream closes without any text event
    slow_render     the next render stays "processing" ``params["seconds"]`` seconds

``count(name)`` tells how often a fault fired; ``requests`` counts requests per
route (tests assert "exactly one retry" with it).
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

__all__ = ["FAULT_NAMES", "Faults"]

FAULT_NAMES = frozenset({
    "expired_token", "lost_session", "rate_limit", "server_error", "client_id",
    "no_credits", "plan_required", "unsupported", "too_large", "stream_cut", "no_text",
    "slow_render",
})


class Faults:
    """Armed faults, their parameters, and counters (thread-safe)."""

    def __init__(self, *, enabled: bool = False) -> None:
        self.enabled = enabled
        self._lock = threading.Lock()
        self._armed: dict[str, int] = {}
        self._params: dict[str, dict[str, Any]] = {}
        self.fired: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()

    def arm(self, name: str, *, times: int = 1, **params: Any) -> None:
        """Make fault ``name`` happen on its next ``times`` chances."""
        if not self.enabled:
            raise RuntimeError("fault injection is off; build the app with enable_faults=True")
        if name not in FAULT_NAMES:
            raise ValueError(f"unknown fault {name!r}; known: {', '.join(sorted(FAULT_NAMES))}")
        with self._lock:
            self._armed[name] = times
            self._params[name] = params

    def take(self, name: str) -> dict[str, Any] | None:
        """The fault's parameters if it is armed (using one of its times), else None."""
        if not self.enabled:
            return None
        with self._lock:
            left = self._armed.get(name, 0)
            if left <= 0:
                return None
            self._armed[name] = left - 1
            self.fired[name] += 1
            return dict(self._params.get(name, {}))

    def count(self, name: str) -> int:
        """How many times fault ``name`` fired."""
        with self._lock:
            return self.fired[name]

    def hit(self, route: str) -> None:
        """Count a request to ``route`` (e.g. ``"GET /api/credits/balance/simple"``)."""
        with self._lock:
            self.requests[route] += 1

    def clear(self) -> None:
        """Disarm everything and reset the counters."""
        with self._lock:
            self._armed.clear()
            self._params.clear()
            self.fired.clear()
            self.requests.clear()
