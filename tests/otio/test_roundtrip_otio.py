"""OTIO → draft → OTIO keeps tracks, kinds, names, ranges, references, gaps and markers."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest

from musiccog.draft import TRACK_AUDIO, TRACK_TEXT, TRACK_VIDEO
from musiccog.errors import MappingError
from musiccog.otio_mapping import draft_to_otio, otio_to_draft
from tests.otio.otio_compare import describe

SAMPLES = [
    "simple_cut",
    "multitrack",
    "transition_test",
    "nested_example",
    "generator_reference_test",
    "clip_example",
]


@pytest.mark.parametrize("name", SAMPLES)
def test_shared_sample_round_trip_keeps_structure(shared_dir: Path, name: str) -> None:
    original = otio.adapters.read_from_file(str(shared_dir / "otio_samples" / f"{name}.otio"))
    draft = otio_to_draft(original)
    back = draft_to_otio(draft)
    assert describe(back) == describe(original)
    # and once more through a file, as another tool would see it
    again = otio.adapters.read_from_string(otio.adapters.write_to_string(back, "otio_json"))
    assert describe(otio_to_draft(again).model_copy() and draft_to_otio(otio_to_draft(again))) == (
        describe(original)
    )


def test_sample_tracks_become_draft_tracks(shared_dir: Path) -> None:
    tl = otio.adapters.read_from_file(str(shared_dir / "otio_samples" / "multitrack.otio"))
    draft = otio_to_draft(tl)
    assert [t.track_type for t in draft.tracks] == [TRACK_VIDEO] * 3
    first = draft.tracks[0]
    # clip, 83-frame filler, clip, filler, clip at 24 fps: positions from absolute times
    assert [s.start_ms for s in first.segments] == [
        0,
        round(803 / 24 * 1000),
        round(1957 / 24 * 1000),
    ]
    ends = [s.end_ms for s in first.segments]
    assert ends == [30000, round(1525 / 24 * 1000), round(2677 / 24 * 1000)]  # absolute ends


def _timeline(rate: float) -> otio.schema.Timeline:
    tl = otio.schema.Timeline(
        name="built", global_start_time=otio.opentime.RationalTime(round(3600 * rate), rate)
    )
    video = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    audio = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
    for index in range(40):
        ref = otio.schema.ExternalReference(
            target_url=f"/media/shot{index}.mov",
            available_range=otio.opentime.TimeRange(
                otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(1000, rate)
            ),
        )
        clip = otio.schema.Clip(
            name=f"shot{index}",
            media_reference=ref,
            source_range=otio.opentime.TimeRange(
                otio.opentime.RationalTime(index * 3, rate),
                otio.opentime.RationalTime(17 + index % 5, rate),
            ),
        )
        if index % 7 == 0:
            clip.markers.append(
                otio.schema.Marker(
                    name=f"m{index}",
                    marked_range=otio.opentime.TimeRange(
                        otio.opentime.RationalTime(index * 3 + 1, rate),
                        otio.opentime.RationalTime(0, rate),
                    ),
                    color=otio.schema.MarkerColor.GREEN,
                )
            )
        video.append(clip)
        if index % 3 == 0:
            video.append(otio.schema.Gap(duration=otio.opentime.RationalTime(5, rate)))
    audio.append(otio.schema.Gap(duration=otio.opentime.RationalTime(11, rate)))
    audio.append(
        otio.schema.Clip(
            name="song",
            media_reference=otio.schema.ExternalReference(target_url="/music/song.wav"),
            source_range=otio.opentime.TimeRange(
                otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(700, rate)
            ),
        )
    )
    tl.tracks.append(video)
    tl.tracks.append(audio)
    tl.tracks.markers.append(
        otio.schema.Marker(
            name="cut",
            marked_range=otio.opentime.TimeRange(
                otio.opentime.RationalTime(123, rate), otio.opentime.RationalTime(0, rate)
            ),
        )
    )
    return tl


@pytest.mark.parametrize("rate", [24000 / 1001, 24.0, 25.0, 30000 / 1001, 30.0, 60000 / 1001])
def test_built_timeline_round_trip_no_drift(rate: float) -> None:
    original = _timeline(rate)
    draft = otio_to_draft(original)
    back = draft_to_otio(draft)
    assert describe(back) == describe(original)
    # every item lands on the same frame as in the original (no drift over 40+ items)
    for got, want in zip(back.tracks[0], original.tracks[0], strict=True):
        assert back.tracks[0].range_of_child(got).start_time.value == pytest.approx(
            original.tracks[0].range_of_child(want).start_time.value
        )
    assert draft.metadata is not None and draft.metadata.start_ms is not None
    assert abs(draft.metadata.start_ms - round(3600 * rate) / rate * 1000) <= 0.5


def test_text_track_maps_to_generator_clips() -> None:
    from musiccog.draft import parse_draft

    draft = parse_draft(
        {"t": [{"tt": 7, "sg": [{"s": 0, "d": 3000, "tx": "Urban Dreams"}]}], "m": {"fps": 25}}
    )
    tl = draft_to_otio(draft)
    clip = tl.tracks[0][0]
    assert tl.tracks[0].kind == otio.schema.TrackKind.Video
    assert isinstance(clip.media_reference, otio.schema.GeneratorReference)
    assert clip.media_reference.parameters["text"] == "Urban Dreams"
    assert clip.source_range.duration == otio.opentime.RationalTime(75, 25)
    assert otio_to_draft(tl).tracks[0].track_type == TRACK_TEXT


def test_audio_speed_and_volume_survive_other_tools() -> None:
    from musiccog.draft import parse_draft

    data = {
        "t": [
            {
                "tt": TRACK_AUDIO,
                "n": "BGM",
                "sg": [
                    {
                        "s": 1000,
                        "d": 9000,
                        "src": "/m.wav",
                        "v": 0.35,
                        "fi": 500,
                        "fo": 2000,
                        "vk": [[0, 1], [4000, 0.25]],
                        "sp": 1.03,
                    }
                ],
            }
        ],
        "m": {"fps": 29.97},
    }
    tl = draft_to_otio(parse_draft(data))
    clip = tl.tracks[0][1]  # a gap first, then the clip
    assert isinstance(tl.tracks[0][0], otio.schema.Gap)
    assert tl.tracks[0][0].duration().value == 30  # 1 s at 29.97 is 29.97 → 30 frames
    warp = [e for e in clip.effects if isinstance(e, otio.schema.LinearTimeWarp)]
    assert warp and warp[0].time_scalar == pytest.approx(1.03)
    # a tool that renames the clip and moves it keeps our data; the draft follows the move
    clip.name = "renamed"
    tl.tracks[0][0].source_range = otio.opentime.TimeRange(
        duration=otio.opentime.RationalTime(60, 30000 / 1001)
    )
    seg = otio_to_draft(tl).tracks[0].segments[0]
    assert seg.name == "renamed" and seg.volume == 0.35 and seg.fade_out_ms == 2000
    assert seg.start_ms == round(60 / (30000 / 1001) * 1000)


def test_top_level_item_that_is_not_a_track_is_refused_by_name() -> None:
    tl = otio.schema.Timeline()
    tl.tracks.append(otio.schema.Stack(name="loose stack"))
    with pytest.raises(MappingError, match="loose stack"):
        otio_to_draft(tl)
