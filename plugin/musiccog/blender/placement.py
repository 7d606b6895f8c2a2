"""What new strips and markers a draft becomes in the VSE (pure; the add-on writes them).

Two plans, one rule for positions: a segment at ``s`` ms lasting ``d`` ms on a
timeline that starts at scene frame ``origin`` covers frames
``origin + round(s·fps/1000)`` up to ``origin + round((s+d)·fps/1000)`` (exclusive);
its media's first frame sits ``round(i·fps/1000)`` frames earlier.

- :func:`plan_music` — after a sync: the draft's new BGM track(s) as sound strips on
  the first free channel(s) above the user's, with volume keyframes for ``v``/``fi``/
  ``fo``/``vk``, and markers for the draft's new markers (not every beat);
- :func:`plan_import` — a whole draft (from an OTIO file) as new strips above the
  edit, or on the draft's own channels when the sequencer is empty.

Nothing here moves or changes an existing strip: plans only ever add.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from musiccog.blender.envelope import volume_keyframes
from musiccog.blender.rates import SceneRate
from musiccog.blender.snapshot import META_KEY, SceneSnapshot
from musiccog.draft.model import TRACK_AUDIO, TRACK_TEXT, TRACK_VIDEO, Draft, Segment, Track
from musiccog.draft.summary import is_bgm_track
from musiccog.errors import InputFileError, MusicCogError

#: Blender's highest sequencer channel.
MAX_CHANNEL = 128
#: Marker names a sync does not turn into timeline markers (too many to be useful).
SKIPPED_MARKER_NAMES = frozenset({"beat"})
IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".exr", ".bmp", ".webp", ".tga", ".dpx"}
)


class PlacementError(MusicCogError):
    """A draft that cannot be placed in the VSE (no music, no free channel, remote media)."""


@dataclass(frozen=True)
class PlannedStrip:
    """A strip to add. Frames are scene frames; ``end_frame`` is exclusive.

    ``content_start_frame`` is where the media's first frame goes (Blender's
    ``frame_start``); ``volume`` is the constant linear level used when
    ``keyframes`` (``(frame, linear volume)`` pairs) is empty.
    """

    kind: str
    name: str
    channel: int
    content_start_frame: int
    start_frame: int
    end_frame: int
    source: str | None = None
    volume: float = 1.0
    keyframes: tuple[tuple[int, float], ...] = ()
    color: tuple[float, float, float] | None = None
    text: str | None = None


@dataclass(frozen=True)
class PlannedMarker:
    """A timeline marker to add at a scene frame."""

    name: str
    frame: int


@dataclass
class Placement:
    """Everything a draft adds to the scene, plus notes for the user."""

    strips: list[PlannedStrip] = field(default_factory=list)
    markers: list[PlannedMarker] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Scene rate and in/out to apply (import into an empty sequencer only).
    scene_rate: SceneRate | None = None
    frame_range: tuple[int, int] | None = None

    def channels(self) -> list[int]:
        """The channels the new strips use, ascending."""
        return sorted({s.channel for s in self.strips})

    def summary(self) -> str:
        """One line: ``2 strips on channel 4, 12 markers``."""
        chans = self.channels()
        where = ""
        if chans:
            label = "channel" if len(chans) == 1 else "channels"
            where = f" on {label} {', '.join(str(c) for c in chans)}"
        return f"{len(self.strips)} strip(s){where}, {len(self.markers)} marker(s)"


def local_path(source: str | None) -> Path | None:
    """A local file path for a draft ``src`` (path or ``file://`` URL); None for others."""
    if not source:
        return None
    parsed = urlparse(source)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme in ("http", "https"):
        return None
    return Path(source)


def _frames(rate: SceneRate, origin: int, seg: Segment) -> tuple[int, int, int]:
    start = origin + rate.ms_to_frames(seg.start_ms)
    end = origin + rate.ms_to_frames(seg.start_ms + seg.duration_ms)
    content = start - rate.ms_to_frames(seg.source_in_ms or 0)
    return content, start, end


def _check_channel(channel: int) -> None:
    if channel > MAX_CHANNEL:
        raise PlacementError(
            f"no free channel: the new strips would need channel {channel}, and Blender "
            f"stops at {MAX_CHANNEL}. Free the top channels and try again."
        )


def _music_source(seg: Segment, bgm_path: str | os.PathLike[str] | None) -> str:
    path = local_path(seg.source)
    if path is not None and path.is_file():
        return str(path)
    if bgm_path is not None and Path(bgm_path).is_file():
        return str(bgm_path)
    raise PlacementError(
        f"the music for '{seg.name or 'BGM'}' is not a local file ({seg.source or 'no path'}). "
        "Run the sync again; if it keeps happening, use the local backend."
    )


def is_new_music(track: Track) -> bool:
    """A BGM track (by role or name) that did not come from the user's edit."""
    from_edit = isinstance(track.metadata, dict) and META_KEY in track.metadata
    return is_bgm_track(track) and not from_edit


def plan_music(
    result: Draft,
    *,
    before: Draft,
    snap: SceneSnapshot,
    bgm_path: str | os.PathLike[str] | None = None,
) -> Placement:
    """The new BGM strips and markers of a synced draft ``result`` (``before`` = what was sent).

    Raises PlacementError when the draft holds no new music track, the music is
    not a local file, or the channels run out.
    """
    rate, origin = snap.rate, snap.frame_start
    music = [t for t in result.known_tracks(TRACK_AUDIO) if is_new_music(t) and t.segments]
    if not music:
        raise PlacementError(
            "the backend's answer holds no music track, so nothing was added. "
            "Try another prompt or music file."
        )
    plan = Placement()
    for index, track in enumerate(music):
        channel = snap.top_channel + 1 + index
        _check_channel(channel)
        for seg in sorted(track.segments, key=lambda s: s.start_ms):
            content, start, end = _frames(rate, origin, seg)
            if end <= start:
                continue
            if seg.speed not in (None, 1, 1.0):
                plan.notes.append(
                    f"'{seg.name or 'BGM'}' asks for playback rate {seg.speed}; Blender plays "
                    "it at normal speed (the local engine bakes stretches into the file)."
                )
            plan.strips.append(
                PlannedStrip(
                    kind="SOUND",
                    name=seg.name or track.name or "BGM",
                    channel=channel,
                    content_start_frame=content,
                    start_frame=start,
                    end_frame=end,
                    source=_music_source(seg, bgm_path),
                    volume=1.0 if seg.volume is None else float(seg.volume),
                    keyframes=tuple(volume_keyframes(seg, origin_frame=origin, rate=rate)),
                )
            )
    known = {(round(m.start_ms), m.name) for m in before.markers or []}
    for marker in result.markers or []:
        name = marker.name or "marker"
        if name in SKIPPED_MARKER_NAMES or (round(marker.start_ms), marker.name) in known:
            continue
        plan.markers.append(PlannedMarker(name, origin + rate.ms_to_frames(marker.start_ms)))
    return plan


def _import_kind(track: Track, seg: Segment) -> str | None:
    given = ((seg.metadata or {}).get(META_KEY) or {}).get("type")
    if given in ("MOVIE", "IMAGE", "COLOR", "SOUND", "TEXT"):
        return given
    if track.track_type == TRACK_AUDIO:
        return "SOUND"
    if track.track_type == TRACK_TEXT:
        return "TEXT"
    path = local_path(seg.source)
    if path is None:
        return None
    return "IMAGE" if path.suffix.lower() in IMAGE_SUFFIXES else "MOVIE"


def _import_channels(draft: Draft, snap: SceneSnapshot) -> list[int]:
    tracks = draft.known_tracks()
    own = [((t.metadata or {}).get(META_KEY) or {}).get("channel") for t in tracks]
    usable = all(isinstance(c, int) and 1 <= c <= MAX_CHANNEL for c in own)
    # Tracks of different kinds may share a channel only if their segments do not overlap.
    if not snap.strips and usable and len(set(own)) == len(own):
        return own  # type: ignore[return-value]
    return [snap.top_channel + 1 + i for i in range(len(tracks))]


def plan_import(draft: Draft, *, snap: SceneSnapshot) -> Placement:
    """Every segment of ``draft`` as a new strip; refuses when a media file is missing.

    Into an empty sequencer the draft's own channels, rate and in/out are used;
    otherwise the tracks go on the channels above the edit at the scene's rate.
    """
    plan = Placement()
    rate, origin = snap.rate, snap.frame_start
    if not snap.strips and draft.fps is not None:
        from musiccog.blender.rates import scene_rate_for

        rate = plan.scene_rate = scene_rate_for(draft.fps)
        frames = rate.ms_to_frames(draft.end_ms)
        plan.frame_range = (origin, origin + max(frames, 1) - 1)
    missing: list[str] = []
    for track, channel in zip(draft.known_tracks(), _import_channels(draft, snap), strict=True):
        _check_channel(channel)
        for seg in track.segments:
            kind = _import_kind(track, seg)
            extra = (seg.metadata or {}).get(META_KEY) or {}
            if kind is None or (kind == "COLOR" and "color" not in extra):
                if track.track_type == TRACK_VIDEO and not seg.source:
                    kind = "COLOR"  # media-less video clip: a placeholder colour strip
                else:
                    plan.notes.append(f"skipped '{seg.name}': media at {seg.source} is not local")
                    continue
            source = None
            if kind in ("MOVIE", "IMAGE", "SOUND"):
                path = local_path(seg.source)
                if path is None or not path.is_file():
                    missing.append(f"{seg.name or '?'}: {seg.source}")
                    continue
                source = str(path)
            content, start, end = _frames(rate, origin, seg)
            if end <= start:
                continue
            color = extra.get("color") if kind == "COLOR" else None
            plan.strips.append(
                PlannedStrip(
                    kind=kind,
                    name=seg.name or Path(source or kind.lower()).stem,
                    channel=channel,
                    content_start_frame=content,
                    start_frame=start,
                    end_frame=end,
                    source=source,
                    volume=1.0 if seg.volume is None else float(seg.volume),
                    keyframes=tuple(volume_keyframes(seg, origin_frame=origin, rate=rate))
                    if kind == "SOUND" else (),
                    color=tuple(color[:3]) if isinstance(color, list) else (0.5, 0.5, 0.5)
                    if kind == "COLOR" else None,
                    text=seg.text if kind == "TEXT" else None,
                )
            )
    if missing:
        shown = "; ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        raise InputFileError(
            f"{len(missing)} media file(s) of the timeline are missing ({shown}). "
            "Put the media back (or relink it in the OTIO file) and import again."
        )
    plan.markers = [
        PlannedMarker(m.name or "marker", origin + rate.ms_to_frames(m.start_ms))
        for m in draft.markers or []
    ]
    return plan


