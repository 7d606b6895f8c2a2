"""Input checks done before any work: format, size, readability, length, streams.

The errors follow the hosted backend's answers: **4001** unsupported format (the
message lists the formats) and **4002** file too large (the message suggests
compressing or trimming).  Each carries ``code``; all are
:class:`musiccog.errors.InputFileError` (CLI exit 2, nothing written)::

    InputFileError
     ├── MediaNotFoundError        4000  missing path or a folder
     ├── UnsupportedFormatError    4001  suffix not in the lists below
     ├── FileTooLargeError         4002  over MAX_INPUT_BYTES
     ├── UnreadableMediaError      4003  FFmpeg cannot open it
     ├── EmptyMediaError           4004  zero bytes or zero duration
     └── MissingStreamError        4005  a video without a video stream / audio without audio
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from musiccog.engine.ffmpeg import FFmpegError, MediaInfo, probe
from musiccog.errors import InputFileError

#: Video containers accepted (lower-case suffixes).
VIDEO_SUFFIXES = (".mp4", ".mov", ".avi", ".webm", ".mkv")
#: Audio formats accepted (lower-case suffixes).
AUDIO_SUFFIXES = (".wav", ".mp3", ".m4a", ".aac", ".flac")
#: Largest input file accepted: 500 MB.
MAX_INPUT_BYTES = 500 * 1000 * 1000


class MediaCheckError(InputFileError):
    """An input file refused before any work; ``code`` is the backend-style error code."""

    code: int = 4000

    def __init__(self, message: str, *, path: str | os.PathLike[str] | None = None) -> None:
        super().__init__(message)
        self.path = None if path is None else str(path)


class MediaNotFoundError(MediaCheckError):
    """The path does not exist or is a folder."""

    code = 4000


class UnsupportedFormatError(MediaCheckError):
    """4001: the suffix is not a supported video or audio format."""

    code = 4001


class FileTooLargeError(MediaCheckError):
    """4002: the file is over :data:`MAX_INPUT_BYTES`."""

    code = 4002


class UnreadableMediaError(MediaCheckError):
    """4003: FFmpeg cannot open or decode the file."""

    code = 4003


class EmptyMediaError(MediaCheckError):
    """4004: the file has no bytes or no duration."""

    code = 4004


class MissingStreamError(MediaCheckError):
    """4005: a video file without a video stream, or an audio file without audio."""

    code = 4005


def _formats(kind: str) -> str:
    suffixes = VIDEO_SUFFIXES if kind == "video" else AUDIO_SUFFIXES
    return ", ".join(s.lstrip(".") for s in suffixes)


def check_media(
    path: str | os.PathLike[str],
    kind: Literal["video", "audio", "any"] = "video",
    *,
    max_bytes: int = MAX_INPUT_BYTES,
) -> MediaInfo:
    """Check one input file and return what FFmpeg says about it.

    :param kind: ``"video"`` needs a video container and a video stream; ``"audio"``
        an audio format and an audio stream; ``"any"`` accepts either list.
    :param max_bytes: size limit in bytes (default 500 MB).
    :raises MediaCheckError: a subclass naming the problem and what to do.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    allowed = {"video": VIDEO_SUFFIXES, "audio": AUDIO_SUFFIXES,
               "any": VIDEO_SUFFIXES + AUDIO_SUFFIXES}[kind]
    if suffix not in allowed:
        lists = []
        if kind in ("video", "any"):
            lists.append(f"video: {_formats('video')}")
        if kind in ("audio", "any"):
            lists.append(f"audio: {_formats('audio')}")
        raise UnsupportedFormatError(
            f"{file.name}: unsupported format {suffix or '(no suffix)'} (error 4001). "
            f"Supported formats — {'; '.join(lists)}. Convert the file to one of these.",
            path=file,
        )
    if not file.exists():
        raise MediaNotFoundError(f"{file}: no such file. Check the path.", path=file)
    if not file.is_file():
        raise MediaNotFoundError(f"{file}: is a folder, not a media file.", path=file)
    size = file.stat().st_size
    if size == 0:
        raise EmptyMediaError(f"{file.name}: the file is empty (0 bytes). "
                              "Export it again from your editor.", path=file)
    if size > max_bytes:
        raise FileTooLargeError(
            f"{file.name}: {size / 1e6:.0f} MB is over the {max_bytes / 1e6:.0f} MB limit "
            "(error 4002). Compress it (e.g. H.264 at a lower bitrate) or trim it, then try "
            "again.",
            path=file,
        )
    if not os.access(file, os.R_OK):
        raise UnreadableMediaError(f"{file}: not readable (permission denied). "
                                   "Check the file's permissions.", path=file)
    try:
        info = probe(file)
    except FFmpegError as exc:
        said = (exc.stderr_tail.strip().splitlines() or ["no output"])[-1]
        raise UnreadableMediaError(
            f"{file.name}: FFmpeg cannot read this file ({said}); it may be damaged or not "
            f"really a {suffix.lstrip('.')} file. Re-export it and try again.",
            path=file,
        ) from None
    is_video_file = suffix in VIDEO_SUFFIXES
    if is_video_file and not info.has_video and kind != "any":
        raise MissingStreamError(f"{file.name}: has no video stream. Give a video file "
                                 "(or pass audio with --music).", path=file)
    if not is_video_file and not info.has_audio:
        raise MissingStreamError(f"{file.name}: has no audio stream. Give a music file.",
                                 path=file)
    if is_video_file and kind == "any" and not (info.has_video or info.has_audio):
        raise MissingStreamError(f"{file.name}: has neither video nor audio.", path=file)
    if info.duration_s is not None and info.duration_s <= 0:
        raise EmptyMediaError(f"{file.name}: has zero length. Export it again.", path=file)
    return info
