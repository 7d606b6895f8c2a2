"""Library ranking with synthetic analyses (an injected fake analyser, named as such)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from musiccog.engine.library import LibraryError, find_tracks, rank_library, score_track
from musiccog.engine.plan.synthetic import steady_music, video_with_cuts
from musiccog.engine.types import PromptOptions
from musiccog.errors import MusicCogError

# cuts every 2 s (120 BPM: one bar of 4/4 per shot) over a 30 s clip
VIDEO = video_with_cuts(duration_s=30.0, cuts_s=[2.0 * k + 0.3 for k in range(1, 15)],
                        motion=0.09)


def _library(tmp_path: Path, analyses: dict[str, object]):
    for name in analyses:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"fake")
    (tmp_path / "notes.txt").write_text("not music")
    (tmp_path / ".hidden.wav").write_bytes(b"x")

    def fake_analyze(path: Path):
        result = analyses[path.relative_to(tmp_path).as_posix()]
        if isinstance(result, Exception):
            raise result
        return result

    return fake_analyze


def test_rhythm_match_length_and_energy_order_the_tracks(tmp_path):
    analyses = {
        "good.wav": steady_music(duration_s=95.0, tempo_bpm=120.0, natural_ending=True,
                                 energy_db=-14.0),
        "no_ending.mp3": steady_music(duration_s=95.0, tempo_bpm=120.0, energy_db=-14.0),
        "off_tempo.flac": steady_music(duration_s=95.0, tempo_bpm=97.0, natural_ending=True,
                                       energy_db=-14.0),
        "sub/short.m4a": steady_music(duration_s=12.0, tempo_bpm=120.0, energy_db=-14.0),
        "sleepy.aac": steady_music(duration_s=95.0, tempo_bpm=120.0, natural_ending=True,
                                   energy_db=-34.0),
    }
    ranking = rank_library(tmp_path, VIDEO, _library(tmp_path, analyses))
    names = [p.relative_to(tmp_path).as_posix() for p, _s, _b in ranking]
    assert names[0] == "good.wav"
    scores = {n: s for n, (_p, s, _b) in zip(names, ranking, strict=True)}
    assert scores["good.wav"] > scores["no_ending.mp3"] > scores["sub/short.m4a"]
    assert scores["good.wav"] > scores["off_tempo.flac"]
    assert scores["good.wav"] > scores["sleepy.aac"]
    assert [s for _p, s, _b in ranking] == sorted((s for _p, s, _b in ranking), reverse=True)
    best = ranking[0][2]
    assert best["tempo"] == pytest.approx(1.0) and best["cuts_on_grid"] == 1.0
    assert best["beats_per_shot"] == pytest.approx(4.0)
    assert ranking[1][2]["length"] == 0.85
    assert "notes.txt" not in names and ".hidden.wav" not in names


def test_stretch_allowance_rescues_a_near_tempo():
    music = steady_music(duration_s=60.0, tempo_bpm=116.0)
    strict, _ = score_track(music, VIDEO, PromptOptions())
    loose, detail = score_track(music, VIDEO, PromptOptions(allow_stretch=True))
    assert loose > strict and detail["cuts_on_grid"] == 1.0


def test_mood_and_prompt_tempo_steer_the_choice():
    calm = steady_music(duration_s=60.0, tempo_bpm=72.0, energy_db=-32.0)
    loud = steady_music(duration_s=60.0, tempo_bpm=140.0, energy_db=-12.0)
    still = video_with_cuts(duration_s=30.0, motion=0.0)
    assert score_track(calm, still)[0] > score_track(loud, still)[0]
    busy = replace(still, motion=0.2)
    assert score_track(loud, busy)[0] > score_track(calm, busy)[0]
    opts = PromptOptions(mood="calm", tempo_bpm=72.0)
    assert score_track(calm, busy, opts)[0] > score_track(loud, busy, opts)[0]


def test_failed_analysis_goes_last_with_its_reason(tmp_path):
    analyses = {"ok.wav": steady_music(duration_s=40.0),
                "broken.mp3": MusicCogError("cannot decode broken.mp3")}
    ranking = rank_library(tmp_path, VIDEO, _library(tmp_path, analyses))
    assert ranking[-1][0].name == "broken.mp3" and ranking[-1][1] == 0.0
    assert "cannot decode" in ranking[-1][2]["error"]


def test_empty_or_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(LibraryError, match="no music in"):
        rank_library(tmp_path, VIDEO, lambda p: None)
    with pytest.raises(LibraryError, match="not found"):
        find_tracks(tmp_path / "nope")
    analyses = {"bad.wav": MusicCogError("unreadable")}
    with pytest.raises(LibraryError, match="could be analysed"):
        rank_library(tmp_path, VIDEO, _library(tmp_path, analyses))
