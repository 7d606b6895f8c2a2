"""The planner: fit, align and mix music to a picture (pure), then bake and draft it.

- :func:`build_plan` — analyses + options → :class:`~musiccog.engine.types.SyncPlan` (pure)
- :func:`bake_bgm` — render the plan's fitted music to a WAV (FFmpeg decode, pedalboard stretch)
- :func:`plan_to_draft` — the plan as a draft: BGM track, volume keys, beat/cut markers
- :func:`place_source_times`, :func:`cut_share` — the one beat mapping used for markers and scores
"""

from musiccog.engine.plan.bake import BakeError, bake_bgm
from musiccog.engine.plan.build import PlanError, build_plan
from musiccog.engine.plan.draft import plan_to_draft
from musiccog.engine.plan.grid import HIT_TOLERANCE_S, cut_share, place_source_times
from musiccog.engine.plan.mix import duck_at, envelope_db

__all__ = [
    "HIT_TOLERANCE_S",
    "BakeError",
    "PlanError",
    "bake_bgm",
    "build_plan",
    "cut_share",
    "duck_at",
    "envelope_db",
    "place_source_times",
    "plan_to_draft",
]
