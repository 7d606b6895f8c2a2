"""Every difference between Blender versions (4.2 LTS … 5.x) the add-on meets, in one place.

- 4.4 renamed ``SequenceEditor.sequences`` to ``strips`` (both in 4.4/4.5, only
  ``strips`` in 5.0);
- ``new_effect`` took ``frame_end`` before 4.4-ish and takes ``length`` in 5.0;
- 4.4 made actions layered: an action's F-curves live in a channel bag of the
  ID's slot (``action.fcurves`` is gone in 5.0);
- 5.0 needs ``image_settings.media_type = 'VIDEO'`` before ``file_format = 'FFMPEG'``.
"""

from __future__ import annotations

from typing import Any

import bpy


def strips(se: Any) -> Any:
    """The top-level strip collection (``strips`` on 4.4+, ``sequences`` before)."""
    return se.strips if hasattr(se, "strips") else se.sequences


def all_strips(se: Any) -> Any:
    """Every strip, including those inside meta strips."""
    return se.strips_all if hasattr(se, "strips_all") else se.sequences_all


def new_effect(collection: Any, name: str, kind: str, channel: int, start: int, end: int) -> Any:
    """A generator effect strip (colour, text) covering frames ``start`` … ``end`` (exclusive)."""
    params = collection.bl_rna.functions["new_effect"].parameters.keys()
    if "length" in params:
        return collection.new_effect(name, kind, channel, start, length=end - start)
    return collection.new_effect(name, kind, channel, start, frame_end=end)


def fcurves(id_data: Any) -> list[Any]:
    """The F-curves animating ``id_data`` (legacy or layered action); [] when none."""
    anim = getattr(id_data, "animation_data", None)
    action = anim.action if anim is not None else None
    if action is None:
        return []
    if getattr(action, "is_action_layered", False) or not hasattr(action, "fcurves"):
        from bpy_extras import anim_utils

        slot = getattr(anim, "action_slot", None)
        bag = anim_utils.action_get_channelbag_for_slot(action, slot) if slot else None
        return list(bag.fcurves) if bag is not None else []
    return list(action.fcurves)


def set_movie_output(render: Any) -> None:
    """Make ``render`` write a movie through FFmpeg (5.x needs the media type first)."""
    settings = render.image_settings
    if hasattr(settings, "media_type"):
        settings.media_type = "VIDEO"
    settings.file_format = "FFMPEG"


def online_access() -> bool:
    """``bpy.app.online_access`` (4.2+): may the add-on use the internet?"""
    return bool(getattr(bpy.app, "online_access", True))


_PATH_OPTIONS: set[str] | None = None


def blend_relative_path_options() -> set[str]:
    """``{"PATH_SUPPORTS_BLEND_RELATIVE"}`` where Blender has that flag (newer 4.x/5.x), else {}.

    Without it, 5.x warns about ``//`` paths in file-path properties; older versions
    reject the unknown flag, so it is probed once on a throwaway class.
    """
    global _PATH_OPTIONS
    if _PATH_OPTIONS is None:
        flag = {"PATH_SUPPORTS_BLEND_RELATIVE"}

        class MUSICCOG_PG_probe(bpy.types.PropertyGroup):
            __annotations__ = {
                "path": bpy.props.StringProperty(subtype="FILE_PATH", options=flag)
            }

        try:
            bpy.utils.register_class(MUSICCOG_PG_probe)
        except (TypeError, ValueError, RuntimeError):
            _PATH_OPTIONS = set()
        else:
            bpy.utils.unregister_class(MUSICCOG_PG_probe)
            _PATH_OPTIONS = flag
    return set(_PATH_OPTIONS)
