"""Sync with the real local engine: Blender → Engine Python process → new strips.

Nothing is faked: the add-on's "local" backend finds the Engine Python through
``$MUSICCOG_ENGINE_PYTHON`` (the test's own environment), runs the engine job in
it, and places what the engine made.  Asserted: one new SOUND strip over the
whole edit, a music file beside the config cache (not in /tmp), linear volume
keys with fades at the ends, downbeat markers on whole frames inside the edit,
the user's strips and marker unchanged.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import bl_common as c
import bpy


def main() -> None:
    cfg = c.config()
    addon = c.load_addon(cfg)
    fps = 24
    scene = c.fresh_scene(fps=fps, frame_start=1, frame_end=4 * fps)
    c.build_edit(scene, cfg["clip"])
    scene.timeline_markers.new("mine", frame=50)
    before = c.strip_state(scene)
    ps = scene.musiccog
    ps.backend = "LOCAL"
    ps.music_source, ps.music_path = "FILE", cfg["beat_music"]
    ps.prompt = "calm music, fade out 1 s"

    result = bpy.ops.musiccog.sync_music()
    c.expect(result == {"FINISHED"}, f"sync returned {result}: {ps.status}")
    c.expect_existing_unchanged(scene, before)

    old_names = {row[0] for row in before[:-1]}
    new = [s for s in scene.sequence_editor.strips if s.name not in old_names]
    c.expect(len(new) == 1, f"expected one new strip, got {[s.name for s in new]}")
    bgm = new[0]
    c.expect(bgm.type == "SOUND" and bgm.channel == 3, f"{bgm.type} on {bgm.channel}")
    c.expect((bgm.frame_final_start, bgm.frame_final_end) == (1, 1 + 4 * fps),
             f"frames {bgm.frame_final_start}-{bgm.frame_final_end}")
    placed = Path(bpy.path.abspath(bgm.sound.filepath))
    media = Path(os.environ["MUSICCOG_DATA_DIR"]) / "media"
    c.expect(placed.parent == media and placed.is_file(), f"music placed from {placed}")

    points = c.volume_points(scene, bgm)
    c.expect(len(points) >= 3, f"volume keys {points}")
    c.expect({p[2] for p in points} == {"LINEAR"}, f"interpolation {points}")
    values = [v for _, v, _ in points]
    c.expect(values[0] < 0.05 and values[-1] < 0.05, f"fades at the ends: {values}")
    c.expect(max(values) > 0.05, f"the music is audible: {values}")

    downbeats = [m.frame for m in scene.timeline_markers if m.name == "downbeat"]
    c.expect(len(downbeats) >= 1, "no downbeat markers")
    c.expect(all(1 <= f <= 1 + 4 * fps for f in downbeats), f"markers {downbeats}")
    c.expect([m.frame for m in scene.timeline_markers if m.name == "mine"] == [50],
             "the user's marker moved")
    c.expect(ps.bgm_summary.startswith("BGM: "), f"summary {ps.bgm_summary!r}")
    c.expect(not ps.busy and ps.progress == 100.0, f"busy {ps.busy} progress {ps.progress}")
    with open(cfg["result"], "w", encoding="utf-8") as out:
        json.dump({"downbeat_frames": downbeats, "keys": points, "reply": ps.last_reply,
                   "summary": ps.bgm_summary}, out)
    addon.unregister()


c.run(main)
