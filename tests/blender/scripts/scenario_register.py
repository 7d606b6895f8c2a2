"""register()/unregister() mirror each other; names follow the conventions; the panel draws."""

from __future__ import annotations

import bl_common as c
import bpy

CLASSES = ("MUSICCOG_OT_sync_music", "MUSICCOG_OT_export", "MUSICCOG_OT_remove_music",
           "MUSICCOG_OT_import_otio", "MUSICCOG_OT_export_otio", "MUSICCOG_OT_use_prompt",
           "SEQUENCER_PT_musiccog_main")
MENUS = ("TOPBAR_MT_file_import", "TOPBAR_MT_file_export")


class FakeLayout:
    """Records what a panel draws and checks every property and operator it names exists.

    A stand-in for ``bpy.types.UILayout``, which cannot be made without a window.
    """

    def __init__(self, log: list) -> None:
        self.log = log
        self.enabled = True
        self.scale_y = 1.0

    def _child(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return FakeLayout(self.log)

    column = row = box = _child

    def prop(self, data, name, **kwargs):  # type: ignore[no-untyped-def]
        c.expect(name in data.bl_rna.properties, f"panel draws unknown property {name!r}")
        self.log.append(("prop", name))

    def operator(self, idname, **kwargs):  # type: ignore[no-untyped-def]
        group, op = idname.split(".")
        c.expect(hasattr(getattr(bpy.ops, group), op) and
                 getattr(getattr(bpy.ops, group), op).idname() is not None, idname)
        self.log.append(("operator", idname, kwargs.get("text")))
        return type("Props", (), {})()

    def label(self, text="", **kwargs):  # type: ignore[no-untyped-def]
        self.log.append(("label", text))

    def progress(self, **kwargs):  # type: ignore[no-untyped-def]
        self.log.append(("progress", kwargs.get("factor")))


def menu_funcs(name: str) -> list:
    return list(getattr(bpy.types, name)._dyn_ui_initialize())


def main() -> None:
    cfg = c.config()
    menus_before = {m: len(menu_funcs(m)) for m in MENUS}
    addon = c.load_addon(cfg)
    for name in CLASSES:
        c.expect(hasattr(bpy.types, name), f"{name} not registered")
    c.expect(all(cls.is_registered for cls in addon.classes), "a class is not registered")
    c.expect(len(addon.classes) == 9, f"{len(addon.classes)} classes")
    c.expect(hasattr(bpy.types.Scene, "musiccog"), "Scene.musiccog missing")
    ops = bpy.types.MUSICCOG_OT_sync_music
    c.expect(ops.bl_idname == "musiccog.sync_music", ops.bl_idname)
    for op in (bpy.types.MUSICCOG_OT_sync_music, bpy.types.MUSICCOG_OT_import_otio,
               bpy.types.MUSICCOG_OT_remove_music):
        c.expect("UNDO" in op.bl_options and "REGISTER" in op.bl_options, op.__name__)
    panel = bpy.types.SEQUENCER_PT_musiccog_main
    c.expect((panel.bl_space_type, panel.bl_region_type, panel.bl_category)
             == ("SEQUENCE_EDITOR", "UI", "Music Cog"), "panel placement")
    for m in MENUS:
        c.expect(len(menu_funcs(m)) == menus_before[m] + 1, f"{m}: no entry added")

    # Draw the panel for each backend / music choice with a recording layout.
    scene = bpy.context.scene
    ps = scene.musiccog
    ps.last_reply, ps.bgm_summary, ps.last_added = "hi\nthere", "BGM: x (0-4s)", "{}"
    ctx = type("Ctx", (), {"scene": scene})()
    for backend in ("LOCAL", "URL", "CLOUD"):
        for source in ("FILE", "LIBRARY"):
            ps.backend, ps.music_source = backend, source
            log: list = []
            holder = type("P", (), {"layout": FakeLayout(log)})()
            panel.draw(holder, ctx)
            drawn = {entry[1] for entry in log if entry[0] in ("prop", "operator")}
            need = {"prompt", "backend", "musiccog.sync_music", "musiccog.export",
                    "music_path" if source == "FILE" else "library_dir"}
            if backend == "URL":
                need.add("server_url")
            c.expect(need <= drawn, f"{backend}/{source}: missing {need - drawn}")
            labels = [e[1] for e in log if e[0] == "label"]
            c.expect("BGM: x (0-4s)" in labels and "there" in labels, f"labels {labels}")
            if backend == "CLOUD":
                c.expect(any("Online access is off" in t for t in labels), "no offline note")
            suggested = [e[2] for e in log if e[0] == "operator" and e[1] == "musiccog.use_prompt"]
            c.expect(len(suggested) == 3, f"suggested prompts {suggested}")
    c.expect(bpy.ops.musiccog.use_prompt(text=suggested[1]) == {"FINISHED"}, "use_prompt")
    c.expect(ps.prompt == suggested[1], ps.prompt)

    # Unregister: nothing left behind; a second register/unregister cycle works.
    addon.unregister()
    for name in CLASSES:
        c.expect(not hasattr(bpy.types, name), f"{name} left registered")
    left = [cls.__name__ for cls in addon.classes if cls.is_registered]
    c.expect(not left, f"left registered: {left}")
    c.expect(not hasattr(bpy.types.Scene, "musiccog"), "Scene.musiccog left")
    for m in MENUS:
        c.expect(len(menu_funcs(m)) == menus_before[m], f"{m}: entry left behind")
    addon.register()
    addon.unregister()
    c.expect(not hasattr(bpy.types, "MUSICCOG_OT_sync_music"), "second cycle")


c.run(main)
