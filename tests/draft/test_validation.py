"""Bad drafts raise DraftValidationError naming the JSON path and what to do."""

from __future__ import annotations

import json

import pytest

from musiccog.draft import parse_draft, read_draft, summarize, write_draft
from musiccog.draft.io import draft_from_string
from musiccog.errors import DraftError, DraftValidationError


def _seg(**kw: object) -> dict:
    return {"s": 0, "d": 1000, **kw}


@pytest.mark.parametrize(
    ("data", "path", "words"),
    [
        (
            {"t": [{"tt": 1, "sg": [_seg(), _seg(s=1000), _seg(s=2000, d=-5)]}]},
            "t[0].sg[2].d",
            "must be >= 0",
        ),
        ({"t": [{"tt": 0, "sg": [{"s": 0}]}]}, "t[0].sg[0].d", "is required"),
        ({"t": [{"tt": 0, "sg": [_seg(d="5")]}]}, "t[0].sg[0].d", "must be a number"),
        ({"t": [{"tt": "video"}]}, "t[0].tt", "must be an integer"),
        ({"t": [{"sg": []}]}, "t[0].tt", "is required"),
        ({"t": "tracks"}, "t", "must be a list"),
        ({"t": [{"tt": 1, "sg": [_seg(v=9)]}]}, "t[0].sg[0].v", "between 0 and 4"),
        ({"t": [{"tt": 1, "sg": [_seg(), _seg(s=500)]}]}, "t[0].sg[1].s", "overlaps t[0].sg[0]"),
        ({"t": [], "d": 10**12}, "d", "24 h"),
        ({"t": [], "m": {"width": 0}}, "m.width", "between 1 and 16384"),
        ({"t": [], "m": {"fps": -1}}, "m.fps", "> 0"),
        ({"t": [{"tt": 1, "sg": [_seg(vk=[[2000, 1]])]}]}, "t[0].sg[0].vk[0][0]", "duration"),
        ({"t": [{"tt": 1, "sg": [_seg(fi=800, fo=800)]}]}, "t[0].sg[0].fi", "longer than"),
        ({"t": [{"tt": 1, "sg": [_seg(s=True)]}]}, "t[0].sg[0].s", "must be a number"),
        ([1, 2], "(root)", "JSON object"),
    ],
)
def test_bad_input_names_the_path(data: object, path: str, words: str) -> None:
    with pytest.raises(DraftValidationError) as info:
        parse_draft(data)
    assert info.value.path == path
    text = str(info.value)
    assert f"{path}: " in text and words in text
    assert "docs/draft-format.md" in text  # says what to do


def test_every_problem_is_listed_at_once() -> None:
    data = {"t": [{"tt": 0, "sg": [_seg(d=-1), _seg(s=-2)]}, {"tt": "x"}]}
    with pytest.raises(DraftValidationError) as info:
        parse_draft(data)
    assert [p for p, _ in info.value.problems] == ["t[0].sg[0].d", "t[0].sg[1].s", "t[1].tt"]


@pytest.mark.parametrize("text", ["{", '{"t": [NaN]}', "", '{"t": [1,]}'])
def test_malformed_json_is_a_draft_error_with_position(text: str) -> None:
    with pytest.raises(DraftError, match="not valid JSON"):
        draft_from_string(text, source="cut.json")


def test_unknown_keys_and_track_types_are_kept_verbatim(tmp_path) -> None:
    data = {
        "t": [
            {"tt": 0, "sg": [_seg(src="/v.mp4", fx={"lut": "warm"})], "lock": True},
            {"tt": 42, "sg": [{"anything": [1, 2]}], "x": None},
        ],
        "d": 1000,
        "m": {"title": "T", "width": 1080, "height": 1920, "bg": "#000"},
        "server_rev": 17,
    }
    path = tmp_path / "a.draft.json"
    write_draft(parse_draft(data), path)
    assert json.loads(path.read_text()) == data
    assert read_draft(path).to_json() == data


def test_summary_in_the_style_users_see() -> None:
    draft = parse_draft(
        {
            "t": [
                {"tt": 0, "sg": [_seg(d=10000, n="city timelapse")]},
                {"tt": 1, "n": "BGM", "sg": [_seg(d=10000, n="Lo-fi", v=0.35)]},
                {"tt": 7, "sg": [_seg(d=3000, tx="Urban Dreams")]},
            ]
        }
    )
    assert summarize(draft) == (
        "Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) "
        '3. Title: "Urban Dreams" (0-3s)'
    )


def test_failed_write_leaves_existing_file_untouched(tmp_path) -> None:
    path = tmp_path / "keep.draft.json"
    path.write_text("original")
    draft = parse_draft({"t": []})
    draft.model_extra["bad"] = object()  # not JSON-serialisable: the write must fail
    with pytest.raises(Exception):  # noqa: B017 - any failure, but nothing written
        write_draft(draft, path)
    assert path.read_text() == "original"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.draft.json"]


def test_atomic_writes_get_the_usual_mode_and_secrets_0600(tmp_path) -> None:
    import os
    import stat

    from musiccog.draft.io import usual_file_mode, write_text_atomic

    plain = write_text_atomic(tmp_path / "cut.draft.json", "{}")
    secret = write_text_atomic(tmp_path / "token.json", "{}", mode=0o600)
    assert stat.S_IMODE(os.stat(plain).st_mode) == usual_file_mode()
    assert stat.S_IMODE(os.stat(secret).st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cut.draft.json", "token.json"]
