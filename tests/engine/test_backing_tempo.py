"""The procedural track's tempo is chosen so the cuts fall on its beat grid."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from musiccog.engine.facade import MOOD_TEMPO_BPM, backing_tempo_bpm, cuts_on_grid


def _video(cuts_s: list[float], duration_s: float = 60.0) -> SimpleNamespace:
    return SimpleNamespace(cuts_s=cuts_s, duration_s=duration_s)


NO_TEMPO = SimpleNamespace(tempo_bpm=None)


def test_cuts_on_grid_counts_cuts_within_40_ms_of_one_grid() -> None:
    assert cuts_on_grid([1.0, 2.0, 3.5, 4.02], 60.0) == 3  # 3.5 is half a beat off
    assert cuts_on_grid([1.0, 2.0, 3.5, 4.05], 60.0) == 2
    assert cuts_on_grid([], 90.0) == 0


@pytest.mark.parametrize("mood", ["calm", "neutral", "upbeat"])
def test_every_cut_lands_on_a_beat_when_a_tempo_in_range_allows(mood: str) -> None:
    base = MOOD_TEMPO_BPM[mood]
    period_s = 60.0 / (base * 1.08)  # a tempo 8 % off the mood's, inside ±15 %
    beats = [3, 7, 12, 14, 21, 30]
    cuts = [1.3 + k * period_s for k in beats]
    tempo = backing_tempo_bpm(_video(cuts), NO_TEMPO, mood)
    assert 0.85 * base <= tempo <= 1.15 * base
    assert cuts_on_grid(cuts, tempo) == len(cuts)


def test_uneven_cuts_get_more_on_the_grid_than_the_moods_tempo() -> None:
    cuts = [3.0, 5.5, 9.0, 13.7, 16.1]
    tempo = backing_tempo_bpm(_video(cuts), NO_TEMPO, "neutral")
    assert cuts_on_grid(cuts, tempo) > cuts_on_grid(cuts, MOOD_TEMPO_BPM["neutral"])


def test_the_prompts_tempo_wins_and_few_cuts_keep_the_moods() -> None:
    assert backing_tempo_bpm(_video([1.0, 2.0]), SimpleNamespace(tempo_bpm=97.0), "calm") == 97
    assert backing_tempo_bpm(_video([4.0]), NO_TEMPO, "calm") == MOOD_TEMPO_BPM["calm"]


def test_a_child_cancel_token_follows_its_parent_not_the_reverse() -> None:
    from musiccog.jobs import Cancelled, CancelToken

    parent = CancelToken()
    child, other = CancelToken(parent=parent), CancelToken(parent=parent)
    child.cancel()
    assert child.cancelled and not parent.cancelled and not other.cancelled
    parent.cancel()
    assert other.cancelled
    with pytest.raises(Cancelled):
        other.raise_if_cancelled()


def test_first_downbeat_puts_the_best_anchor_cut_on_a_bar_line() -> None:
    from musiccog.engine.facade import backing_first_downbeat_s

    bar_s = 4 * 60.0 / 90.0  # 2.667 s
    cuts = [5.2, 12.5, 18.5]  # 12.5 and 18.5 are 9 beats apart at 90 BPM; 5.2 is 11 before
    first = backing_first_downbeat_s(_video(cuts, 30.0), 90.0)
    assert 0.0 <= first < bar_s
    assert min(abs((c - first) / bar_s - round((c - first) / bar_s)) for c in cuts) < 1e-4
    assert backing_first_downbeat_s(_video([], 30.0), 90.0) == 0.0


@pytest.mark.slow
def test_the_procedural_track_starts_its_bars_where_asked(tmp_path) -> None:
    from musiccog.engine.music import analyze_music
    from musiccog.engine.procedural import synthesize_backing

    path = synthesize_backing(tmp_path / "b.wav", duration_s=16.0, tempo_bpm=100.0,
                              mood="neutral", seed=3, first_downbeat_s=1.3)
    got = analyze_music(path, cache_dir=tmp_path / "c")
    bar_s = 2.4
    assert got.tempo_bpm == pytest.approx(100.0, rel=0.01)
    phases = [((d - 1.3) / bar_s) % 1.0 for d in got.downbeats_s]
    assert all(min(p, 1.0 - p) * bar_s < 0.03 for p in phases), got.downbeats_s
    assert got.has_natural_ending