def _is_temporary(path: Path) -> bool:
    """True for files in the temporary folder or in Music Cog's cache (both may be cleared)."""
    import tempfile

    from musiccog import config

    resolved = path.resolve()
    for folder in (Path(tempfile.gettempdir()), config.cache_dir()):
        try:
            resolved.relative_to(folder.resolve())
        except ValueError:
            continue
        return True
    return False


def persist_media(plan: Placement, folder: Path, *, tag: str) -> Placement:
    """The plan with media that sit in the temporary folder or Music Cog's cache copied
    into ``folder``.

    The engine leaves the fitted music in a temporary or cache folder; the .blend file
    must keep pointing at a file that stays. Copies are named ``<tag>-<file name>``; files
    outside the temporary folder (the user's own) are used where they are.
    """
    import shutil
    from dataclasses import replace

    copied: dict[str, str] = {}
    strips = []
    for item in plan.strips:
        src = Path(item.source) if item.source else None
        if src is not None and _is_temporary(src):
            if item.source not in copied:
                folder.mkdir(parents=True, exist_ok=True)
                target = folder / f"{tag}-{src.name}"
                shutil.copy2(src, target)
                copied[item.source] = str(target)
            item = replace(item, source=copied[item.source])
        strips.append(item)
    return replace(plan, strips=strips)
