"""The prompt parser: exact options for each phrase, unused words reported in order."""

from __future__ import annotations

from dataclasses import replace

import pytest

from musiccog.engine.prompt import parse_prompt
from musiccog.engine.types import PromptOptions

CASES = [
    ("", {}),
    ("sync background music to match the video tempo and mood", {"allow_stretch": True}),
    ("music at 35%", {"music_volume": 0.35}),
    ("Music at 35 percent", {"music_volume": 0.35}),
    ("fade out 3 s", {"fade_out_s": 3.0}),
    ("fade in 2s", {"fade_in_s": 2.0}),
    ("fade in 2s, fade out 4 seconds", {"fade_in_s": 2.0, "fade_out_s": 4.0}),
    ("a 1.5 sec fade-in", {"fade_in_s": 1.5}),
    ("no fades", {"fade_in_s": 0.0, "fade_out_s": 0.0}),
    ("no ducking", {"duck": False}),
    ("don't duck the music", {"duck": False}),
    ("duck 18 dB", {"duck_db": 18.0}),
    ("fade in 2s and duck by 10db under the speech", {"fade_in_s": 2.0, "duck_db": 10.0}),
    ("start the music at the first cut", {"start_at": "first_cut"}),
    ("lo-fi", {"mood": "lofi"}),
    ("Upbeat, 120 BPM", {"mood": "upbeat", "tempo_bpm": 120.0}),
    ("calm", {"mood": "calm"}),
    ("epic trailer vibes", {"mood": "epic", "unused_words": ("trailer", "vibes")}),
    ("calm piano, music at 20%", {"mood": "calm", "music_volume": 0.2,
                                  "unused_words": ("piano",)}),
    ("no stretch, align to every beat", {"allow_stretch": False, "align_to": "beats"}),
    ("cut on the downbeats", {"align_to": "downbeats", "unused_words": ("cut",)}),
    ("time-stretch it", {"allow_stretch": True}),
    ("-14 LUFS for instagram", {"target_lufs": -14.0, "unused_words": ("instagram",)}),
    ("卡点，淡出3秒，音量35%", {"allow_stretch": True, "fade_out_s": 3.0, "music_volume": 0.35}),
    ("请把背景音乐从第一个镜头开始，舒缓一点", {"start_at": "first_cut", "mood": "calm"}),
    ("不要压低 欢快", {"duck": False, "mood": "happy"}),
    # out of range: not applied, reported back
    ("duck 90 dB", {"duck": True, "unused_words": ("90", "db")}),
    ("500 bpm", {"unused_words": ("500", "bpm")}),
    ("make it sparkle", {"unused_words": ("sparkle",)}),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] or "empty" for c in CASES])
def test_parse_prompt_exact_options(text, expected):
    assert parse_prompt(text) == replace(PromptOptions(raw=text), **expected)


def test_keywords_are_case_insensitive_and_raw_is_kept():
    options = parse_prompt("FADE OUT 3 S, NO DUCKING")
    assert options.fade_out_s == 3.0 and options.duck is False
    assert options.raw == "FADE OUT 3 S, NO DUCKING"


def test_unused_words_keep_their_order():
    assert parse_prompt("banjo music at 35% with kazoo solo").unused_words == (
        "banjo", "kazoo", "solo")
