"""Sync music into the edit, take it back out, and pick a suggested prompt.

``musiccog.sync_music`` reads the edit (main thread), sends it through the
backend on a worker (modal timer, Esc cancels) and adds the answer as new strips
and markers in one step (``UNDO``: one Ctrl+Z removes it all).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bpy
from bpy.props import StringProperty
from bpy.types import Operator

from musiccog.blender import sync as mc_sync
from musiccog.blender.placement import persist_media, plan_music
from musiccog.blender.snapshot import SceneSnapshot, missing_sources, snapshot_to_draft
from musiccog.blender.worker import BackgroundJob
from musiccog.draft.model import Draft
from musiccog.errors import InputFileError

from . import compat, props, vse_io
from .jobs import ModalJobMixin, report_error, settings

BACKEND_KIND = {"LOCAL": "local", "URL": "url", "CLOUD": "cloud"}


def backend_settings(context: Any) -> mc_sync.BackendSettings:
    """The panel's backend choice as plain data (main thread)."""
    ps = settings(context)
    prefs = props.preferences(context)
    return mc_sync.BackendSettings(
        kind=BACKEND_KIND[ps.backend],
        url=ps.server_url,
        engine_python=bpy.path.abspath(prefs.engine_python) if prefs and prefs.engine_python
        else "",
        online_access=compat.online_access(),
    )


def media_folder() -> Path:
    """Where fitted music is kept: ``//music_cog`` beside a saved .blend, else Music Cog's
    media folder (``musiccog.media_store.media_dir``, not a cache)."""
    if bpy.data.filepath:
        return Path(bpy.path.abspath("//music_cog"))
    from musiccog.media_store import media_dir

    return media_dir()


@dataclass
class _Request:
    snapshot: SceneSnapshot
    draft: Draft
    notes: list[str]


class MUSICCOG_OT_sync_music(ModalJobMixin, Operator):
    """Fit music to the edit and add it as new strips, volume keys and markers"""

    bl_idname = "musiccog.sync_music"
    bl_label = "Sync music"
    bl_options = {"REGISTER", "UNDO"}
    busy_text = "Syncing music"

    _request: _Request | None = None

    @classmethod
    def poll(cls, context: Any) -> bool:
        return context.scene is not None and not settings(context).busy

    def start_job(self, context: Any) -> BackgroundJob:
        scene = context.scene
        ps = settings(context)
        vse_io.require_editor(scene)
        snap = vse_io.read_snapshot(scene)
        missing = missing_sources(snap)
        if missing:
            raise InputFileError(
                f"{len(missing)} strip(s) point at media that is missing ("
                + "; ".join(missing[:4]) + (" …" if len(missing) > 4 else "")
                + "). Relink or remove them (Sequencer ▸ Strip ▸ Movie Strip ▸ Relink), "
                "then sync again."
            )
        use_file = ps.music_source == "FILE"
        music, library = mc_sync.check_music(
            bpy.path.abspath(ps.music_path) if use_file and ps.music_path else "",
            bpy.path.abspath(ps.library_dir) if not use_file and ps.library_dir else "",
        )
        choice = backend_settings(context)
        mc_sync.check_backend(choice)
        reading = snapshot_to_draft(snap)
        self._request = _Request(snap, reading.draft, reading.notes())
        prompt = ps.prompt.strip()
        draft = reading.draft

        def work(cancel, on_progress):  # type: ignore[no-untyped-def]
            return mc_sync.run_sync(choice, draft, prompt=prompt, music_path=music,
                                    library_dir=library, cancel=cancel, on_progress=on_progress)

        return BackgroundJob(work, name="musiccog-sync").start()

    def finish(self, context: Any, answer: mc_sync.SyncAnswer) -> set[str]:
        scene = context.scene
        request = self._request
        assert request is not None
        fresh = vse_io.read_snapshot(scene)
        snap = request.snapshot
        if (fresh.rate, fresh.frame_start) != (snap.rate, snap.frame_start):
            raise vse_io.VseError(
                "the scene's frame rate or start frame changed during the sync; sync again."
            )
        now = SceneSnapshot(**{**snap.__dict__, "strips": fresh.strips})
        outcome = answer.outcome
        plan = plan_music(outcome.draft, before=request.draft, snap=now,
                          bgm_path=getattr(outcome, "bgm_path", None))
        tag = "sync-" + uuid.uuid4().hex[:8]
        plan = persist_media(plan, media_folder(), tag=tag)
        added = vse_io.apply_placement(scene, plan, tag=tag)
        ps = settings(context)
        ps.last_added = json.dumps(added.to_json())
        ps.bgm_summary = mc_sync.bgm_summary(outcome.draft)
        replies = [m for m in answer.messages if m] or [getattr(outcome, "summary", "") or ""]
        ps.last_reply = replies[-1]
        if answer.credits:
            ps.credits = answer.credits
        ps.status = f"Added {plan.summary()}."
        for note in request.notes + plan.notes:
            self.report({"INFO"}, note)
        self.report({"INFO"}, f"Music Cog: added {plan.summary()}")
        return {"FINISHED"}


class MUSICCOG_OT_remove_music(Operator):
    """Remove the strips and markers the last sync added (other strips are not touched)"""

    bl_idname = "musiccog.remove_music"
    bl_label = "Remove added music"
    bl_options = {"REGISTER", "UNDO"}

    @classmethod
    def poll(cls, context: Any) -> bool:
        return context.scene is not None and bool(settings(context).last_added)

    def execute(self, context: Any) -> set[str]:
        ps = settings(context)
        try:
            added = vse_io.Added.from_json(json.loads(ps.last_added))
        except (ValueError, TypeError) as exc:
            return report_error(self, context, vse_io.VseError(f"no record of added music: {exc}"))
        count = vse_io.remove_added(context.scene, added)
        ps.last_added = ""
        ps.bgm_summary = ""
        ps.status = f"Removed {count} item(s) the last sync added."
        self.report({"INFO"}, ps.status)
        return {"FINISHED"}


class MUSICCOG_OT_use_prompt(Operator):
    """Put this suggested prompt in the prompt field"""

    bl_idname = "musiccog.use_prompt"
    bl_label = "Use prompt"
    bl_options = {"INTERNAL"}

    text: StringProperty(name="Prompt", default="")

    def execute(self, context: Any) -> set[str]:
        settings(context).prompt = self.text
        return {"FINISHED"}


classes = (MUSICCOG_OT_sync_music, MUSICCOG_OT_remove_music, MUSICCOG_OT_use_prompt)
