"""Export the edit (with its music) to an MP4, H.264 + AAC, through Blender's FFmpeg output.

The user's render settings are saved before and put back after, whatever
happens; the movie is rendered to a temporary name beside the destination and
renamed into place, so a failed or cancelled render leaves no half file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from . import compat

#: Render settings the export changes, in the order they must be restored
#: (``media_type`` before ``file_format`` before the FFmpeg options on 5.x).
SAVED_SETTINGS: tuple[tuple[str, str], ...] = (
    ("render", "filepath"),
    ("render", "use_file_extension"),
    ("render", "use_sequencer"),
    ("image_settings", "media_type"),
    ("image_settings", "file_format"),
    ("image_settings", "color_mode"),
    ("ffmpeg", "format"),
    ("ffmpeg", "codec"),
    ("ffmpeg", "constant_rate_factor"),
    ("ffmpeg", "ffmpeg_preset"),
    ("ffmpeg", "audio_codec"),
    ("ffmpeg", "audio_bitrate"),
    ("ffmpeg", "audio_channels"),
    ("ffmpeg", "audio_mixrate"),
)


def _owner(render: Any, part: str) -> Any:
    return {"render": render, "image_settings": render.image_settings, "ffmpeg": render.ffmpeg}[
        part
    ]


def save_settings(render: Any) -> list[tuple[str, str, Any]]:
    """The current values of :data:`SAVED_SETTINGS` that this Blender has."""
    saved = []
    for part, name in SAVED_SETTINGS:
        owner = _owner(render, part)
        if hasattr(owner, name):
            saved.append((part, name, getattr(owner, name)))
    return saved


def restore_settings(render: Any, saved: list[tuple[str, str, Any]]) -> None:
    """Put back what :func:`save_settings` returned, in order."""
    for part, name, value in saved:
        try:
            setattr(_owner(render, part), name, value)
        except (TypeError, ValueError, AttributeError):
            pass  # an enum value this format no longer offers; the rest still goes back


def temp_output(dest: Path) -> Path:
    """The temporary movie path beside ``dest`` (same folder, so the rename is atomic)."""
    return dest.with_name(f".{dest.stem}.partial-{os.getpid()}.mp4")


def configure_mp4(render: Any, out_path: Path) -> None:
    """H.264 in MP4, AAC 192 kb/s stereo 48 kHz, sequencer on, writing to ``out_path``."""
    render.filepath = str(out_path)
    render.use_file_extension = False
    render.use_sequencer = True
    compat.set_movie_output(render)
    render.image_settings.color_mode = "RGB"
    ff = render.ffmpeg
    ff.format = "MPEG4"
    ff.codec = "H264"
    ff.constant_rate_factor = "MEDIUM"
    ff.ffmpeg_preset = "GOOD"
    ff.audio_codec = "AAC"
    ff.audio_bitrate = 192
    ff.audio_channels = "STEREO"
    ff.audio_mixrate = 48000


def finish_output(tmp: Path, dest: Path) -> Path:
    """Move the rendered temporary movie to ``dest``; raise OSError when nothing was written."""
    if not tmp.is_file() or tmp.stat().st_size == 0:
        raise OSError(f"Blender wrote no movie at {tmp}")
    os.replace(tmp, dest)
    return dest
