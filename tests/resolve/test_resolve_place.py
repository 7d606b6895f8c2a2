"""Placing synced music on the current timeline, or as a new timeline from OTIO (on the fake)."""

from __future__ import annotations

import pytest

from musiccog.errors import InputFileError
from musiccog.resolve.errors import ResolveMediaMissing, ResolvePlacementError
from musiccog.resolve.host import BIN_NAME, ResolveHost
from musiccog.resolve.timecode import ms_to_frame, parse_rate
from tests.resolve.builders import RATES, cut_timeline, synced_draft, write_wav


def _setup(tmp_path, rate_name, **kw):
    resolve, tl, files = cut_timeline(tmp_path, rate_name, **kw)
    host = ResolveHost(resolve)
    base, _ = host.read_draft()
    bgm = write_wav(tmp_path / "bgm.wav", 12)
    return resolve, tl, host, synced_draft(base, bgm), bgm


def _existing(state):
    """Everything but what placement may add (new track, markers, the bin)."""
    tl = state["timelines"][0]
    return {k: v[:2] if k == "audio" else v for k, v in tl["tracks"].items()}


@pytest.mark.parametrize("rate_name", RATES)
def test_music_lands_on_a_new_track_at_the_exact_record_frame(tmp_path, rate_name):
    resolve, tl, host, draft, bgm = _setup(tmp_path, rate_name)
    before = resolve.state()
    report = host.place_on_current_timeline(draft, bgm)
    after = resolve.state()
    rate = parse_rate(rate_name)
    # a new fourth audio track holds exactly one item at start + 500 ms for 9 s
    assert report.track_index == 4 and tl.GetTrackCount("audio") == 4
    (item,) = tl.GetItemListInTrack("audio", 4)
    assert item.GetStart() == tl.start_frame + ms_to_frame(500, rate)
    assert item.GetDuration() == ms_to_frame(9500, rate) - ms_to_frame(500, rate)
    assert report.record_frames == [item.GetStart()]
    # audio pool items count source frames at 24 fps whatever the timeline rate
    assert item.GetMediaPoolItem().GetClipProperty("FPS") == "24"
    assert item.GetSourceStartFrame() == 0
    # existing tracks, items and the user's marker are untouched
    assert _existing(after) == _existing(before)
    marker_frames = tl.GetMarkers()
    assert marker_frames[float(3 * round(float(rate.fps)))]["name"] == "mine"
    # downbeats at their relative frames, green, with our customData
    downbeats = {int(f): m for f, m in marker_frames.items() if m["name"] == "Downbeat"}
    assert sorted(downbeats) == [ms_to_frame(ms, rate) for ms in (500, 2500, 4500, 6500, 8500)]
    assert all(m["color"] == "Green" and m["customData"].startswith("musiccog:")
               for m in downbeats.values())
    # the duck is a yellow marker spanning the dip (2.0 s → 4.3 s into the clip)
    (duck,) = [(int(f), m) for f, m in marker_frames.items() if m["name"] == "Duck music"]
    # (a downbeat holds 2.5 s, so the duck note moves one frame later; never onto a downbeat)
    assert duck[0] == ms_to_frame(2500, rate) + 1
    assert duck[1]["duration"] == ms_to_frame(4800, rate) - ms_to_frame(2500, rate)
    assert "30 %" in duck[1]["note"] and "-10.5 dB" in duck[1]["note"]
    # the music sits in the Music Cog bin; the current folder is back where it was
    pool = resolve.project.media_pool
    (folder,) = [f for f in pool.root.subfolders if f.name == BIN_NAME]
    assert [c.path for c in folder.clips] == [str(bgm.resolve())]
    assert after["current_folder"] == before["current_folder"]
    assert "Music placed on audio track A4" in report.summary()


def test_level_and_fades_are_noted_because_resolve_cannot_set_them(tmp_path):
    resolve, tl, host, draft, bgm = _setup(tmp_path, "25")
    report = host.place_on_current_timeline(draft, bgm)
    notes = [m for m in tl.GetMarkers().values() if m["name"].startswith("Music Cog BGM")]
    assert len(notes) == 1
    assert "80 % (-1.9 dB)" in notes[0]["note"] and "fade in 1.0 s" in notes[0]["note"]
    assert any("fade out 2.0 s" in n for n in report.notes)
    # Resolve's API refuses clip volume on audio items, which is why these are notes
    (item,) = tl.GetItemListInTrack("audio", 4)
    assert item.SetProperty("Volume", -1.9) is False


