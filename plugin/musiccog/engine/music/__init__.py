"""Music analysis: beats, downbeats, tempo, sections, loudness and ending of a music file.

Public API::

    analyze_music(path, *, cache_dir=None, on_progress=None, cancel=None, use_cache=True)
        -> musiccog.engine.types.MusicAnalysis
    analysis_to_dict(analysis) -> dict          # JSON-ready
    analysis_from_dict(data, *, path=None) -> MusicAnalysis

Errors (all :class:`musiccog.errors.InputFileError`, CLI exit 2): the
``musiccog.engine.media_check`` tree (missing 4000, unsupported 4001, too large
4002, unreadable 4003, empty 4004) and :class:`AudioTooShortError` (4004, audio
shorter than 2 s: too short to hold a beat).  Silence is not an error: it gives
no beats, ``tempo_bpm`` 0, loudness −70 LUFS.
"""

from musiccog.engine.music.analyze import (
    ANALYSIS_VERSION,
    analysis_from_dict,
    analysis_to_dict,
    analyze_decoded,
    analyze_music,
)
from musiccog.engine.music.decode import MIN_DURATION_S, AudioTooShortError

__all__ = [
    "ANALYSIS_VERSION",
    "MIN_DURATION_S",
    "AudioTooShortError",
    "analysis_from_dict",
    "analysis_to_dict",
    "analyze_decoded",
    "analyze_music",
]
