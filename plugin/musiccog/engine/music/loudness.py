"""Streaming integrated loudness (ITU-R BS.1770-4) fed chunk by chunk.

pyloudnorm designs the K-weighting filters (high shelf + high pass) for any
sample rate; its ``integrated_loudness`` needs the whole signal in memory and
loops in Python over blocks.  Here the same filters run through
``scipy.signal.lfilter`` with carried state, the mean square is summed per
100 ms step, and the BS.1770 gating (400 ms blocks, 75 % overlap, absolute gate
−70 LUFS, relative gate −10 LU) runs once at the end on those sums; results
match pyloudnorm within 0.1 LU (see tests).  Memory: 8 bytes per channel per 100 ms.
"""

from __future__ import annotations

import numpy as np
import pyloudnorm
import scipy.signal

#: Lowest level reported (LUFS): BS.1770's absolute gate.  Silence reads as this.
FLOOR_LUFS = -70.0
#: Channel weights G_i of BS.1770 (L, R, C, Ls, Rs).
_CHANNEL_GAINS = (1.0, 1.0, 1.0, 1.41, 1.41)


class LoudnessMeter:
    """Feed float samples of shape ``(n, channels)`` with :meth:`feed`; read the results after.

    :param rate_hz: sample rate of the fed samples.
    :param channels: 1–5.
    """

    def __init__(self, rate_hz: int, channels: int) -> None:
        if not 1 <= channels <= len(_CHANNEL_GAINS):
            raise ValueError(f"channels must be 1–5, got {channels}")
        self.rate_hz = rate_hz
        self.channels = channels
        meter = pyloudnorm.Meter(rate_hz)
        self._stages = []
        for stage in meter._filters.values():  # high shelf, then high pass
            zi = scipy.signal.lfilter_zi(stage.b, stage.a)
            self._stages.append((stage.b, stage.a, stage.passband_gain,
                                 np.zeros((channels, len(zi)))))
        self._step = int(round(0.1 * rate_hz))
        self._pending = np.zeros((0, channels))
        self._sums: list[np.ndarray] = []  # per 100 ms step: sum of squares per channel

    def feed(self, samples: np.ndarray) -> None:
        """Add the next samples (``(n, channels)`` or ``(n,)`` for mono)."""
        data = np.asarray(samples, dtype=np.float64).reshape(len(samples), self.channels)
        for i, (b, a, gain, state) in enumerate(self._stages):
            out, state_out = scipy.signal.lfilter(b, a, data, axis=0, zi=state.T)
            self._stages[i] = (b, a, gain, state_out.T)
            data = gain * out
        data = np.concatenate([self._pending, data]) if len(self._pending) else data
        n_steps = len(data) // self._step
        if n_steps:
            used = data[: n_steps * self._step]
            self._sums.append((used**2).reshape(n_steps, self._step, self.channels).sum(axis=1))
        self._pending = data[n_steps * self._step:]

    def _step_sums(self) -> np.ndarray:
        if not self._sums:
            return np.zeros((0, self.channels))
        return np.concatenate(self._sums)

    def block_loudness(self) -> np.ndarray:
        """Momentary loudness (LUFS) of each 400 ms block, one every 100 ms; -inf for silence."""
        sums = self._step_sums()
        if len(sums) < 4:
            return np.zeros(0)
        window = sums[:-3] + sums[1:-2] + sums[2:-1] + sums[3:]
        mean_sq = window / (4 * self._step)
        weighted = mean_sq @ np.asarray(_CHANNEL_GAINS[: self.channels])
        with np.errstate(divide="ignore"):
            return -0.691 + 10.0 * np.log10(weighted)

    def integrated_lufs(self) -> float:
        """Gated integrated loudness in LUFS, never below :data:`FLOOR_LUFS`."""
        sums = self._step_sums()
        if len(sums) < 4:
            return FLOOR_LUFS
        window = (sums[:-3] + sums[1:-2] + sums[2:-1] + sums[3:]) / (4 * self._step)
        gains = np.asarray(_CHANNEL_GAINS[: self.channels])
        with np.errstate(divide="ignore"):
            levels = -0.691 + 10.0 * np.log10(window @ gains)
        above_abs = levels >= FLOOR_LUFS
        if not above_abs.any():
            return FLOOR_LUFS
        relative_gate = -0.691 + 10.0 * np.log10(window[above_abs].mean(axis=0) @ gains) - 10.0
        gated = above_abs & (levels > relative_gate)
        if not gated.any():
            return FLOOR_LUFS
        lufs = -0.691 + 10.0 * np.log10(window[gated].mean(axis=0) @ gains)
        return float(max(FLOOR_LUFS, lufs))
