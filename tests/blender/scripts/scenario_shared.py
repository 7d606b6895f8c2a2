"""The shared 30 s clip (1080p, 30 fps) with a real music file: sync (stand-in session) and
an OTIO round trip, on frames computed from the clip's own length."""

from __future__ import annotations

from pathlib import Path

import bl_common as c
import bpy
import opentimelineio as otio

from musiccog.otio_mapping import otio_to_draft

SEGMENT = {"s": 0, "d": 30000, "i": 0, "v": 0.4, "fi": 2000, "fo": 3000,
           "vk": [[0, 1], [10000, 1], [10500, 0.3], [12000, 0.3], [12500, 1]]}


def main() -> None:
    cfg = c.config()
    c.load_addon(cfg)
    scene = c.fresh_scene(fps=30, frame_start=1, frame_end=900)
    c.build_edit(scene, cfg["shared_clip"])
    se = scene.sequence_editor
    movie = se.strips["clip"]
    c.expect((movie.frame_final_start, movie.frame_final_end) == (1, 901),
             f"the 30 s clip spans {movie.frame_final_start}-{movie.frame_final_end}")
    before = c.strip_state(scene)
    c.use_fake_session(c.FakeSession(cfg["shared_music"], SEGMENT))
    ps = scene.musiccog
    ps.backend, ps.server_url = "URL", "http://127.0.0.1:9"
    ps.music_source, ps.music_path = "FILE", cfg["shared_music"]
    c.expect(bpy.ops.musiccog.sync_music() == {"FINISHED"}, ps.status)
    c.expect_existing_unchanged(scene, before)
    bgm = next(s for s in se.strips if s.get("musiccog"))
    c.expect((bgm.channel, bgm.frame_final_start, bgm.frame_final_end) == (3, 1, 901),
             f"music at {bgm.channel}: {bgm.frame_final_start}-{bgm.frame_final_end}")
    keys = [(round(f), v) for f, v, _ in c.volume_points(scene, bgm)]
    want = [(1, 0.0), (61, 0.4), (301, 0.4), (316, 0.12), (361, 0.12), (376, 0.4), (811, 0.4),
            (901, 0.0)]
    c.expect(keys == want, f"keys {keys}")
    downbeats = sorted(m.frame for m in scene.timeline_markers)
    c.expect(downbeats == list(range(1, 901, 60)), f"markers {downbeats}")

    out = Path(cfg["tmp"]) / "old_town.otio"
    c.expect(bpy.ops.musiccog.export_otio(filepath=str(out)) == {"FINISHED"}, "export")
    tl = otio.adapters.read_from_file(str(out))
    c.expect(len(tl.tracks) == 3, f"{len(tl.tracks)} tracks")
    music = tl.tracks[2][0]
    c.expect(music.source_range.duration.to_frames() == 900, str(music.source_range))
    c.expect(music.media_reference.target_url == cfg["shared_music"], "music path")
    c.expect(len(tl.tracks.markers) == 15, f"{len(tl.tracks.markers)} markers")
    # The animated level goes out as volume keys (ms from the clip's start, linear gain).
    vk = otio_to_draft(tl).tracks[2].segments[0].volume_keys
    want_vk = [[(f - 1) * 1000 / 30, v] for f, v in want]
    c.expect([[round(t, 3), g] for t, g in vk] == want_vk, f"vk {vk} != {want_vk}")


c.run(main)
