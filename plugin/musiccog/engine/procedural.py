"""A procedural backing track: drums, bass and chords synthesised with numpy.

This is **procedural, not AI-generated** music: fixed rules (a chord progression
per mood, drum patterns, additive/subtractive synth voices) and a seeded random
generator that only picks among a few variations.  It exists so that
``musiccog sync`` always produces a result offline when the user gives no music.

The beat grid is exact: beat *k* starts at sample ``round(k * 60 / tempo_bpm * rate)``.
Bars have 4 beats.  The track has a real ending: the drums stop on a final
downbeat where the tonic chord (with a low bass note and a cymbal) is struck and
left to decay by at least 45 dB before the file ends, at exactly ``duration_s``.
The mix goes through pedalboard (reverb, compressor, limiter) and is set to
:data:`TARGET_LUFS` with peaks at or below −1 dBFS.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from musiccog.errors import MusicCogError

#: Integrated loudness the track is normalised to (LUFS).
TARGET_LUFS = -16.0
#: Accepted tempo range (BPM) and shortest duration (s).
MIN_TEMPO_BPM, MAX_TEMPO_BPM = 40.0, 240.0
MIN_DURATION_S = 4.0
#: Shortest ring-out of the final chord (s).
MIN_ENDING_S = 2.0
_BEATS_PER_BAR = 4


class ProceduralMusicError(MusicCogError):
    """Parameters the procedural generator cannot use (tempo, duration, mood)."""


@dataclass(frozen=True)
class MoodStyle:
    """How a mood sounds.

    ``root_midi``: tonic note; ``minor``: mode; ``progression``: chord degrees
    (0-based scale steps) per bar, chosen among by the seed; ``density``: 0–1,
    how busy the drums and bass are; ``brightness``: 0–1, how many harmonics the
    voices keep; ``swing``: unused 0 (straight eighths keep the beat unambiguous).
    """

    root_midi: int
    minor: bool
    progressions: tuple[tuple[int, ...], ...]
    density: float
    brightness: float


MOODS: dict[str, MoodStyle] = {
    "neutral": MoodStyle(60, False, ((0, 4, 5, 3), (0, 5, 3, 4)), 0.6, 0.5),
    "calm": MoodStyle(57, False, ((0, 3, 0, 4), (0, 5, 3, 4)), 0.3, 0.3),
    "lofi": MoodStyle(62, True, ((0, 3, 6, 4), (0, 5, 3, 6)), 0.5, 0.25),
    "upbeat": MoodStyle(64, False, ((0, 4, 5, 3), (0, 3, 4, 4)), 0.9, 0.75),
    "epic": MoodStyle(55, True, ((0, 5, 2, 6), (0, 5, 3, 4)), 0.8, 0.8),
    "happy": MoodStyle(65, False, ((0, 3, 4, 0), (0, 4, 5, 3)), 0.75, 0.7),
    "sad": MoodStyle(57, True, ((0, 5, 3, 4), (0, 3, 6, 4)), 0.35, 0.3),
}

_MAJOR = (0, 2, 4, 5, 7, 9, 11)
_MINOR = (0, 2, 3, 5, 7, 8, 10)


def _hz(midi: float) -> float:
    return 440.0 * 2.0 ** ((midi - 69.0) / 12.0)


def _chord_notes(style: MoodStyle, degree: int) -> list[int]:
    scale = _MINOR if style.minor else _MAJOR
    notes = []
    for step in (0, 2, 4):
        idx = degree + step
        notes.append(style.root_midi + scale[idx % 7] + 12 * (idx // 7))
    return notes


def _tone(freq_hz: float, n: int, rate: int, brightness: float, detune: float = 0.0) -> np.ndarray:
    """A band-limited saw-like tone: harmonics 1/k, fewer when dark."""
    t = np.arange(n) / rate
    n_harm = max(1, int(1 + brightness * 9))
    out = np.zeros(n)
    for k in range(1, n_harm + 1):
        f = k * freq_hz * (1.0 + detune)
        if f >= rate / 2.2:
            break
        out += np.sin(2 * np.pi * f * t) / k
    return out


def _env(n: int, rate: int, attack_s: float, decay_per_s: float) -> np.ndarray:
    t = np.arange(n) / rate
    return np.minimum(1.0, t / max(attack_s, 1e-4)) * np.exp(-decay_per_s * t)


@lru_cache(maxsize=8)
def _kick(rate: int) -> np.ndarray:
    n = int(0.35 * rate)
    t = np.arange(n) / rate
    freq = 45.0 + 110.0 * np.exp(-t * 30.0)
    phase = 2 * np.pi * np.cumsum(freq) / rate
    return np.sin(phase) * np.exp(-t * 9.0) * np.minimum(1.0, t / 0.002)


def _snare(rate: int, rng: np.random.Generator) -> np.ndarray:
    n = int(0.2 * rate)
    t = np.arange(n) / rate
    noise = rng.standard_normal(n)
    noise = np.diff(noise, prepend=0.0) * 0.5  # tilt up: a crisper rattle
    body = np.sin(2 * np.pi * 185.0 * t) * np.exp(-t * 30.0)
    return (0.55 * noise * np.exp(-t * 22.0) + 0.6 * body) * np.minimum(1.0, t / 0.001)


def _hat(rate: int, rng: np.random.Generator, length_s: float = 0.05) -> np.ndarray:
    n = int(length_s * rate)
    t = np.arange(n) / rate
    noise = np.diff(np.diff(rng.standard_normal(n + 2)))
    return 0.25 * noise * np.exp(-t / (length_s / 4))


def _add(buffer: np.ndarray, start: int, sound: np.ndarray, gain: float = 1.0) -> None:
    if start >= len(buffer) or start < 0:
        return
    end = min(len(buffer), start + len(sound))
    buffer[start:end] += gain * sound[: end - start]


def _render(duration_s: float, tempo_bpm: float, style: MoodStyle, seed: int,
            rate: int, first_downbeat_s: float = 0.0) -> np.ndarray:
    """The dry stereo mix, shape ``(n, 2)``, before effects and levelling."""
    rng = np.random.default_rng(seed)
    n_total = int(round(duration_s * rate))
    beat_s = 60.0 / tempo_bpm
    bar_s = _BEATS_PER_BAR * beat_s
    ending_s = max(MIN_ENDING_S, min(6.0, bar_s))
    lead_s = first_downbeat_s
    n_bars = max(1, int(np.floor((duration_s - ending_s - lead_s) / bar_s + 1e-9)))
    final_t = lead_s + n_bars * bar_s  # the final downbeat: chord struck, left to ring
    progression = style.progressions[int(rng.integers(len(style.progressions)))]
    drums = np.zeros(n_total)
    hats = np.zeros((n_total, 2))
    bass = np.zeros(n_total)
    pads = np.zeros((n_total, 2))

    def at(time_s: float) -> int:
        return int(round(time_s * rate))

    kick = _kick(rate)
    snare = _snare(rate, rng)
    busy = style.density >= 0.6
    if lead_s > 0.05:  # an intro before the first downbeat: the tonic swells, hats count in
        n_lead = at(lead_s)
        swell = np.linspace(0.0, 1.0, n_lead) ** 2
        for note in _chord_notes(style, 0):
            for ch, det in ((0, -0.002), (1, 0.002)):
                pads[:n_lead, ch] += 0.08 * _tone(_hz(note), n_lead, rate, style.brightness,
                                                  det) * swell
        k = 1
        while lead_s - k * beat_s >= 0.0:
            _add(hats[:, 0], at(lead_s - k * beat_s), _hat(rate, rng), 0.5)
            _add(hats[:, 1], at(lead_s - k * beat_s), _hat(rate, rng), 0.5)
            k += 1
    for bar in range(n_bars):
        t0 = lead_s + bar * bar_s
        degree = progression[bar % len(progression)]
        chord = _chord_notes(style, degree)
        # chords: one sustained voicing per bar, slightly detuned left/right
        n_bar = at(t0 + bar_s) - at(t0)
        env = _env(n_bar, rate, 0.02, 0.6 / bar_s)
        for note in chord:
            for ch, det in ((0, -0.002), (1, 0.002)):
                tone = _tone(_hz(note), n_bar, rate, style.brightness, det)
                pads[at(t0): at(t0) + n_bar, ch] += 0.10 * tone * env
        root_hz = _hz(chord[0] - 24)
        bass_steps = (0, 1, 2, 3) if busy else (0, 2)
        for step in bass_steps:
            n_note = at(beat_s * 0.9)
            note = _tone(root_hz, n_note, rate, 0.3 + 0.3 * style.brightness)
            _add(bass, at(t0 + step * beat_s), note * _env(n_note, rate, 0.005, 4.0), 0.35)
        for beat in range(_BEATS_PER_BAR):
            tb = t0 + beat * beat_s
            if beat in (0, 2) or (busy and beat == 3 and rng.random() < 0.25):
                _add(drums, at(tb), kick, 0.9)
            if beat in (1, 3):
                _add(drums, at(tb), snare, 0.5 + 0.3 * style.density)
            pan = 0.6 if beat % 2 else 0.4
            _add(hats[:, 0], at(tb), _hat(rate, rng), 1.0 - pan)
            _add(hats[:, 1], at(tb), _hat(rate, rng), pan)
            if style.density >= 0.45:  # off-beat eighths, softer than the beat
                off = _hat(rate, rng)
                _add(hats[:, 0], at(tb + beat_s / 2), off, 0.5 * (1.0 - pan))
                _add(hats[:, 1], at(tb + beat_s / 2), off, 0.5 * pan)
    # the ending: tonic chord + low root + cymbal on the final downbeat, ringing out
    n_end = n_total - at(final_t)
    decay_per_s = np.log(10 ** (50 / 20)) / max(0.5, duration_s - final_t - 0.05)
    ring = _env(n_end, rate, 0.01, decay_per_s)
    final_chord = _chord_notes(style, 0)
    for note in (*final_chord, final_chord[0] + 12):
        for ch, det in ((0, -0.002), (1, 0.002)):
            pads[at(final_t):, ch] += 0.12 * _tone(_hz(note), n_end, rate, style.brightness,
                                                   det) * ring
    bass[at(final_t):] += 0.4 * _tone(_hz(final_chord[0] - 24), n_end, rate, 0.4) * ring
    _add(drums, at(final_t), kick, 1.0)
    cymbal = np.diff(rng.standard_normal(n_end + 1)) * ring * 0.12
    hats[at(final_t):, 0] += cymbal
    hats[at(final_t):, 1] += cymbal
    mix = pads + hats + 0.9 * (drums + bass)[:, None]
    return mix.astype(np.float32)


def _master(mix: np.ndarray, rate: int) -> np.ndarray:
    import pedalboard
    import pyloudnorm

    board = pedalboard.Pedalboard([
        pedalboard.Reverb(room_size=0.25, damping=0.6, wet_level=0.12, dry_level=0.9),
        pedalboard.Compressor(threshold_db=-18.0, ratio=2.5, attack_ms=10.0, release_ms=120.0),
    ])
    wet = board(mix.T.copy(), rate, reset=True).T
    meter = pyloudnorm.Meter(rate)
    lufs = meter.integrated_loudness(wet.astype(np.float64))
    gain = 10 ** ((TARGET_LUFS - lufs) / 20.0) if np.isfinite(lufs) else 1.0
    wet = wet * gain
    limiter = pedalboard.Pedalboard([pedalboard.Limiter(threshold_db=-1.5, release_ms=80.0)])
    out = limiter(wet.T.astype(np.float32).copy(), rate, reset=True).T
    out = np.clip(out, -0.891, 0.891)  # -1 dBFS
    fade = min(len(out), int(0.03 * rate))
    out[len(out) - fade:] *= np.linspace(1.0, 0.0, fade)[:, None]
    return out.astype(np.float32)


def synthesize_backing(
    out_path: str | os.PathLike[str],
    *,
    duration_s: float,
    tempo_bpm: float,
    mood: str = "neutral",
    seed: int = 0,
    sample_rate_hz: int = 44100,
    first_downbeat_s: float = 0.0,
) -> Path:
    """Write a procedural (not AI-generated) backing track as a 16-bit stereo WAV, atomically.

    :param duration_s: exact length of the file in seconds (≥ 4).
    :param tempo_bpm: beats per minute, 40–240; 4 beats per bar.
    :param first_downbeat_s: where the first bar starts (s, 0 ≤ x < one bar): an intro
        (tonic swell, hats on the beats) comes before it, so a chosen cut can fall on
        a downbeat.
    :param mood: one of :data:`MOODS` (key, mode, density, brightness).
    :param seed: the same seed and parameters give the same samples.
    :returns: ``out_path`` as a :class:`~pathlib.Path`.
    :raises ProceduralMusicError: tempo, duration, mood or sample rate out of range.
    """
    if not MIN_TEMPO_BPM <= tempo_bpm <= MAX_TEMPO_BPM:
        raise ProceduralMusicError(f"tempo {tempo_bpm:g} BPM is out of range; use "
                                   f"{MIN_TEMPO_BPM:g}–{MAX_TEMPO_BPM:g} BPM.")
    if not duration_s >= MIN_DURATION_S:
        raise ProceduralMusicError(f"duration {duration_s:g} s is too short for a backing "
                                   f"track; use at least {MIN_DURATION_S:g} s.")
    if not 0.0 <= first_downbeat_s < _BEATS_PER_BAR * 60.0 / tempo_bpm:
        raise ProceduralMusicError(f"first downbeat at {first_downbeat_s:g} s: use 0 up to "
                                   "one bar.")
    if mood not in MOODS:
        raise ProceduralMusicError(f"unknown mood {mood!r}; use one of: {', '.join(MOODS)}.")
    if not 8000 <= sample_rate_hz <= 192000:
        raise ProceduralMusicError(f"sample rate {sample_rate_hz} Hz is out of range; "
                                   "use 8000–192000 Hz (44100 is usual).")
    import soundfile

    audio = _master(_render(duration_s, tempo_bpm, MOODS[mood], seed, sample_rate_hz,
                            first_downbeat_s), sample_rate_hz)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=".wav", dir=out.parent)
    os.close(fd)
    try:
        soundfile.write(tmp, audio, sample_rate_hz, subtype="PCM_16", format="WAV")
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