def test_timeline_rate_audio_items_and_old_inclusive_end_frames(tmp_path):
    # Resolve 18.x counted endFrame inclusively; the host asks for one frame less there
    resolve, tl, host, draft, bgm = _setup(tmp_path, "29.97", version=[18, 1, 0, 0, ""],
                                           audio_fps="29.97")
    host.place_on_current_timeline(draft, bgm)
    (item,) = tl.GetItemListInTrack("audio", 4)
    rate = parse_rate("29.97")
    assert item.GetDuration() == ms_to_frame(9500, rate) - ms_to_frame(500, rate)


def test_wrong_end_frame_guess_is_corrected_once(tmp_path, monkeypatch):
    resolve, tl, host, draft, bgm = _setup(tmp_path, "24", audio_fps="24")
    from musiccog.resolve.snapshot import Edition

    monkeypatch.setattr(Edition, "end_frame_exclusive", property(lambda self: False))
    host.place_on_current_timeline(draft, bgm)
    (item,) = tl.GetItemListInTrack("audio", 4)
    assert item.GetDuration() == 9 * 24


def test_downbeat_on_a_users_marker_is_skipped_not_moved(tmp_path):
    resolve, tl, host, base_draft, bgm = _setup(tmp_path, "24")
    draft = synced_draft(host.read_draft()[0], bgm, downbeats_ms=(3000, 5000))
    report = host.place_on_current_timeline(draft, bgm)
    markers = tl.GetMarkers()
    assert markers[72.0]["name"] == "mine" and markers[72.0]["note"] == "user note"
    assert markers[120.0]["name"] == "Downbeat"
    assert len(report.skipped) == 1 and "Downbeat at 01:00:03:00" in report.skipped[0]


@pytest.mark.parametrize("failing", ["AddSubFolder", "ImportMedia", "AddTrack", "AppendToTimeline"])
def test_a_failed_step_leaves_nothing_behind(tmp_path, failing):
    resolve, tl, host, draft, bgm = _setup(tmp_path, "29.97 DF")
    before = resolve.state()
    resolve.fail_on.add(failing)
    with pytest.raises(ResolvePlacementError, match="Nothing was left behind"):
        host.place_on_current_timeline(draft, bgm)
    assert resolve.state() == before


def test_refused_append_inside_an_existing_bin_keeps_the_users_bin(tmp_path):
    resolve, tl, host, draft, bgm = _setup(tmp_path, "24")
    pool = resolve.project.media_pool
    mine = pool.AddSubFolder(pool.root, BIN_NAME)  # the user already has a Music Cog bin
    before = resolve.state()
    resolve.fail_on.add("AppendToTimeline")
    with pytest.raises(ResolvePlacementError):
        host.place_on_current_timeline(draft, bgm)
    assert resolve.state() == before and mine in pool.root.subfolders


def test_missing_music_file_is_named_before_anything_is_added(tmp_path):
    resolve, tl, host, draft, bgm = _setup(tmp_path, "24")
    before = resolve.state()
    bgm.unlink()
    with pytest.raises(InputFileError, match="bgm.wav"):
        host.place_on_current_timeline(draft, bgm)
    assert resolve.state() == before


def test_second_run_reuses_the_pool_item_and_adds_another_track(tmp_path):
    resolve, tl, host, draft, bgm = _setup(tmp_path, "25")
    host.place_on_current_timeline(draft, bgm)
    report = host.place_on_current_timeline(draft, bgm)
    assert report.track_index == 5
    (folder,) = [f for f in resolve.project.media_pool.root.subfolders if f.name == BIN_NAME]
    assert len(folder.clips) == 1
    # the second run's downbeats collide with the first run's: skipped, not stacked
    assert sum(s.startswith("Downbeat") for s in report.skipped) == 5


# -- a new timeline from OTIO ------------------------------------------------

