"""The chat stream: SSE ``data:`` payloads → items → :class:`ChatEvent` s.

Parsing is separate from I/O: :func:`interpret` reads one event's data (pure);
:func:`iter_items` joins httpx-sse's decoder (which copes with chunks split
mid-line) to a response; :class:`TurnTracker` turns items into the events hosts
see, emitting "⏳ Still working..." after ``still_working_s`` seconds without a
visible event.  There is no "done" event: the stream closing ends the turn.

Payload shapes accepted (the protocol's, plus ADK-style ``content.parts`` that the
``/run_sse`` endpoint family also uses)::

    {"type": "text", "content": "…"}                 → text
    {"type": "tool_call", "name": …, "args": {…}}    → tool_call   (internal)
    {"type": "tool_result", "name": …, "result": …}  → tool_result (internal)
    {"type": "heartbeat"[, "progress": 0–100]}       → heartbeat
    "" (empty data line)                             → heartbeat
    {"content": {"parts": [{"text": …} | {"functionCall": …} | {"functionResponse": …}]}}
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
from httpx_sse import EventSource

from musiccog.backend.base import ChatEvent

__all__ = ["STILL_WORKING", "StreamItem", "TurnTracker", "interpret", "iter_items"]

STILL_WORKING = "⏳ Still working..."

ItemKind = Literal["text", "tool_call", "tool_result", "heartbeat", "other"]


@dataclass(frozen=True)
class StreamItem:
    """One thing read from the stream; ``data`` holds the payload (and ``percent``)."""

    kind: ItemKind
    text: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def _percent(payload: dict[str, Any]) -> dict[str, Any]:
    for key in ("progress", "percent"):
        value = payload.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return {"percent": max(0.0, min(100.0, float(value)))}
    return {}


def _parts(payload: dict[str, Any]) -> list[StreamItem]:
    content = payload.get("content")
    parts = content.get("parts") if isinstance(content, dict) else None
    if not isinstance(parts, list):
        return []
    items: list[StreamItem] = []
    for part in parts:
        if not isinstance(part, dict):
            continue
        if isinstance(part.get("text"), str) and part["text"]:
            items.append(StreamItem("text", part["text"], payload))
        elif isinstance(part.get("functionCall"), dict):
            items.append(StreamItem("tool_call", "", part["functionCall"]))
        elif isinstance(part.get("functionResponse"), dict):
            items.append(StreamItem("tool_result", "", part["functionResponse"]))
    return items


def interpret(data: str) -> list[StreamItem]:
    """Items in one event's ``data`` (usually one; ADK events may hold several)."""
    if not data.strip():
        return [StreamItem("heartbeat")]
    try:
        payload = json.loads(data)
    except ValueError:
        return [StreamItem("text", data)]  # a plain-text event is words for the user
    if not isinstance(payload, dict):
        return [StreamItem("other", "", {"value": payload})]
    kind = payload.get("type")
    if kind == "text":
        text = payload.get("content", payload.get("text", ""))
        return [StreamItem("text", text if isinstance(text, str) else str(text), payload)]
    if kind in ("tool_call", "tool_result"):
        return [StreamItem(kind, "", payload)]
    if kind in ("heartbeat", "ping", "progress"):
        return [StreamItem("heartbeat", "", {**payload, **_percent(payload)})]
    items = _parts(payload)
    return items or [StreamItem("other", "", payload)]


def iter_items(response: httpx.Response) -> Iterator[StreamItem]:
    """Items from an open ``text/event-stream`` response, until the stream closes."""
    for sse in EventSource(response).iter_sse():
        yield from interpret(sse.data)


class TurnTracker:
    """Items → events for one chat turn; remembers whether any text was shown.

    ``translate(text) -> (text, actions)`` rewrites replies for GUIs;
    ``still_working_s``: seconds without a visible event before "⏳ Still working...".
    """

    def __init__(self, *, still_working_s: float = 120.0,
                 translate: Callable[[str], tuple[str, tuple[str, ...]]] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.still_working_s = still_working_s
        self._translate = translate
        self._clock = clock
        self._last_visible = clock()
        self.saw_text = False
        self.actions: list[str] = []
        self.tool_calls: list[str] = []

    def feed(self, item: StreamItem) -> list[ChatEvent]:
        """The events ``item`` produces (often none)."""
        now = self._clock()
        if item.kind == "text":
            if not item.text.strip():
                return []
            text, actions = (self._translate(item.text) if self._translate
                             else (item.text, ()))
            self.actions += [a for a in actions if a not in self.actions]
            self.saw_text = True
            self._last_visible = now
            return [ChatEvent("text", text, {"raw": item.text} if text != item.text else {})]
        if item.kind == "tool_call":
            self.tool_calls.append(str(item.data.get("name", "")))
        events: list[ChatEvent] = []
        if "percent" in item.data:
            events.append(ChatEvent("progress", "", {"percent": item.data["percent"]}))
        events += self.tick(now)
        return events

    def tick(self, now: float | None = None) -> list[ChatEvent]:
        """"⏳ Still working..." when nothing visible happened for ``still_working_s``."""
        now = self._clock() if now is None else now
        if now - self._last_visible >= self.still_working_s:
            self._last_visible = now
            return [ChatEvent("still_working", STILL_WORKING)]
        return []
