"""A host timeline (a draft) seen as one video: cuts, speech, loudness and motion.

Cuts are the video track's segment boundaries plus the shot cuts found inside
each segment's media range; speech comes from the audio tracks' media (BGM
tracks excluded).  Media times map to the timeline as
``timeline_s = s + (media_s - i) / sp`` (seconds; ``s``, ``i`` from the segment,
``sp`` its speed).  Each media file is analysed once (and cached by content).
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

from musiccog.draft import TRACK_AUDIO, TRACK_VIDEO, Draft, Segment
from musiccog.draft.summary import is_bgm_track
from musiccog.engine.media_check import MediaCheckError, check_media
from musiccog.engine.types import VideoAnalysis
from musiccog.jobs import CancelToken, ProgressCallback, check_cancel, report

#: Cuts closer than this to one another are merged (seconds): one frame at 60 fps.
MERGE_CUTS_S = 1.0 / 60.0


def _local_path(seg: Segment) -> Path | None:
    from musiccog.engine.render import RenderError, media_path

    try:
        return media_path(seg)
    except RenderError:
        return None


def _to_timeline(seg: Segment, media_s: float) -> float:
    speed = float(seg.speed or 1.0)
    return seg.start_ms / 1000.0 + (media_s - (seg.source_in_ms or 0) / 1000.0) / speed


def _inside(seg: Segment, media_s: float) -> bool:
    in_s = (seg.source_in_ms or 0) / 1000.0
    return in_s < media_s < in_s + seg.duration_ms / 1000.0 * float(seg.speed or 1.0)


def _merge(times: list[float]) -> tuple[float, ...]:
    out: list[float] = []
    for t in sorted(times):
        if not out or t - out[-1] > MERGE_CUTS_S:
            out.append(round(t, 6))
    return tuple(out)


def _union(intervals: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    out: list[list[float]] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return tuple((round(a, 3), round(b, 3)) for a, b in out)


def analyze_timeline(
    draft: Draft,
    *,
    cache_dir=None,  # noqa: ANN001 - str | PathLike | None
    on_progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> tuple[VideoAnalysis, list[str]]:
    """The timeline as a :class:`VideoAnalysis` (times in timeline seconds) and notes.

    Media that cannot be analysed (remote, missing, unsupported) are skipped with a
    note in the returned list; their segment boundaries still count as cuts.
    """
    from musiccog.engine.video import analyze_video
    from musiccog.engine.video.speech import analyze_audio

    notes: list[str] = []
    end_s = draft.end_ms / 1000.0
    video_segs = [s for t in draft.known_tracks(TRACK_VIDEO) if not t.muted for s in t.segments]
    audio_segs = [s for t in draft.known_tracks(TRACK_AUDIO)
                  if not t.muted and not is_bgm_track(t) for s in t.segments]
    media: dict[Path, VideoAnalysis | None] = {}
    wanted = [p for s in video_segs + audio_segs if (p := _local_path(s)) is not None]
    for src in dict.fromkeys(s.source for s in video_segs + audio_segs if s.source):
        if _local_path(Segment(start_ms=0, duration_ms=0, source=src)) is None:
            notes.append(f"not analysed (missing or not a local file): {src}")
    unique = list(dict.fromkeys(wanted))
    for k, path in enumerate(unique):
        check_cancel(cancel)
        try:
            info = check_media(path, "any")
            if info.has_video:
                media[path] = analyze_video(path, cache_dir=cache_dir, cancel=cancel)
            else:  # a separate dialogue/sound file: speech and loudness only
                speech_s, lufs = analyze_audio(path, duration_s=info.duration_s, cancel=cancel)
                media[path] = VideoAnalysis(
                    path=str(path), content_hash="", duration_s=info.duration_s or 0.0, fps=0.0,
                    width=0, height=0, cuts_s=(), speech_s=tuple(speech_s), has_audio=True,
                    loudness_lufs=lufs)
        except MediaCheckError as exc:
            notes.append(f"not analysed: {exc}")
            media[path] = None
        report(on_progress, 100.0 * (k + 1) / max(len(unique), 1))

    first_track = next((t for t in draft.known_tracks(TRACK_VIDEO) if t.segments), None)
    cuts: list[float] = []
    if first_track is not None:
        for seg in first_track.segments:
            for edge in (seg.start_ms / 1000.0, seg.end_ms / 1000.0):
                if 0.0 < edge < end_s:
                    cuts.append(edge)
            info = media.get(_local_path(seg)) if seg.source else None
            if info is not None:
                cuts += [_to_timeline(seg, c) for c in info.cuts_s if _inside(seg, c)]
    speech: list[tuple[float, float]] = []
    energy, weight, motion_sum, motion_w = 0.0, 0.0, 0.0, 0.0
    for seg in audio_segs:
        info = media.get(_local_path(seg)) if seg.source else None
        if info is None:
            continue
        lo_s, hi_s = seg.start_ms / 1000.0, seg.end_ms / 1000.0
        for a, b in info.speech_s:
            ta, tb = max(lo_s, _to_timeline(seg, a)), min(hi_s, _to_timeline(seg, b))
            if tb > ta:
                speech.append((ta, tb))
        if info.loudness_lufs is not None:
            gain = float(seg.volume if seg.volume is not None else 1.0)
            if gain > 0:
                lufs = info.loudness_lufs + 20 * math.log10(gain)
                energy += 10 ** (lufs / 10) * (hi_s - lo_s)
                weight += hi_s - lo_s
    for seg in video_segs:
        info = media.get(_local_path(seg)) if seg.source else None
        if info is not None:
            motion_sum += info.motion * seg.duration_ms
            motion_w += seg.duration_ms
    first_info = next((media[p] for p in unique if media.get(p) is not None), None)
    fps = draft.fps or (first_info.fps if first_info else 0.0)
    meta = draft.metadata
    digest = hashlib.blake2b(repr(draft.to_json()).encode(), digest_size=20).hexdigest()
    analysis = VideoAnalysis(
        path=(meta.title if meta and meta.title else "timeline"),
        content_hash=digest,
        duration_s=end_s,
        fps=float(fps),
        width=int((meta.width if meta and meta.width else None)
                  or (first_info.width if first_info else 0)),
        height=int((meta.height if meta and meta.height else None)
                   or (first_info.height if first_info else 0)),
        cuts_s=_merge(cuts),
        speech_s=_union(speech),
        has_audio=weight > 0 or bool(speech),
        loudness_lufs=round(10 * math.log10(energy / weight), 2) if weight > 0 else None,
        motion=motion_sum / motion_w if motion_w else 0.0,
        video_codec=first_info.video_codec if first_info else None,
        audio_codec=first_info.audio_codec if first_info else None,
        is_vfr=any(v is not None and v.is_vfr for v in media.values()),
    )
    return analysis, notes
