"""A small, real engine for protocol tests (not the offline engine; fast).

``sync`` probes the video with FFmpeg, builds a draft (the video track, a BGM track at
the volume the prompt names, e.g. "35%") and writes a real BGM WAV with FFmpeg (the
uploaded music trimmed, or a sine tone); ``render`` writes a real small MP4 with
FFmpeg from the draft's first video segment.  Both report progress and honour
cancellation.  ``messages`` and ``sync_delay_s`` let tests shape the stream.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import imageio_ffmpeg

from musiccog.draft import TRACK_AUDIO, TRACK_VIDEO, Draft, Segment, Track
from musiccog.draft.model import DraftMeta
from musiccog.engine.ffmpeg import probe
from musiccog.jobs import check_cancel, report
from musiccog.server import EngineTurn

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def make_clip(path: Path, *, seconds: float = 2.0, size: str = "160x120") -> Path:
    """A real H.264 + AAC clip from FFmpeg's test sources."""
    subprocess.run(
        [FFMPEG, "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-shortest", str(path)], check=True)
    return path


def make_tone(path: Path, *, seconds: float = 3.0, freq_hz: int = 440) -> Path:
    """A real WAV tone."""
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", f"sine=frequency={freq_hz}:duration={seconds}", str(path)], check=True)
    return path


class ProbeEngine:
    """See the module docstring."""

    def __init__(self, *, messages: list[str] | None = None, sync_delay_s: float = 0.0,
                 progress_steps: int = 5) -> None:
        self.messages = messages
        self.sync_delay_s = sync_delay_s
        self.progress_steps = progress_steps
        self.calls: list[dict] = []

    def check(self) -> None:
        return None

    def sync(self, *, timeline, video_path, music_path, prompt, work_dir, on_progress, cancel):
        self.calls.append({"timeline": timeline, "video": video_path, "music": music_path,
                           "prompt": prompt})
        work_dir.mkdir(parents=True, exist_ok=True)
        for step in range(self.progress_steps):
            check_cancel(cancel)
            report(on_progress, 100.0 * step / self.progress_steps)
            time.sleep(self.sync_delay_s / max(1, self.progress_steps))
        if timeline is not None:
            draft = timeline.model_copy(deep=True)
            duration_ms = draft.end_ms
        else:
            info = probe(video_path)
            duration_ms = round((info.duration_s or 1.0) * 1000)
            draft = Draft(tracks=[Track(track_type=TRACK_VIDEO, segments=[
                Segment(start_ms=0, duration_ms=duration_ms, source=str(video_path),
                        name=Path(video_path).stem)])],
                metadata=DraftMeta(width=info.width, height=info.height,
                                   fps=float(info.fps) if info.fps else None))
        match = re.search(r"(\d{1,3})\s*%", prompt)
        volume = int(match.group(1)) / 100 if match else 0.5
        bgm = work_dir / f"bgm_{len(self.calls)}.wav"
        src = ["-i", str(music_path)] if music_path else \
            ["-f", "lavfi", "-i", "sine=frequency=220:duration=600"]
        subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y", *src,
                        "-t", f"{duration_ms / 1000:.3f}", "-ac", "1", str(bgm)], check=True)
        tracks = [t for t in draft.tracks if not (getattr(t, "name", None) == "BGM")]
        tracks.append(Track(track_type=TRACK_AUDIO, name="BGM", metadata={"role": "bgm"},
                            segments=[Segment(start_ms=0, duration_ms=duration_ms,
                                              source=str(bgm), name="Tone", volume=volume)]))
        draft = draft.model_copy(update={"tracks": tracks})
        report(on_progress, 100.0)
        words = self.messages if self.messages is not None else [
            f"Added music at {round(volume * 100)}% under {duration_ms / 1000:g} s of video."]
        return EngineTurn(draft, bgm, list(words), {"volume": volume})

    def render(self, draft, out_path, *, on_progress, cancel):
        video = next((s.source for t in draft.known_tracks(TRACK_VIDEO) for s in t.segments
                      if s.source), None)
        seconds = max(0.2, draft.end_ms / 1000)
        tmp = out_path.with_name(f".{out_path.name}.tmp.mp4")
        src = ["-i", video] if video else ["-f", "lavfi", "-i", f"color=size=64x64:d={seconds}"]
        report(on_progress, 10.0)
        check_cancel(cancel)
        subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y", *src,
                        "-t", f"{seconds:.3f}", "-c:v", "libx264", "-preset", "ultrafast",
                        "-pix_fmt", "yuv420p", "-an", str(tmp)], check=True)
        os.replace(tmp, out_path)
        report(on_progress, 100.0)
        return out_path
