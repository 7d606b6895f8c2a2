"""The modal-timer pattern shared by Sync and Export: a worker job polled from Blender's UI.

``invoke`` starts the job and a window timer; ``modal`` updates the panel's
progress and status, cancels on Esc, and calls ``finish`` on the main thread
once the worker is done. ``execute`` (scripts, headless) runs the same job and
waits for it. Errors become ``self.report({'ERROR'}, message)`` + ``{'CANCELLED'}``.
"""

from __future__ import annotations

from typing import Any

import bpy

from musiccog.blender.worker import BackgroundJob
from musiccog.errors import MusicCogError
from musiccog.jobs import Cancelled

#: Seconds between two polls of the worker.
POLL_INTERVAL_S = 0.2


def settings(context: Any) -> Any:
    return context.scene.musiccog


def redraw_sequencer(context: Any) -> None:
    screen = getattr(context, "screen", None)
    for area in getattr(screen, "areas", []):
        if area.type == "SEQUENCE_EDITOR":
            area.tag_redraw()


def report_error(op: Any, context: Any, exc: BaseException) -> set[str]:
    """Show ``exc`` as an error report and on the status line; never a traceback."""
    props = settings(context)
    if isinstance(exc, Cancelled):
        props.status = "Cancelled. Nothing was changed."
        op.report({"WARNING"}, props.status)
    else:
        text = str(exc) if isinstance(exc, MusicCogError) else f"unexpected error: {exc!r}"
        props.status = "Error: " + text.splitlines()[0]
        op.report({"ERROR"}, text)
    props.busy = False
    props.progress = 0.0
    return {"CANCELLED"}


class ModalJobMixin:
    """For operators with ``start_job(context) -> BackgroundJob`` and ``finish(context, value)``."""

    _job: BackgroundJob | None = None
    _timer: Any = None
    busy_text = "Working"

    def start_job(self, context: Any) -> BackgroundJob:  # pragma: no cover - abstract
        raise NotImplementedError

    def finish(self, context: Any, value: Any) -> set[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _begin(self, context: Any) -> BackgroundJob:
        job = self.start_job(context)
        props = settings(context)
        props.busy, props.progress, props.status = True, 0.0, f"{self.busy_text}…"
        return job

    def _end(self, context: Any, job: BackgroundJob) -> set[str]:
        try:
            value = job.outcome()
        except BaseException as exc:  # reported, never raised into Blender
            return report_error(self, context, exc)
        try:
            result = self.finish(context, value)
        except MusicCogError as exc:
            return report_error(self, context, exc)
        props = settings(context)
        props.busy, props.progress = False, 100.0 if result == {"FINISHED"} else 0.0
        return result

    def execute(self, context: Any) -> set[str]:
        try:
            job = self._begin(context)
        except MusicCogError as exc:
            return report_error(self, context, exc)
        job.wait()
        return self._end(context, job)

    def invoke(self, context: Any, event: Any) -> set[str]:
        if context.window is None or bpy.app.background:
            return self.execute(context)
        try:
            self._job = self._begin(context)
        except MusicCogError as exc:
            return report_error(self, context, exc)
        wm = context.window_manager
        self._timer = wm.event_timer_add(POLL_INTERVAL_S, window=context.window)
        wm.modal_handler_add(self)
        wm.progress_begin(0, 100)
        return {"RUNNING_MODAL"}

    def modal(self, context: Any, event: Any) -> set[str]:
        job = self._job
        if job is None:
            return {"CANCELLED"}
        if event.type == "ESC" and event.value == "PRESS":
            job.cancel()
        if event.type != "TIMER":
            return {"PASS_THROUGH"}
        props = settings(context)
        props.progress = job.percent
        props.status = f"{self.busy_text}… {job.percent:.0f}% (Esc cancels)"
        context.window_manager.progress_update(job.percent)
        redraw_sequencer(context)
        if not job.done:
            return {"RUNNING_MODAL"}
        wm = context.window_manager
        wm.event_timer_remove(self._timer)
        wm.progress_end()
        self._job = self._timer = None
        result = self._end(context, job)
        redraw_sequencer(context)
        return result
