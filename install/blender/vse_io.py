"""The only module that reads or writes sequencer strips and timeline markers.

- :func:`read_snapshot` — the scene's edit as plain data (``musiccog.blender.snapshot``);
- :func:`apply_placement` — add the strips and markers a plan lists, tag them, and
  take everything back out if Blender refuses one (the edit is then as before);
- :func:`remove_added` — take out what an earlier :func:`apply_placement` added.

Existing strips are never moved or changed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import bpy

from musiccog.blender.placement import Placement, PlannedStrip
from musiccog.blender.rates import SceneRate
from musiccog.blender.snapshot import SceneSnapshot, StripSnapshot
from musiccog.errors import MusicCogError

from . import compat

#: Custom property set on every strip the add-on adds (value: the operation's tag).
TAG_KEY = "musiccog"


class VseError(MusicCogError):
    """The sequencer cannot be read or written as asked."""


@dataclass
class Added:
    """What one operation added: strip names and ``(marker name, frame)`` pairs."""

    tag: str
    strips: list[str] = field(default_factory=list)
    markers: list[tuple[str, int]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"tag": self.tag, "strips": self.strips, "markers": [list(m) for m in self.markers]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Added:
        return cls(
            tag=str(data.get("tag", "")),
            strips=[str(s) for s in data.get("strips", [])],
            markers=[(str(n), int(f)) for n, f in data.get("markers", [])],
        )


def require_editor(scene: Any) -> Any:
    """The scene's sequence editor with at least one strip; VseError otherwise."""
    se = scene.sequence_editor
    if se is None or len(compat.strips(se)) == 0:
        raise VseError(
            f"scene '{scene.name}' has no strips in the Video Sequencer. Add your clips to the "
            "sequencer first, then sync."
        )
    return se


def _abspath(path: str, library: Any = None) -> str:
    return os.path.normpath(bpy.path.abspath(path, library=library)) if path else ""


def _strip_source(strip: Any) -> str | None:
    if strip.type == "MOVIE":
        return _abspath(strip.filepath)
    if strip.type == "SOUND":
        sound = strip.sound
        return _abspath(sound.filepath, sound.library) if sound is not None else None
    if strip.type == "IMAGE" and len(strip.elements):
        return _abspath(os.path.join(strip.directory, strip.elements[0].filename))
    return None


def _volume_keys(scene: Any, strip: Any) -> tuple[tuple[float, float], ...]:
    path = strip.path_from_id("volume")
    for curve in compat.fcurves(scene):
        if curve.data_path == path:
            return tuple((float(k.co[0]), float(k.co[1])) for k in curve.keyframe_points)
    return ()


def _snapshot_strip(scene: Any, strip: Any) -> StripSnapshot:
    kind = strip.type
    return StripSnapshot(
        name=strip.name,
        kind=kind,
        channel=int(strip.channel),
        start_frame=int(strip.frame_final_start),
        end_frame=int(strip.frame_final_end),
        content_start_frame=float(strip.frame_start),
        source=_strip_source(strip),
        source_frames=float(strip.frame_duration) if kind in ("MOVIE", "SOUND") else None,
        volume=float(strip.volume) if kind == "SOUND" else None,
        muted=bool(strip.mute),
        color=tuple(float(c) for c in strip.color) if kind == "COLOR" else None,
        text=str(strip.text) if kind == "TEXT" else None,
        volume_keys=_volume_keys(scene, strip) if kind == "SOUND" else (),
    )


def read_snapshot(scene: Any) -> SceneSnapshot:
    """The scene's edit as plain data (an empty edit when there is no sequence editor)."""
    se = scene.sequence_editor
    items = list(compat.strips(se)) if se is not None else []
    channels = se.channels if se is not None else []
    names = {i: ch.name for i, ch in enumerate(channels) if i > 0}
    render = scene.render
    return SceneSnapshot(
        title=scene.name,
        rate=SceneRate(int(render.fps), float(render.fps_base)),
        frame_start=int(scene.frame_start),
        frame_end=int(scene.frame_end),
        width=int(render.resolution_x),
        height=int(render.resolution_y),
        strips=tuple(_snapshot_strip(scene, s) for s in items),
        markers=tuple((m.name, int(m.frame)) for m in scene.timeline_markers),
        channel_names=names,
        muted_channels=frozenset(i for i, ch in enumerate(channels) if i > 0 and ch.mute),
    )


def _linear_keys(scene: Any, strip: Any) -> None:
    path = strip.path_from_id("volume")
    for curve in compat.fcurves(scene):
        if curve.data_path == path:
            for point in curve.keyframe_points:
                point.interpolation = "LINEAR"
            curve.update()


