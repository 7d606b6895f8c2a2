"""The mix decisions: base music level, fades and ducking under speech (pure).

Levels are dB; the ducking envelope is a list of ``(time_s from BGM start,
gain_db relative to the base gain)`` breakpoints with linear interpolation in
between (0 = not ducked, ``-duck_db`` = fully ducked).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from musiccog.engine.types import MusicAnalysis, PromptOptions, SyncPlan, VideoAnalysis

#: Range of the base music gain (dB).  +6 dB leaves headroom under the draft's +12 dB limit.
MIN_GAIN_DB = -40.0
MAX_GAIN_DB = 6.0
#: When the clip has no audio the music alone sits this far under the target loudness.
MUSIC_ONLY_HEADROOM_DB = 2.0
#: Fade-out used on a natural ending unless the prompt asked for another length (s).
NATURAL_END_FADE_S = 0.25
#: Quietest level drawn/evaluated for a fade (dB).
FLOOR_DB = -60.0
#: A clip loudness below this (LUFS) is treated as silence.
SILENT_LUFS = -70.0


def base_gain_db(
    music: MusicAnalysis, video: VideoAnalysis, options: PromptOptions
) -> tuple[float, str]:
    """The music's base gain in dB and a sentence saying why.

    ``options.music_volume`` wins (``20·log10(v)``); else the music's loudness is set
    ``options.music_below_clip_db`` under the clip's (``video.loudness_lufs``); a clip
    without audio gets the music at ``options.target_lufs − 2 dB``.  Clamped to
    [:data:`MIN_GAIN_DB`, :data:`MAX_GAIN_DB`].
    """
    if options.music_volume is not None:
        volume = max(options.music_volume, 0.0)
        gain = 20 * math.log10(volume) if volume > 0 else MIN_GAIN_DB
        why = f"music at {volume:.0%} as asked"
    else:
        clip = video.loudness_lufs
        has_clip = (video.has_audio and clip is not None and math.isfinite(clip)
                    and clip > SILENT_LUFS)
        music_lufs = music.loudness_lufs if math.isfinite(music.loudness_lufs) else -14.0
        if has_clip:
            target = clip - options.music_below_clip_db
            why = (f"music set to {target:.1f} LUFS, {options.music_below_clip_db:g} dB under "
                   f"the clip's {clip:.1f} LUFS")
        else:
            target = options.target_lufs - MUSIC_ONLY_HEADROOM_DB
            why = f"music set to {target:.1f} LUFS (the clip has no audio)"
        gain = target - music_lufs
    clamped = min(max(gain, MIN_GAIN_DB), MAX_GAIN_DB)
    if clamped != gain:
        why += f"; gain limited to {clamped:+.1f} dB"
    return clamped, why


def fade_lengths(
    duration_s: float, options: PromptOptions, *, natural_end: bool
) -> tuple[float, float]:
    """Fade-in and fade-out lengths (s), fitted into ``duration_s``.

    A natural ending keeps its own decay: the default fade-out shrinks to
    :data:`NATURAL_END_FADE_S` (a fade-out the prompt set explicitly is kept).
    """
    fade_in = max(options.fade_in_s, 0.0)
    fade_out = max(options.fade_out_s, 0.0)
    if natural_end and options.fade_out_s == PromptOptions().fade_out_s:
        fade_out = min(fade_out, NATURAL_END_FADE_S)
    total = fade_in + fade_out
    if total > duration_s and total > 0:
        scale = duration_s / total
        fade_in, fade_out = fade_in * scale, fade_out * scale
    return fade_in, fade_out


def merge_intervals(
    intervals: Sequence[tuple[float, float]], *, min_gap_s: float
) -> list[tuple[float, float]]:
    """Sort and merge intervals closer than ``min_gap_s``; empty ones are dropped."""
    merged: list[list[float]] = []
    for start, end in sorted((float(s), float(e)) for s, e in intervals if e > s):
        if merged and start - merged[-1][1] < min_gap_s:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def duck_keys(
    speech_s: Sequence[tuple[float, float]],
    *,
    bgm_start_s: float,
    duration_s: float,
    duck_db: float,
    attack_s: float,
    release_s: float,
) -> tuple[tuple[float, float], ...]:
    """Ducking breakpoints ``(time_s from BGM start, gain_db)`` for speech on the timeline.

    The music reaches ``-duck_db`` when speech starts (ramp over ``attack_s`` before)
    and comes back over ``release_s`` after it ends; speech closer than
    ``attack_s + release_s`` is merged.  Starts with ``(0, g)`` and ends with
    ``(duration_s, g)``; empty when nothing is ducked.
    """
    depth = abs(duck_db)
    attack, release = max(attack_s, 0.0), max(release_s, 0.0)
    local = [(s - bgm_start_s, e - bgm_start_s) for s, e in speech_s]
    local = [(max(s, -attack), min(e, duration_s + release)) for s, e in local
             if e > 0 and s < duration_s]
    merged = merge_intervals(local, min_gap_s=attack + release)
    if depth == 0 or not merged:
        return ()
    times: list[float] = []
    gains: list[float] = []
    for start, end in merged:
        for t, g in ((start - attack, 0.0), (start, -depth), (end, -depth), (end + release, 0.0)):
            if times and t <= times[-1] + 1e-9:
                if g == gains[-1]:
                    continue
                t = times[-1] + 1e-6
            times.append(t)
            gains.append(g)
    t_arr, g_arr = np.asarray(times), np.asarray(gains)
    inner = (t_arr > 0) & (t_arr < duration_s)
    keys = [(0.0, float(np.interp(0.0, t_arr, g_arr)))]
    keys += [(float(t), float(g)) for t, g in zip(t_arr[inner], g_arr[inner], strict=True)]
    keys.append((float(duration_s), float(np.interp(duration_s, t_arr, g_arr))))
    return tuple(keys)


def duck_at(keys: Sequence[tuple[float, float]], times_s: np.ndarray) -> np.ndarray:
    """The ducking gain (dB, ≤ 0) at ``times_s`` (seconds from BGM start)."""
    times = np.asarray(times_s, dtype=float)
    if not keys:
        return np.zeros(times.shape)
    t, g = zip(*keys, strict=True)
    return np.interp(times, t, g)


def envelope_db(plan: SyncPlan, times_s: np.ndarray) -> np.ndarray:
    """The music's total gain (dB) at timeline ``times_s``: base gain + fades + ducking.

    Fades are linear in amplitude, as hosts draw them; outside the BGM the level is
    :data:`FLOOR_DB`.
    """
    local = np.asarray(times_s, dtype=float) - plan.timeline_start_s
    amp = np.ones(local.shape)
    if plan.fade_in_s > 0:
        amp *= np.clip(local / plan.fade_in_s, 0.0, 1.0)
    if plan.fade_out_s > 0:
        amp *= np.clip((plan.duration_s - local) / plan.fade_out_s, 0.0, 1.0)
    inside = (local >= 0) & (local <= plan.duration_s)
    fade_db = 20 * np.log10(np.maximum(amp, 10 ** (FLOOR_DB / 20)))
    total = plan.gain_db + fade_db + duck_at(plan.duck_keys, local)
    return np.where(inside, np.maximum(total, FLOOR_DB), FLOOR_DB)
