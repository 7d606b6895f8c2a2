"""File ▸ Import / Export ▸ "OpenTimelineIO / Music Cog draft".

Export writes the edit as a draft (``.json``/``.draft``) or through OTIO
(``.otio``, or any suffix an installed OTIO adapter claims) with the project's
mapping; import reads such a file and adds its clips as new strips above the
edit (on the file's own channels, rate and range when the sequencer is empty).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from bpy.props import StringProperty
from bpy.types import Operator
from bpy_extras.io_utils import ExportHelper, ImportHelper

from musiccog.blender.placement import plan_import
from musiccog.blender.snapshot import snapshot_to_draft
from musiccog.errors import MusicCogError

from . import vse_io
from .jobs import report_error

MENU_LABEL = "OpenTimelineIO / Music Cog draft"
FILTER = "*.otio;*.json;*.draft"


class MUSICCOG_OT_import_otio(Operator, ImportHelper):
    """Add the clips of an OpenTimelineIO file or Music Cog draft as new strips"""

    bl_idname = "musiccog.import_otio"
    bl_label = "Import OTIO / Music Cog draft"
    bl_options = {"REGISTER", "UNDO"}

    filename_ext = ".otio"
    filter_glob: StringProperty(default=FILTER, options={"HIDDEN"})

    def execute(self, context: Any) -> set[str]:
        from musiccog.timeline_files import load_timeline

        scene = context.scene
        try:
            draft = load_timeline(Path(self.filepath))
            plan = plan_import(draft, snap=vse_io.read_snapshot(scene))
            added = vse_io.apply_placement(scene, plan, tag="import-" + uuid.uuid4().hex[:8])
        except MusicCogError as exc:
            return report_error(self, context, exc)
        for note in plan.notes:
            self.report({"WARNING"}, note)
        self.report({"INFO"}, f"Imported {len(added.strips)} strip(s), "
                              f"{len(added.markers)} marker(s) from {Path(self.filepath).name}")
        return {"FINISHED"}


class MUSICCOG_OT_export_otio(Operator, ExportHelper):
    """Write the edit as an OpenTimelineIO file (.otio) or a Music Cog draft (.json)"""

    bl_idname = "musiccog.export_otio"
    bl_label = "Export OTIO / Music Cog draft"
    bl_options = {"REGISTER"}

    filename_ext = ".otio"
    check_extension = None  # keep .json/.draft when the user types them
    filter_glob: StringProperty(default=FILTER, options={"HIDDEN"})

    def execute(self, context: Any) -> set[str]:
        from musiccog.timeline_files import save_timeline

        scene = context.scene
        try:
            vse_io.require_editor(scene)
            reading = snapshot_to_draft(vse_io.read_snapshot(scene))
            out = save_timeline(reading.draft, Path(self.filepath))
        except MusicCogError as exc:
            return report_error(self, context, exc)
        except OSError as exc:
            return report_error(self, context, vse_io.VseError(f"could not write: {exc}"))
        for note in reading.notes():
            self.report({"WARNING"}, note)
        self.report({"INFO"}, f"Wrote {out}")
        return {"FINISHED"}


def menu_import(self: Any, context: Any) -> None:
    self.layout.operator(MUSICCOG_OT_import_otio.bl_idname, text=MENU_LABEL)


def menu_export(self: Any, context: Any) -> None:
    self.layout.operator(MUSICCOG_OT_export_otio.bl_idname, text=MENU_LABEL)


classes = (MUSICCOG_OT_import_otio, MUSICCOG_OT_export_otio)
