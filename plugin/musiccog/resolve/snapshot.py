"""Plain-data pictures of a Resolve timeline (pure; filled in by :mod:`.host`).

Frames are Resolve's: item ``start_frame``/``end_frame`` are *absolute* record
frames (they include the timeline's start timecode), ``end_frame`` exclusive;
marker frames are *relative* to the timeline start, as ``GetMarkers`` keys them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from musiccog.resolve.timecode import FrameRate


@dataclass(frozen=True)
class Edition:
    """Which Resolve answered: ``product`` name, ``version`` (major, minor, patch, build)."""

    product: str
    version: tuple[int, ...]

    @property
    def studio(self) -> bool:
        """True for DaVinci Resolve Studio (the paid edition)."""
        return "studio" in self.product.lower()

    @property
    def version_text(self) -> str:
        return ".".join(str(v) for v in self.version[:3]) or "unknown"

    def at_least(self, major: int, minor: int = 0) -> bool:
        """True when the version is ``major.minor`` or newer."""
        return tuple(self.version[:2]) >= (major, minor)

    @property
    def exports_otio(self) -> bool:
        """``Timeline.Export(…, EXPORT_OTIO)`` exists from Resolve 18.5."""
        return self.at_least(18, 5)

    @property
    def end_frame_exclusive(self) -> bool:
        """``AppendToTimeline``'s ``endFrame`` is exclusive from 19 (inclusive in 18.x reports)."""
        return self.at_least(19)

    @property
    def lists_python_scripts(self) -> bool:
        """False for the free edition from 21.1: Workspace ▸ Scripts shows Lua scripts only."""
        return self.studio or not self.at_least(21, 1)

    @property
    def uimanager_may_fail(self) -> bool:
        """Resolve 19.1 free broke UIManager windows opened by scripts."""
        return not self.studio and self.at_least(19, 1)


@dataclass(frozen=True)
class TimelineInfo:
    """A timeline's identity and clock."""

    name: str
    rate: FrameRate
    start_frame: int
    end_frame: int
    start_timecode: str
    width: int | None = None
    height: int | None = None

    @property
    def length_frames(self) -> int:
        return max(0, self.end_frame - self.start_frame)


@dataclass(frozen=True)
class ItemSnap:
    """One timeline item; ``source_start_frame`` counts frames at ``source_fps``."""

    name: str
    start_frame: int
    end_frame: int
    file_path: str | None = None
    source_start_frame: int | None = None
    source_fps: Fraction | None = None
    source_frames: int | None = None


@dataclass(frozen=True)
class TrackSnap:
    """One track: ``kind`` is ``"video"``, ``"audio"`` or ``"subtitle"``; ``index`` from 1."""

    kind: str
    index: int
    name: str
    enabled: bool = True
    items: tuple[ItemSnap, ...] = ()


@dataclass(frozen=True)
class MarkerSnap:
    """A timeline marker at ``frame`` (relative to the start), ``duration`` in frames."""

    frame: int
    color: str
    name: str = ""
    note: str = ""
    duration: int = 1
    custom_data: str = ""


@dataclass(frozen=True)
class TimelineSnap:
    """Everything the walker needs to build a draft."""

    info: TimelineInfo
    tracks: tuple[TrackSnap, ...] = ()
    markers: tuple[MarkerSnap, ...] = field(default_factory=tuple)
