"""Baking the fitted music: exact length, click-free crossfades, a measured tempo change."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from musiccog.engine.plan import BakeError, bake_bgm
from musiccog.engine.plan.bake import assemble
from musiccog.engine.types import MusicEdit, SyncPlan
from musiccog.jobs import Cancelled, CancelToken

SR = 44100


def _plan(music: Path, edits, *, duration_s: float, ratio: float = 1.0) -> SyncPlan:
    return SyncPlan(
        music_path=str(music), timeline_start_s=0.0, duration_s=duration_s, stretch_ratio=ratio,
        edits=tuple(edits), gain_db=0.0, fade_in_s=0.0, fade_out_s=0.0, duck_keys=(),
        beats_s=(), downbeats_s=(), cut_share_before=0.0, cut_share_after=0.0,
    )


@pytest.fixture
def sine_file(tmp_path: Path) -> Path:
    t = np.arange(int(12 * 22050)) / 22050
    path = tmp_path / "sine.flac"  # FLAC at 22.05 kHz: decoded and resampled by FFmpeg
    soundfile.write(path, 0.5 * np.sin(2 * np.pi * 220.0 * t), 22050)
    return path


def _click_track(path: Path, *, tempo_bpm: float, duration_s: float) -> Path:
    samples = np.zeros(int(duration_s * SR))
    burst = np.hanning(int(0.004 * SR)) * np.sin(2 * np.pi * 2000 * np.arange(int(0.004 * SR)) / SR)
    for t in np.arange(0.25, duration_s - 0.1, 60.0 / tempo_bpm):
        start = int(t * SR)
        samples[start : start + burst.size] += 0.8 * burst
    soundfile.write(path, samples, SR)
    return path


def _onsets_s(samples: np.ndarray) -> np.ndarray:
    env = np.abs(samples[:, 0])
    above = env > 0.3 * env.max()
    rises = np.flatnonzero(above[1:] & ~above[:-1]) + 1
    keep = [rises[0]]
    for r in rises[1:]:
        if r - keep[-1] > 0.1 * SR:
            keep.append(r)
    return np.asarray(keep) / SR


@pytest.mark.parametrize("duration_s", [1001 / 30, 10.0, 7 * 1001 / 24000 * 100])
def test_output_length_matches_the_plan(tmp_path, sine_file, duration_s):
    edits = [MusicEdit(0.0, 6.0, 0.0), MusicEdit(2.0, 2.0 + duration_s - 6.0, 6.0, 0.25)]
    if duration_s <= 6.0:
        edits = [MusicEdit(0.0, duration_s, 0.0)]
    out = bake_bgm(_plan(sine_file, edits, duration_s=duration_s), tmp_path / "bgm.wav")
    info = soundfile.info(out)
    assert info.samplerate == SR and info.channels == 2
    assert abs(info.frames / SR - duration_s) < 0.001
    assert list(tmp_path.glob(".*tmp*")) == []


def test_crossfade_has_no_click(tmp_path, sine_file):
    # jump to a point a quarter cycle on: a hard cut would jump from 0 to the peak (0.5)
    nominal_step = 0.5 * 2 * np.pi * 220.0 / SR
    join_src = 5.0 + 1 / 880.0
    smooth = [MusicEdit(0.0, 2.0, 0.0), MusicEdit(join_src, join_src + 3.0, 2.0, 0.25)]
    out = bake_bgm(_plan(sine_file, smooth, duration_s=5.0), tmp_path / "smooth.wav")
    data, _ = soundfile.read(out)
    max_jump = np.max(np.abs(np.diff(data[:, 0])))
    assert max_jump < 1.3 * nominal_step
    hard = [MusicEdit(0.0, 2.0, 0.0), MusicEdit(join_src, join_src + 3.0, 2.0, 0.0)]
    cut = bake_bgm(_plan(sine_file, hard, duration_s=5.0), tmp_path / "hard.wav")
    data_hard, _ = soundfile.read(cut)
    assert np.max(np.abs(np.diff(data_hard[:, 0]))) > 5 * nominal_step  # the test can see clicks


def test_equal_power_crossfade_keeps_level_of_uncorrelated_noise():
    rng = np.random.default_rng(0)
    source = rng.normal(scale=0.1, size=(SR * 4, 1)).astype(np.float32)
    edits = [MusicEdit(0.0, 1.0, 0.0), MusicEdit(2.5, 3.5, 1.0, 0.25)]
    out = assemble(source, edits, sample_rate_hz=SR, length_s=2.0)
    during = out[int(0.8 * SR) : int(1.0 * SR), 0]
    assert np.std(during) == pytest.approx(0.1, rel=0.08)


@pytest.mark.parametrize("ratio", [0.95, 1.05])
def test_stretch_changes_click_tempo_by_the_ratio(tmp_path, ratio):
    music = _click_track(tmp_path / "clicks.wav", tempo_bpm=120.0, duration_s=14.0)
    duration = 10.0
    plan = _plan(music, [MusicEdit(0.0, duration * ratio, 0.0)], duration_s=duration, ratio=ratio)
    data, sr = soundfile.read(bake_bgm(plan, tmp_path / "stretched.wav"))
    assert sr == SR and abs(len(data) / SR - duration) < 0.001
    interval = float(np.median(np.diff(_onsets_s(data))))
    measured_ratio = 0.5 / interval
    assert measured_ratio == pytest.approx(ratio, rel=0.004)


def test_missing_music_is_a_clear_error(tmp_path):
    plan = _plan(tmp_path / "gone.wav", [MusicEdit(0.0, 1.0, 0.0)], duration_s=1.0)
    with pytest.raises(BakeError, match="not found"):
        bake_bgm(plan, tmp_path / "out.wav")
    assert not (tmp_path / "out.wav").exists()


def test_cancel_writes_nothing(tmp_path, sine_file):
    token = CancelToken()
    token.cancel()
    plan = _plan(sine_file, [MusicEdit(0.0, 3.0, 0.0)], duration_s=3.0)
    with pytest.raises(Cancelled):
        bake_bgm(plan, tmp_path / "out.wav", cancel=token)
    assert list(tmp_path.iterdir()) == [sine_file]


def test_progress_reaches_100(tmp_path, sine_file):
    seen = []
    plan = _plan(sine_file, [MusicEdit(0.0, 3.0, 0.0)], duration_s=3.0)
    bake_bgm(plan, tmp_path / "out.wav", on_progress=lambda done, total: seen.append(done))
    assert seen[0] == 0 and seen[-1] == 100 and seen == sorted(seen)
