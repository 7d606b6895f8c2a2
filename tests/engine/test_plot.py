"""The sync plot: a PNG of the expected size that shows the waveform, cuts and downbeats."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile
from matplotlib.image import imread

from musiccog.engine.plan import bake_bgm, build_plan
from musiccog.engine.plan.synthetic import steady_music, video_with_cuts
from musiccog.engine.plot import SIZE_PX, plot_sync
from musiccog.engine.types import PromptOptions

SR = 22050


def _song(path: Path, music) -> Path:
    """Kick on downbeats, tick on beats, a chord pad: a file matching ``music``'s grid."""
    t = np.arange(int(music.duration_s * SR)) / SR
    audio = 0.08 * np.sin(2 * np.pi * 220 * t) * (1 - np.exp(-t))
    for beat in music.beats_s:
        i = int(beat * SR)
        down = beat in music.downbeats_s
        n = int((0.12 if down else 0.04) * SR)
        env = np.exp(-np.arange(n) / (0.02 * SR))
        freq = 60 if down else 1800
        audio[i : i + n] += (0.7 if down else 0.25) * env[: len(audio[i : i + n])] * np.sin(
            2 * np.pi * freq * np.arange(n) / SR)[: len(audio[i : i + n])]
    soundfile.write(path, audio, SR)
    return path


@pytest.fixture
def synced(tmp_path):
    music = steady_music(duration_s=70.0, tempo_bpm=120.0, natural_ending=True)
    music = replace(music, path=str(_song(tmp_path / "song.wav", music)))
    video = video_with_cuts(duration_s=30.0, cuts_s=[3.7, 7.7, 13.2, 19.7, 24.0],
                            speech_s=[(9.0, 12.5), (12.9, 15.0), (21.0, 23.0)])
    plan = build_plan(video, music, PromptOptions(allow_stretch=True, music_volume=0.5))
    wav = bake_bgm(plan, tmp_path / "bgm.wav", sample_rate_hz=SR)
    samples, sr = soundfile.read(wav)
    return plan, video, samples, sr


def test_plot_has_expected_size_and_content(tmp_path, synced):
    plan, video, samples, sr = synced
    out = plot_sync(tmp_path / "sync.png", music_samples=samples, sample_rate_hz=sr,
                    plan=plan, video=video)
    image = imread(out)
    assert image.shape[:2] == (SIZE_PX[1], SIZE_PX[0])
    rgb = image[..., :3]
    assert rgb.std() > 0.05  # not blank
    red = (rgb[..., 0] > 0.8) & (rgb[..., 1] < 0.35) & (rgb[..., 2] < 0.35)
    green = (rgb[..., 1] > 0.5) & (rgb[..., 0] < 0.35) & (rgb[..., 2] < 0.45)
    assert red.sum() > 500 and green.sum() > 500  # cuts and downbeats are drawn
    assert list(tmp_path.glob(".*tmp")) == []


def test_plot_without_cuts_speech_or_samples(tmp_path):
    music = steady_music(duration_s=20.0)
    video = video_with_cuts(duration_s=10.0)
    plan = build_plan(video, music, PromptOptions())
    out = plot_sync(tmp_path / "empty.png", music_samples=np.zeros(0), sample_rate_hz=SR,
                    plan=plan, video=video)
    assert imread(out).shape[:2] == (SIZE_PX[1], SIZE_PX[0])