@pytest.mark.parametrize("rate_name", ["23.976", "29.97 DF", "59.94", "25"])
def test_new_timeline_carries_levels_as_keyframes(tmp_path, rate_name):
    resolve, tl, host, draft, bgm = _setup(tmp_path, rate_name)
    before_items = _existing(resolve.state())
    report = host.import_as_new_timeline(draft)
    project = resolve.project
    assert report.timeline == "Edit + Music Cog"
    new = project.GetCurrentTimeline()
    assert new.GetName() == "Edit + Music Cog" and new is not tl
    assert new.GetStartFrame() == tl.GetStartFrame()
    rate = parse_rate(rate_name)
    (music,) = [i for t in new.tracks["audio"] for i in t["items"]
                if i.clip.path.endswith("bgm.wav")]
    assert music.GetStart() == tl.start_frame + ms_to_frame(500, rate)
    assert music.volume_db == pytest.approx(-1.938, abs=0.001)
    keys = music.volume_keys
    assert keys[0] == -100.0  # fade in starts from silence
    def key(ms):
        return keys[ms_to_frame(ms, rate) - ms_to_frame(500, rate)]

    assert key(1500) == pytest.approx(-1.938, abs=0.01)  # fade in done: the level
    assert key(2800) == pytest.approx(-10.458, abs=0.01)  # the duck: 30 %
    assert max(keys) == ms_to_frame(9500, rate) - ms_to_frame(500, rate) - 1
    assert keys[max(keys)] < -20  # fading out at the end
    # the original timeline is untouched
    assert _existing(resolve.state()) == before_items
    assert tl.GetTrackCount("audio") == 3


def test_new_timeline_name_is_made_unique(tmp_path):
    resolve, tl, host, draft, bgm = _setup(tmp_path, "24")
    assert host.import_as_new_timeline(draft).timeline == "Edit + Music Cog"
    resolve.project.SetCurrentTimeline(tl)
    assert host.import_as_new_timeline(draft).timeline == "Edit + Music Cog 2"


def test_missing_media_is_named_and_nothing_is_imported(tmp_path):
    resolve, tl, host, draft, bgm = _setup(tmp_path, "24")
    (tmp_path / "shot_b.mov").unlink()
    before = resolve.state()
    with pytest.raises(ResolveMediaMissing) as info:
        host.import_as_new_timeline(draft)
    assert info.value.missing == [str(tmp_path / "shot_b.mov")]
    assert "shot_b.mov" in str(info.value)
    assert resolve.state() == before


def test_refused_import_leaves_nothing_behind(tmp_path):
    resolve, tl, host, draft, bgm = _setup(tmp_path, "24")
    before = resolve.state()
    resolve.fail_on.add("ImportTimelineFromFile")
    with pytest.raises(ResolvePlacementError, match="Nothing was added"):
        host.import_as_new_timeline(draft)
    assert resolve.state() == before


@pytest.mark.parametrize("start_tc", ["00:00:00:00", "10:00:00:00", "00:59:59:12"])
def test_other_start_timecodes(tmp_path, start_tc):
    resolve, tl, host, draft, bgm = _setup(tmp_path, "25", start_tc=start_tc)
    host.place_on_current_timeline(draft, bgm)
    (item,) = tl.GetItemListInTrack("audio", 4)
    assert item.GetStart() - tl.GetStartFrame() == 12  # 500 ms at 25 fps: 12.5 → even 12
    assert tl.GetStartTimecode() == start_tc


def test_two_music_segments_with_a_gap_land_on_one_new_track(tmp_path):
    resolve, tl, host, _, bgm = _setup(tmp_path, "30")
    from musiccog.draft import parse_draft

    data = host.read_draft()[0].to_json()
    data["t"].append({"tt": 1, "n": "BGM", "m": {"role": "bgm"}, "sg": [
        {"s": 0, "d": 4000, "i": 0, "src": str(bgm)},
        {"s": 6000, "d": 5000, "i": 4000, "src": str(bgm)}]})
    report = host.place_on_current_timeline(parse_draft(data), bgm)
    first, second = tl.GetItemListInTrack("audio", 4)
    s = tl.GetStartFrame()
    assert (first.GetStart() - s, first.GetDuration()) == (0, 120)
    assert (second.GetStart() - s, second.GetDuration()) == (180, 150)
    assert second.GetSourceStartFrame() == 96  # 4 s into the WAV at the pool item's 24 fps
    assert report.record_frames == [s, s + 180]
