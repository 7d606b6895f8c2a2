"""The "Music Cog" tab in the Sequencer sidebar."""

from __future__ import annotations

from typing import Any

from bpy.types import Panel

from . import compat
from .props import SUGGESTED_PROMPTS


class SEQUENCER_PT_musiccog_main(Panel):
    """Prompt, backend, music, Sync and Export, status and replies."""

    bl_space_type = "SEQUENCE_EDITOR"
    bl_region_type = "UI"
    bl_category = "Music Cog"
    bl_label = "Music Cog"

    def draw(self, context: Any) -> None:
        layout = self.layout
        ps = context.scene.musiccog

        col = layout.column(align=True)
        col.prop(ps, "prompt", text="")
        box = col.box()
        for text in SUGGESTED_PROMPTS:
            box.operator("musiccog.use_prompt", text=text, emboss=False).text = text

        layout.prop(ps, "backend")
        if ps.backend == "URL":
            layout.prop(ps, "server_url")
        if ps.backend == "CLOUD":
            if not compat.online_access():
                layout.label(text="Online access is off (Preferences ▸ System)", icon="ERROR")
            if ps.credits:
                layout.label(text=ps.credits, icon="FUND")

        row = layout.row()
        row.prop(ps, "music_source", expand=True)
        layout.prop(ps, "music_path" if ps.music_source == "FILE" else "library_dir", text="")

        row = layout.row(align=True)
        row.scale_y = 1.4
        row.enabled = not ps.busy
        row.operator("musiccog.sync_music", icon="SOUND")
        if ps.last_added:
            layout.operator("musiccog.remove_music", icon="TRASH")

        box = layout.box()
        box.label(text=ps.status, icon="INFO" if not ps.busy else "TIME")
        if ps.busy and hasattr(box, "progress"):
            box.progress(factor=ps.progress / 100.0, type="BAR", text=f"{ps.progress:.0f}%")
        if ps.bgm_summary:
            box.label(text=ps.bgm_summary, icon="SEQUENCE")
        if ps.last_reply:
            for line in ps.last_reply.splitlines()[:4]:
                box.label(text=line)

        col = layout.column(align=True)
        col.prop(ps, "export_path", text="")
        row = col.row(align=True)
        row.prop(ps, "export_with", text="")
        row.operator("musiccog.export", icon="RENDER_ANIMATION")


classes = (SEQUENCER_PT_musiccog_main,)
