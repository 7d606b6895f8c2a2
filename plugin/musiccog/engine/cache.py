"""A small on-disk cache of analysis results: ``(kind, content hash) → JSON dict``.

Generic: music analysis uses ``kind="music"``, video analysis ``kind="video"``.
Each entry is one JSON file ``<root>/<kind>/<content_hash>.json`` holding
``{"kind", "version", "data"}``; an entry whose ``version`` differs from the
caller's is a miss, so bumping a module's version string invalidates old results.
Files are written atomically (temporary file + ``os.replace``); a cache that
cannot be read or written is treated as empty and never fails the analysis.

The root folder is, in order: the ``cache_dir`` argument, the environment
variable ``MUSICCOG_CACHE_DIR``, else ``platformdirs.user_cache_dir("musiccog")/analysis``.

Typical use::

    h = file_content_hash(path)
    data = load_cached("music", h, version=VERSION)
    if data is None:
        data = analyse(path)
        store_cached("music", h, data, version=VERSION)
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from pathlib import Path

import platformdirs

log = logging.getLogger(__name__)

#: Environment variable that overrides the cache root.
CACHE_ENV = "MUSICCOG_CACHE_DIR"
#: Bytes read at a time when hashing a file.
HASH_CHUNK_BYTES = 1 << 20

_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")


def cache_root(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding cache entries (not created here).

    :param cache_dir: explicit folder; wins over ``MUSICCOG_CACHE_DIR`` and the default.
    """
    if cache_dir is not None:
        return Path(cache_dir)
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    return Path(platformdirs.user_cache_dir("musiccog")) / "analysis"


def ensure_numba_cache() -> Path:
    """Point numba's on-disk cache (``NUMBA_CACHE_DIR``) at a persistent writable folder.

    librosa compiles its kernels with numba on first use (about 9 s here); with a
    cache folder later processes load them in well under a second.  Call this
    before importing librosa/numba; an existing ``NUMBA_CACHE_DIR`` is kept.
    Returns the folder in use.
    """
    current = os.environ.get("NUMBA_CACHE_DIR")
    if current:
        return Path(current)
    folder = Path(platformdirs.user_cache_dir("musiccog")) / "numba"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir()) / "musiccog-numba"
        folder.mkdir(parents=True, exist_ok=True)
    os.environ["NUMBA_CACHE_DIR"] = str(folder)
    return folder


def file_content_hash(path: str | os.PathLike[str]) -> str:
    """BLAKE2b (160-bit) of the file's bytes, read in 1 MiB chunks; 40 hex digits.

    :raises OSError: the file cannot be read.
    """
    digest = hashlib.blake2b(digest_size=20)
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _entry_path(kind: str, content_hash: str, cache_dir: str | os.PathLike[str] | None) -> Path:
    if not _SAFE_NAME.match(kind) or not _SAFE_NAME.match(content_hash):
        raise ValueError(f"cache kind/key must be plain names, got {kind!r}/{content_hash!r}")
    return cache_root(cache_dir) / kind / f"{content_hash}.json"


def load_cached(
    kind: str,
    content_hash: str,
    *,
    version: str = "",
    cache_dir: str | os.PathLike[str] | None = None,
) -> dict | None:
    """The cached dict for ``(kind, content_hash)``, or None on a miss.

    A missing, unreadable or corrupt entry, or one written with another
    ``version``, is a miss.
    """
    entry = _entry_path(kind, content_hash, cache_dir)
    try:
        doc = json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("kind") != kind or doc.get("version") != version:
        return None
    data = doc.get("data")
    return data if isinstance(data, dict) else None


def store_cached(
    kind: str,
    content_hash: str,
    data: dict,
    *,
    version: str = "",
    cache_dir: str | os.PathLike[str] | None = None,
) -> Path | None:
    """Store ``data`` (JSON-serialisable) atomically; returns the entry's path.

    Returns None (and logs a warning) when the cache folder cannot be written:
    caching is an optimisation, never a reason to fail.
    """
    entry = _entry_path(kind, content_hash, cache_dir)
    text = json.dumps({"kind": kind, "version": version, "data": data}, separators=(",", ":"))
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{content_hash}.", suffix=".tmp", dir=entry.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, entry)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.warning("analysis cache not written (%s): %s", entry.parent, exc)
        return None
    return entry
