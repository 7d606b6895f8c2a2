"""What the user typed → what to do (pure).

The keywords are the backend issue's, in English and Chinese::

    "export" | "导出" | "download" | "send me the video"   → "export"
    "credits" | "积分" | "balance" | "余额"                  → "credits"
    "status" | "状态" | "show tracks"                        → "status"
    "upload" | "上传" | a media file path                    → "upload"
    anything else                                             → "chat"

English keywords match whole words, case-insensitively; Chinese ones anywhere.
When several match, the order above decides (a path alone is always "upload").
"""

from __future__ import annotations

import re
from pathlib import PureWindowsPath
from typing import Literal

__all__ = ["INTENTS", "Intent", "looks_like_media_path", "route_intent"]

Intent = Literal["export", "credits", "status", "upload", "chat"]
INTENTS: tuple[Intent, ...] = ("export", "credits", "status", "upload", "chat")

_MEDIA_SUFFIXES = (
    "mp4", "mov", "avi", "webm", "mkv", "jpg", "jpeg", "png", "gif", "webp",
    "mp3", "wav", "m4a", "aac", "flac",
)

_RULES: tuple[tuple[Intent, re.Pattern[str], tuple[str, ...]], ...] = (
    ("export", re.compile(r"\b(?:export|download|send me the video)\b", re.I), ("导出",)),
    ("credits", re.compile(r"\b(?:credits?|balance)\b", re.I), ("积分", "余额")),
    ("status", re.compile(r"\b(?:status|show tracks)\b", re.I), ("状态",)),
    ("upload", re.compile(r"\bupload\b", re.I), ("上传",)),
)

_PATH_RE = re.compile(
    r"""^(?:file://)?(?:[A-Za-z]:[\\/]|[~./\\]|[^\s"'<>|]*[\\/])?[^"'<>|]*?"""
    rf"""\.(?:{"|".join(_MEDIA_SUFFIXES)})$""",
    re.I,
)


def looks_like_media_path(text: str) -> bool:
    """True when ``text`` (quotes stripped) is a single media file path or ``file://`` URL."""
    value = text.strip().strip("\"'").strip()
    if not value or "\n" in value:
        return False
    if " " in value and not re.search(r"[\\/]", value):
        return False  # "a video.mp4 with music" is a sentence, not a path
    name = PureWindowsPath(value).name if "\\" in value else value.rsplit("/", 1)[-1]
    return bool(_PATH_RE.match(value)) and "." in name


def route_intent(text: str) -> Intent:
    """The intent of ``text``: ``"export"``, ``"credits"``, ``"status"``, ``"upload"``
    or ``"chat"`` (see the module docstring for the keywords)."""
    if looks_like_media_path(text):
        return "upload"
    for intent, pattern, words in _RULES:
        if pattern.search(text) or any(word in text for word in words):
            return intent
    return "chat"