def _check_readable(strip: Any, plan: PlannedStrip) -> None:
    """Blender adds unreadable media without complaint (0 Hz sound, 0 fps movie): refuse it."""
    sound = getattr(strip, "sound", None) if plan.kind == "SOUND" else None
    unreadable = (sound is not None and getattr(sound, "samplerate", 1) == 0) or (
        plan.kind == "MOVIE" and getattr(strip, "fps", 1) == 0
    )
    if unreadable:
        raise VseError(
            f"Blender cannot read {plan.source} ('{plan.name}'). Use a WAV, MP3, FLAC or "
            "video file Blender can play."
        )


def _create_strip(coll: Any, plan: PlannedStrip) -> Any:
    """The new strip at its media position (trimmed by :func:`_configure_strip`)."""
    name, channel = plan.name, plan.channel
    if plan.kind in ("SOUND", "MOVIE"):
        make = coll.new_sound if plan.kind == "SOUND" else coll.new_movie
        strip = make(name, plan.source, channel, plan.content_start_frame)
    elif plan.kind == "IMAGE":
        strip = coll.new_image(name, plan.source, channel, plan.start_frame)
    else:
        strip = compat.new_effect(coll, name, plan.kind, channel, plan.start_frame, plan.end_frame)
        if plan.kind == "COLOR" and plan.color is not None:
            strip.color = plan.color
        if plan.kind == "TEXT" and plan.text is not None:
            strip.text = plan.text
    return strip


def _configure_strip(scene: Any, strip: Any, plan: PlannedStrip) -> None:
    name, channel = plan.name, plan.channel
    _check_readable(strip, plan)
    if plan.kind in ("SOUND", "MOVIE"):
        strip.frame_final_start = plan.start_frame
    strip.frame_final_end = plan.end_frame
    if strip.channel != channel:  # Blender shuffled the untrimmed strip off an overlap
        strip.channel = channel
    placed = (strip.channel, strip.frame_final_start, strip.frame_final_end)
    if placed != (channel, plan.start_frame, plan.end_frame):
        raise VseError(
            f"Blender placed '{name}' at channel {placed[0]}, frames {placed[1]}–{placed[2]} "
            f"instead of channel {channel}, frames {plan.start_frame}–{plan.end_frame}."
        )
    if plan.kind == "SOUND":
        strip.volume = plan.volume
        for frame, volume in plan.keyframes:
            strip.volume = volume
            strip.keyframe_insert("volume", frame=frame)
        if plan.keyframes:
            _linear_keys(scene, strip)


def apply_placement(scene: Any, plan: Placement, *, tag: str) -> Added:
    """Add the plan's strips and markers (tagged ``tag``); all or nothing.

    When the plan carries a scene rate / in-out (import into an empty sequencer)
    they are applied too. Raises VseError, after removing what it had added,
    when Blender refuses a strip (unsupported or unreadable media).
    """
    se = scene.sequence_editor_create()
    coll = compat.strips(se)
    added = Added(tag=tag)
    render = scene.render
    saved = (render.fps, render.fps_base, scene.frame_start, scene.frame_end)
    # The rate goes first: Blender rescales sound strips when the rate changes.
    if plan.scene_rate is not None:
        render.fps, render.fps_base = plan.scene_rate.fps, plan.scene_rate.fps_base
    if plan.frame_range is not None:
        scene.frame_start, scene.frame_end = plan.frame_range
    try:
        for item in plan.strips:
            try:
                strip = _create_strip(coll, item)
                strip[TAG_KEY] = tag
                added.strips.append(strip.name)
                _configure_strip(scene, strip, item)
            except (RuntimeError, TypeError, ValueError) as exc:
                raise VseError(
                    f"Blender could not add '{item.name}' from {item.source or item.kind}: "
                    f"{str(exc).strip()}. Check that the file is a media file Blender can read."
                ) from None
        for marker in plan.markers:
            scene.timeline_markers.new(marker.name, frame=marker.frame)
            added.markers.append((marker.name, marker.frame))
    except BaseException:
        remove_added(scene, added)
        render.fps, render.fps_base = saved[0], saved[1]
        scene.frame_start, scene.frame_end = saved[2], saved[3]
        raise
    return added


def remove_added(scene: Any, added: Added) -> int:
    """Remove the strips (still tagged ``added.tag``) and markers ``added`` lists; returns count."""
    count = 0
    se = scene.sequence_editor
    if se is not None:
        coll = compat.strips(se)
        for name in added.strips:
            strip = coll.get(name)
            if strip is not None and strip.get(TAG_KEY) == added.tag:
                coll.remove(strip)
                count += 1
    for name, frame in added.markers:
        for marker in list(scene.timeline_markers):
            if marker.name == name and marker.frame == frame:
                scene.timeline_markers.remove(marker)
                count += 1
                break
    return count
