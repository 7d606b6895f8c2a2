"""AI Music Cog: background music fitted to a video cut.

The public surface of the package is small; the pieces live in sub-packages:

- :mod:`musiccog.draft` — the compact JSON *draft* timeline (pydantic v2), pure.
- :mod:`musiccog.otio_mapping` — draft ⇄ OpenTimelineIO mapping, pure.
- :mod:`musiccog.cli` — the ``musiccog`` command.
"""

from musiccog._version import __version__
from musiccog.errors import MusicCogError

__all__ = ["MusicCogError", "__version__"]
