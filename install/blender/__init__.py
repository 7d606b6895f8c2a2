"""Music Cog for Blender's Video Sequencer: background music fitted to your cut.

Blender imports this folder as the extension package; ``musiccog`` (the draft,
its OTIO mapping, the backend client) comes from the wheels the manifest lists.
Each module has one job:

- ``compat`` — every Blender-version difference;
- ``vse_io`` — the only module touching strips and markers;
- ``props`` — the Scene property group and the add-on preferences;
- ``jobs``, ``operators``, ``operators_export``, ``operators_files`` — the operators;
- ``render_export`` — MP4 render settings (saved and restored);
- ``panels`` — the sidebar tab.
"""

from __future__ import annotations

import bpy
from bpy.props import PointerProperty

from . import operators, operators_export, operators_files, panels, props

classes = (
    props.MUSICCOG_PG_settings,
    props.MUSICCOG_AP_preferences,
    *operators.classes,
    *operators_export.classes,
    *operators_files.classes,
    *panels.classes,
)

MENUS = (
    (bpy.types.TOPBAR_MT_file_import, operators_files.menu_import),
    (bpy.types.TOPBAR_MT_file_export, operators_files.menu_export),
)


def register() -> None:
    for cls in classes:
        bpy.utils.register_class(cls)
    bpy.types.Scene.musiccog = PointerProperty(type=props.MUSICCOG_PG_settings)
    for menu, func in MENUS:
        menu.append(func)


def unregister() -> None:
    from musiccog.blender.sync import SESSIONS

    for menu, func in reversed(MENUS):
        menu.remove(func)
    del bpy.types.Scene.musiccog
    for cls in reversed(classes):
        bpy.utils.unregister_class(cls)
    SESSIONS.close()
