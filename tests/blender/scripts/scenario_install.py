"""Install the built zip the way Blender does (Extensions ▸ Install from Disk), with this
environment's own ``musiccog`` hidden: the add-on must run on the wheels it bundles."""

from __future__ import annotations

import sys

# Hide the editable musiccog of the test environment before anything imports it.
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path[:] = [p for p in sys.path if not p.rstrip("/").endswith(("/plugin", "otio_adapters"))]

from pathlib import Path  # noqa: E402

import bl_common as c  # noqa: E402
import bpy  # noqa: E402


def main() -> None:
    cfg = c.config()
    try:
        import musiccog  # noqa: F401
        raise AssertionError(f"musiccog still importable from {musiccog.__file__}")
    except ImportError:
        pass
    result = bpy.ops.extensions.package_install_files(
        filepath=cfg["zip"], repo="user_default", enable_on_install=True)
    c.expect(result == {"FINISHED"}, f"install: {result}")
    c.expect("bl_ext.user_default.music_cog" in bpy.context.preferences.addons, "not enabled")
    import musiccog

    where = Path(musiccog.__file__)
    c.expect(".local" in where.parts and "extensions" in where.parts, f"musiccog from {where}")
    import opentimelineio as otio

    adapters = {a.name for a in otio.plugins.ActiveManifest().adapters}
    c.expect("musiccog_draft" in adapters, f"OTIO adapters {sorted(adapters)}")

    # The installed add-on works: an edit goes out as OTIO and a sync adds music.
    scene = c.fresh_scene(reset=False)  # a factory reset would disable the extension
    c.build_edit(scene, cfg["clip"])
    out = Path(cfg["tmp"]) / "installed.otio"
    c.expect(bpy.ops.musiccog.export_otio(filepath=str(out)) == {"FINISHED"}, "export")
    c.expect(len(otio.adapters.read_from_file(str(out)).tracks) == 2, "tracks")
    c.use_fake_session(c.FakeSession(cfg["music"], {"s": 0, "d": 4000, "v": 0.5}))
    ps = scene.musiccog
    ps.backend, ps.server_url = "URL", "http://127.0.0.1:9"
    ps.music_source, ps.music_path = "FILE", cfg["music"]
    c.expect(bpy.ops.musiccog.sync_music() == {"FINISHED"}, ps.status)
    c.expect(len(scene.sequence_editor.strips) == 3, "music not added")

    # Disabling removes everything it registered.
    bpy.ops.preferences.addon_disable(module="bl_ext.user_default.music_cog")
    c.expect(not hasattr(bpy.types, "MUSICCOG_OT_sync_music"), "operator left after disable")
    c.expect(not hasattr(bpy.types.Scene, "musiccog"), "Scene.musiccog left after disable")


c.run(main)
