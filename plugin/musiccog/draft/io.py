"""Reading and writing draft files: strict JSON in, atomic writes out."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from musiccog.draft.model import Draft
from musiccog.draft.validate import parse_draft
from musiccog.errors import DraftError

#: Largest draft file accepted, bytes (256 MiB).
MAX_DRAFT_BYTES = 256 * 1024 * 1024


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def loads_json(text: str | bytes, *, source: str | None = None) -> Any:
    """Decode strict JSON (no NaN/Infinity); errors name the line and column."""
    if len(text) > MAX_DRAFT_BYTES:
        raise DraftError(
            f"{source or 'draft'} is {len(text)} bytes; drafts over {MAX_DRAFT_BYTES} bytes "
            "are refused. Split the timeline or check that this is a draft file."
        )
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise DraftError(
            f"{source or 'draft'} is not valid JSON: {exc.msg} at line {exc.lineno} "
            f"column {exc.colno}. Fix the file or re-export it from the backend."
        ) from None
    except (ValueError, RecursionError) as exc:
        raise DraftError(f"{source or 'draft'} is not valid JSON: {exc}.") from None


def draft_from_string(text: str | bytes, *, source: str | None = None) -> Draft:
    """Parse and validate a draft from JSON text."""
    return parse_draft(loads_json(text, source=source), source=source)


def draft_to_string(draft: Draft, *, indent: int | None = 2) -> str:
    """Serialise a draft to JSON text (unknown keys included, as they came in)."""
    return json.dumps(draft.to_json(), indent=indent, ensure_ascii=False, allow_nan=False)


def read_draft(path: str | os.PathLike[str]) -> Draft:
    """Read and validate a draft file.

    :raises DraftError: the file is missing, unreadable, too large or not JSON.
    :raises DraftValidationError: the JSON breaks the format (paths named).
    """
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_DRAFT_BYTES:
            raise DraftError(f"{file} is {size} bytes; drafts over {MAX_DRAFT_BYTES} are refused.")
        data = file.read_bytes()
    except FileNotFoundError:
        raise DraftError(f"{file} does not exist. Check the path.") from None
    except IsADirectoryError:
        raise DraftError(f"{file} is a folder, not a draft file.") from None
    except PermissionError:
        raise DraftError(f"{file} cannot be read (permission denied).") from None
    return draft_from_string(data, source=str(file))


def usual_file_mode() -> int:
    """The mode a plain ``open(path, "w")`` would give a new file (0o666 less the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_text_atomic(path: str | os.PathLike[str], text: str | bytes, *,
                      mode: int | None = None) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename.

    Readers never see a half-written file; on failure the old file (if any) is untouched.
    :param mode: permission bits, set before the rename (e.g. ``0o600`` for secrets);
        default :func:`usual_file_mode`.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = text.encode("utf-8") if isinstance(text, str) else text
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, usual_file_mode() if mode is None else mode)
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    return target


def write_draft(draft: Draft, path: str | os.PathLike[str]) -> Path:
    """Write a draft file atomically."""
    return write_text_atomic(path, draft_to_string(draft) + "\n")
