"""Plain data passed between the engine's stages: analyse → plan → render.

Pure: dataclasses only.  Times are seconds (``_s``) from the start of the file
they describe unless the name says otherwise; loudness is LUFS (ITU-R BS.1770),
gains are dB (``_db``) or linear factors (``volume``, 0–1+).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class MusicAnalysis:
    """What the engine knows about one music file.

    ``beats_s`` and ``downbeats_s`` are sorted times in seconds; ``tempo_bpm`` is
    derived from the beat positions (median inter-beat interval), not a tracker's
    tempo guess.  ``bar_features`` holds one unit-norm feature vector per bar
    (bar *i* spans ``downbeats_s[i]`` … ``downbeats_s[i+1]``) for finding
    self-similar bars; ``sections_s`` are phrase/section boundaries.
    """

    path: str
    content_hash: str
    duration_s: float
    sample_rate_hz: int
    tempo_bpm: float
    beats_s: tuple[float, ...]
    downbeats_s: tuple[float, ...]
    beats_per_bar: int
    sections_s: tuple[float, ...]
    loudness_lufs: float
    has_natural_ending: bool
    ending_start_s: float | None = None
    bar_features: tuple[tuple[float, ...], ...] = ()
    energy_db: float = -20.0


@dataclass(frozen=True)
class VideoAnalysis:
    """What the engine knows about one video file (or a host timeline's picture).

    ``cuts_s`` are shot boundaries in seconds (the time of the first frame of the
    new shot); ``speech_s`` are ``(start_s, end_s)`` intervals of speech in the
    clip's own audio; ``motion`` is the mean absolute frame difference, 0–1.
    """

    path: str
    content_hash: str
    duration_s: float
    fps: float
    width: int
    height: int
    cuts_s: tuple[float, ...]
    speech_s: tuple[tuple[float, float], ...]
    has_audio: bool
    loudness_lufs: float | None = None
    motion: float = 0.0
    video_codec: str | None = None
    audio_codec: str | None = None
    is_vfr: bool = False


Mood = Literal["calm", "lofi", "upbeat", "epic", "happy", "sad", "neutral"]


@dataclass(frozen=True)
class PromptOptions:
    """Options the prompt parser derives from what the user typed.

    ``music_volume`` is a linear factor (0.35 = "music at 35 %"); None lets the
    mixer set the level from loudness (``music_lufs`` below the dialogue/clip).
    ``unused_words`` are words the parser did not use: report them to the user.
    """

    raw: str = ""
    music_volume: float | None = None
    target_lufs: float = -16.0
    music_below_clip_db: float = 8.0
    fade_in_s: float = 1.0
    fade_out_s: float = 2.0
    duck: bool = True
    duck_db: float = 12.0
    duck_attack_s: float = 0.15
    duck_release_s: float = 0.5
    allow_stretch: bool = False
    max_stretch: float = 0.06
    start_at: Literal["start", "first_cut"] = "start"
    align_to: Literal["downbeats", "beats"] = "downbeats"
    mood: Mood | None = None
    tempo_bpm: float | None = None
    unused_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class MusicEdit:
    """One piece of the source music placed in the fitted BGM.

    ``source_start_s``/``source_end_s``: the piece in the source file (seconds).
    ``output_start_s``: where it starts in the fitted BGM, before any time-stretch.
    ``crossfade_s``: length of the crossfade from the previous piece (0 for the first).
    """

    source_start_s: float
    source_end_s: float
    output_start_s: float
    crossfade_s: float = 0.0


@dataclass(frozen=True)
class SyncPlan:
    """The planner's decision; pure data, turned into a draft and a BGM file.

    ``timeline_start_s``: where the BGM starts on the video timeline;
    ``duration_s``: its length on the timeline (after stretch);
    ``stretch_ratio``: playback rate applied to the edited music (1.0 = none,
    1.03 = 3 % faster; within 1 ± ``max_stretch``);
    ``gain_db``: base music gain; ``duck_keys``: ``(time_s from BGM start, gain_db)``
    breakpoints of the ducking envelope *relative* to ``gain_db`` (0 = no duck);
    ``beats_s``/``downbeats_s``: the BGM's beats on the timeline (seconds);
    ``cut_share_before``/``cut_share_after``: share (0–1) of cuts within 50 ms of
    a beat with the naive placement and with the chosen one.
    """

    music_path: str
    timeline_start_s: float
    duration_s: float
    stretch_ratio: float
    edits: tuple[MusicEdit, ...]
    gain_db: float
    fade_in_s: float
    fade_out_s: float
    duck_keys: tuple[tuple[float, float], ...]
    beats_s: tuple[float, ...]
    downbeats_s: tuple[float, ...]
    cut_share_before: float
    cut_share_after: float
    notes: tuple[str, ...] = field(default_factory=tuple)
