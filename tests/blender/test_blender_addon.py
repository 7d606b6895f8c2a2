"""The add-on inside real Blender (bpy 5.0.1): each test runs one scenario script."""

from __future__ import annotations


def test_sync_adds_music_strip_keys_and_markers_and_leaves_edit_alone(run_scenario):
    run_scenario("scenario_sync.py")


def test_bad_input_is_reported_and_changes_nothing(run_scenario):
    run_scenario("scenario_refusals.py")


def test_otio_export_and_import_round_trip_strips_channels_gaps_markers(run_scenario):
    run_scenario("scenario_otio.py")


def test_mixed_audio_follows_keys_and_export_writes_h264_aac_mp4(run_scenario):
    run_scenario("scenario_export.py")
