"""Files of a session: storing uploads, describing them, and mapping drafts between
server-local paths (what the engine reads) and URLs (what clients see).

A file's URL is ``<base>/files/<session id>/<file id>/<name>``; reading it needs the
owner's token.  A draft sent by a client may only reference files of its own
session; anything else is refused (a client cannot make the server read its disk).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from musiccog.backend._errors import ACCEPTED_SUFFIXES
from musiccog.draft.model import Draft
from musiccog.errors import DraftError
from musiccog.server._store import ApiError, ServerSession, StoredFile

__all__ = [
    "draft_to_local",
    "draft_to_public",
    "file_type",
    "file_url",
    "public_file",
    "register_generated",
    "relink",
    "store_stream",
]

_VIDEO = (".mp4", ".mov", ".avi", ".webm", ".mkv")
_AUDIO = (".mp3", ".wav", ".m4a", ".aac", ".flac")
_URL_PATH = re.compile(r"^/files/([0-9a-f]+)/([0-9a-f]+)/")


def file_type(name: str) -> str:
    """``"video"``, ``"audio"`` or ``"image"`` by suffix; 4001 when not accepted."""
    suffix = Path(name).suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        formats = ", ".join(s.lstrip(".") for s in ACCEPTED_SUFFIXES)
        raise ApiError(4001, f"unsupported file type '{suffix or name}'; accepted: {formats}",
                       http_status=415)
    return "video" if suffix in _VIDEO else "audio" if suffix in _AUDIO else "image"


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name
    cleaned = re.sub(r"[^\w.\- ]+", "_", base).strip(" .") or "file"
    return cleaned[-120:]


def store_stream(session: ServerSession, filename: str, chunks: Iterable[bytes],
                 *, max_bytes: int) -> StoredFile:
    """Write an upload into the session folder (4002 past ``max_bytes``; nothing kept)."""
    kind = file_type(filename)
    file_id = secrets.token_hex(8)
    name = _safe_name(filename)
    folder = session.folder / "files" / file_id
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    digest = hashlib.sha256()
    size = 0
    try:
        with open(target, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise ApiError(4002, f"file too large (over {max_bytes} bytes); compress "
                                   "or trim it", http_status=413)
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    info: dict[str, Any] = {"hash": digest.hexdigest(), "size": size}
    info.update(_probe(target) if kind != "image" else {})
    stored = StoredFile(file_id, name, target, kind, info)
    session.files[file_id] = stored
    return stored


def _probe(path: Path) -> dict[str, Any]:
    try:
        from musiccog.engine.ffmpeg import probe

        media = probe(path)
    except Exception:  # an unreadable file is the engine's to report at chat time
        return {}
    return {"duration": media.duration_s, "width": media.width, "height": media.height,
            "fps": float(media.fps) if media.fps else None}


def register_generated(session: ServerSession, path: Path, *, role: str) -> StoredFile:
    """Make an engine output a session file (copied in when it lives elsewhere)."""
    path = Path(path)
    for stored in session.files.values():
        if stored.path == path:
            return stored
    file_id = secrets.token_hex(8)
    folder = session.folder / "files" / file_id
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / _safe_name(path.name)
    shutil.copyfile(path, target)
    stored = StoredFile(file_id, target.name, target, "audio" if role == "bgm" else "video",
                        {"role": role, **_probe(target)}, generated=True)
    session.files[file_id] = stored
    return stored


def relink(draft: Draft, moved: dict[str, str]) -> Draft:
    """The draft with every ``src`` found in ``moved`` (old path → new path) replaced."""
    from musiccog.draft.validate import parse_draft

    if not moved:
        return draft
    data = _map_srcs(draft.to_json(), lambda src, where: moved.get(src, src))
    return parse_draft(data, source="engine draft")


def file_url(base_url: str, session: ServerSession, stored: StoredFile) -> str:
    """The URL clients use for a stored file."""
    return (f"{base_url.rstrip('/')}/files/{session.session_id}/{stored.file_id}/"
            f"{quote(stored.filename)}")


def public_file(base_url: str, session: ServerSession, stored: StoredFile) -> dict[str, Any]:
    """A ``files[]`` / ``video_infos[]`` entry."""
    info = stored.info
    return {"filename": stored.filename, "file_type": stored.file_type,
            "cdn_url": file_url(base_url, session, stored), "duration": info.get("duration"),
            "width": info.get("width"), "height": info.get("height"), "fps": info.get("fps"),
            "hash": info.get("hash"), "file_id": stored.file_id}


def lookup_url(session: ServerSession, url: str) -> StoredFile | None:
    """The stored file a URL names, if it is one of ``session``'s."""
    match = _URL_PATH.match(unquote(urlsplit(url).path))
    if not match or match.group(1) != session.session_id:
        return None
    return session.files.get(match.group(2))


def _map_srcs(data: dict[str, Any], convert) -> dict[str, Any]:  # noqa: ANN001
    for ti, track in enumerate(data.get("t", []) or []):
        if not isinstance(track, dict):
            continue
        for si, seg in enumerate(track.get("sg", []) or []):
            if isinstance(seg, dict) and isinstance(seg.get("src"), str):
                seg["src"] = convert(seg["src"], f"t[{ti}].sg[{si}].src")
    return data


def draft_to_local(data: dict[str, Any], session: ServerSession) -> Draft:
    """A client's draft with every ``src`` turned into this session's file path.

    4000 when the draft is invalid or a ``src`` is not a file of the session.
    """
    from musiccog.draft.validate import parse_draft

    def convert(src: str, where: str) -> str:
        stored = lookup_url(session, src)
        if stored is None:
            raise ApiError(4000, f"{where}: {src!r} is not a file of this session; upload it "
                           "first and use its cdn_url", http_status=400)
        return str(stored.path)

    try:
        return parse_draft(_map_srcs(data, convert), source="request draft")
    except DraftError as exc:
        raise ApiError(4000, f"invalid draft: {exc}", http_status=400) from None


def draft_to_public(draft: Draft, session: ServerSession, base_url: str) -> dict[str, Any]:
    """The session's draft with file paths turned into URLs for the client."""
    by_path = {str(f.path): f for f in session.files.values()}

    def convert(src: str, where: str) -> str:
        stored = by_path.get(src)
        return file_url(base_url, session, stored) if stored else src

    return _map_srcs(draft.to_json(), convert)
