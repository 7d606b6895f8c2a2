"""A small demo clip made on the spot: shots with hard cuts and a voice-like sentence.

Used by ``musiccog demo`` when the shared clip is absent, so the main job runs on
a fresh machine with nothing but the package.  The picture is FFmpeg's lavfi test
sources cut together at known times; the sound is a synthetic **voice-like** signal
(a glottal-pulse-like harmonic series at about 120 Hz shaped by moving vowel
formants, in 4.5 Hz syllables) that a voice activity detector takes for speech,
so the demo shows ducking.  Nothing is downloaded.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from musiccog.engine.ffmpeg import run_ffmpeg

#: Shot lengths of the demo clip (seconds) and its sources.
DEMO_SHOTS_S = (3.0, 2.5, 3.5, 3.0)
DEMO_SOURCES = ("testsrc2", "smptebars", "mandelbrot", "rgbtestsrc")
#: Where the voice-like sentence is (seconds).
DEMO_SPEECH_S = (4.0, 7.5)
DEMO_FPS = 30
DEMO_SIZE = (640, 360)
_RATE_HZ = 48_000


def voice_like(duration_s: float, *, rate_hz: int = _RATE_HZ, seed: int = 7) -> np.ndarray:
    """A mono voice-like signal (float32, peak 0.3) of ``duration_s`` seconds."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(duration_s * rate_hz)) / rate_hz
    f0 = 120 + 15 * np.sin(2 * np.pi * 0.7 * t) + 5 * np.sin(2 * np.pi * 3.1 * t)
    phase = 2 * np.pi * np.cumsum(f0) / rate_hz
    syllables_hz = 4.5
    idx = (t * syllables_hz).astype(int)
    f1 = rng.choice([300, 500, 700, 400, 600], size=idx.max() + 1)[idx]
    f2 = rng.choice([900, 1200, 1800, 2200, 1000], size=idx.max() + 1)[idx]
    x = np.zeros_like(t)
    for h in range(1, 30):
        fh = h * f0
        amp = (np.exp(-(((fh - f1) / 150) ** 2)) + 0.6 * np.exp(-(((fh - f2) / 200) ** 2))
               + 0.2 * np.exp(-(((fh - 2600) / 300) ** 2)))
        x += amp * np.sin(h * phase) / h**0.3
    x *= np.clip(np.sin(np.pi * ((t * syllables_hz) % 1)), 0, 1) ** 0.6
    return (0.3 * x / np.abs(x).max()).astype(np.float32)


def make_demo_clip(out_path: str | Path) -> Path:
    """Write the demo clip (H.264 + AAC MP4, 12 s, 640×360, 30 fps); returns its path."""
    import soundfile

    out = Path(out_path)
    total_s = sum(DEMO_SHOTS_S)
    audio = np.zeros(int(total_s * _RATE_HZ), dtype=np.float32)
    a, b = (int(x * _RATE_HZ) for x in DEMO_SPEECH_S)
    audio[a:b] = voice_like(DEMO_SPEECH_S[1] - DEMO_SPEECH_S[0])
    width, height = DEMO_SIZE
    parts, labels = [], []
    for i, (shot_s, src) in enumerate(zip(DEMO_SHOTS_S, DEMO_SOURCES, strict=True)):
        frames = round(shot_s * DEMO_FPS)
        parts.append(f"{src}=s={width}x{height}:r={DEMO_FPS},trim=end_frame={frames},"
                     f"setpts=PTS-STARTPTS,format=yuv420p[v{i}]")
        labels.append(f"[v{i}]")
    graph = ";".join(parts) + ";" + "".join(labels) + f"concat=n={len(labels)}:v=1:a=0[v]"
    with tempfile.TemporaryDirectory(prefix=".musiccog-demo-", dir=out.parent) as tmp:
        wav = Path(tmp) / "voice.wav"
        soundfile.write(wav, audio, _RATE_HZ)
        tmp_out = Path(tmp) / "demo.mp4"
        run_ffmpeg(["-filter_complex", graph, "-i", str(wav), "-map", "[v]", "-map", "0:a",
                    "-c:v", "libx264", "-preset", "veryfast", "-crf", "26",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", "-t", f"{total_s}",
                    "-movflags", "+faststart", "-y", str(tmp_out)], what="making the demo clip")
        tmp_out.replace(out)
    return out
