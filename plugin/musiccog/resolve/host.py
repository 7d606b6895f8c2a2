"""The one module that calls DaVinci Resolve's scripting objects.

Everything else in :mod:`musiccog.resolve` is pure and works on plain data.
Resolve answers failures with falsy values (None, False, ``[]``), never
exceptions, so every call's answer is checked here and turned into a typed
error.  Whatever this module adds (bin, media pool items, track, items,
markers) is recorded in a :class:`_Undo` and removed again when a later step
fails: nothing half-added stays.  Existing tracks, clips and markers are
never changed.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import opentimelineio as otio

from musiccog.draft.model import Draft
from musiccog.errors import DraftError, InputFileError, MappingError
from musiccog.otio_mapping import otio_to_draft
from musiccog.resolve import planner, resolve_otio, walker
from musiccog.resolve.errors import (
    ResolveEditionError,
    ResolveMediaMissing,
    ResolveNoTimeline,
    ResolvePlacementError,
)
from musiccog.resolve.snapshot import (
    Edition,
    ItemSnap,
    MarkerSnap,
    TimelineInfo,
    TimelineSnap,
    TrackSnap,
)
from musiccog.resolve.timecode import exact_fps, parse_rate

#: Name of the media pool bin the music goes into.
BIN_NAME = "Music Cog"
#: Name given to the new audio track.
TRACK_NAME = "Music Cog"


def _int(value: Any) -> int | None:
    try:
        return int(round(float(value)))
    except (TypeError, ValueError):
        return None


def _all_clips(folder: Any) -> list[Any]:
    clips = list(folder.GetClipList() or [])
    for sub in folder.GetSubFolderList() or []:
        clips += _all_clips(sub)
    return clips


@dataclass
class PlacementReport:
    """What was added: ``mode`` "current" or "new_timeline"; frames are Resolve's."""

    mode: str
    timeline: str
    track_index: int | None = None
    record_frames: list[int] = field(default_factory=list)
    markers_added: int = 0
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.mode == "new_timeline":
            head = f"New timeline {self.timeline!r} created with the music and its levels."
        else:
            head = (f"Music placed on audio track A{self.track_index} of {self.timeline!r} "
                    f"with {self.markers_added} marker(s).")
        lines = [head, *self.notes]
        if self.skipped:
            lines.append(f"{len(self.skipped)} marker(s) skipped: " + "; ".join(self.skipped[:5]))
        return "\n".join(lines)


