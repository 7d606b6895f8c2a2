"""Rank the user's music folder by how well each track fits a video.

Three scores in 0–1, combined as ``0.4·tempo + 0.25·energy + 0.35·length``:

- **tempo** vs the cut rhythm: the share of the video's cuts that a steady beat
  grid at the track's tempo (best phase; within ±``max_stretch`` when stretching
  is allowed) puts within 50 ms of a beat, above what chance gives at that tempo
  (a faster grid hits more cuts by luck).  With fewer than two cuts the tempo is
  judged against the picture's motion (calm → ~70 BPM, busy → ~160 BPM); a tempo
  from the prompt ("120 bpm") is matched directly.
- **energy** vs motion: the track's ``energy_db`` (−35 dB → 0, −10 dB → 1) against
  the video's motion (0 → 0, ≥ 0.12 → 1), or against the prompt's mood.
- **length**: at least as long as the video (1.0 with a natural ending, 0.85
  without); shorter tracks must loop: ``0.3 + 0.5 × ratio``.

The analyser is injected (``analyze(path) -> MusicAnalysis``) so this module stays
pure of the music-analysis stage and is testable with fakes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from musiccog.engine.media_check import AUDIO_SUFFIXES
from musiccog.engine.types import MusicAnalysis, PromptOptions, VideoAnalysis
from musiccog.errors import InputFileError, MusicCogError
from musiccog.jobs import CancelToken, ProgressCallback, check_cancel, report

WEIGHTS = {"tempo": 0.4, "energy": 0.25, "length": 0.35}
#: Energy wanted for each mood (0 calm … 1 intense).
MOOD_ENERGY = {"calm": 0.2, "sad": 0.25, "lofi": 0.3, "neutral": 0.5, "happy": 0.65,
               "upbeat": 0.8, "epic": 0.85}
#: A cut is on a beat within this (seconds).
HIT_TOLERANCE_S = 0.05
#: Motion (mean absolute frame difference, 0–1) treated as "very busy".
BUSY_MOTION = 0.12

Ranking = list[tuple[Path, float, dict[str, Any]]]


class LibraryError(InputFileError):
    """The music folder is missing or holds no usable track."""


def find_tracks(folder: Path) -> list[Path]:
    """Audio files (wav, mp3, m4a, aac, flac) under ``folder``, sorted; hidden files skipped."""
    folder = Path(folder)
    if not folder.is_dir():
        raise LibraryError(f"music folder not found: {folder}. Pass a folder of audio files.")
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def _cut_grid_share(cuts_s: np.ndarray, period_s: float, ratios: np.ndarray) -> float:
    """Best share of cuts within tolerance of a steady grid of ``period_s / ratio``."""
    best = 0.0
    for ratio in ratios:
        period = period_s / ratio
        phases = np.arange(0.0, period, 0.005)
        rel = np.mod(cuts_s[None, :] - phases[:, None], period)
        dist = np.minimum(rel, period - rel)
        best = max(best, float(np.max(np.mean(dist <= HIT_TOLERANCE_S, axis=1))))
    return best


def tempo_score(
    music: MusicAnalysis, video: VideoAnalysis, options: PromptOptions
) -> tuple[float, dict[str, Any]]:
    """The tempo fit (0–1) and what it was based on."""
    tempo = float(music.tempo_bpm)
    detail: dict[str, Any] = {"tempo_bpm": tempo}
    if not math.isfinite(tempo) or tempo <= 0:
        return 0.0, detail
    cuts = np.asarray(sorted(c for c in video.cuts_s if 0 < c < video.duration_s), float)
    scores = []
    if cuts.size >= 2:
        shots = np.diff(np.concatenate([[0.0], cuts, [video.duration_s]]))
        period = 60.0 / tempo
        max_stretch = options.max_stretch if options.allow_stretch else 0.0
        steps = np.arange(-max_stretch, max_stretch + 1e-9, 0.0025) if max_stretch else []
        ratios = np.unique(np.concatenate([[1.0], 1 + np.asarray(steps)]))
        share = _cut_grid_share(cuts, period, ratios)
        chance = min(1.0, 2 * HIT_TOLERANCE_S / (period / (1 + max_stretch)))
        scores.append(max(0.0, (share - chance) / (1 - chance)) if chance < 1 else 0.0)
        detail.update(median_shot_s=float(np.median(shots)),
                      beats_per_shot=float(np.median(shots) / period),
                      cuts_on_grid=share, chance_share=chance)
    else:
        motion = min(max(video.motion / BUSY_MOTION, 0.0), 1.0)
        wanted = 70.0 + 90.0 * motion
        scores.append(math.exp(-(((tempo - wanted) / 30.0) ** 2)))
        detail["wanted_bpm"] = wanted
    if options.tempo_bpm:
        target = options.tempo_bpm
        scores.append(math.exp(-(((tempo - target) / (0.08 * target)) ** 2)))
        detail["asked_bpm"] = target
    return float(np.mean(scores)), detail


def energy_score(
    music: MusicAnalysis, video: VideoAnalysis, options: PromptOptions
) -> tuple[float, dict[str, Any]]:
    """The energy fit (0–1): the track's energy against the motion or the asked mood."""
    energy = min(max((music.energy_db + 35.0) / 25.0, 0.0), 1.0)
    if options.mood is not None:
        wanted = MOOD_ENERGY.get(options.mood, 0.5)
    else:
        wanted = min(max(video.motion / BUSY_MOTION, 0.0), 1.0)
    return 1.0 - abs(energy - wanted), {"energy": energy, "wanted_energy": wanted}


