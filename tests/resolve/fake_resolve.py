"""A FAKE of DaVinci Resolve's documented Python scripting API — for tests only.

It is not Resolve.  It keeps real state (projects, media pool folders and clips
with properties, timelines with video/audio/subtitle tracks, items with record
frames and source offsets, markers keyed by frame, frame-rate and start-timecode
settings) and answers the way Resolve's README (and the public measurements
listed in docs/resolve.md) say Resolve answers: falsy results rather than
exceptions, and refusals for what Resolve refuses:

- ``AppendToTimeline``: unknown clipInfo keys, non-int frames, mediaType not 1/2,
  trackIndex out of range, a range outside the clip, a record range that
  overlaps an item on the target track → ``[]`` (the whole batch);
  ``endFrame`` exclusive from version 19, inclusive before (as reported);
- ``AddMarker`` on an occupied frame, outside the timeline or with an unknown
  colour → False; marker frames are relative to the timeline start;
- ``ImportTimelineFromFile`` → None when any referenced media is missing, the
  path is relative, the name is taken or an option key is unknown;
- ``Export(path, EXPORT_OTIO)`` → False before 18.5; otherwise a real .otio file
  in Resolve's dialect (``Resolve_OTIO`` metadata, global start = start frame);
- ``TimelineItem.SetProperty("Volume", …)`` → False on audio items;
- audio-only media pool items report ``FPS`` 24 whatever the timeline rate.

``fail_on`` makes a named method fail once called (returns its falsy answer),
to test roll-back.  ``state()`` dumps everything for before/after comparisons.
"""

from __future__ import annotations

import os
from fractions import Fraction
from typing import Any

import opentimelineio as otio

from tests.resolve.fake_resolve_timeline import (
    APPEND_KEYS,
    IMPORT_KEYS,
    FakeFolder,
    FakeMediaPoolItem,
    FakeTimeline,
    FakeTimelineItem,
    _is_int,
    _rate,
)

__all__ = ["FakeFolder", "FakeMediaPool", "FakeMediaPoolItem", "FakeProject", "FakeResolve",
           "FakeTimeline", "FakeTimelineItem"]


