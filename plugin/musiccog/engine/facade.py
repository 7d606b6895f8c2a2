"""The engine's public entry points: analyse → plan → draft (+ fitted music WAV).

``sync_video`` takes one video file; ``sync_draft`` a host's timeline.  Both pick
the music (the file given, else the best of a library folder, else a
**procedural** backing track synthesised offline — not AI-generated), plan the
fit/alignment/mix (a pure function), bake the fitted music to a WAV at unity gain
and return a draft with a BGM track and markers.  Rendering is separate:
:func:`musiccog.engine.render.render_draft`.

Progress (0–100): picture/timeline analysis 0–40, music 40–75, plan 75–80, bake 80–100.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from musiccog.draft import TRACK_AUDIO, TRACK_VIDEO, Draft, DraftMeta, Segment, Track
from musiccog.engine.media_check import check_media
from musiccog.engine.prompt import parse_prompt
from musiccog.engine.render import render_draft
from musiccog.engine.types import MusicAnalysis, PromptOptions, SyncPlan, VideoAnalysis
from musiccog.errors import InputFileError
from musiccog.jobs import CancelToken, ProgressCallback, check_cancel, report

__all__ = ["SyncResult", "parse_prompt", "render_draft", "sync_draft", "sync_video"]

#: Backing-track tempo (BPM) per mood before it is fitted to the cut rhythm.
MOOD_TEMPO_BPM = {"calm": 80.0, "lofi": 84.0, "sad": 72.0, "neutral": 100.0,
                  "happy": 112.0, "upbeat": 120.0, "epic": 104.0}


@dataclass
class SyncResult:
    """What a sync returns.

    ``draft``: the timeline with a BGM track and markers added; ``bgm_path``: WAV of
    the fitted music (edits baked in, unity gain; fades/ducking are in the draft);
    ``report``: numbers (cut alignment before/after, tempo, unused prompt words…);
    ``messages``: sentences for the user.  Extras beyond the contract, for plots and
    tests: ``plan`` (the planner's decision) and ``video`` (the picture's analysis,
    in timeline seconds).
    """

    draft: Draft
    bgm_path: Path
    report: dict = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    plan: SyncPlan | None = None
    video: VideoAnalysis | None = None


def _scaled(on_progress: ProgressCallback | None, lo: float, hi: float) -> ProgressCallback:
    return lambda done, total: report(on_progress, lo + (hi - lo) * done / max(total, 1e-9))


#: A cut counts as on the procedural grid within this many seconds.
GRID_TOLERANCE_S = 0.04


def cuts_on_grid(cuts_s: list[float], tempo_bpm: float) -> int:
    """How many cuts lie within :data:`GRID_TOLERANCE_S` of one beat grid at ``tempo_bpm``
    (the grid's phase free: each of the first 128 cuts is tried as the anchor)."""
    import numpy as np

    cuts = np.asarray(cuts_s, dtype=float)
    if cuts.size == 0:
        return 0
    period_s = 60.0 / tempo_bpm
    frac = ((cuts[None, :] - cuts[:128, None]) / period_s) % 1.0
    off_s = np.minimum(frac, 1.0 - frac) * period_s
    return int((off_s <= GRID_TOLERANCE_S).sum(axis=1).max())


def backing_tempo_bpm(video: VideoAnalysis, options: PromptOptions, mood: str) -> float:
    """Tempo for the procedural track: the prompt's, else the tempo within ±15 % of the
    mood's that puts the most cuts on one beat grid (ties: the closest to the mood's).

    The planner then only has to shift the track (its ±6 % stretch stays unused)."""
    if options.tempo_bpm:
        return float(options.tempo_bpm)
    base = MOOD_TEMPO_BPM.get(mood, 100.0)
    cuts = [c for c in video.cuts_s if 0.0 < c < video.duration_s]
    if len(cuts) < 2:
        return base
    candidates = [round(base * (0.85 + 0.0005 * k), 3) for k in range(601)]
    return max(candidates, key=lambda bpm: (cuts_on_grid(cuts, bpm), -abs(bpm - base)))


def backing_first_downbeat_s(video: VideoAnalysis, tempo_bpm: float) -> float:
    """Where the procedural track's first bar starts (s, within one bar) so that the cut
    anchoring the most cuts on the beat grid falls on a downbeat; 0 without cuts."""
    import numpy as np

    cuts = np.asarray([c for c in video.cuts_s if 0.0 < c < video.duration_s], dtype=float)
    if cuts.size == 0:
        return 0.0
    beat_s = 60.0 / tempo_bpm
    frac = ((cuts[None, :] - cuts[:, None]) / beat_s) % 1.0
    hits = (np.minimum(frac, 1.0 - frac) * beat_s <= GRID_TOLERANCE_S).sum(axis=1)
    anchor = float(cuts[int(np.argmax(hits))])  # the earliest of the best anchors
    return round(anchor % (4 * beat_s), 4)


def _mood(video: VideoAnalysis, options: PromptOptions) -> str:
    if options.mood:
        return options.mood
    if video.motion > 0.05:
        return "upbeat"
    return "calm" if video.motion < 0.01 else "neutral"


def _choose_music(
    video: VideoAnalysis, options: PromptOptions, *, music_path, library_dir, work: Path,
    cache_dir, on_progress: ProgressCallback, cancel: CancelToken | None,
    music_future: Future | None = None,
) -> tuple[MusicAnalysis, dict, list[str]]:
    from musiccog.engine.music import analyze_music

    def analyze(path) -> MusicAnalysis:  # noqa: ANN001 - str | Path
        return analyze_music(path, cache_dir=cache_dir, cancel=cancel)

    if music_path is not None:
        music = (music_future.result() if music_future is not None else
                 analyze_music(music_path, cache_dir=cache_dir, on_progress=on_progress,
                               cancel=cancel))
        return music, {"source": "file", "path": str(music_path)}, \
            [f"Music: {Path(music_path).name}."]
    if library_dir is not None:
        from musiccog.engine.library import rank_library

        ranked = rank_library(Path(library_dir), video, analyze, options=options,
                              on_progress=_scaled(on_progress, 0, 90), cancel=cancel)
        best_path, best_score, breakdown = ranked[0]
        music = analyze(best_path)  # cached by the ranking's analysis
        usable = sum(1 for _, _, b in ranked if "error" not in b)
        report(on_progress, 100.0)
        info = {"source": "library", "path": str(best_path), "score": round(best_score, 3),
                "breakdown": breakdown, "candidates": len(ranked),
                "ranking": [[str(p), round(sc, 3)] for p, sc, _ in ranked[:10]]}
        messages = [f"Music: {Path(best_path).name}, the best fit ({best_score:.0%}) of "
                    f"{usable} tracks in {library_dir}."]
        messages += [f"Skipped {Path(p).name}: {b['error']}" for p, _, b in ranked if "error" in b]
        return music, info, messages
    from musiccog.engine.procedural import synthesize_backing

    mood = _mood(video, options)
    tempo = backing_tempo_bpm(video, options, mood)
    seed = int(video.content_hash[:8], 16) if video.content_hash else 0
    # made to measure: as long as the picture, its ending on the last frame, and the
    # best-anchoring cut on a downbeat, so the planner has nothing to cut or stretch
    out = synthesize_backing(work / "backing.wav", duration_s=max(video.duration_s, 4.0),
                             tempo_bpm=tempo, mood=mood, seed=seed,
                             first_downbeat_s=backing_first_downbeat_s(video, tempo))
    report(on_progress, 50.0)
    music = analyze_music(out, cache_dir=cache_dir, on_progress=_scaled(on_progress, 50, 100),
                          cancel=cancel)
    info = {"source": "procedural", "path": str(out), "mood": mood, "tempo_bpm": tempo,
            "seed": seed}
    return music, info, [f"Music: a procedural backing track ({mood}, {tempo:.0f} BPM) "
                         "synthesised offline — not AI-generated."]


def _work_dir(work_dir) -> Path:  # noqa: ANN001 - str | PathLike | None
    if work_dir is None:
        return Path(tempfile.mkdtemp(prefix="musiccog-sync-"))
    path = Path(work_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _prefetch_music(music_path, *, cache_dir, cancel: CancelToken | None,  # noqa: ANN001
                    ) -> tuple[Future | None, CancelToken | None]:
    """Start analysing the given music on a thread while the picture is analysed.

    FFmpeg's decode of the picture leaves part of the two cores idle and the music
    analysis is numpy/numba work that releases the GIL, so the two overlap.
    :returns: the future and its own cancel token (also cancelled by ``cancel``).
    """
    if music_path is None:
        return None, None
    from concurrent.futures import ThreadPoolExecutor

    from musiccog.engine.music import analyze_music

    token = CancelToken(parent=cancel)
    pool = ThreadPoolExecutor(1, thread_name_prefix="musiccog-music")
    future = pool.submit(analyze_music, music_path, cache_dir=cache_dir, cancel=token)
    pool.shutdown(wait=False)
    return future, token


def _analyse_picture(analyse: Callable[[], Any], music_path, *, cache_dir,  # noqa: ANN001
                     cancel: CancelToken | None) -> tuple[Any, Future | None]:
    """``analyse()`` (the picture) with the music analysed alongside; on failure the
    music thread is stopped and waited for before the error goes on."""
    future, token = _prefetch_music(music_path, cache_dir=cache_dir, cancel=cancel)
    try:
        return analyse(), future
    except BaseException:
        if future is not None and token is not None:
            token.cancel()
            future.exception()  # wait: nothing keeps running after we return
        raise


def _finish(
    base: Draft, video: VideoAnalysis, *, music_path, library_dir, prompt: str, notes: list[str],
    on_progress: ProgressCallback | None, cancel: CancelToken | None, work_dir, cache_dir,
    timings: dict, music_future: Future | None = None,
) -> SyncResult:
    from musiccog.engine.plan import bake_bgm, build_plan, plan_to_draft

    options = parse_prompt(prompt)
    work = _work_dir(work_dir)
    t0 = time.perf_counter()
    music, music_info, messages = _choose_music(
        video, options, music_path=music_path, library_dir=library_dir, work=work,
        cache_dir=cache_dir, on_progress=_scaled(on_progress, 40, 75), cancel=cancel,
        music_future=music_future)
    timings["music_s"] = round(time.perf_counter() - t0, 3)
    check_cancel(cancel)
    t0 = time.perf_counter()
    plan: SyncPlan = build_plan(video, music, options, timeline_start_s=0.0,
                                timeline_duration_s=video.duration_s)
    timings["plan_s"] = round(time.perf_counter() - t0, 3)
    report(on_progress, 80.0)
    t0 = time.perf_counter()
    bgm_path = Path(bake_bgm(plan, work / "bgm.wav", cancel=cancel,
                             on_progress=_scaled(on_progress, 80, 99)))
    timings["bake_s"] = round(time.perf_counter() - t0, 3)
    check_cancel(cancel)
    draft = plan_to_draft(plan, bgm_path=bgm_path, base=base, video=video)
    messages.append(
        f"Fitted {plan.duration_s:.1f} s of music at {music.tempo_bpm:.0f} BPM"
        + (f", stretched ×{plan.stretch_ratio:.3f}" if abs(plan.stretch_ratio - 1) > 1e-4
           else "") + f" in {len(plan.edits)} piece(s).")
    if video.speech_s and options.duck:
        messages.append(f"Music ducked by {options.duck_db:g} dB under "
                        f"{len(video.speech_s)} speech region(s).")
    messages += list(plan.notes) + notes
    if options.unused_words:
        messages.append("Not understood in the prompt (ignored): "
                        + ", ".join(options.unused_words) + ".")
    result_report = {
        "video": {"path": video.path, "duration_s": video.duration_s, "fps": video.fps,
                  "cuts_s": list(video.cuts_s), "speech_s": [list(s) for s in video.speech_s],
                  "loudness_lufs": video.loudness_lufs, "motion": video.motion},
        "music": {**music_info, "tempo_bpm": music.tempo_bpm, "duration_s": music.duration_s,
                  "loudness_lufs": music.loudness_lufs,
                  "has_natural_ending": music.has_natural_ending},
        "tempo_bpm": music.tempo_bpm * plan.stretch_ratio,
        "stretch_ratio": plan.stretch_ratio,
        "gain_db": plan.gain_db,
        "cut_share_before": plan.cut_share_before,
        "cut_share_after": plan.cut_share_after,
        "edits": len(plan.edits),
        "unused_words": list(options.unused_words),
        "notes": list(plan.notes) + notes,
        "timings_s": timings,
    }
    report(on_progress, 100.0)
    return SyncResult(draft=draft, bgm_path=bgm_path, report=result_report, messages=messages,
                      plan=plan, video=video)


def _check_music_inputs(music_path, library_dir) -> None:  # noqa: ANN001
    if music_path is not None and library_dir is not None:
        raise InputFileError("give either a music file or a library folder, not both.")
    if music_path is not None:
        check_media(music_path, "audio")
    if library_dir is not None and not Path(library_dir).is_dir():
        raise InputFileError(f"{library_dir}: not a folder. Pass the folder holding your music.")


def base_draft_for_video(video: VideoAnalysis) -> Draft:
    """A draft of one clip: its picture on a video track and its sound on an audio track."""
    dur_ms = round(video.duration_s * 1000.0, 3)
    name = Path(video.path).name

    def seg() -> Segment:
        return Segment(start_ms=0, duration_ms=dur_ms, source_in_ms=0,
                       source=str(Path(video.path).resolve()), source_duration_ms=dur_ms,
                       name=name)

    tracks = [Track(track_type=TRACK_VIDEO, name="Video", segments=[seg()])]
    if video.has_audio:
        tracks.append(Track(track_type=TRACK_AUDIO, name="Audio", segments=[seg()]))
    meta = DraftMeta(title=Path(video.path).stem, fps=video.fps or None,
                     width=video.width or None, height=video.height or None)
    return Draft(tracks=tracks, duration_ms=dur_ms, metadata=meta)


def sync_video(
    video_path: str | os.PathLike[str], *, music_path: str | os.PathLike[str] | None = None,
    library_dir: str | os.PathLike[str] | None = None, prompt: str = "",
    on_progress: ProgressCallback | None = None, cancel: CancelToken | None = None,
    work_dir: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> SyncResult:
    """Fit music to one video file; returns the draft (video, audio, BGM, markers).

    :param work_dir: where the fitted music WAV (and a procedural track) are written;
        default a new temporary folder that is kept (the draft points at the WAV).
    :param cache_dir: analysis cache folder (default: see :mod:`musiccog.engine.cache`).
    :raises MediaCheckError: an input is missing, unsupported (4001), too large (4002)…
    """
    from musiccog.engine.video import analyze_video

    check_media(video_path, "video")
    _check_music_inputs(music_path, library_dir)
    t0 = time.perf_counter()
    video, music_future = _analyse_picture(
        lambda: analyze_video(video_path, cache_dir=cache_dir,
                              on_progress=_scaled(on_progress, 0, 40), cancel=cancel),
        music_path, cache_dir=cache_dir, cancel=cancel)
    timings = {"video_s": round(time.perf_counter() - t0, 3)}
    return _finish(base_draft_for_video(video), video, music_path=music_path,
                   library_dir=library_dir, prompt=prompt, notes=[], on_progress=on_progress,
                   cancel=cancel, work_dir=work_dir, cache_dir=cache_dir, timings=timings,
                   music_future=music_future)


def sync_draft(
    draft: Draft, *, music_path: str | os.PathLike[str] | None = None,
    library_dir: str | os.PathLike[str] | None = None, prompt: str = "",
    on_progress: ProgressCallback | None = None, cancel: CancelToken | None = None,
    work_dir: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> SyncResult:
    """Fit music to a host timeline; existing tracks are kept unchanged, BGM + markers added.

    Cuts are the video track's segment boundaries plus shot cuts inside each segment's
    media; speech comes from the audio tracks' media (see :mod:`.video.timeline`).
    """
    from musiccog.engine.video.timeline import analyze_timeline

    if draft.end_ms <= 0:
        raise InputFileError("the timeline is empty (zero length): add clips, then sync.")
    _check_music_inputs(music_path, library_dir)
    t0 = time.perf_counter()
    (video, notes), music_future = _analyse_picture(
        lambda: analyze_timeline(draft, cache_dir=cache_dir,
                                 on_progress=_scaled(on_progress, 0, 40), cancel=cancel),
        music_path, cache_dir=cache_dir, cancel=cancel)
    timings = {"video_s": round(time.perf_counter() - t0, 3)}
    return _finish(draft, video, music_path=music_path, library_dir=library_dir, prompt=prompt,
                   notes=notes, on_progress=on_progress, cancel=cancel, work_dir=work_dir,
                   cache_dir=cache_dir, timings=timings, music_future=music_future)


def warm_up() -> float:
    """Load the engine's modules and librosa's numba kernels; returns the seconds taken.

    numba compiles the kernels once per machine (seconds, holding the GIL) and later
    loads them from its cache (under a second).  A UI host calls this while it shows
    "Connecting...", so its first job does not stall the UI thread mid-way.
    """
    import numpy as np

    from musiccog.engine.music.analyze import analyze_decoded
    from musiccog.engine.plan import build_plan  # noqa: F401 - imported to load it
    from musiccog.engine.video import analyze_video  # noqa: F401 - imported to load it

    t0 = time.perf_counter()
    rate_hz = 22050
    t = np.arange(6 * rate_hz) / rate_hz
    clicks = (np.sin(2 * np.pi * 880.0 * t) * np.exp(-(t % 0.5) * 40.0)).astype(np.float32)
    analyze_decoded(clicks, rate_hz=rate_hz, loudness_lufs=-20.0,
                    block_lufs=np.full(57, -20.0))
    return time.perf_counter() - t0
