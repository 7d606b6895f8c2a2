"""DaVinci Resolve integration: read the current timeline as a draft, place synced music back.

Only :mod:`.host` (and :func:`.connection.connect`, which loads Resolve's module)
touches Resolve; the rest is pure: :mod:`.timecode` (frames, timecode, ms),
:mod:`.walker` (timeline snapshot → draft), :mod:`.planner` (draft → record
frames and markers), :mod:`.resolve_otio` (draft → OTIO with Resolve volume
keyframes), :mod:`.platforms` (per-OS locations) and :mod:`.install`.

Typical use (inside Resolve the launcher does this)::

    from musiccog.resolve import ResolveTimelineBridge, connect
    bridge = ResolveTimelineBridge(connect())
    outcome, report = bridge.sync(session, prompt="calm piano")
"""

from musiccog.resolve.bridge import ResolveTimelineBridge, open_session
from musiccog.resolve.connection import connect, load_script_module
from musiccog.resolve.errors import (
    ResolveEditionError,
    ResolveError,
    ResolveMediaMissing,
    ResolveModuleNotFound,
    ResolveNoTimeline,
    ResolveNotRunning,
    ResolvePlacementError,
    ResolveScriptingDisabled,
    ResolveTimecodeError,
)
from musiccog.resolve.host import PlacementReport, ResolveHost
from musiccog.resolve.platforms import Platform
from musiccog.resolve.snapshot import Edition, TimelineInfo
from musiccog.resolve.timecode import FrameRate, parse_rate

__all__ = [
    "Edition",
    "FrameRate",
    "Platform",
    "PlacementReport",
    "ResolveEditionError",
    "ResolveError",
    "ResolveHost",
    "ResolveMediaMissing",
    "ResolveModuleNotFound",
    "ResolveNoTimeline",
    "ResolveNotRunning",
    "ResolvePlacementError",
    "ResolveScriptingDisabled",
    "ResolveTimecodeError",
    "ResolveTimelineBridge",
    "TimelineInfo",
    "connect",
    "load_script_module",
    "open_session",
    "parse_rate",
]
