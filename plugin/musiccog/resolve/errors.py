"""Errors of the DaVinci Resolve integration.

::

    MusicCogError
     └── ResolveError                     base of everything below
          ├── ResolveModuleNotFound       DaVinciResolveScript cannot be found or loaded
          ├── ResolveNotRunning           Resolve does not answer (not started)
          ├── ResolveScriptingDisabled    Resolve runs but refuses external scripts
          ├── ResolveEditionError         the free edition refuses the call
          ├── ResolveNoTimeline           no project / no current timeline
          ├── ResolveTimecodeError        a frame rate or timecode that cannot be used
          ├── ResolveMediaMissing         files a timeline import needs are not on disk
          └── ResolvePlacementError       a step of placing the music failed (rolled back)

Every message says what to do next.
"""

from __future__ import annotations

from musiccog.errors import MusicCogError


class ResolveError(MusicCogError):
    """Base of every DaVinci Resolve integration failure."""


class ResolveModuleNotFound(ResolveError):
    """Resolve's scripting module (DaVinciResolveScript / fusionscript) cannot be loaded."""


class ResolveNotRunning(ResolveError):
    """Resolve is not running (the scripting module answered None)."""


class ResolveScriptingDisabled(ResolveError):
    """Resolve is running but external scripting is off (Preferences ▸ System ▸ General)."""


class ResolveEditionError(ResolveError):
    """The free edition of Resolve refuses what was asked (Studio-only feature)."""


class ResolveNoTimeline(ResolveError):
    """No project is open, or the project has no current timeline."""


class ResolveTimecodeError(ResolveError, ValueError):
    """A frame rate, timecode or frame number that cannot be used."""


class ResolveMediaMissing(ResolveError):
    """Media files referenced by a timeline are missing; ``missing`` lists them."""

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = list(missing)


class ResolvePlacementError(ResolveError):
    """Placing the music failed; everything added so far was removed again."""