class _Undo:
    """Removes, in reverse order, what a placement added."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, Any]] = []

    def add(self, what: str, undo: Any) -> None:
        self.steps.append((what, undo))

    def run(self) -> list[str]:
        """Undo everything; returns what could not be removed."""
        left: list[str] = []
        for what, undo in reversed(self.steps):
            try:
                if undo() is False:
                    left.append(what)
            except Exception:  # Resolve objects can raise on stale handles
                left.append(what)
        self.steps.clear()
        return left


class ResolveHost:
    """A running Resolve (the ``resolve`` object from ``scriptapp("Resolve")``)."""

    def __init__(self, resolve: Any) -> None:
        self.resolve = resolve

    # -- who and where --------------------------------------------------------
    def edition(self) -> Edition:
        product = str(self.resolve.GetProductName() or "DaVinci Resolve")
        raw = self.resolve.GetVersion() or []
        version = tuple(v for v in (_int(x) for x in list(raw)[:4]) if v is not None)
        return Edition(product, version)

    def project(self) -> Any:
        manager = self.resolve.GetProjectManager()
        if manager is None:
            edition = self.edition()
            if not edition.studio:
                raise ResolveEditionError(
                    f"{edition.product} {edition.version_text} refused the scripting call "
                    "(GetProjectManager returned nothing). The free edition only runs scripts "
                    "from inside Resolve: start AI Music Cog from Workspace ▸ Scripts."
                )
            raise ResolveNoTimeline("Resolve has no project manager yet; open a project first.")
        project = manager.GetCurrentProject()
        if project is None:
            raise ResolveNoTimeline("no project is open in Resolve; open one and try again.")
        return project

    def timeline(self) -> Any:
        timeline = self.project().GetCurrentTimeline()
        if timeline is None:
            raise ResolveNoTimeline(
                "the project has no current timeline; open a timeline on the Edit page first."
            )
        return timeline

    def timeline_info(self, timeline: Any = None) -> TimelineInfo:
        timeline = timeline or self.timeline()
        rate = parse_rate(timeline.GetSetting("timelineFrameRate"),
                          timeline.GetSetting("timelineDropFrameTimecode"))
        start = _int(timeline.GetStartFrame()) or 0
        end = _int(timeline.GetEndFrame())
        return TimelineInfo(
            name=str(timeline.GetName()),
            rate=rate,
            start_frame=start,
            end_frame=end if end is not None else start,
            start_timecode=str(timeline.GetStartTimecode() or ""),
            width=_int(timeline.GetSetting("timelineResolutionWidth")),
            height=_int(timeline.GetSetting("timelineResolutionHeight")),
        )

    # -- reading --------------------------------------------------------------
    def snapshot(self) -> TimelineSnap:
        """Walk the current timeline through the scripting API."""
        timeline = self.timeline()
        info = self.timeline_info(timeline)
        tracks = []
        for kind in ("video", "audio", "subtitle"):
            for index in range(1, (_int(timeline.GetTrackCount(kind)) or 0) + 1):
                items = tuple(self._item(i) for i in timeline.GetItemListInTrack(kind, index) or [])
                tracks.append(TrackSnap(kind, index, str(timeline.GetTrackName(kind, index) or ""),
                                        bool(timeline.GetIsTrackEnabled(kind, index)), items))
        markers = tuple(
            MarkerSnap(int(round(float(frame))), str(m.get("color", "")), str(m.get("name", "")),
                       str(m.get("note", "")), _int(m.get("duration", 1)) or 1,
                       str(m.get("customData", "")))
            for frame, m in (timeline.GetMarkers() or {}).items()
        )
        return TimelineSnap(info, tuple(tracks), markers)

    @staticmethod
    def _item(item: Any) -> ItemSnap:
        clip = item.GetMediaPoolItem()
        path = fps = frames = None
        if clip is not None:
            path = str(clip.GetClipProperty("File Path") or "") or None
            fps_text = clip.GetClipProperty("FPS")
            fps = exact_fps(fps_text) if _int(fps_text) else None
            frames = _int(clip.GetClipProperty("Frames"))
        source_start = (item.GetSourceStartFrame() if hasattr(item, "GetSourceStartFrame")
                        else item.GetLeftOffset())
        return ItemSnap(str(item.GetName() or ""), int(item.GetStart()), int(item.GetEnd()),
                        path, _int(source_start), fps, frames)

    def read_draft(self) -> tuple[Draft, str]:
        """The current timeline as a draft; second value says how (``"otio"``/``"walk"``)."""
        info = self.timeline_info()
        if self.edition().exports_otio:
            with tempfile.TemporaryDirectory(prefix="musiccog-resolve-") as tmp:
                path = os.path.join(tmp, "timeline.otio")
                ok = self.timeline().Export(path, self.resolve.EXPORT_OTIO)
                if ok and os.path.isfile(path):
                    try:
                        draft = otio_to_draft(otio.adapters.read_from_file(path))
                        return walker.with_resolve_meta(draft, info), "otio"
                    except (MappingError, DraftError, otio.exceptions.OTIOError):
                        pass  # fall back to walking the API
        return walker.snapshot_to_draft(self.snapshot()), "walk"

    # -- placing on the current timeline -------------------------------------
    def _bin(self, pool: Any, undo: _Undo) -> Any:
        root = pool.GetRootFolder()
        for folder in root.GetSubFolderList() or []:
            if folder.GetName() == BIN_NAME:
                return folder
        folder = pool.AddSubFolder(root, BIN_NAME)
        if folder is None:
            raise ResolvePlacementError(f"Resolve would not create the {BIN_NAME!r} bin")
        undo.add(f"bin {BIN_NAME!r}", lambda: pool.DeleteFolders([folder]))
        return folder

    def _import(self, pool: Any, folder: Any, path: str, undo: _Undo) -> Any:
        for clip in folder.GetClipList() or []:
            if os.path.normcase(str(clip.GetClipProperty("File Path"))) == os.path.normcase(path):
                return clip
        made = pool.ImportMedia([path]) or []
        if len(made) != 1:
            raise ResolvePlacementError(f"Resolve could not import {path} into the media pool")
        undo.add(f"media pool item {path}", lambda: pool.DeleteClips(made))
        return made[0]

    def place_on_current_timeline(
        self, draft: Draft, bgm_path: str | Path | None
    ) -> PlacementReport:
        """Import the music, add it on a new audio track, add markers; undo all on failure."""
        timeline = self.timeline()
        info = self.timeline_info(timeline)
        track = planner.bgm_track(draft)
        paths = sorted({planner.segment_media(s, bgm_path) for s in track.segments})
        missing = [p for p in paths if not Path(p).is_file()]
        if missing:
            raise InputFileError(f"the music file is missing: {', '.join(missing)}; sync again.")
        project = self.project()
        pool = project.GetMediaPool()
        edition = self.edition()
        undo = _Undo()
        previous_folder = pool.GetCurrentFolder()
        try:
            folder = self._bin(pool, undo)
            if not pool.SetCurrentFolder(folder):
                raise ResolvePlacementError(f"Resolve would not open the {BIN_NAME!r} bin")
            clips = {p: self._import(pool, folder, p, undo) for p in paths}
            pool.SetCurrentFolder(previous_folder)
            rates = {p: exact_fps(c.GetClipProperty("FPS")) if _int(c.GetClipProperty("FPS"))
                     else info.rate.fps for p, c in clips.items()}
            lengths = {p: n for p, c in clips.items()
                       if (n := _int(c.GetClipProperty("Frames"))) is not None}
            occupied = {int(round(float(f))) for f in (timeline.GetMarkers() or {})}
            plan = planner.plan_placement(
                draft, bgm_path=bgm_path, info=info, source_rates=rates, source_lengths=lengths,
                occupied_marker_frames=occupied, run_id=uuid.uuid4().hex[:8])
            before = _int(timeline.GetTrackCount("audio")) or 0
            added_track = timeline.AddTrack("audio", "stereo")
            if not added_track or timeline.GetTrackCount("audio") != before + 1:
                raise ResolvePlacementError("Resolve would not add an audio track")
            index = before + 1
            undo.add(f"audio track A{index}", lambda: timeline.DeleteTrack("audio", index))
            if hasattr(timeline, "SetTrackName"):
                timeline.SetTrackName("audio", index, TRACK_NAME)
            frames = [self._append(pool, timeline, clips[s.media_path], s, index, edition, undo)
                      for s in plan.appends]
            added = 0
            skipped = list(plan.skipped)
            for m in plan.markers:
                if timeline.AddMarker(m.frame, m.color, m.name, m.note, m.duration, m.custom_data):
                    added += 1
                    undo.add(f"marker {m.name}", lambda f=m.frame: timeline.DeleteMarkerAtFrame(f))
                else:
                    skipped.append(f"{m.name} at frame {m.frame}: Resolve refused it")
        except Exception as exc:
            left = undo.run()
            pool.SetCurrentFolder(previous_folder)
            tail = (" Nothing was left behind." if not left else
                    " These could not be removed, please delete them by hand: " + ", ".join(left))
            if isinstance(exc, ResolvePlacementError):
                raise ResolvePlacementError(f"{exc}.{tail}") from None
            raise
        return PlacementReport("current", info.name, index, frames, added, skipped,
                               list(plan.notes))

    @staticmethod
    def _append(pool: Any, timeline: Any, clip: Any, step: planner.AppendStep, index: int,
                edition: Edition, undo: _Undo) -> int:
        exclusive = edition.end_frame_exclusive
        for attempt in range(2):
            info = step.clip_info(clip, index, end_exclusive=exclusive)
            items = pool.AppendToTimeline([info]) or []
            if len(items) != 1:
                raise ResolvePlacementError(
                    f"Resolve refused to add the music at frame {step.record_frame} on A{index}")
            item = items[0]
            undo.add("music clip", lambda it=item: timeline.DeleteClips([it]))
            start, duration = int(item.GetStart()), int(item.GetDuration())
            tolerance = 0 if step.same_rate else 1
            if start == step.record_frame and abs(duration - step.record_frames) <= tolerance:
                return start
            off_by_one = abs(duration - step.record_frames) == 1
            if attempt == 0 and start == step.record_frame and off_by_one:
                # endFrame semantics differ between versions: remove ours and retry once.
                timeline.DeleteClips([item])
                undo.steps.pop()
                exclusive = not exclusive
                continue
            raise ResolvePlacementError(
                f"the music landed at frame {start} for {duration} frames instead of "
                f"{step.record_frame} for {step.record_frames}")
        raise ResolvePlacementError("the music could not be placed frame-exactly")

    # -- a new timeline from OTIO --------------------------------------------
    def import_as_new_timeline(self, draft: Draft, name: str | None = None) -> PlacementReport:
        """Build a new timeline from the draft (levels as keyframes); the current one is kept."""
        info = self.timeline_info()
        project = self.project()
        taken = {str(project.GetTimelineByIndex(i).GetName())
                 for i in range(1, (_int(project.GetTimelineCount()) or 0) + 1)}
        base = name or f"{info.name} + Music Cog"
        name = base
        number = 2
        while name in taken:
            name, number = f"{base} {number}", number + 1
        otl = resolve_otio.draft_to_resolve_otio(draft, rate=info.rate,
                                                 start_frame=info.start_frame, name=name)
        missing, relative = resolve_otio.media_problems(otl)
        if missing or relative:
            listed = missing + [f"{p} (relative path)" for p in relative]
            raise ResolveMediaMissing(
                "Resolve would silently refuse this timeline because media files are missing: "
                + ", ".join(listed) + ". Relink or restore them, then try again.", listed)
        pool = project.GetMediaPool()
        before = {c.GetUniqueId() for c in _all_clips(pool.GetRootFolder())}
        with tempfile.TemporaryDirectory(prefix="musiccog-resolve-") as tmp:
            path = os.path.abspath(os.path.join(tmp, f"{uuid.uuid4().hex[:8]}.otio"))
            otio.adapters.write_to_file(otl, path, adapter_name="otio_json")
            new = pool.ImportTimelineFromFile(path, {"timelineName": name,
                                                     "importSourceClips": True})
        if new is None:
            stray = [c for c in _all_clips(pool.GetRootFolder()) if c.GetUniqueId() not in before]
            if stray:
                pool.DeleteClips(stray)
            raise ResolvePlacementError(
                f"Resolve refused to import the new timeline {name!r} (it gives no reason). "
                "Nothing was added; check that the media is online and try again.")
        project.SetCurrentTimeline(new)
        return PlacementReport("new_timeline", name, notes=[
            "Levels, fades and ducking are volume keyframes on the music clip.",
            "Grades and Fusion comps of the original timeline do not come along; "
            f"the original {info.name!r} is unchanged."])