class FakeMediaPool:
    def __init__(self, project: FakeProject):
        self.project = project
        self.root = FakeFolder("Master")
        self.current = self.root

    def _all_folders(self, folder: FakeFolder | None = None) -> list[FakeFolder]:
        folder = folder or self.root
        out = [folder]
        for sub in folder.subfolders:
            out += self._all_folders(sub)
        return out

    def GetRootFolder(self) -> FakeFolder:
        return self.root

    def GetCurrentFolder(self) -> FakeFolder:
        return self.current

    def SetCurrentFolder(self, folder: FakeFolder) -> bool:
        if folder not in self._all_folders():
            return False
        self.current = folder
        return True

    def AddSubFolder(self, folder: FakeFolder, name: str) -> FakeFolder | None:
        if self.project.resolve._fail("AddSubFolder") or folder not in self._all_folders():
            return None
        sub = FakeFolder(name, parent=folder)
        folder.subfolders.append(sub)
        return sub

    def DeleteFolders(self, folders: list[FakeFolder]) -> bool:
        ok = True
        for folder in folders:
            if folder is self.root or folder.parent is None or folder not in self._all_folders():
                ok = False
                continue
            folder.parent.subfolders.remove(folder)
            if self.current in self._all_folders(folder):
                self.current = self.root
        return ok

    def DeleteClips(self, clips: list[FakeMediaPoolItem]) -> bool:
        found = False
        for folder in self._all_folders():
            for clip in list(folder.clips):
                if clip in clips:
                    folder.clips.remove(clip)
                    found = True
        return found

    def DeleteTimelines(self, timelines: list[FakeTimeline]) -> bool:
        found = False
        for tl in timelines:
            if tl in self.project.timelines:
                self.project.timelines.remove(tl)
                if self.project.current is tl:
                    remaining = self.project.timelines
                    self.project.current = remaining[0] if remaining else None
                found = True
        return found

    def ImportMedia(self, paths: list[str]) -> list[FakeMediaPoolItem]:
        if self.project.resolve._fail("ImportMedia") or not isinstance(paths, list):
            return []
        made = []
        for path in paths:
            if not isinstance(path, str) or not os.path.isfile(path):
                continue
            existing = [c for f in self._all_folders() for c in f.clips if c.path == path]
            if existing:
                made.append(existing[0])
                continue
            clip = self.project.resolve.media_item_for(path, self.project)
            self.current.clips.append(clip)
            made.append(clip)
        return made

    def AppendToTimeline(self, infos: Any) -> list[FakeTimelineItem]:
        resolve = self.project.resolve
        timeline = self.project.current
        if resolve._fail("AppendToTimeline") or timeline is None or not isinstance(infos, list):
            return []
        planned = []
        for info in infos:
            if not isinstance(info, dict) or set(info) - APPEND_KEYS:
                return []
            clip = info.get("mediaPoolItem")
            if not isinstance(clip, FakeMediaPoolItem):
                return []
            nums = {k: info[k] for k in APPEND_KEYS - {"mediaPoolItem"} if k in info}
            if not all(_is_int(v) for v in nums.values()):
                return []
            media_type = info.get("mediaType", 2 if clip.audio_only else 1)
            if media_type not in (1, 2) or (media_type == 1 and clip.audio_only):
                return []
            kind = "audio" if media_type == 2 else "video"
            index = info.get("trackIndex", 1)
            if not 1 <= index <= len(timeline.tracks[kind]):
                return []
            start = info.get("startFrame", 0)
            end = info.get("endFrame", clip.frames if resolve.version[0] >= 19 else clip.frames - 1)
            count = end - start if resolve.version[0] >= 19 else end - start + 1
            if start < 0 or count <= 0 or start + count > clip.frames:
                return []
            # source frames (at the clip's rate) to record frames (at the timeline's rate)
            tl_frames = round(Fraction(count) * timeline.rate / _rate(clip.fps))
            record = info.get("recordFrame", timeline._end())
            for other in timeline.tracks[kind][index - 1]["items"]:
                if record < other.end and other.start < record + tl_frames:
                    return []
            for k2, i2, r2, f2, *_ in planned:
                if k2 == kind and i2 == index and record < r2 + f2 and r2 < record + tl_frames:
                    return []
            planned.append((kind, index, record, tl_frames, clip, start))
        return [timeline.place(kind, index, clip, record=record, frames=frames,
                               source_start=start)
                for kind, index, record, frames, clip, start in planned]

    def ImportTimelineFromFile(self, path: Any, options: Any = None) -> FakeTimeline | None:
        options = options or {}
        resolve = self.project.resolve
        if resolve._fail("ImportTimelineFromFile"):
            return None
        if not isinstance(options, dict) or set(options) - IMPORT_KEYS:
            return None
        if not isinstance(path, str) or not os.path.isabs(path) or not os.path.isfile(path):
            return None
        name = options.get("timelineName") or os.path.splitext(os.path.basename(path))[0]
        if any(t.name == name for t in self.project.timelines):
            return None
        try:
            otl = otio.adapters.read_from_file(path)
        except Exception:
            return None
        refs = [c.media_reference for c in otl.find_clips()]
        paths = [r.target_url.removeprefix("file://") for r in refs
                 if isinstance(r, otio.schema.ExternalReference)]
        if not all(os.path.isfile(p) for p in paths):
            return None
        rate = Fraction(otl.global_start_time.rate).limit_denominator(1001) \
            if otl.global_start_time else self.project.timelines[0].rate
        start = int(round(otl.global_start_time.value)) if otl.global_start_time else 0
        new = FakeTimeline(self.project, name, start_frame=start)
        new.tracks = {"video": [], "audio": [], "subtitle": []}
        for otrack in otl.tracks:
            kind = "audio" if otrack.kind == otio.schema.TrackKind.Audio else "video"
            new._add_track(kind, "stereo" if kind == "audio" else None)
            new.tracks[kind][-1]["name"] = otrack.name or new.tracks[kind][-1]["name"]
            for child in otrack:
                if not isinstance(child, otio.schema.Clip):
                    continue
                rng = otrack.range_of_child(child)
                rec = start + int(round(rng.start_time.rescaled_to(float(rate)).value))
                frames = int(round(rng.duration.rescaled_to(float(rate)).value))
                ref = child.media_reference
                clip = None
                if isinstance(ref, otio.schema.ExternalReference):
                    clip = self.ImportMedia([ref.target_url.removeprefix("file://")])[0]
                item = new.place(kind, len(new.tracks[kind]), clip, record=rec, frames=frames,
                                 source_start=int(round(child.source_range.start_time.value)),
                                 name=child.name)
                for effect in child.effects:
                    meta = dict(effect.metadata).get("Resolve_OTIO") or {}
                    if meta.get("Effect Name") != "Fairlight Clip Volume and Fades":
                        continue
                    for param in meta.get("Parameters") or []:
                        if param.get("Parameter ID") == "volume":
                            item.volume_db = float(param.get("Parameter Value", 0.0))
                            item.volume_keys = {
                                int(k): float(v["Value"])
                                for k, v in dict(param.get("Key Frames") or {}).items()}
        for marker in otl.tracks.markers:
            frame = int(round(marker.marked_range.start_time.value)) - start
            new.markers[frame] = {"color": "Blue", "duration": 1.0, "note": "",
                                  "name": marker.name, "customData": ""}
        self.project.timelines.append(new)
        return new


