"""The blockwise, column-hopped tempogram means equal librosa's (bounded memory, same tempo)."""

from __future__ import annotations

import librosa
import numpy as np

from musiccog.engine.music import beats


def test_blockwise_means_equal_whole_signal_tempograms() -> None:
    rng = np.random.default_rng(3)
    sr, hop = 22050, beats.HOP_LENGTH
    n = 4 * beats.TEMPOGRAM_BLOCK_COLUMNS * beats.TEMPOGRAM_COLUMN_HOP + 517  # ragged end
    env = rng.random(n).astype(np.float32) ** 4
    env[:: 43] += 2.0  # a pulse every 43 frames (~120 BPM)
    win = 689
    acf_full = librosa.feature.tempogram(onset_envelope=env, sr=sr, hop_length=hop,
                                         win_length=win).mean(axis=1)
    dft_full = np.abs(librosa.feature.fourier_tempogram(onset_envelope=env, sr=sr, hop_length=hop,
                                                        win_length=win)).mean(axis=1)
    acf, dft = beats._mean_tempograms(env, sr=sr, win=win, column_hop=1)
    assert np.max(np.abs(acf - acf_full)) <= 1e-9 * np.max(acf_full)
    # librosa's STFT has one column more (n + 1 with centring): 1 of n differs
    assert np.max(np.abs(dft - dft_full)) <= 2.0 / n * np.max(dft_full)
    # every 4th column (the default): the means move by less than 0.1 % of their peak
    acf4, dft4 = beats._mean_tempograms(env, sr=sr, win=win)
    assert np.max(np.abs(acf4 - acf_full)) <= 1e-3 * np.max(acf_full)
    assert np.max(np.abs(dft4 - dft_full)) <= 1e-3 * np.max(dft_full)
    grid, sal = beats.tempo_salience(env, sr=sr)
    assert abs(grid[np.argmax(sal * beats.tempo_prior(grid))] - 60 * sr / hop / 43) < 3.0
