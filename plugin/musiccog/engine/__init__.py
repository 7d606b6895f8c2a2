"""The offline sync engine: analyse (beats, cuts, speech, loudness) → plan → render.

The public entry points (``sync_video``, ``sync_draft``, ``render_draft``,
``parse_prompt``) are re-exported here by :mod:`musiccog.engine.facade`.
"""
