"""A lasting home for music that a host project references (host-free).

The engine and the backends leave the fitted music in Music Cog's cache folders
(``<config>/cache/local/<session>/turn-*/``, ``<config>/cache/media/``).  A host
project that points at it — a Resolve media pool item, a Blender strip — must not
go offline when those caches are cleared, so before placing, the music is copied
into ``<data dir>/media/`` (``$MUSICCOG_DATA_DIR`` or the platform's user data
folder for "musiccog") under a content-hash name: the same music is stored once,
and the copy is atomic (temporary file + rename).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from musiccog.draft.model import TRACK_AUDIO, Draft

__all__ = ["keep_media", "keep_music", "media_dir"]

_CHUNK_BYTES = 1 << 20


def media_dir() -> Path:
    """``$MUSICCOG_DATA_DIR/media`` or the user data folder's ``media`` (created)."""
    override = os.environ.get("MUSICCOG_DATA_DIR")
    if override:
        root = Path(override)
    else:
        import platformdirs

        root = Path(platformdirs.user_data_dir("musiccog"))
    folder = root / "media"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=8)
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK_BYTES):
            h.update(chunk)
    return h.hexdigest()


def keep_media(path: str | os.PathLike[str]) -> Path:
    """A lasting copy of ``path`` in :func:`media_dir` (the file itself when already there).

    :raises OSError: the file cannot be read or the copy cannot be written.
    """
    source = Path(path).resolve()
    folder = media_dir().resolve()
    if folder in source.parents:
        return source
    target = folder / f"{source.stem}-{_digest(source)}{source.suffix}"
    if target.is_file() and target.stat().st_size == source.stat().st_size:
        return target
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _is_bgm(track: object) -> bool:
    meta = getattr(track, "metadata", None) or {}
    return (meta.get("role") == "bgm") or (getattr(track, "name", "") or "").upper() == "BGM"


def keep_music(draft: Draft, bgm_path: str | os.PathLike[str] | None
               ) -> tuple[Draft, Path | None]:
    """``draft`` with its BGM segments' local files kept (sources rewritten), and the kept
    ``bgm_path``.  Other tracks are untouched; sources that are not local files stay as
    they are."""
    kept: dict[str, str] = {}
    out = draft.model_copy(deep=True)
    for track in out.known_tracks(TRACK_AUDIO):
        if not _is_bgm(track):
            continue
        for seg in track.segments:
            if seg.source and Path(seg.source).is_file():
                key = str(Path(seg.source).resolve())
                kept.setdefault(key, str(keep_media(key)))
                seg.source = kept[key]
    new_bgm = None
    if bgm_path is not None and Path(bgm_path).is_file():
        key = str(Path(bgm_path).resolve())
        new_bgm = Path(kept.get(key) or keep_media(key))
    elif bgm_path is not None:
        new_bgm = Path(bgm_path)
    return out, new_bgm
