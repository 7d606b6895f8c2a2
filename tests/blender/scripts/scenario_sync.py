"""Sync with a stand-in session: new BGM strip, volume keys, markers; the edit untouched."""

from __future__ import annotations

import json
import os
from pathlib import Path

import bl_common as c
import bpy

# Times chosen on whole frames at 24 fps (125 ms = 3 frames).
SEGMENT = {"s": 0, "d": 4000, "i": 0, "v": 0.35, "fi": 1000, "fo": 1000,
           "vk": [[0, 1], [1500, 1], [1625, 0.25], [2500, 0.25], [2625, 1]]}
# (frame relative to the strip's first frame, linear volume)
EXPECTED_KEYS = [(0, 0.0), (24, 0.35), (36, 0.35), (39, 0.0875), (60, 0.0875), (63, 0.35),
                 (72, 0.35), (96, 0.0)]


def main() -> None:
    cfg = c.config()
    addon = c.load_addon(cfg)
    scene = c.fresh_scene(fps=24, frame_start=1, frame_end=96)
    c.build_edit(scene, cfg["clip"])
    scene.timeline_markers.new("mine", frame=50)
    before = c.strip_state(scene)
    fake = c.FakeSession(cfg["music"], SEGMENT)
    c.use_fake_session(fake)
    ps = scene.musiccog
    ps.backend, ps.server_url = "URL", "http://127.0.0.1:9"
    ps.music_source, ps.music_path = "FILE", cfg["music"]
    ps.prompt = "calm lo-fi music at 35% under the voice"

    op = bpy.types.MUSICCOG_OT_sync_music
    c.expect(op.bl_options == {"REGISTER", "UNDO"}, f"bl_options {op.bl_options}")
    result = bpy.ops.musiccog.sync_music()
    c.expect(result == {"FINISHED"}, f"sync returned {result}: {ps.status}")

    # What was sent: the edit as a draft, the prompt, the music.
    sent = fake.sent[0]
    c.expect(sent.prompt == ps.prompt, "prompt not sent")
    c.expect(str(sent.music_path) == cfg["music"], f"music sent {sent.music_path}")
    kinds = [(t.track_type, t.metadata["blender"]["channel"]) for t in sent.draft.tracks]
    c.expect(kinds == [(0, 1), (1, 2)], f"draft tracks {kinds}")
    c.expect(sent.draft.end_ms == 4000, f"draft d {sent.draft.end_ms}")
    c.expect(sent.draft.fps == 24, f"draft fps {sent.draft.fps}")

    # The edit is as before; one new sound strip on channel 3.
    after = c.strip_state(scene)
    old_names = {row[0] for row in before[:-1]}
    c.expect([r for r in after[:-1] if r[0] in old_names] == before[:-1],
             f"existing strips changed:\n{before}\n{after}")
    new = [s for s in scene.sequence_editor.strips if s.name not in old_names]
    c.expect(len(new) == 1, f"expected one new strip, got {[s.name for s in new]}")
    bgm = new[0]
    c.expect(bgm.type == "SOUND" and bgm.channel == 3, f"{bgm.type} on {bgm.channel}")
    c.expect((bgm.frame_final_start, bgm.frame_final_end) == (1, 97),
             f"frames {bgm.frame_final_start}-{bgm.frame_final_end}")
    # The music (in a temporary folder) was copied where it stays: Music Cog's media folder.
    placed = Path(bpy.path.abspath(bgm.sound.filepath))
    media = Path(os.environ["MUSICCOG_DATA_DIR"]) / "media"
    c.expect(placed.parent == media and placed.name.endswith("-music.wav"), str(placed))
    c.expect(placed.read_bytes() == Path(cfg["music"]).read_bytes(), "copy differs")
    c.expect(bgm.get("musiccog", "").startswith("sync-"), "strip not tagged")

    # Volume keyframes: values, frames, linear.
    points = c.volume_points(scene, bgm)
    got = [(round(f - 1), v) for f, v, _ in points]
    want = [(f, round(v, 6)) for f, v in EXPECTED_KEYS]
    c.expect(got == want, f"keys {got} != {want}")
    c.expect({p[2] for p in points} == {"LINEAR"}, f"interpolation {points}")
    curve = c.volume_curve(scene, bgm)
    for frame, value in ((12, 0.175), (37.5, 0.21875), (84, 0.175)):
        got_v = curve.evaluate(1 + frame)
        c.expect(abs(got_v - value) < 1e-4, f"volume at +{frame}: {got_v} != {value}")

    # Markers: the user's stays; downbeats at 0 s and 2 s added; no beats.
    marks = sorted((m.name, m.frame) for m in scene.timeline_markers)
    c.expect(marks == [("downbeat", 1), ("downbeat", 49), ("mine", 50)], f"markers {marks}")

    # Panel state.
    c.expect(ps.bgm_summary == "BGM: Fake tune (0-4s, 35%)", f"summary {ps.bgm_summary!r}")
    c.expect(ps.last_reply == "Placed Fake tune under the edit.", ps.last_reply)
    c.expect(ps.status.startswith("Added 1 strip(s) on channel 3, 2 marker(s)"), ps.status)
    c.expect(not ps.busy and ps.progress == 100.0, f"busy {ps.busy} progress {ps.progress}")
    added = json.loads(ps.last_added)
    c.expect(added["strips"] == [bgm.name] and len(added["markers"]) == 2, str(added))

    # A second sync stacks above: channel 4, the first music untouched.
    first = c.strip_state(scene)
    c.expect(bpy.ops.musiccog.sync_music() == {"FINISHED"}, ps.status)
    chans = sorted(s.channel for s in scene.sequence_editor.strips)
    c.expect(chans == [1, 2, 3, 4], f"channels after 2nd sync {chans}")
    sent2 = fake.sent[1].draft
    c.expect(len(sent2.tracks) == 3, "the first music went back as a channel track")
    c.expect([r for r in c.strip_state(scene)[:-1] if r[0] in {x[0] for x in first[:-1]}]
             == first[:-1], "second sync changed the first")

    # Remove added music: back to the state after the first sync.
    c.expect(bpy.ops.musiccog.remove_music() == {"FINISHED"}, ps.status)
    c.expect(c.strip_state(scene) == first, f"remove left\n{c.strip_state(scene)}\n{first}")

    # Everything the operator added carries one tag, so one undo step holds it all.
    tags = {s.get("musiccog") for s in scene.sequence_editor.strips if s.get("musiccog")}
    c.expect(len(tags) == 1, f"tags {tags}")
    addon.unregister()


c.run(main)