def length_score(music: MusicAnalysis, video: VideoAnalysis) -> tuple[float, dict[str, Any]]:
    """The length fit (0–1): long enough (with a real ending best), else how much must loop."""
    ratio = music.duration_s / max(video.duration_s, 1e-9)
    if ratio >= 1.0:
        score = 1.0 if music.has_natural_ending else 0.85
    else:
        score = 0.3 + 0.5 * max(ratio, 0.0)
    return score, {"duration_s": music.duration_s, "length_ratio": ratio,
                   "has_natural_ending": music.has_natural_ending}


def score_track(
    music: MusicAnalysis, video: VideoAnalysis, options: PromptOptions | None = None
) -> tuple[float, dict[str, Any]]:
    """Total fit (0–1) of one analysed track and its breakdown."""
    options = options or PromptOptions()
    tempo, tempo_detail = tempo_score(music, video, options)
    energy, energy_detail = energy_score(music, video, options)
    length, length_detail = length_score(music, video)
    parts = {"tempo": tempo, "energy": energy, "length": length}
    total = sum(WEIGHTS[k] * v for k, v in parts.items())
    return float(total), {**parts, **tempo_detail, **energy_detail, **length_detail}


def rank_library(
    dir: Path,  # noqa: A002 - the name the engine's contract uses
    video: VideoAnalysis,
    analyze: Callable[[Path], MusicAnalysis],
    *,
    options: PromptOptions | None = None,
    on_progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Ranking:
    """Rank the audio files under ``dir`` by fit to ``video``, best first.

    :param analyze: ``analyze(path) -> MusicAnalysis`` (the engine's cached analyser).
    :param options: the prompt's options (mood, tempo, stretch allowance); default none.
    :returns: ``(path, score 0–1, breakdown)`` tuples; tracks whose analysis failed come
        last with score 0 and ``breakdown["error"]``.
    :raises LibraryError: no folder, no audio files, or no track could be analysed.
    """
    tracks = find_tracks(Path(dir))
    if not tracks:
        raise LibraryError(
            f"no music in {dir}: add {', '.join(s.lstrip('.') for s in AUDIO_SUFFIXES)} files "
            "or pass --music FILE."
        )
    good: Ranking = []
    failed: Ranking = []
    for index, path in enumerate(tracks):
        check_cancel(cancel)
        try:
            music = analyze(path)
        except MusicCogError as exc:
            failed.append((path, 0.0, {"error": str(exc)}))
            continue
        score, breakdown = score_track(music, video, options)
        good.append((path, score, breakdown))
        report(on_progress, 100.0 * (index + 1) / len(tracks))
    if not good:
        raise LibraryError(f"none of the {len(tracks)} tracks in {dir} could be analysed; "
                           f"first problem: {failed[0][2]['error']}")
    good.sort(key=lambda item: (-item[1], str(item[0])))
    return good + failed
