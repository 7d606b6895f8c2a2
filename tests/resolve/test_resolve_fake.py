"""The fake refuses what Resolve refuses — so the host's tests would catch a sloppy call."""

from __future__ import annotations

import opentimelineio as otio
import pytest

from tests.resolve.builders import cut_timeline, write_wav


@pytest.fixture
def setup(tmp_path):
    resolve, tl, files = cut_timeline(tmp_path, "24")
    pool = resolve.project.media_pool
    (music,) = pool.ImportMedia([str(write_wav(tmp_path / "m.wav", 5))])
    return resolve, tl, pool, music


def _info(music, **kw):
    info = {"mediaPoolItem": music, "startFrame": 0, "endFrame": 24, "mediaType": 2,
            "trackIndex": 3, "recordFrame": 86400 + 600}
    info.update(kw)
    return info


@pytest.mark.parametrize("bad", [
    {"volume": 0.5},                 # unknown key
    {"recordFrame": 86400.5},        # not an int
    {"startFrame": True},            # bool is not an int
    {"mediaType": 3},                # not 1 or 2
    {"mediaType": 1},                # video from an audio-only clip
    {"trackIndex": 4},               # no such track
    {"trackIndex": 0},
    {"endFrame": 24 * 6},            # past the end of a 5 s clip
    {"recordFrame": 86400 + 48, "trackIndex": 2},  # overlaps the room tone on A2
])
def test_append_refuses_the_whole_batch(setup, bad):
    resolve, tl, pool, music = setup
    before = resolve.state()
    assert pool.AppendToTimeline([_info(music), _info(music, **bad)]) == []
    assert resolve.state() == before


def test_append_counts_end_frame_by_version(setup):
    resolve, tl, pool, music = setup
    (item,) = pool.AppendToTimeline([_info(music)])
    assert item.GetDuration() == 24 and item.GetStart() == 87000
    resolve.version = [18, 6, 0, 0, ""]
    (old,) = pool.AppendToTimeline([_info(music, recordFrame=88000)])
    assert old.GetDuration() == 25  # 18.x: endFrame inclusive


def test_markers_are_relative_unique_and_inside_the_timeline(setup):
    resolve, tl, pool, music = setup
    assert tl.AddMarker(72, "Green", "x", "", 1, "") is False  # the user's marker is there
    assert tl.AddMarker(10, "Orange", "x", "", 1, "") is False  # not a Resolve colour
    assert tl.AddMarker(10, "Green", "x", "", 0, "") is False  # duration >= 1
    assert tl.AddMarker(10**6, "Green", "x", "", 1, "") is False  # past the end
    assert tl.AddMarker(10, "Green", "x", "n", 1, "c") is True
    assert tl.GetMarkers()[10.0]["customData"] == "c"


def test_tracks_and_volume(setup):
    resolve, tl, pool, music = setup
    assert tl.AddTrack("audio", "quad") is False
    assert tl.AddTrack("video", "stereo") is False
    assert tl.AddTrack("audio", {"audioType": "stereo", "bogus": 1}) is False
    assert tl.GetItemListInTrack("audio", 9) is None
    item = tl.GetItemListInTrack("audio", 1)[0]
    assert item.SetProperty("Volume", -6.0) is False


def test_timeline_import_refuses_missing_media_relative_paths_and_taken_names(setup, tmp_path):
    resolve, tl, pool, music = setup
    good = tmp_path / "good.otio"
    otl = tl.to_otio()
    otio.adapters.write_to_file(otl, str(good))
    assert pool.ImportTimelineFromFile(str(good), {"timelineName": "Edit"}) is None  # taken
    assert pool.ImportTimelineFromFile("good.otio", {"timelineName": "B"}) is None  # relative
    assert pool.ImportTimelineFromFile(str(good), {"timelineName": "B", "x": 1}) is None
    (tmp_path / "shot_a.mov").unlink()
    assert pool.ImportTimelineFromFile(str(good), {"timelineName": "B"}) is None  # media gone
    assert [t.name for t in resolve.project.timelines] == ["Edit"]


def test_export_otio_is_resolves_dialect(setup, tmp_path):
    resolve, tl, pool, music = setup
    out = tmp_path / "x.otio"
    assert tl.Export(str(out), resolve.EXPORT_OTIO) is True
    otl = otio.adapters.read_from_file(str(out))
    assert otl.global_start_time.value == 86400
    clip = next(iter(otl.tracks[1].find_clips()))
    assert len(clip.effects[0].metadata["Resolve_OTIO"]["Parameters"]) == 0
    resolve.version = [18, 1, 0, 0, ""]
    assert tl.Export(str(out), resolve.EXPORT_OTIO) is False
