"""Test set-ups: real WAV/video files on disk, a fake Resolve with a cut on it, a synced draft."""

from __future__ import annotations

import wave
from fractions import Fraction
from pathlib import Path

from musiccog.draft import parse_draft
from musiccog.draft.model import Draft
from tests.resolve.fake_resolve import FakeResolve, FakeTimeline

RATES = ["23.976", "24", "25", "29.97", "29.97 DF", "30", "50", "59.94", "59.94 DF", "60"]


def write_wav(path: Path, seconds: float, *, rate_hz: int = 48000) -> Path:
    """A real stereo 16-bit WAV of silence, ``seconds`` long."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(rate_hz)
        wav.writeframes(b"\0\0\0\0" * int(seconds * rate_hz))
    return path


def fps_of(rate: str) -> Fraction:
    text = rate.replace(" DF", "")
    return {"23.976": Fraction(24000, 1001), "29.97": Fraction(30000, 1001),
            "59.94": Fraction(60000, 1001)}.get(text, Fraction(text))


def cut_timeline(tmp_path: Path, rate: str, *, version=None, start_tc=None,
                 audio_fps: str = "24") -> tuple[FakeResolve, FakeTimeline, list[Path]]:
    """A 01:00:00:00 timeline: V1 two shots with a gap, A1 dialogue, A2 room tone, A3 empty.

    Shots (in frames at the timeline rate, relative to the start): V1 [0, 5 s) and
    [6 s, 12 s) — a one-second gap; A1 under both shots; A2 [2 s, 10 s).
    """
    sep = ";" if "DF" in rate else ":"
    resolve = FakeResolve(rate=rate, start_tc=start_tc or f"01:00:00{sep}00",
                          version=version, audio_fps=audio_fps)
    project = resolve.project
    tl = project.new_timeline("Edit")
    fps = fps_of(rate)
    sec = int(round(fps))  # whole frames per second used to lay out the shots
    files = []
    for name in ("shot_a.mov", "shot_b.mov", "room.wav"):
        path = tmp_path / name
        if name.endswith(".wav"):
            write_wav(path, 20)
        else:
            path.write_bytes(b"not really a movie")
        files.append(path)
    pool = project.media_pool
    shot_a, shot_b = pool.ImportMedia([str(files[0]), str(files[1])])
    (room,) = pool.ImportMedia([str(files[2])])
    s = tl.start_frame
    tl.place("video", 1, shot_a, record=s, frames=5 * sec, source_start=10, name="shot A")
    tl.place("video", 1, shot_b, record=s + 6 * sec, frames=6 * sec, source_start=0,
             name="shot B")
    tl.place("audio", 1, shot_a, record=s, frames=5 * sec, source_start=10, name="shot A")
    tl.place("audio", 1, shot_b, record=s + 6 * sec, frames=6 * sec, name="shot B")
    tl.place("audio", 2, room, record=s + 2 * sec, frames=8 * sec, name="room tone")
    tl._add_track("audio", "mono")
    tl.markers[3 * sec] = {"color": "Blue", "duration": 1.0, "note": "user note",
                           "name": "mine", "customData": ""}
    return resolve, tl, files


def synced_draft(base: Draft, bgm: Path, *, start_ms=500, duration_ms=9000, level=0.8,
                 ducks=True, downbeats_ms=(500, 2500, 4500, 6500, 8500)) -> Draft:
    """What a backend returns: the timeline plus a BGM track (level, fades, a duck) + markers."""
    data = base.to_json()
    seg = {"s": start_ms, "d": duration_ms, "i": 0, "src": str(bgm), "n": "music",
           "v": level, "fi": 1000, "fo": 2000}
    if ducks:
        # vk multiplies v: 0.375 × 0.8 = 30 % under the speech from 2.3 s to 4.0 s
        seg["vk"] = [[0, 1], [2000, 1], [2300, 0.375], [4000, 0.375], [4300, 1]]
    data["t"].append({"tt": 1, "n": "BGM", "m": {"role": "bgm"}, "sg": [seg]})
    data["mk"] = list(data.get("mk") or []) + [
        {"s": ms, "n": "downbeat", "c": "GREEN"} for ms in downbeats_ms
    ]
    return parse_draft(data)
