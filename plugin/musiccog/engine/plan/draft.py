"""A plan as a draft: the BGM track with its level, fades and ducking keys, plus markers.

Pure: builds :mod:`musiccog.draft` objects; nothing is read or written.  Keys and
units are those of ``docs/draft-format.md`` (ms, linear gains).
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from musiccog.draft import TRACK_AUDIO, TRACK_VIDEO, Draft, DraftMeta, Marker, Segment, Track
from musiccog.draft.model import MAX_GAIN
from musiccog.engine.types import SyncPlan, VideoAnalysis


def _ms(seconds: float) -> float | int:
    """Seconds → ms, to the microsecond; whole values as int (stable JSON)."""
    value = round(max(seconds, 0.0) * 1000.0, 3)
    return int(value) if value == int(value) else value


def _linear(gain_db: float) -> float:
    return round(min(10 ** (gain_db / 20.0), MAX_GAIN), 6)


def _base_draft(video: VideoAnalysis) -> Draft:
    length = _ms(video.duration_s)
    name = Path(video.path).name
    tracks = [Track(track_type=TRACK_VIDEO, name="Video", segments=[
        Segment(start_ms=0, duration_ms=length, source_in_ms=0, source=video.path, name=name)])]
    if video.has_audio:
        tracks.append(Track(track_type=TRACK_AUDIO, name="Audio", segments=[
            Segment(start_ms=0, duration_ms=length, source_in_ms=0, source=video.path,
                    name=name)]))
    meta = DraftMeta(title=Path(video.path).stem, width=video.width, height=video.height,
                     fps=video.fps)
    return Draft(tracks=tracks, duration_ms=length, metadata=meta)


def bgm_segment(plan: SyncPlan, bgm_path: Path) -> Segment:
    """The BGM segment: position, level ``v``, fades, volume keys and the plan's metadata."""
    duration = _ms(plan.duration_s)
    keys = None
    if plan.duck_keys:
        keys = [(min(_ms(t), duration), round(10 ** (g / 20.0), 6)) for t, g in plan.duck_keys]
    meta = {
        "musiccog": {
            "source_music": plan.music_path,
            "stretch_ratio": plan.stretch_ratio,
            "gain_db": round(plan.gain_db, 3),
            "edits": [asdict(edit) for edit in plan.edits],
            "cut_share_before": plan.cut_share_before,
            "cut_share_after": plan.cut_share_after,
            "notes": list(plan.notes),
            # every beat of the placed music, ms from the segment's start (for pictures)
            "beats_ms": [round(1000.0 * (t - plan.timeline_start_s)) for t in plan.beats_s
                         if plan.timeline_start_s <= t <= plan.timeline_start_s + plan.duration_s],
        }
    }
    return Segment(
        start_ms=_ms(plan.timeline_start_s), duration_ms=duration, source_in_ms=0,
        source=str(bgm_path), source_duration_ms=duration, name=Path(plan.music_path).stem,
        volume=_linear(plan.gain_db), fade_in_ms=_ms(plan.fade_in_s),
        fade_out_ms=_ms(plan.fade_out_s), volume_keys=keys, metadata=meta,
    )


def plan_to_draft(
    plan: SyncPlan, *, bgm_path: Path, base: Draft | None, video: VideoAnalysis
) -> Draft:
    """The draft with a "BGM" track and downbeat/cut markers added.

    :param plan: from :func:`~musiccog.engine.plan.build_plan`.
    :param bgm_path: the baked WAV (:func:`~musiccog.engine.plan.bake_bgm`).
    :param base: a host's draft, deep-copied and otherwise unchanged; None builds one
        from ``video`` (its video track, its audio track when it has audio, ``m`` with
        size, fps and title).
    :param video: the picture's analysis (cut markers; the base draft when ``base`` is None).
    :returns: a new draft; ``d`` covers the picture and the BGM.
    """
    draft = _base_draft(video) if base is None else base.model_copy(deep=True)
    segment = bgm_segment(plan, Path(bgm_path))
    bgm = Track(track_type=TRACK_AUDIO, name="BGM", metadata={"role": "bgm"}, segments=[segment])
    draft.tracks = [*draft.tracks, bgm]
    markers = [Marker(start_ms=_ms(t), name="downbeat", color="GREEN") for t in plan.downbeats_s]
    markers += [Marker(start_ms=_ms(t), name="cut", color="RED") for t in video.cuts_s if t >= 0]
    markers.sort(key=lambda m: m.start_ms)
    draft.markers = [*(draft.markers or []), *markers]
    end = segment.start_ms + segment.duration_ms
    if base is None or draft.duration_ms is not None:
        current = draft.duration_ms if draft.duration_ms is not None else 0
        draft.duration_ms = max(current, end)
    return draft
