"""The add-on's state: one PropertyGroup on the Scene, and the add-on preferences."""

from __future__ import annotations

import bpy
from bpy.props import BoolProperty, EnumProperty, FloatProperty, StringProperty
from bpy.types import AddonPreferences, PropertyGroup

from . import compat

#: Options of file-path properties (``//`` paths allowed where Blender has the flag).
PATH_OPTIONS = compat.blend_relative_path_options()

#: Prompts one click away (the same as the Qt panel's; its module imports Qt).
SUGGESTED_PROMPTS: tuple[str, ...] = (
    "sync background music to match the video tempo and mood",
    "calm lo-fi music at 35% under the voice",
    "upbeat music that hits every cut",
)

BACKEND_ITEMS = [
    ("LOCAL", "Local engine", "The offline engine on this computer (no account, no network)"),
    ("URL", "Self-hosted", "A Music Cog server you run (musiccog serve), by URL"),
    ("CLOUD", "Cloud", "The hosted Music Cog service (needs online access; uses credits)"),
]
MUSIC_ITEMS = [
    ("FILE", "File", "Use one music file"),
    ("LIBRARY", "Library", "Let Music Cog pick from a folder of music"),
]
EXPORT_ITEMS = [
    ("BLENDER", "Blender", "Render the edit with Blender's own FFmpeg output (H.264 + AAC)"),
    ("BACKEND", "Backend", "Let the backend render the last synced draft"),
]


class MUSICCOG_PG_settings(PropertyGroup):
    """Everything the Music Cog panel shows and edits (``scene.musiccog``)."""

    prompt: StringProperty(
        name="Prompt", description="What the music should be like", default=""
    )
    backend: EnumProperty(
        name="Backend", description="Where the music is made", items=BACKEND_ITEMS, default="LOCAL"
    )
    server_url: StringProperty(
        name="Server URL", description="Address of your Music Cog server",
        default="http://127.0.0.1:8765",
    )
    music_source: EnumProperty(
        name="Music", description="Where the music comes from", items=MUSIC_ITEMS, default="FILE"
    )
    music_path: StringProperty(
        name="Music file", description="The music to fit to the edit", subtype="FILE_PATH",
        options=PATH_OPTIONS,
    )
    library_dir: StringProperty(
        name="Music folder", description="A folder of music to choose from", subtype="DIR_PATH",
        options=PATH_OPTIONS,
    )
    export_path: StringProperty(
        name="Export to", description="The MP4 file to write", subtype="FILE_PATH",
        default="//music_cog_export.mp4", options=PATH_OPTIONS,
    )
    export_with: EnumProperty(
        name="Render with", description="What renders the MP4", items=EXPORT_ITEMS,
        default="BLENDER",
    )
    busy: BoolProperty(name="Busy", default=False, options={"SKIP_SAVE"})
    progress: FloatProperty(
        name="Progress", description="Progress of the running job, percent",
        min=0.0, max=100.0, default=0.0, subtype="PERCENTAGE", options={"SKIP_SAVE"},
    )
    status: StringProperty(name="Status", default="Ready")
    last_reply: StringProperty(name="Last reply", default="")
    bgm_summary: StringProperty(name="Music placed", default="")
    credits: StringProperty(name="Credits", default="")
    last_added: StringProperty(
        name="Last added", description="JSON: what the last sync added (for Remove music)",
        default="",
    )


class MUSICCOG_AP_preferences(AddonPreferences):
    """Add-on preferences: the interpreter that runs the local engine."""

    bl_idname = __package__

    engine_python: StringProperty(
        name="Engine Python",
        description=(
            "Python of an environment with `pip install 'ai-music-cog[engine]'`; "
            "empty = search ($MUSICCOG_ENGINE_PYTHON, then the `musiccog` command)"
        ),
        subtype="FILE_PATH",
        default="",
        options=PATH_OPTIONS,
    )

    def draw(self, context: bpy.types.Context) -> None:
        layout = self.layout
        layout.prop(self, "engine_python")
        layout.label(text="Blender's Python cannot run the engine; it runs in this interpreter.")


def preferences(context: bpy.types.Context) -> MUSICCOG_AP_preferences | None:
    """The add-on's preferences (None when the add-on is not registered as such)."""
    addon = context.preferences.addons.get(__package__)
    return addon.preferences if addon is not None else None
