"""The plan as a draft: BGM track keys, markers, and a host draft left as it was."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from musiccog.draft import TRACK_AUDIO, TRACK_VIDEO, parse_draft
from musiccog.engine.plan import build_plan, plan_to_draft
from musiccog.engine.plan.synthetic import steady_music, video_with_cuts
from musiccog.engine.types import PromptOptions


@pytest.fixture
def scene():
    music = steady_music(duration_s=90.0, natural_ending=True, path="/music/song.wav")
    video = video_with_cuts(duration_s=30.0, cuts_s=[4.0, 10.0, 17.5], fps=29.97,
                            speech_s=[(12.0, 15.0)], path="/clips/city.mp4")
    plan = build_plan(video, music, PromptOptions(music_volume=0.35, fade_in_s=1.0))
    return music, video, plan


def test_new_draft_has_video_audio_and_bgm(scene, tmp_path):
    _music, video, plan = scene
    draft = plan_to_draft(plan, bgm_path=tmp_path / "bgm.wav", base=None, video=video)
    data = draft.to_json()
    parsed = parse_draft(data)  # validates
    assert [t["tt"] for t in data["t"]] == [TRACK_VIDEO, TRACK_AUDIO, TRACK_AUDIO]
    assert data["t"][0]["sg"][0]["src"] == "/clips/city.mp4"
    assert data["m"] == {"title": "city", "width": 1920, "height": 1080, "fps": 29.97}
    assert data["d"] == 30000
    bgm = data["t"][2]
    assert bgm["n"] == "BGM" and bgm["m"] == {"role": "bgm"}
    seg = bgm["sg"][0]
    assert seg["s"] == 0 and seg["d"] == 30000 and seg["i"] == 0
    assert seg["src"] == str(tmp_path / "bgm.wav")
    assert seg["v"] == pytest.approx(0.35, abs=1e-6)
    assert seg["fi"] == 1000 and seg["fo"] == pytest.approx(plan.fade_out_s * 1000)
    # ducking: 1.0 outside speech, 10^(-12/20) during it, times in ms from the segment start
    keys = dict(seg["vk"])
    assert keys[12000] == pytest.approx(10 ** (-12 / 20), abs=1e-6)
    assert keys[0] == 1.0 and seg["vk"][-1] == [30000, 1.0]
    meta = seg["m"]["musiccog"]
    assert meta["source_music"] == "/music/song.wav"
    assert meta["edits"][-1]["source_end_s"] == pytest.approx(90.0)
    assert meta["cut_share_after"] == plan.cut_share_after
    names = [m["n"] for m in data["mk"]]
    assert names.count("cut") == 3 and names.count("downbeat") == len(plan.downbeats_s)
    assert {m["c"] for m in data["mk"] if m["n"] == "cut"} == {"RED"}
    assert [m["s"] for m in data["mk"]] == sorted(m["s"] for m in data["mk"])
    assert parsed.to_json() == data


def test_host_draft_is_copied_unchanged(scene, tmp_path):
    _music, video, plan = scene
    host = parse_draft({
        "t": [{"tt": 0, "sg": [{"s": 0, "d": 30000, "src": "/x.mov", "zz": 1}]},
              {"tt": 42, "keep": "me"}],
        "d": 30000, "m": {"title": "Edit 3", "fps": 25},
        "mk": [{"s": 100, "n": "note"}], "extra": {"a": 1},
    })
    before = host.to_json()
    draft = plan_to_draft(plan, bgm_path=Path("/tmp/bgm.wav"), base=host, video=video)
    assert host.to_json() == before  # the host's draft object is not modified
    data = draft.to_json()
    assert data["t"][:2] == before["t"] and data["extra"] == {"a": 1}
    assert data["m"] == before["m"]
    assert data["mk"][0] == {"s": 100, "n": "note"}
    assert data["t"][2]["n"] == "BGM"
    parse_draft(data)


def test_bgm_starting_at_first_cut_and_gain_in_range(tmp_path):
    music = steady_music(duration_s=60.0, loudness_lufs=-40.0)
    video = video_with_cuts(duration_s=20.0, cuts_s=[2.5], loudness_lufs=-10.0)
    plan = build_plan(video, music, PromptOptions(start_at="first_cut"))
    seg = plan_to_draft(plan, bgm_path=tmp_path / "b.wav", base=None,
                        video=video).to_json()["t"][-1]["sg"][0]
    assert seg["s"] == 2500 and seg["d"] == 17500
    assert seg["v"] == pytest.approx(10 ** (plan.gain_db / 20))
    assert 0 < seg["v"] <= 4.0 and math.isfinite(seg["v"])
