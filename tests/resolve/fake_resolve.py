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

import itertools
import os
import wave
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import opentimelineio as otio

_ids = itertools.count(1)
MARKER_COLORS = {
    "Blue", "Cyan", "Green", "Yellow", "Red", "Pink", "Purple", "Fuchsia",
    "Rose", "Lavender", "Sky", "Mint", "Lemon", "Sand", "Cocoa", "Cream",
}
AUDIO_SUBTYPES = {"mono", "stereo", "5.1", "5.1film", "7.1", "7.1film"} | {
    f"adaptive{n}" for n in range(1, 25)
}
APPEND_KEYS = {"mediaPoolItem", "startFrame", "endFrame", "mediaType", "trackIndex", "recordFrame"}
IMPORT_KEYS = {"timelineName", "importSourceClips", "sourceClipsPath", "sourceClipsFolders",
               "interlaceProcessing"}
_NTSC = {"23.976": Fraction(24000, 1001), "29.97": Fraction(30000, 1001),
         "59.94": Fraction(60000, 1001), "47.952": Fraction(48000, 1001)}


def _rate(text: str) -> Fraction:
    text = str(text).replace("DF", "").strip()
    return _NTSC.get(text, Fraction(text))


def _uid() -> str:
    return f"fake-{next(_ids)}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class FakeMediaPoolItem:
    def __init__(self, path: str, fps: str, frames: int, *, audio_only: bool, name: str = ""):
        self._id = _uid()
        self.path = path
        self.fps = fps
        self.frames = frames
        self.audio_only = audio_only
        self.name = name or os.path.basename(path)

    def GetName(self) -> str:
        return self.name

    def GetUniqueId(self) -> str:
        return self._id

    def GetMediaId(self) -> str:
        return self._id

    def GetClipProperty(self, key: str | None = None) -> Any:
        props = {
            "File Path": self.path, "Clip Name": self.name, "FPS": self.fps,
            "Frames": str(self.frames), "Type": "Audio" if self.audio_only else "Video + Audio",
        }
        if key is None or key == "":
            return props
        return props.get(key, "")


@dataclass
class FakeFolder:
    name: str
    parent: FakeFolder | None = None
    clips: list[FakeMediaPoolItem] = field(default_factory=list)
    subfolders: list[FakeFolder] = field(default_factory=list)
    _id: str = field(default_factory=_uid)

    def GetName(self) -> str:
        return self.name

    def GetClipList(self) -> list[FakeMediaPoolItem]:
        return list(self.clips)

    def GetSubFolderList(self) -> list[FakeFolder]:
        return list(self.subfolders)

    def GetUniqueId(self) -> str:
        return self._id


class FakeTimelineItem:
    def __init__(self, timeline: FakeTimeline, kind: str, clip: FakeMediaPoolItem | None,
                 start: int, end: int, source_start: int, name: str = ""):
        self._id = _uid()
        self.timeline = timeline
        self.kind = kind
        self.clip = clip
        self.start = start
        self.end = end
        self.source_start = source_start
        self.name = name or (clip.name if clip else "item")
        self.volume_keys: dict[int, float] = {}
        self.volume_db: float | None = None

    def GetName(self) -> str:
        return self.name

    def GetStart(self) -> int:
        return self.start

    def GetEnd(self) -> int:
        return self.end

    def GetDuration(self) -> int:
        return self.end - self.start

    def GetLeftOffset(self) -> int:
        return self.source_start

    def GetRightOffset(self) -> int:
        if self.clip is None:
            return 0
        return max(0, self.clip.frames - self.source_start - self.GetDuration())

    def GetSourceStartFrame(self) -> int:
        return self.source_start

    def GetMediaPoolItem(self) -> FakeMediaPoolItem | None:
        return self.clip

    def GetUniqueId(self) -> str:
        return self._id

    def GetTrackTypeAndIndex(self) -> list[Any]:
        for kind, tracks in self.timeline.tracks.items():
            for index, track in enumerate(tracks, start=1):
                if self in track["items"]:
                    return [kind, index]
        return []

    def SetProperty(self, key: str, value: Any) -> bool:
        return False  # "Volume" is refused on audio items; video properties not modelled

    def GetProperty(self, key: str | None = None) -> Any:
        return {} if key is None else None


