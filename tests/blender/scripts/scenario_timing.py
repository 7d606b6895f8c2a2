"""Frame maths at 29.97 fps with the scene starting at frame 101: the draft sent, two music
segments back to back from one file, markers on the right frames, nothing else touched."""

from __future__ import annotations

import bl_common as c
import bpy

SEGMENTS = [{"s": 0, "d": 3000, "i": 0, "v": 0.5, "fi": 500},
            {"s": 3000, "d": 3000, "i": 3000, "v": 0.5}]


def main() -> None:
    cfg = c.config()
    c.load_addon(cfg)
    scene = c.fresh_scene(fps=30, fps_base=1.001, frame_start=101, frame_end=400)
    strips = scene.sequence_editor.strips
    strips.new_movie("early", cfg["clip"], 1, 81)      # starts 20 frames before the in
    strips.new_sound("talk", cfg["clip"], 3, 150)     # channel 2 stays empty
    before = c.strip_state(scene)
    fake = c.FakeSession(cfg["music"], SEGMENTS)
    c.use_fake_session(fake)
    ps = scene.musiccog
    ps.backend, ps.server_url = "URL", "http://127.0.0.1:9"
    ps.music_source, ps.music_path = "FILE", cfg["music"]
    c.expect(bpy.ops.musiccog.sync_music() == {"FINISHED"}, ps.status)

    sent = fake.sent[0].draft.to_json()
    c.expect(sent["m"]["fps"] == 29.97 and sent["d"] == 10010, f"meta {sent['m']} d {sent['d']}")
    video = sent["t"][0]["sg"][0]
    c.expect((video["s"], video["i"], video["d"]) == (0, 667.333, 2535.867), f"video {video}")
    talk = sent["t"][1]
    c.expect(talk["m"]["blender"]["channel"] == 3 and talk["sg"][0]["s"] == 1634.967,
             f"talk {talk}")

    c.expect_existing_unchanged(scene, before)
    music = sorted((s for s in strips if s.get("musiccog")), key=lambda s: s.frame_final_start)
    got = [(s.channel, s.frame_start, s.frame_final_start, s.frame_final_end) for s in music]
    want = [(4, 101, 101, 191), (4, 101, 191, 281)]
    c.expect(got == want, f"music strips {got} != {want}")
    keys = c.volume_points(scene, music[0])
    c.expect([(f, v) for f, v, _ in keys] == [(101.0, 0.0), (116.0, 0.5), (191.0, 0.5)],
             f"fade-in keys {keys}")
    c.expect(c.volume_points(scene, music[1]) == [] and abs(music[1].volume - 0.5) < 1e-6,
             "second segment should have a constant level")
    marks = sorted(m.frame for m in scene.timeline_markers if m.name == "downbeat")
    c.expect(marks == [101, 161, 221, 281, 341, 401], f"downbeats {marks}")


c.run(main)
