"""Export the edit with its music to MP4 — with Blender's renderer or the backend's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import bpy
from bpy.types import Operator

from musiccog.blender import sync as mc_sync
from musiccog.blender.worker import BackgroundJob
from musiccog.errors import MusicCogError

from . import render_export, vse_io
from .jobs import ModalJobMixin, redraw_sequencer, report_error, settings


class ExportError(MusicCogError):
    """The MP4 could not be written where asked."""


def _destination(context: Any) -> Path:
    text = settings(context).export_path.strip()
    if not text:
        raise ExportError("choose a file to export to (Export to) and try again.")
    dest = Path(bpy.path.abspath(text))
    if text.startswith("//") and not bpy.data.filepath:
        raise ExportError(
            f"'{text}' is relative to the .blend file, which is not saved yet. Save the file "
            "or pick an absolute path."
        )
    if dest.suffix.lower() != ".mp4":
        dest = dest.with_suffix(".mp4")
    if not dest.parent.is_dir():
        raise ExportError(f"the folder {dest.parent} does not exist. Pick another place.")
    return dest


class MUSICCOG_OT_export(ModalJobMixin, Operator):
    """Render the edit with its music to an MP4 (H.264 + AAC)"""

    bl_idname = "musiccog.export"
    bl_label = "Export MP4"
    bl_options = {"REGISTER"}
    busy_text = "Exporting"

    _saved: list | None = None
    _tmp: Path | None = None
    _dest: Path | None = None
    _handlers: tuple = ()
    _state: dict | None = None

    @classmethod
    def poll(cls, context: Any) -> bool:
        return context.scene is not None and not settings(context).busy

    # -- backend export: a worker job like Sync ------------------------------------------
    def start_job(self, context: Any) -> BackgroundJob:
        dest = _destination(context)
        self._dest = dest
        return BackgroundJob(
            lambda cancel, prog: mc_sync.run_export(dest, cancel=cancel, on_progress=prog),
            name="musiccog-export",
        ).start()

    def finish(self, context: Any, value: Any) -> set[str]:
        settings(context).status = f"Exported {value}"
        self.report({"INFO"}, f"Music Cog: exported {value}")
        return {"FINISHED"}

    # -- Blender render -----------------------------------------------------------------
    def _prepare_render(self, context: Any) -> None:
        scene = context.scene
        vse_io.require_editor(scene)
        self._dest = _destination(context)
        self._tmp = render_export.temp_output(self._dest)
        self._saved = render_export.save_settings(scene.render)
        try:
            render_export.configure_mp4(scene.render, self._tmp)
        except (TypeError, ValueError, AttributeError) as exc:
            render_export.restore_settings(scene.render, self._saved)
            raise ExportError(f"this Blender cannot write H.264/AAC MP4: {exc}") from None

    def _end_render(self, context: Any, ok: bool) -> set[str]:
        scene = context.scene
        render_export.restore_settings(scene.render, self._saved or [])
        ps = settings(context)
        ps.busy = False
        if not ok:
            self._tmp.unlink(missing_ok=True)
            return report_error(self, context, ExportError("the render was cancelled or failed."))
        try:
            out = render_export.finish_output(self._tmp, self._dest)
        except OSError as exc:
            return report_error(self, context, ExportError(f"{exc}. Nothing was exported."))
        ps.progress = 100.0
        ps.status = f"Exported {out}"
        self.report({"INFO"}, f"Music Cog: exported {out}")
        return {"FINISHED"}

    def execute(self, context: Any) -> set[str]:
        if settings(context).export_with == "BACKEND":
            return ModalJobMixin.execute(self, context)
        try:
            self._prepare_render(context)
        except MusicCogError as exc:
            return report_error(self, context, exc)
        try:
            bpy.ops.render.render(animation=True)
        except RuntimeError as exc:
            self.report({"ERROR"}, f"render failed: {exc}")
            return self._end_render(context, False)
        return self._end_render(context, True)

    def invoke(self, context: Any, event: Any) -> set[str]:
        if settings(context).export_with == "BACKEND":
            return ModalJobMixin.invoke(self, context, event)
        if bpy.app.background or context.window is None:
            return self.execute(context)
        try:
            self._prepare_render(context)
        except MusicCogError as exc:
            return report_error(self, context, exc)
        state = self._state = {"done": False, "ok": False}

        def on_post(scene_: Any, *_: Any) -> None:
            span = max(scene_.frame_end - scene_.frame_start, 1)
            done = scene_.frame_current - scene_.frame_start
            scene_.musiccog.progress = min(100.0 * done / span, 100.0)

        def on_complete(*_: Any) -> None:
            state["done"], state["ok"] = True, True

        def on_cancel(*_: Any) -> None:
            state["done"], state["ok"] = True, False

        self._handlers = ((bpy.app.handlers.render_post, on_post),
                          (bpy.app.handlers.render_complete, on_complete),
                          (bpy.app.handlers.render_cancel, on_cancel))
        for handlers, fn in self._handlers:
            handlers.append(fn)
        settings(context).busy = True
        settings(context).status = "Exporting… (Esc in the render window cancels)"
        if bpy.ops.render.render("INVOKE_DEFAULT", animation=True) == {"CANCELLED"}:
            self._remove_handlers()
            return self._end_render(context, False)
        wm = context.window_manager
        self._timer = wm.event_timer_add(0.25, window=context.window)
        wm.modal_handler_add(self)
        return {"RUNNING_MODAL"}

    def _remove_handlers(self) -> None:
        for handlers, fn in self._handlers:
            if fn in handlers:
                handlers.remove(fn)
        self._handlers = ()

    def modal(self, context: Any, event: Any) -> set[str]:
        if self._state is None:
            return ModalJobMixin.modal(self, context, event)
        if event.type != "TIMER":
            return {"PASS_THROUGH"}
        redraw_sequencer(context)
        if not self._state["done"]:
            return {"PASS_THROUGH"}
        context.window_manager.event_timer_remove(self._timer)
        self._remove_handlers()
        return self._end_render(context, self._state["ok"])


classes = (MUSICCOG_OT_export,)