class FakeProject:
    def __init__(self, resolve: FakeResolve, name: str, *, rate: str, start_tc: str):
        self.resolve = resolve
        self.name = name
        self.settings: dict[str, str] = {
            "timelineFrameRate": rate.replace(" DF", ""),
            "timelineDropFrameTimecode": "1" if "DF" in rate else "0",
            "timelineResolutionWidth": "1920",
            "timelineResolutionHeight": "1080",
        }
        self.media_pool = FakeMediaPool(self)
        self.timelines: list[FakeTimeline] = []
        self.current: FakeTimeline | None = None
        self.start_tc = start_tc

    def timecode_of(self, frame: int) -> str:
        from opentimelineio import opentime

        rate = float(_rate(self.settings["timelineFrameRate"]))
        drop = self.settings["timelineDropFrameTimecode"] == "1"
        return opentime.to_timecode(opentime.RationalTime(frame, rate), rate, drop)

    def GetName(self) -> str:
        return self.name

    def GetMediaPool(self) -> FakeMediaPool:
        return self.media_pool

    def GetSetting(self, key: str | None = None) -> Any:
        if key is None or key == "":
            return dict(self.settings)
        return self.settings.get(key, "")

    def GetTimelineCount(self) -> int:
        return len(self.timelines)

    def GetTimelineByIndex(self, index: int) -> FakeTimeline | None:
        if not _is_int(index) or not 1 <= index <= len(self.timelines):
            return None
        return self.timelines[index - 1]

    def GetCurrentTimeline(self) -> FakeTimeline | None:
        return self.current

    def SetCurrentTimeline(self, timeline: FakeTimeline) -> bool:
        if timeline not in self.timelines:
            return False
        self.current = timeline
        return True

    def new_timeline(self, name: str = "Timeline 1") -> FakeTimeline:
        """Test set-up: a timeline starting at the project's start timecode; made current."""
        from opentimelineio import opentime

        rate = float(_rate(self.settings["timelineFrameRate"]))
        start = int(round(opentime.from_timecode(self.start_tc, rate).value))
        tl = FakeTimeline(self, name, start_frame=start)
        self.timelines.append(tl)
        self.current = tl
        return tl


class FakeProjectManager:
    def __init__(self, project: FakeProject | None):
        self.project = project

    def GetCurrentProject(self) -> FakeProject | None:
        return self.project


class FakeResolve:
    """The ``resolve`` object (``scriptapp("Resolve")``)."""

    EXPORT_OTIO = 30  # an opaque constant, as in Resolve
    EXPORT_AAF = 0

    def __init__(self, *, rate: str = "24", start_tc: str = "01:00:00:00",
                 product: str = "DaVinci Resolve Studio", version: list[Any] | None = None,
                 audio_fps: str = "24", with_project: bool = True):
        self.product = product
        self.version = list(version or [20, 2, 0, 8, ""])
        self.audio_fps = audio_fps
        self.fail_on: set[str] = set()
        self.calls: list[str] = []
        self.media_frames: dict[str, int] = {}
        project = FakeProject(self, "Project 1", rate=rate, start_tc=start_tc) if with_project \
            else None
        self.project = project
        self.manager = FakeProjectManager(project)

    def _fail(self, method: str) -> bool:
        self.calls.append(method)
        return method in self.fail_on

    def media_item_for(self, path: str, project: FakeProject) -> FakeMediaPoolItem:
        if path.lower().endswith(".wav"):
            import soundfile  # Resolve reads PCM and float WAVs alike (``wave`` only PCM)

            info = soundfile.info(path)
            seconds = Fraction(info.frames, info.samplerate)
            return FakeMediaPoolItem(path, self.audio_fps,
                                     int(seconds * _rate(self.audio_fps)), audio_only=True)
        fps = project.settings["timelineFrameRate"]
        frames = self.media_frames.get(path, int(600 * _rate(fps)))
        return FakeMediaPoolItem(path, fps, frames, audio_only=False)

    def GetProductName(self) -> str:
        return self.product

    def GetVersion(self) -> list[Any]:
        return list(self.version)

    def GetVersionString(self) -> str:
        return ".".join(str(v) for v in self.version[:3])

    def GetProjectManager(self) -> FakeProjectManager:
        return self.manager

    def state(self) -> dict[str, Any]:
        """Everything this fake holds, as plain data (for before/after comparisons)."""
        def folder(f: FakeFolder) -> dict[str, Any]:
            return {"name": f.name, "clips": [(c.GetUniqueId(), c.path) for c in f.clips],
                    "sub": [folder(s) for s in f.subfolders]}

        project = self.project
        if project is None:
            return {}
        return {
            "folders": folder(project.media_pool.root),
            "current_folder": project.media_pool.current.GetUniqueId(),
            "current_timeline": project.current.GetUniqueId() if project.current else None,
            "timelines": [
                {"name": tl.name, "start": tl.start_frame, "markers": tl.GetMarkers(),
                 "tracks": {k: [(t["name"], t["enabled"], t["subtype"],
                                 [(i.GetUniqueId(), i.start, i.end, i.source_start)
                                  for i in t["items"]]) for t in v]
                            for k, v in tl.tracks.items()}}
                for tl in project.timelines
            ],
        }
