"""OpenTimelineIO plugin package for the AI Music Cog draft format.

Registered under the ``opentimelineio.plugins`` entry point; OTIO reads
``plugin_manifest.json`` beside this file, which names the adapter
``musiccog_draft`` (module :mod:`musiccog_otio.draft_adapter`, suffixes
``json`` and ``draft``).
"""

from __future__ import annotations

import os

import opentimelineio as otio


def plugin_manifest() -> otio.plugins.Manifest:
    """The plugin manifest beside this file (OTIO calls this when it is present)."""
    here = os.path.dirname(os.path.abspath(__file__))
    return otio.plugins.manifest.manifest_from_file(os.path.join(here, "plugin_manifest.json"))
