"""A PNG of the sync on one timeline axis: waveform, beats, cuts, level envelope, edits.

Top panel: the fitted BGM's waveform (min/max envelope per pixel column), beats
(grey) and downbeats (green), cuts (red, dashed), the fit's pieces (alternating
shading) and crossfades (orange).  Bottom panel: the music's gain in dB (base
level + fades + ducking) with speech shaded.  Matplotlib's object API with the
Agg canvas: no pyplot global state, safe off the main thread.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from musiccog.engine.plan.mix import FLOOR_DB, envelope_db
from musiccog.engine.types import SyncPlan, VideoAnalysis

#: Figure size in pixels (width, height) at :data:`DPI`.
SIZE_PX = (1400, 650)
DPI = 100
_PIECE_COLOURS = ("#dbe7f5", "#f3e6d3")


def _envelope(samples: np.ndarray, bins: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(bin centre index, min, max) of a mono signal in ``bins`` columns."""
    n = samples.size
    bins = max(1, min(bins, n))
    edges = np.linspace(0, n, bins + 1).astype(int)
    mins = np.minimum.reduceat(samples, edges[:-1])
    maxs = np.maximum.reduceat(samples, edges[:-1])
    return (edges[:-1] + edges[1:]) / 2, mins, maxs


def _mono(samples: np.ndarray) -> np.ndarray:
    data = np.asarray(samples, dtype=np.float32)
    return data.mean(axis=1) if data.ndim == 2 else data.reshape(-1)


def plot_sync(
    out_png: Path,
    *,
    music_samples: np.ndarray,
    sample_rate_hz: int,
    plan: SyncPlan,
    video: VideoAnalysis,
) -> Path:
    """Draw the sync and write ``out_png`` atomically (:data:`SIZE_PX` pixels).

    :param music_samples: the baked BGM, shape ``(n,)`` or ``(n, channels)``; sample 0
        plays at ``plan.timeline_start_s``.
    :param sample_rate_hz: its sample rate.
    :param plan: the plan (beats, edits, envelope); ``video``: cuts and speech.
    :returns: ``out_png``.
    """
    from matplotlib.figure import Figure

    out_png = Path(out_png)
    start, end = plan.timeline_start_s, plan.timeline_start_s + plan.duration_s
    left, right = min(0.0, start), max(end, video.duration_s)
    fig = Figure(figsize=(SIZE_PX[0] / DPI, SIZE_PX[1] / DPI), dpi=DPI)
    wave_ax, gain_ax = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2]})

    # fit pieces and crossfades
    for k, edit in enumerate(plan.edits):
        a = start + edit.output_start_s / plan.stretch_ratio
        nxt = plan.edits[k + 1].output_start_s if k + 1 < len(plan.edits) else None
        b = start + nxt / plan.stretch_ratio if nxt is not None else end
        wave_ax.axvspan(a, b, color=_PIECE_COLOURS[k % 2], lw=0,
                        label="fit pieces" if k == 0 else None)
        if k and edit.crossfade_s > 0:
            wave_ax.axvspan(a - edit.crossfade_s / plan.stretch_ratio, a, color="#f08c00",
                            alpha=0.7, lw=0, label="crossfade" if k == 1 else None)
            jump = f"{plan.edits[k - 1].source_end_s:.1f}→{edit.source_start_s:.1f} s"
            wave_ax.annotate(jump, (a, 1.0), xycoords=("data", "axes fraction"), fontsize=7,
                             color="#a05a00", ha="center", va="bottom")

    mono = _mono(music_samples)
    if mono.size:
        centres, mins, maxs = _envelope(mono, 2 * SIZE_PX[0])
        times = start + centres / sample_rate_hz
        wave_ax.fill_between(times, mins, maxs, color="#3b5b92", lw=0, label="BGM waveform")
        peak = float(np.max(np.abs(mono))) or 1.0
        wave_ax.set_ylim(-1.15 * peak, 1.15 * peak)
    wave_ax.vlines(plan.beats_s, 0, 1, transform=wave_ax.get_xaxis_transform(),
                   color="#9a9a9a", lw=0.5, label="beats")
    wave_ax.vlines(plan.downbeats_s, 0, 1, transform=wave_ax.get_xaxis_transform(),
                   color="#2f9e44", lw=1.2, label="downbeats")
    for ax in (wave_ax, gain_ax):
        ax.vlines(video.cuts_s, 0, 1, transform=ax.get_xaxis_transform(), color="#e03131",
                  lw=1.6, linestyles="--", label="cuts" if ax is wave_ax else None)
    wave_ax.set_ylabel("amplitude")
    wave_ax.legend(loc="upper left", fontsize=8, ncol=6, framealpha=0.9)

    # level envelope
    for k, (s, e) in enumerate(video.speech_s):
        gain_ax.axvspan(s, e, color="#d0bfff", alpha=0.6, lw=0,
                        label="speech" if k == 0 else None)
    grid_t = np.linspace(left, right, 4 * SIZE_PX[0])
    level = envelope_db(plan, grid_t)
    gain_ax.plot(grid_t, level, color="#1c7ed6", lw=1.5, label="music gain (dB)")
    top = max(plan.gain_db, 0.0) + 3
    gain_ax.set_ylim(max(FLOOR_DB, plan.gain_db - max(24.0, abs(min(
        (g for _t, g in plan.duck_keys), default=0.0)) + 12)), top)
    gain_ax.set_ylabel("gain (dB)")
    gain_ax.set_xlabel("timeline (s)")
    gain_ax.legend(loc="lower left", fontsize=8, ncol=3, framealpha=0.9)
    gain_ax.set_xlim(left, right)
    for ax in (wave_ax, gain_ax):
        ax.grid(axis="y", color="#eeeeee", lw=0.5)

    stretch = (f" · tempo {100 * (plan.stretch_ratio - 1):+.2f} %"
               if plan.stretch_ratio != 1 else "")
    fig.suptitle(
        f"{Path(plan.music_path).name}: cuts on a beat {plan.cut_share_before:.0%} → "
        f"{plan.cut_share_after:.0%}{stretch} · {len(plan.edits)} piece(s) · "
        f"gain {plan.gain_db:+.1f} dB", fontsize=11,
    )
    fig.tight_layout()
    out_png.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_png.with_name(f".{out_png.name}.{os.getpid()}.tmp")
    try:
        fig.savefig(tmp, format="png", dpi=DPI)
        os.replace(tmp, out_png)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out_png
