"""Checks on files the user adds, before anything is uploaded (pure: no Qt).

Same rules as the backends (``musiccog.backend.ACCEPTED_SUFFIXES`` and the 500 MB
limit), run in the panel so a wrong file is refused at once, with the fix,
instead of after an upload; unlike ``backend.check_upload`` a missing file is
reported as missing (not as an unsupported type).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from musiccog.errors import InputFileError
from musiccog.panel.messages import SUPPORTED_FORMATS, UPLOAD_LIMIT_BYTES

__all__ = ["CheckedFile", "FileCheckError", "check_file", "check_files", "dialog_filter"]


class FileCheckError(InputFileError):
    """A file the backends would refuse; ``code`` 4001 (format) or 4002 (size), 0 missing."""

    def __init__(self, message: str, *, code: int = 0) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks; ``size_bytes`` its size on disk."""

    path: Path
    size_bytes: int


def check_file(path: str | Path, *, limit_bytes: int = UPLOAD_LIMIT_BYTES,
               extra_formats: Iterable[str] = ()) -> CheckedFile:
    """Check one file: it exists, has a supported suffix and is at most ``limit_bytes``.

    ``extra_formats`` adds suffixes (without the dot) a backend also takes (the
    local backend reads FLAC).  Raises :class:`FileCheckError` (codes as the
    backend's: 4001 format, 4002 size; 0 for a missing file).
    """
    p = Path(path).expanduser()
    suffix = p.suffix.lower().lstrip(".")
    if suffix not in SUPPORTED_FORMATS and suffix not in set(extra_formats):
        raise FileCheckError(
            f"{p.name}: .{suffix or '(no suffix)'} files are not supported; use one of "
            f"{', '.join(SUPPORTED_FORMATS)}.",
            code=4001,
        )
    if not p.is_file():
        raise FileCheckError(f"{p}: file not found; check the path and add it again.")
    size = p.stat().st_size
    if size > limit_bytes:
        raise FileCheckError(
            f"{p.name} is {size / 1e6:.0f} MB, over the {limit_bytes / 1e6:.0f} MB limit; "
            "compress it or trim it to the part you need.",
            code=4002,
        )
    return CheckedFile(p.resolve(), size)


def check_files(
    paths: Iterable[str | Path], *, limit_bytes: int = UPLOAD_LIMIT_BYTES,
    extra_formats: Iterable[str] = (),
) -> list[CheckedFile]:
    """Check every file; raises on the first bad one (nothing is uploaded then)."""
    extra = tuple(extra_formats)
    return [check_file(p, limit_bytes=limit_bytes, extra_formats=extra) for p in paths]


def dialog_filter() -> str:
    """A Qt file-dialog filter for the supported formats."""
    patterns = " ".join(f"*.{ext}" for ext in SUPPORTED_FORMATS)
    return f"Media ({patterns});;All files (*)"