class FakeTimeline:
    def __init__(self, project: FakeProject, name: str, *, start_frame: int):
        self._id = _uid()
        self.project = project
        self.name = name
        self.start_frame = start_frame
        self.tracks: dict[str, list[dict[str, Any]]] = {"video": [], "audio": [], "subtitle": []}
        self.markers: dict[int, dict[str, Any]] = {}
        for kind in ("video", "audio"):
            self._add_track(kind, "stereo" if kind == "audio" else None)

    # -- helpers used by tests -------------------------------------------------
    def _add_track(self, kind: str, subtype: str | None, index: int | None = None) -> None:
        number = len(self.tracks[kind]) + 1
        prefix = {"video": "Video", "audio": "Audio", "subtitle": "Subtitle"}[kind]
        track = {"name": f"{prefix} {number}", "items": [], "enabled": True, "subtype": subtype}
        if index is None:
            self.tracks[kind].append(track)
        else:
            self.tracks[kind].insert(index - 1, track)

    def place(self, kind: str, index: int, clip: FakeMediaPoolItem | None, *, record: int,
              frames: int, source_start: int = 0, name: str = "") -> FakeTimelineItem:
        """Test set-up: put an item on a track (no checks beyond track existence)."""
        while len(self.tracks[kind]) < index:
            self._add_track(kind, "stereo" if kind == "audio" else None)
        item = FakeTimelineItem(self, kind, clip, record, record + frames, source_start, name)
        self.tracks[kind][index - 1]["items"].append(item)
        self.tracks[kind][index - 1]["items"].sort(key=lambda i: i.start)
        return item

    @property
    def rate(self) -> Fraction:
        return _rate(self.project.settings["timelineFrameRate"])

    def _end(self) -> int:
        ends = [i.end for tracks in self.tracks.values() for t in tracks for i in t["items"]]
        return max(ends, default=self.start_frame)

    # -- the documented API ----------------------------------------------------
    def GetName(self) -> str:
        return self.name

    def GetUniqueId(self) -> str:
        return self._id

    def GetStartFrame(self) -> int:
        return self.start_frame

    def GetEndFrame(self) -> int:
        return self._end()

    def GetStartTimecode(self) -> str:
        return self.project.timecode_of(self.start_frame)

    def GetSetting(self, key: str | None = None) -> Any:
        return self.project.GetSetting(key)

    def GetTrackCount(self, kind: str) -> int:
        return len(self.tracks.get(kind, []))

    def GetTrackName(self, kind: str, index: int) -> str:
        if kind not in self.tracks or not 1 <= index <= len(self.tracks[kind]):
            return ""
        return self.tracks[kind][index - 1]["name"]

    def GetIsTrackEnabled(self, kind: str, index: int) -> bool:
        if kind not in self.tracks or not 1 <= index <= len(self.tracks[kind]):
            return False
        return self.tracks[kind][index - 1]["enabled"]

    def AddTrack(self, kind: str, options: Any = None) -> bool:
        if self.project.resolve._fail("AddTrack") or kind not in self.tracks:
            return False
        subtype, index = None, None
        if isinstance(options, dict):
            if set(options) - {"audioType", "index"}:
                return False
            subtype, index = options.get("audioType"), options.get("index")
        elif options is not None:
            subtype = options
        if kind == "audio":
            subtype = subtype or "mono"
            if subtype not in AUDIO_SUBTYPES:
                return False
        elif subtype is not None:
            return False
        if index is not None and not (_is_int(index) and 1 <= index <= len(self.tracks[kind])):
            index = None
        self._add_track(kind, subtype, index)
        return True

    def DeleteTrack(self, kind: str, index: int) -> bool:
        if self.project.resolve._fail("DeleteTrack"):
            return False
        if kind not in self.tracks or not (_is_int(index) and 1 <= index <= len(self.tracks[kind])):
            return False
        del self.tracks[kind][index - 1]
        return True

    def GetItemListInTrack(self, kind: str, index: int) -> list[FakeTimelineItem] | None:
        if kind not in self.tracks or not (_is_int(index) and 1 <= index <= len(self.tracks[kind])):
            return None
        return list(self.tracks[kind][index - 1]["items"])

    def DeleteClips(self, items: list[FakeTimelineItem], ripple: bool = False) -> bool:
        if self.project.resolve._fail("DeleteClips") or ripple:
            return False
        found = False
        for tracks in self.tracks.values():
            for track in tracks:
                for item in list(track["items"]):
                    if item in items:
                        track["items"].remove(item)
                        found = True
        return found

    def AddMarker(self, frame: Any, color: str, name: str, note: str, duration: Any,
                  custom_data: str = "") -> bool:
        if self.project.resolve._fail("AddMarker"):
            return False
        if not isinstance(frame, (int, float)) or isinstance(frame, bool) or frame != int(frame):
            return False
        frame = int(frame)
        if color not in MARKER_COLORS or not all(isinstance(s, str) for s in (name, note)):
            return False
        if not _is_int(duration) or duration < 1:
            return False
        if frame in self.markers or not 0 <= frame < max(1, self._end() - self.start_frame):
            return False
        self.markers[frame] = {"color": color, "duration": float(duration), "note": note,
                               "name": name, "customData": custom_data or ""}
        return True

    def GetMarkers(self) -> dict[float, dict[str, Any]]:
        return {float(f): dict(m) for f, m in sorted(self.markers.items())}

    def DeleteMarkerAtFrame(self, frame: Any) -> bool:
        return self.markers.pop(int(frame), None) is not None

    def DeleteMarkerByCustomData(self, custom_data: str) -> bool:
        for frame, marker in sorted(self.markers.items()):
            if marker["customData"] == custom_data:
                del self.markers[frame]
                return True
        return False

    def Export(self, path: str, export_type: Any, export_subtype: Any = None) -> bool:
        resolve = self.project.resolve
        if export_type != FakeResolve.EXPORT_OTIO or resolve.version[:2] < [18, 5]:
            return False
        if resolve._fail("Export"):
            return False
        otio.adapters.write_to_file(self.to_otio(), path, adapter_name="otio_json")
        return True

    def to_otio(self) -> otio.schema.Timeline:
        """This timeline in Resolve's OTIO dialect (as far as public exports show it)."""
        rate = float(self.rate)
        tl = otio.schema.Timeline(name=self.name)
        tl.global_start_time = otio.opentime.RationalTime(self.start_frame, rate)
        tl.metadata["Resolve_OTIO"] = {"Resolve OTIO Meta Version": "1.0"}
        for kind in ("video", "audio"):
            for track in self.tracks[kind]:
                otrack = otio.schema.Track(
                    name=track["name"],
                    kind=(otio.schema.TrackKind.Video if kind == "video"
                          else otio.schema.TrackKind.Audio),
                )
                cursor = self.start_frame
                for item in track["items"]:
                    if item.start > cursor:
                        otrack.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(
                            duration=otio.opentime.RationalTime(item.start - cursor, rate))))
                    clip_rate = float(_rate(item.clip.fps)) if item.clip else rate
                    clip = otio.schema.Clip(
                        name=item.name,
                        media_reference=otio.schema.ExternalReference(
                            target_url=item.clip.path if item.clip else "",
                            available_range=otio.opentime.TimeRange(
                                duration=otio.opentime.RationalTime(
                                    item.clip.frames if item.clip else 0, clip_rate)),
                        ),
                        source_range=otio.opentime.TimeRange(
                            otio.opentime.RationalTime(item.source_start, rate),
                            otio.opentime.RationalTime(item.GetDuration(), rate)),
                    )
                    if kind == "audio":
                        clip.effects.append(otio.schema.Effect(
                            name="", effect_name="Resolve Effect",
                            metadata={"Resolve_OTIO": {
                                "Effect Name": "Fairlight Clip Volume and Fades",
                                "Enabled": True, "Name": "Volume", "Parameters": [],
                                "Type": 62}}))
                    otrack.append(clip)
                    cursor = item.end
                tl.tracks.append(otrack)
        for frame, marker in sorted(self.markers.items()):
            m = otio.schema.Marker(
                name=marker["name"],
                marked_range=otio.opentime.TimeRange(
                    otio.opentime.RationalTime(frame + self.start_frame, rate),
                    otio.opentime.RationalTime(marker["duration"], rate)),
                color=marker["color"].upper() if marker["color"].upper() in (
                    "RED", "GREEN", "BLUE", "CYAN", "YELLOW", "PINK", "PURPLE") else "RED",
                metadata={"Resolve_OTIO": {"Keywords": [], "Note": marker["note"]}},
            )
            tl.tracks.markers.append(m)
        return tl


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
            with wave.open(path, "rb") as wav:
                seconds = Fraction(wav.getnframes(), wav.getframerate())
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
