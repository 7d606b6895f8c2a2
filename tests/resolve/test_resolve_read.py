"""Reading a Resolve timeline into a draft: through Resolve's OTIO export and by walking the API."""

from __future__ import annotations

import pytest

from musiccog.resolve.host import ResolveHost
from musiccog.resolve.timecode import frame_to_ms, parse_rate
from tests.resolve.builders import RATES, cut_timeline


@pytest.mark.parametrize("version", [[18, 1, 0, 0, ""], [20, 2, 0, 8, ""]], ids=["walk", "otio"])
@pytest.mark.parametrize("rate_name", RATES)
def test_read_keeps_every_item_on_its_frame(tmp_path, rate_name, version):
    resolve, tl, files = cut_timeline(tmp_path, rate_name, version=version)
    host = ResolveHost(resolve)
    before = resolve.state()
    draft, how = host.read_draft()
    assert how == ("otio" if version[0] >= 20 else "walk")
    assert resolve.state() == before  # reading changes nothing
    rate = parse_rate(rate_name)
    meta = draft.metadata
    assert meta.fps == rate.nominal
    # m.tc is the start frame's real time (OTIO global_start_time), whole ms either way
    assert abs(meta.start_ms - frame_to_ms(tl.start_frame, rate)) <= 0.5
    assert meta.unknown["resolve"]["start_frame"] == tl.start_frame
    assert meta.unknown["resolve"]["drop_frame"] is rate.drop_frame
    assert meta.unknown["resolve"]["start_timecode"] == tl.GetStartTimecode()
    video = draft.known_tracks(0)
    audio = draft.known_tracks(1)
    assert len(video) == 1 and len(audio) == 3  # the empty A3 is kept
    # every segment comes back to exactly its record frames
    for track, kind in ((video[0], "video"), (audio[0], "audio"), (audio[1], "audio")):
        index = 1 if track in (video[0], audio[0]) else 2
        items = tl.tracks[kind][index - 1]["items"]
        assert len(track.segments) == len(items)
        for seg, item in zip(track.segments, items, strict=True):
            assert round(seg.start_ms * float(rate.fps) / 1000) == item.start - tl.start_frame
            assert round(seg.end_ms * float(rate.fps) / 1000) == item.end - tl.start_frame
            assert seg.source == item.clip.path
    # the gap on V1 is a gap: second shot starts at 6 s worth of frames
    sec = int(round(float(rate.fps)))
    assert round(video[0].segments[1].start_ms * float(rate.fps) / 1000) == 6 * sec
    assert audio[2].segments == []


def test_walk_reads_user_markers_relative_to_the_start(tmp_path):
    resolve, tl, _ = cut_timeline(tmp_path, "25", version=[18, 1, 0, 0, ""])
    draft, how = ResolveHost(resolve).read_draft()
    assert how == "walk"
    (marker,) = draft.markers
    assert marker.start_ms == 3000  # frame 75 at 25 fps, relative to 01:00:00:00
    assert (marker.name, marker.note, marker.color) == ("mine", "user note", "BLUE")


def test_failed_export_falls_back_to_walking(tmp_path):
    resolve, _, _ = cut_timeline(tmp_path, "24")
    resolve.fail_on.add("Export")
    draft, how = ResolveHost(resolve).read_draft()
    assert how == "walk"
    assert len(draft.known_tracks(1)) == 3


def test_subtitles_become_text_tracks(tmp_path):
    resolve, tl, _ = cut_timeline(tmp_path, "24", version=[18, 1, 0, 0, ""])
    tl._add_track("subtitle", None)
    tl.place("subtitle", 1, None, record=tl.start_frame + 24, frames=48, name="Hello there")
    draft, _ = ResolveHost(resolve).read_draft()
    (text,) = draft.known_tracks(7)
    (seg,) = text.segments
    assert (seg.start_ms, seg.duration_ms, seg.text) == (1000, 2000, "Hello there")
