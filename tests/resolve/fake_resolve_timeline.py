"""The timeline half of the FAKE of Resolve's scripting API (see fake_resolve.py) — tests only.

Media pool items and folders, timelines with tracks, items and markers, and the
OTIO export in Resolve's dialect.
"""

from __future__ import annotations

import itertools
import os
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
    def __init__(self, project: Any, name: str, *, start_frame: int):  # a FakeProject
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
        if export_type != resolve.EXPORT_OTIO or resolve.version[:2] < [18, 5]:
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
