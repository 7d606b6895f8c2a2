"""Open and save timelines by file suffix: drafts natively, everything else through OTIO.

``*.json`` / ``*.draft`` are drafts; any other suffix goes to whichever OTIO
adapter claims it (``.otio``, and ``.xml``/``.edl`` … when their adapter
packages are installed).  Writes are atomic and refuse to replace the input.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import opentimelineio as otio

from musiccog.draft.io import read_draft, usual_file_mode, write_draft
from musiccog.draft.model import Draft
from musiccog.errors import MappingError, MusicCogError
from musiccog.otio_mapping import draft_to_otio, otio_to_draft

DRAFT_SUFFIXES = (".json", ".draft")


class TimelineFileError(MusicCogError):
    """A timeline file that cannot be opened or written (missing, unknown suffix, bad data)."""


def is_draft_path(path: str | os.PathLike[str]) -> bool:
    """True for ``*.json`` and ``*.draft`` files."""
    return Path(path).suffix.lower() in DRAFT_SUFFIXES


def _otio_suffixes() -> list[str]:
    return sorted({s for a in otio.plugins.ActiveManifest().adapters for s in a.suffixes})


def load_timeline(path: str | os.PathLike[str]) -> Draft:
    """Read a draft, or any OTIO-readable file converted to a draft."""
    file = Path(path)
    if is_draft_path(file):
        return read_draft(file)
    if not file.exists():
        raise TimelineFileError(f"{file} does not exist. Check the path.")
    try:
        adapter = otio.adapters.from_filepath(str(file))
    except otio.exceptions.NoKnownAdapterForExtensionError:
        raise TimelineFileError(
            f"no reader for '{file.suffix}' files. Readable suffixes: "
            f"{', '.join('.' + s for s in _otio_suffixes())}."
        ) from None
    try:
        timeline = adapter.read_from_file(str(file))
    except MusicCogError:
        raise
    except Exception as exc:  # adapters raise many kinds
        raise TimelineFileError(
            f"{file} could not be read by OTIO's {adapter.name}: {exc}"
        ) from None
    return otio_to_draft(timeline)


def _fill_available_ranges(timeline: otio.schema.Timeline) -> None:
    """Give media without a known length one that covers its use (FCP XML and EDL need it)."""
    for clip in timeline.find_clips():
        ref = clip.media_reference
        if ref is None or ref.available_range is not None or clip.source_range is None:
            continue
        end = clip.source_range.end_time_exclusive()
        ref.available_range = otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, end.rate), end
        )


def save_timeline(draft: Draft, path: str | os.PathLike[str]) -> Path:
    """Write ``draft`` as a draft or through the OTIO adapter for the suffix, atomically."""
    file = Path(path)
    if is_draft_path(file):
        return write_draft(draft, file)
    try:
        adapter = otio.adapters.from_filepath(str(file))
    except otio.exceptions.NoKnownAdapterForExtensionError:
        raise TimelineFileError(
            f"no writer for '{file.suffix}' files. Writable suffixes: "
            f"{', '.join('.' + s for s in _otio_suffixes())}."
        ) from None
    timeline = draft_to_otio(draft)
    if adapter.name not in ("otio_json", "otiod", "otioz"):
        _fill_available_ranges(timeline)
    file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{file.stem}.", suffix=file.suffix, dir=file.parent)
    os.close(fd)
    try:
        otio.adapters.write_to_file(timeline, tmp, adapter_name=adapter.name)
        os.chmod(tmp, usual_file_mode())  # mkstemp made it 0600
        os.replace(tmp, file)
    except MusicCogError:
        os.unlink(tmp)
        raise
    except Exception as exc:
        os.unlink(tmp)
        raise MappingError(f"OTIO's {adapter.name} could not write {file.name}: {exc}") from None
    return file
