"""Helpers for the scenario scripts that run inside real Blender (the ``bpy`` module).

Each scenario is ``python scenario.py CONFIG.json``: it imports ``bpy``, registers
the add-on from a copy of ``install/blender`` (as the top-level package
``music_cog``, the extension id), asserts, and exits non-zero with a message on
the first failure. CONFIG holds the paths the pytest side prepared.
"""

from __future__ import annotations

import json
import shutil
import sys
import traceback
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import bpy

ADDON_NAME = "music_cog"


def config() -> dict[str, Any]:
    return json.loads(Path(sys.argv[1]).read_text())


def load_addon(cfg: dict[str, Any]) -> Any:
    """Copy install/blender to ``<tmp>/addons/music_cog``, import it and register it."""
    target = Path(cfg["tmp"]) / "addons" / ADDON_NAME
    if not target.exists():
        shutil.copytree(cfg["addon_src"], target, ignore=shutil.ignore_patterns("__pycache__"))
    sys.path.insert(0, str(target.parent))
    import importlib

    addon = importlib.import_module(ADDON_NAME)
    addon.register()
    return addon


def fresh_scene(fps: int = 24, fps_base: float = 1.0, frame_start: int = 1,
                frame_end: int = 96, *, reset: bool = True) -> Any:
    """Reset to an empty file (``reset``; it also resets preferences and add-ons) and return
    its scene, emptied, with the given rate and range."""
    if reset:
        bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    # bpy 5.0.1 crashes in the next operator when fps is set on a scene without a
    # sequence editor, so the editor is made first (empty).
    se = scene.sequence_editor_create()
    for strip in list(se.strips):
        se.strips.remove(strip)
    scene.render.fps, scene.render.fps_base = fps, fps_base
    scene.frame_start, scene.frame_end = frame_start, frame_end
    scene.render.resolution_x, scene.render.resolution_y = 160, 90
    scene.render.resolution_percentage = 100
    return scene


def build_edit(scene: Any, clip: str, *, start: int = 1) -> Any:
    """A movie strip (channel 1) and its sound (channel 2) starting at ``start``."""
    se = scene.sequence_editor_create()
    strips = se.strips
    strips.new_movie("clip", clip, 1, start)
    strips.new_sound("clip_audio", clip, 2, start)
    return se


def strip_state(scene: Any) -> list[tuple]:
    """Everything about the existing strips and markers that must not change."""
    se = scene.sequence_editor
    rows: list[tuple] = []
    if se is not None:
        for s in sorted(se.strips, key=lambda s: s.name):
            rows.append((
                s.name, s.type, s.channel, s.frame_start, s.frame_final_start, s.frame_final_end,
                round(getattr(s, "volume", 1.0), 6), s.mute,
                getattr(s, "filepath", None)
                or getattr(getattr(s, "sound", None), "filepath", None),
            ))
    rows.append(tuple(sorted((m.name, m.frame) for m in scene.timeline_markers)))
    return rows


def volume_points(scene: Any, strip: Any) -> list[tuple[float, float, str]]:
    """``(frame, value, interpolation)`` of the strip's volume F-curve (layered or legacy)."""
    anim = scene.animation_data
    if anim is None or anim.action is None:
        return []
    path = strip.path_from_id("volume")
    action = anim.action
    if hasattr(action, "fcurves") and not getattr(action, "is_action_layered", False):
        curves = action.fcurves
    else:
        from bpy_extras import anim_utils

        curves = anim_utils.action_get_channelbag_for_slot(action, anim.action_slot).fcurves
    for curve in curves:
        if curve.data_path == path:
            return [(k.co[0], round(k.co[1], 6), k.interpolation) for k in curve.keyframe_points]
    return []


def volume_curve(scene: Any, strip: Any) -> Any:
    anim = scene.animation_data
    from bpy_extras import anim_utils

    action = anim.action
    curves = (action.fcurves if hasattr(action, "fcurves") else
              anim_utils.action_get_channelbag_for_slot(action, anim.action_slot).fcurves)
    return next(c for c in curves if c.data_path == strip.path_from_id("volume"))


def expect(cond: bool, message: str) -> None:
    if not cond:
        raise AssertionError(message)


def expect_error(call, *needles: str) -> str:  # type: ignore[no-untyped-def]
    """Run an operator call that must report an error; returns the report text."""
    try:
        result = call()
    except RuntimeError as exc:  # bpy.ops raises the ERROR report as RuntimeError
        text = str(exc)
        expect(text.startswith("Error:"), f"not an error report: {text!r}")
        expect("Traceback" not in text, f"the report holds a traceback: {text!r}")
        for needle in needles:
            expect(needle.lower() in text.lower(), f"report {text!r} does not say {needle!r}")
        return text
    raise AssertionError(f"expected an error report, the operator returned {result}")


class FakeSession:
    """A stand-in for ``musiccog.session.Session`` (a test double, not the backend).

    ``sync_timeline`` returns the edit plus a BGM track playing ``music`` with the
    level shape given at construction, and markers: downbeats every 2 s, beats every
    0.5 s. It records what it was sent.
    """

    kind = "fake"

    def __init__(self, music: str, segment: dict[str, Any] | list[dict[str, Any]], *,
                 fail: Exception | None = None):
        self.music = music
        self.segments = segment if isinstance(segment, list) else [segment]
        self.fail = fail
        self.sent: list[Any] = []

    def sync_timeline(self, draft, *, prompt, music_path=None, library_dir=None, cancel=None,
                      on_progress=None):  # type: ignore[no-untyped-def]
        from musiccog.draft import parse_draft

        self.sent.append(SimpleNamespace(draft=draft, prompt=prompt, music_path=music_path,
                                         library_dir=library_dir))
        if on_progress:
            on_progress(50, 100)
        if self.fail is not None:
            raise self.fail
        data = draft.to_json()
        segs = [{"src": self.music, "n": "Fake tune", **seg} for seg in self.segments]
        data["t"].append({"tt": 1, "n": "BGM", "m": {"role": "bgm"}, "sg": segs})
        end = draft.end_ms
        data["mk"] = (data.get("mk") or []) + [
            {"s": t, "n": "downbeat", "c": "GREEN"} for t in range(0, int(end), 2000)
        ] + [{"s": t, "n": "beat"} for t in range(0, int(end), 500)]
        result = parse_draft(data)
        return SimpleNamespace(draft=result, bgm_path=Path(self.music), summary="fake summary",
                               messages=["Placed Fake tune under the edit."])


def use_fake_session(session: Any) -> None:
    """Make the add-on's sync reach ``session`` instead of opening a backend."""
    from musiccog.blender import sync as mc_sync

    mc_sync.SESSIONS.close()
    mc_sync.open_session = lambda choice: (session, session)


def run(main) -> None:  # type: ignore[no-untyped-def]
    """Run ``main()``; print the failure and exit 1 on any exception."""
    try:
        main()
    except BaseException:
        traceback.print_exc()
        sys.stdout.flush()
        sys.exit(1)
    print("SCENARIO OK")
    sys.exit(0)


def expect_existing_unchanged(scene: Any, before: list[tuple]) -> None:
    """The strips in ``before`` (a :func:`strip_state`) are all still there, unchanged."""
    names = {row[0] for row in before[:-1]}
    now = [row for row in strip_state(scene)[:-1] if row[0] in names]
    expect(now == before[:-1], f"existing strips changed:\n{before[:-1]}\n{now}")
