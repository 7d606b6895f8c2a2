"""File ▸ Export/Import "OpenTimelineIO / Music Cog draft": movie, sound, image, colour and
text strips, channels, gaps, markers and an NTSC rate, checked in the OTIO file and back."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import bl_common as c
import bpy
import opentimelineio as otio


def build(cfg):  # type: ignore[no-untyped-def]
    scene = c.fresh_scene(fps=30, fps_base=1.001, frame_start=1, frame_end=150)
    se = scene.sequence_editor
    strips = se.strips
    movie = strips.new_movie("clip", cfg["clip"], 1, 11)     # gap of 10 frames before it
    movie.frame_final_start = 21                              # trimmed: in-point 10 frames
    strips.new_sound("clip_audio", cfg["clip"], 2, 11)
    img = strips.new_image("still", cfg["png"], 3, 120)
    img.frame_final_end = 140
    col = strips.new_effect("black", "COLOR", 4, 1, length=15)
    col.color = (0.1, 0.2, 0.3)
    txt = strips.new_effect("title", "TEXT", 5, 30, length=30)
    txt.text = "Old Town"
    strips.new_effect("blur", "GAUSSIAN_BLUR", 6, 1, length=10, input1=col)
    scene.timeline_markers.new("start", frame=1)
    scene.timeline_markers.new("hit", frame=61)
    return scene


def secs(rt: otio.opentime.RationalTime) -> float:
    return rt.to_seconds()


def main() -> None:
    cfg = c.config()
    c.load_addon(cfg)
    scene = build(cfg)
    before = c.strip_state(scene)
    out = Path(cfg["tmp"]) / "edit.otio"
    c.expect(bpy.ops.musiccog.export_otio(filepath=str(out)) == {"FINISHED"}, "export failed")
    c.expect(c.strip_state(scene) == before, "export changed the edit")

    tl = otio.adapters.read_from_file(str(out))
    rate = Fraction(30000, 1001)
    kinds = [(t.kind, t.name) for t in tl.tracks]
    c.expect(kinds == [("Video", "Channel 1"), ("Audio", "Channel 2"), ("Video", "Channel 3"),
                       ("Video", "Channel 4"), ("Video", "Channel 5")], f"tracks {kinds}")
    v1 = tl.tracks[0]
    items = list(v1)
    c.expect(isinstance(items[0], otio.schema.Gap), f"no gap first: {items}")
    c.expect(round(items[0].duration().value) == 20, f"gap {items[0].duration()}")
    clip = items[1]
    c.expect(clip.media_reference.target_url == cfg["clip"], clip.media_reference.target_url)
    sr = clip.source_range
    c.expect(abs(Fraction(sr.start_time.rate).limit_denominator(1001) - rate) < 1e-6
             or abs(sr.start_time.rate - float(rate)) < 1e-6, f"rate {sr.start_time.rate}")
    c.expect(round(sr.start_time.value) == 10, f"in-point {sr.start_time}")
    c.expect(round(sr.duration.value) == 86, f"clip duration {sr.duration}")  # 21..107
    c.expect(abs(secs(sr.duration) - 86 * 1.001 / 30) < 1e-3, f"seconds {secs(sr.duration)}")
    audio = tl.tracks[1][1]
    c.expect(round(audio.source_range.duration.value) == 120, "sound length (4 s)")
    still = [i for i in tl.tracks[2] if isinstance(i, otio.schema.Clip)][0]
    c.expect(still.media_reference.target_url == cfg["png"], "image path")
    c.expect(round(tl.tracks[2].range_of_child(still).start_time.value) == 119, "image start")
    colour = tl.tracks[3][0]
    c.expect(isinstance(colour.media_reference, otio.schema.MissingReference), "colour media")
    title = [i for i in tl.tracks[4] if isinstance(i, otio.schema.Clip)][0]
    c.expect(isinstance(title.media_reference, otio.schema.GeneratorReference), "text ref")
    c.expect(title.media_reference.parameters["text"] == "Old Town", "text")
    marks = sorted((m.name, round(m.marked_range.start_time.value)) for m in tl.tracks.markers)
    c.expect(marks == [("hit", 60), ("start", 0)], f"markers {marks}")
    c.expect(tl.global_start_time is None or secs(tl.global_start_time) == 0, "start time")

    # The draft flavour: .json is the draft itself.
    draft_path = Path(cfg["tmp"]) / "edit.json"
    c.expect(bpy.ops.musiccog.export_otio(filepath=str(draft_path)) == {"FINISHED"}, "json")
    data = json.loads(draft_path.read_text())
    c.expect(data["m"]["fps"] == 29.97, f"fps {data['m']['fps']}")
    c.expect(data["d"] == 5005, f"d {data['d']}")  # 150 frames at 29.97
    col_seg = data["t"][3]["sg"][0]
    c.expect(col_seg["m"]["blender"]["color"] == [0.1, 0.2, 0.3], str(col_seg))

    # Import into an empty scene: same strips, channels, frames, rate and range.
    original = {r[0]: r for r in before[:-1]}
    scene2 = bpy.data.scenes.new("Imported")
    scene2.sequence_editor_create()
    bpy.context.window.scene = scene2
    c.expect(bpy.ops.musiccog.import_otio(filepath=str(out)) == {"FINISHED"}, "import failed")
    c.expect((scene2.render.fps, round(scene2.render.fps_base, 3)) == (30, 1.001), "rate")
    c.expect((scene2.frame_start, scene2.frame_end) == (1, 150), "range")
    got = {s.name: s for s in scene2.sequence_editor.strips}
    c.expect(set(got) == set(original) - {"blur"}, f"imported {sorted(got)}")
    for name, s in got.items():
        o = original[name]
        c.expect((s.type, s.channel, s.frame_final_start, s.frame_final_end)
                 == (o[1], o[2], o[4], o[5]), f"{name}: {s.type} {s.channel} "
                 f"{s.frame_final_start}-{s.frame_final_end} != {o}")
    c.expect(got["clip"].frame_start == original["clip"][3], "movie content start")
    c.expect(tuple(round(x, 3) for x in got["black"].color) == (0.1, 0.2, 0.3), "colour")
    c.expect(got["title"].text == "Old Town", "title text")
    marks2 = sorted((m.name, m.frame) for m in scene2.timeline_markers)
    c.expect(marks2 == [("hit", 61), ("start", 1)], f"markers {marks2}")

    # Import into a scene with an edit: stacked above, nothing moved.
    bpy.context.window.scene = scene
    c.expect(bpy.ops.musiccog.import_otio(filepath=str(out)) == {"FINISHED"}, "import 2")
    old = {r[0] for r in before[:-1]}
    c.expect([r for r in c.strip_state(scene)[:-1] if r[0] in old] == before[:-1], "moved")
    new_channels = sorted({s.channel for s in scene.sequence_editor.strips if s.name not in old})
    c.expect(new_channels == [7, 8, 9, 10, 11], f"stacked on {new_channels}")
    c.expect((scene.render.fps, scene.frame_end) == (30, 150), "scene settings changed")


c.run(main)
