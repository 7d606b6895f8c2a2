"""Pure parts of the panel: error messages, file checks, the timeline picture's numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from musiccog.backend.base import BackendError
from musiccog.draft import Draft, Marker, Segment, Track
from musiccog.errors import MusicCogError
from musiccog.jobs import Cancelled
from musiccog.panel.files import FileCheckError, check_file, check_files
from musiccog.panel.messages import SUPPORTED_FORMATS, describe_error
from musiccog.panel.picture import cuts_on_beat, gain_at, picture_from_draft


@pytest.mark.parametrize(
    ("code", "words", "action"),
    [
        (2001, "Register", "link"),
        (402, "higher plan", "link"),
        (4001, "mp4, mov", "choose_file"),
        (4002, "Compress it or trim it", "choose_file"),
        (429, "Wait a minute", "retry"),
        (1001, "Reconnect", "reconnect"),
        (1002, "Reconnect", "reconnect"),
        (400, "Reconnect", "reconnect"),
        (503, "Can't reach the backend", "retry"),
        (5001, "engine isn't installed", "none"),
        (5002, "render failed", "retry"),
    ],
)
def test_each_code_has_its_message_and_action(code: int, words: str, action: str) -> None:
    exc = BackendError("backend said no; see https://example.test/register?bind=abc.",
                       code=code)
    message = describe_error(exc)
    assert words in message.text
    assert message.action == action
    assert message.code == code
    assert message.detail == str(exc)
    if action == "link":
        assert message.url == "https://example.test/register?bind=abc"


def test_no_credits_when_registered_says_top_up() -> None:
    message = describe_error(BackendError("no credits left: top up credits", code=2001))
    assert "Top up" in message.text
    assert message.url == ""


def test_cancel_and_plain_errors() -> None:
    assert describe_error(Cancelled("cancelled by the user")).is_cancel
    plain = describe_error(MusicCogError("the music file is silent; pick another one.\nmore"))
    assert plain.text == "the music file is silent; pick another one."
    crash = describe_error(RuntimeError("boom"))
    assert "RuntimeError" in crash.text and crash.action == "retry"


def test_file_checks(tmp_path: Path) -> None:
    ok = tmp_path / "clip.MP4"
    ok.write_bytes(b"x" * 10)
    assert check_file(ok).size_bytes == 10
    bad = tmp_path / "notes.txt"
    bad.write_text("x")
    with pytest.raises(FileCheckError) as info:
        check_files([ok, bad])
    assert info.value.code == 4001 and "mp4" in str(info.value)
    big = tmp_path / "big.wav"
    with big.open("wb") as handle:  # sparse: 1 byte over the limit, no disk used
        handle.truncate(11)
    with pytest.raises(FileCheckError) as info:
        check_file(big, limit_bytes=10)
    assert info.value.code == 4002 and "compress" in str(info.value)
    with pytest.raises(FileCheckError, match="not found"):
        check_file(tmp_path / "missing.mov")
    assert describe_error(FileCheckError("x", code=4001)).action == "choose_file"
    assert set(SUPPORTED_FORMATS) >= {"mp4", "wav", "webm", "aac"}


def _synced_draft() -> Draft:
    bgm = Segment(start_ms=0, duration_ms=10_000, source="/m/lofi.wav", name="Lo-fi",
                  volume=0.5, fade_in_ms=1000, fade_out_ms=2000,
                  volume_keys=[(0, 1.0), (4000, 1.0), (4200, 0.25), (6000, 0.25), (6500, 1.0)])
    return Draft(
        tracks=[
            Track(track_type=0, segments=[
                Segment(start_ms=0, duration_ms=4000, source="/v/a.mp4"),
                Segment(start_ms=4000, duration_ms=6000, source="/v/b.mp4"),
            ]),
            Track(track_type=1, name="BGM", metadata={"role": "bgm"}, segments=[bgm]),
        ],
        markers=[Marker(start_ms=0, name="downbeat"), Marker(start_ms=500, name="beat"),
                 Marker(start_ms=2000, name="downbeat"), Marker(start_ms=4010, name="downbeat"),
                 Marker(start_ms=4000, name="cut"), Marker(start_ms=7000, name="cut")],
    )


def test_gain_curve_follows_volume_keys_and_fades() -> None:
    seg = _synced_draft().tracks[1].segments[0]
    assert gain_at(seg, 0) == 0.0  # fade-in starts silent
    assert gain_at(seg, 500) == pytest.approx(0.25)  # half-way through a 1 s fade, v 0.5
    assert gain_at(seg, 3000) == pytest.approx(0.5)
    assert gain_at(seg, 5000) == pytest.approx(0.125)  # ducked to 25 % of v
    assert gain_at(seg, 9000) == pytest.approx(0.25)  # half-way through the 2 s fade-out


def test_picture_from_draft() -> None:
    pic = picture_from_draft(_synced_draft())
    assert pic.duration_ms == 10_000
    assert [lane.kind for lane in pic.lanes] == ["video", "bgm"]
    assert pic.lanes[1].label == "2. BGM: Lo-fi (0-10s, 50%)"
    assert pic.cuts_ms == (4000.0, 7000.0)
    assert pic.downbeats_ms == (0.0, 2000.0, 4010.0)
    assert pic.beats_ms == (500.0,)
    curve = dict(pic.gain_curves[0])
    assert curve[5000.0 if 5000.0 in curve else 6000.0] == pytest.approx(0.125)
    assert cuts_on_beat(pic) == (1, 2)  # 4000 is 10 ms from a downbeat; 7000 has no beat


def test_picture_cuts_fall_back_to_video_joins_and_segment_beats() -> None:
    draft = _synced_draft()
    draft.markers = None
    bgm = draft.tracks[1].segments[0]
    bgm.start_ms, bgm.source_in_ms, bgm.speed = 1000, 2000, 2.0
    bgm.markers = [Marker(start_ms=4000, name="downbeat"), Marker(start_ms=5000, name="beat")]
    pic = picture_from_draft(draft)
    assert pic.cuts_ms == (4000.0,)
    assert pic.downbeats_ms == (2000.0,)  # 1000 + (4000 - 2000) / 2
    assert pic.beats_ms == (2500.0,)
