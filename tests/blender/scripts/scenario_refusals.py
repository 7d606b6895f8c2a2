"""Bad input: each refusal is an error report (no traceback) and the edit stays as it was."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import bl_common as c
import bpy

from musiccog.errors import MusicCogError
from musiccog.jobs import Cancelled

SEGMENT = {"s": 0, "d": 4000, "v": 0.5}


def setup(cfg, music=None):  # type: ignore[no-untyped-def]
    scene = c.fresh_scene()
    c.build_edit(scene, cfg["clip"])
    ps = scene.musiccog
    ps.backend, ps.server_url = "URL", "http://127.0.0.1:9"
    ps.music_source, ps.music_path = "FILE", music or cfg["music"]
    return scene, ps


def unchanged(scene, before, what):  # type: ignore[no-untyped-def]
    c.expect(c.strip_state(scene) == before, f"{what}: the edit changed")
    c.expect(not scene.musiccog.busy, f"{what}: still busy")
    c.expect(scene.musiccog.last_added == "", f"{what}: recorded an addition")


def main() -> None:
    cfg = c.config()
    c.load_addon(cfg)
    fake = c.FakeSession(cfg["music"], SEGMENT)
    c.use_fake_session(fake)
    sync = bpy.ops.musiccog.sync_music

    # No sequence editor at all, then an empty one.
    scene = c.fresh_scene()
    bare = bpy.data.scenes.new("Bare")
    bpy.context.window.scene = bare
    c.expect(bare.sequence_editor is None, "a new scene has a sequencer")
    c.expect_error(sync, "no strips", "Video Sequencer")
    c.expect(bare.sequence_editor is None, "a refused sync created a sequence editor")
    bpy.context.window.scene = scene
    c.expect_error(sync, "no strips")
    c.expect(len(scene.sequence_editor.strips) == 0, "strips appeared")
    c.expect(scene.musiccog.status.startswith("Error: "), scene.musiccog.status)

    # Missing media: a strip whose file is gone.
    gone = Path(cfg["tmp"]) / "gone.mp4"
    shutil.copy(cfg["clip"], gone)
    scene, ps = setup(cfg)
    scene.sequence_editor.strips.new_movie("gone", str(gone), 3, 1)
    os.remove(gone)
    before = c.strip_state(scene)
    c.expect_error(sync, "missing", "gone.mp4", "Relink")
    unchanged(scene, before, "missing media")
    c.expect(len(fake.sent) == 0, "a refused sync reached the backend")

    # Unsupported / missing music file, empty library folder.
    scene, ps = setup(cfg, music=cfg["text_file"])
    before = c.strip_state(scene)
    c.expect_error(sync, "notes.txt", "not a music file")
    unchanged(scene, before, "text file as music")
    ps.music_path = str(Path(cfg["tmp"]) / "nope.wav")
    c.expect_error(sync, "does not exist")
    unchanged(scene, before, "missing music")
    empty = Path(cfg["tmp"]) / "empty_library"
    empty.mkdir()
    ps.music_source, ps.library_dir = "LIBRARY", str(empty)
    c.expect_error(sync, "no music files")
    unchanged(scene, before, "empty library")

    # Backend choices: a bad URL; the cloud and a remote URL while online access is off.
    scene, ps = setup(cfg)
    before = c.strip_state(scene)
    ps.server_url = "ftp://example"
    c.expect_error(sync, "not a server address")
    c.expect(bpy.app.online_access is False, "bpy's online access should be off by default")
    ps.server_url = "http://192.0.2.10:8765"
    c.expect_error(sync, "online access is off", "192.0.2.10")
    ps.backend = "CLOUD"
    c.expect_error(sync, "online access is off", "cloud")
    unchanged(scene, before, "backend choice")
    c.expect(len(fake.sent) == 0, "a refused backend choice reached the backend")

    # The backend fails, or the user cancels: nothing added.
    scene, ps = setup(cfg)
    before = c.strip_state(scene)
    fake.fail = MusicCogError("the server is busy (429). Try again in a minute.")
    c.expect_error(sync, "server is busy")
    unchanged(scene, before, "backend error")
    fake.fail = Cancelled("cancelled by the user")
    c.expect(sync() == {"CANCELLED"}, "a cancelled sync did not return CANCELLED")
    c.expect(ps.status == "Cancelled. Nothing was changed.", ps.status)
    unchanged(scene, before, "cancel")
    fake.fail = RuntimeError("boom")
    text = c.expect_error(sync, "unexpected error", "boom")
    c.expect("Traceback" not in text, text)
    unchanged(scene, before, "unexpected exception")

    # The answer's music is not a local file: refused, nothing half-added.
    fake.fail = None
    fake.music = "https://cdn.example/music.wav"
    fake_bgm = Path(cfg["tmp"]) / "not_written.wav"
    orig = fake.sync_timeline

    def remote(*args, **kwargs):  # type: ignore[no-untyped-def]
        out = orig(*args, **kwargs)
        out.bgm_path = fake_bgm
        return out

    fake.sync_timeline = remote
    c.expect_error(sync, "not a local file")
    unchanged(scene, before, "remote music")

    # Blender refuses the music file (unreadable audio): rolled back, markers included.
    junk = Path(cfg["tmp"]) / "junk.wav"
    junk.write_bytes(b"RIFF0000WAVEjunk" * 4)
    fake.music = str(junk)
    fake.sync_timeline = orig
    marks_before = len(scene.timeline_markers)
    c.expect_error(sync, "cannot read", "junk.wav")
    c.expect(len(scene.timeline_markers) == marks_before, "markers left after a refusal")
    unchanged(scene, before, "unreadable music")

    # OTIO import: missing file, unknown suffix, a timeline whose media is missing.
    imp = bpy.ops.musiccog.import_otio
    c.expect_error(lambda: imp(filepath=str(Path(cfg["tmp"]) / "none.otio")), "does not exist")
    c.expect_error(lambda: imp(filepath=cfg["text_file"]), ".txt")
    draft = Path(cfg["tmp"]) / "missing_media.json"
    draft.write_text('{"t": [{"tt": 0, "sg": [{"s": 0, "d": 1000, "src": "/nowhere/a.mp4",'
                     ' "n": "a"}]}], "m": {"fps": 24}}')
    c.expect_error(lambda: imp(filepath=str(draft)), "missing", "/nowhere/a.mp4")
    bad = Path(cfg["tmp"]) / "bad.json"
    bad.write_text('{"t": [{"tt": 0, "sg": [{"s": -5, "d": 1000}]}]}')
    c.expect_error(lambda: imp(filepath=str(bad)), "t[0].sg[0].s")
    unchanged(scene, before, "import refusals")

    # Export MP4 to a path relative to an unsaved file, or into a missing folder.
    ps.export_path = "//out.mp4"
    c.expect_error(bpy.ops.musiccog.export, "not saved")
    ps.export_path = str(Path(cfg["tmp"]) / "no_such_dir" / "out.mp4")
    c.expect_error(bpy.ops.musiccog.export, "does not exist")
    unchanged(scene, before, "export refusals")


c.run(main)
