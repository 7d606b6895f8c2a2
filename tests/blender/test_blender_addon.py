"""The add-on inside real Blender (bpy 5.0.1): each test runs one scenario script."""

from __future__ import annotations

import pytest


def test_sync_adds_music_strip_keys_and_markers_and_leaves_edit_alone(run_scenario):
    run_scenario("scenario_sync.py")


def test_bad_input_is_reported_and_changes_nothing(run_scenario):
    run_scenario("scenario_refusals.py")


def test_otio_export_and_import_round_trip_strips_channels_gaps_markers(run_scenario):
    run_scenario("scenario_otio.py")


def test_mixed_audio_follows_keys_and_export_writes_h264_aac_mp4(run_scenario):
    run_scenario("scenario_export.py")


def test_register_unregister_mirror_and_panel_draws_every_choice(run_scenario):
    run_scenario("scenario_register.py")


def test_ntsc_rate_late_start_and_split_music_land_on_exact_frames(run_scenario):
    run_scenario("scenario_timing.py")


def test_shared_clip_sync_and_otio(run_scenario, shared_dir):
    clip = shared_dir / "media" / "old_town_30s.mp4"
    music = shared_dir / "audio" / "maple_leaf_rag.flac"
    for path in (clip, music):
        if not path.is_file():
            pytest.skip(f"shared media not found: {path}")
    run_scenario("scenario_shared.py", shared_clip=str(clip), shared_music=str(music))
