"""The user's settings on disk: config dir, token store, remembered backend and sessions.

Everything lives in one folder, ``$MUSICCOG_CONFIG_DIR`` when set, else
``platformdirs.user_config_dir("musiccog")``:

- ``settings.json`` — the remembered backend choice (``"local"``, ``"cloud"`` or a URL),
  the client id sent as ``X-Client-Id`` per base URL, and the session id per backend
  (so ``musiccog status`` after ``musiccog chat`` reads the same session);
- ``tokens.json`` — bearer tokens per base URL with their expiry; mode **0600**, never
  printed or logged (:class:`TokenRecord` hides the token in its ``repr``);
- ``local/`` — state of local-backend sessions.

Files are written atomically (temporary file + rename); a corrupt file is treated as
empty rather than stopping the user.
"""

from __future__ import annotations

import json
import os
import stat
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from musiccog.draft.io import write_text_atomic

__all__ = [
    "TokenRecord",
    "TokenStore",
    "backend_key",
    "cache_dir",
    "client_id",
    "config_dir",
    "forget_session",
    "load_backend_choice",
    "load_session",
    "new_client_id",
    "save_backend_choice",
    "save_session",
    "valid_backend_choice",
]

_SETTINGS = "settings.json"
_TOKENS = "tokens.json"


def config_dir() -> Path:
    """The user config dir: ``$MUSICCOG_CONFIG_DIR`` or platformdirs' for "musiccog"."""
    override = os.environ.get("MUSICCOG_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("musiccog"))


def cache_dir() -> Path:
    """Where downloaded media and local sessions go: ``<config dir>/cache`` (created)."""
    path = config_dir() / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _ensure_dir() -> Path:
    path = config_dir()
    path.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(path, 0o700)
    except OSError:  # a shared or read-only dir: the token file itself is still 0600
        pass
    return path


def _read_json(name: str) -> dict[str, Any]:
    try:
        data = json.loads((config_dir() / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(name: str, data: dict[str, Any]) -> Path:
    path = _ensure_dir() / name
    write_text_atomic(path, json.dumps(data, indent=2, sort_keys=True) + "\n",
                      mode=stat.S_IRUSR | stat.S_IWUSR)
    return path


# -- backend choice --------------------------------------------------------------------


def valid_backend_choice(choice: str) -> bool:
    """True for ``"local"``, ``"cloud"`` or an ``http(s)://`` URL."""
    choice = (choice or "").strip()
    return choice in ("local", "cloud") or choice.startswith(("http://", "https://"))


def load_backend_choice(default: str = "local") -> str:
    """The remembered backend choice, or ``default`` when none (or a bad one) is stored."""
    value = str(_read_json(_SETTINGS).get("backend") or default).strip()
    return value if valid_backend_choice(value) else default


def save_backend_choice(choice: str) -> None:
    """Remember ``choice`` for the next run; an invalid choice is ignored."""
    if not valid_backend_choice(choice):
        return
    data = _read_json(_SETTINGS)
    data["backend"] = choice.strip()
    _write_json(_SETTINGS, data)


# -- client id and sessions ------------------------------------------------------------


def backend_key(choice: str) -> str:
    """A stable key for a backend choice: ``"local"``, ``"cloud"`` or the URL without ``/``."""
    return choice.strip().rstrip("/")


def client_id(base_url: str) -> str:
    """The ``X-Client-Id`` (a UUID) used with ``base_url``; created and stored on first use."""
    data = _read_json(_SETTINGS)
    ids = data.setdefault("client_ids", {})
    key = backend_key(base_url)
    if not isinstance(ids.get(key), str):
        ids[key] = str(uuid.uuid4())
        _write_json(_SETTINGS, data)
    return ids[key]


def new_client_id(base_url: str) -> str:
    """Replace the client id of ``base_url`` with a fresh UUID (after a 400 answer)."""
    data = _read_json(_SETTINGS)
    data.setdefault("client_ids", {})[backend_key(base_url)] = value = str(uuid.uuid4())
    _write_json(_SETTINGS, data)
    return value


def load_session(choice: str) -> dict[str, Any] | None:
    """The remembered session of a backend (``{"session_id": …, "task_id": …}``) or None."""
    value = _read_json(_SETTINGS).get("sessions", {}).get(backend_key(choice))
    return value if isinstance(value, dict) and value.get("session_id") else None


def save_session(choice: str, session_id: str, **extra: Any) -> None:
    """Remember the session of a backend so later commands reuse it."""
    data = _read_json(_SETTINGS)
    entry = {"session_id": session_id, "saved_at": time.time(), **extra}
    data.setdefault("sessions", {})[backend_key(choice)] = entry
    _write_json(_SETTINGS, data)


def forget_session(choice: str) -> None:
    """Drop the remembered session of a backend (it was lost on the server)."""
    data = _read_json(_SETTINGS)
    if data.get("sessions", {}).pop(backend_key(choice), None) is not None:
        _write_json(_SETTINGS, data)


# -- tokens ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenRecord:
    """A bearer token and what came with it; ``repr`` never shows the token.

    ``expires_at``: Unix time in seconds, or None when the server gave no expiry;
    ``anonymous``: True for tokens from ``/api/auth/anonymous-token``.
    """

    token: str = field(repr=False)
    user_id: str = ""
    expires_at: float | None = None
    anonymous: bool = True

    def expired(self, *, now: float | None = None, margin_s: float = 60.0) -> bool:
        """True when the token expires within ``margin_s`` seconds."""
        if self.expires_at is None:
            return False
        return (time.time() if now is None else now) + margin_s >= self.expires_at


class TokenStore:
    """Tokens per base URL in ``tokens.json`` (mode 0600) in the config dir."""

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory

    @property
    def path(self) -> Path:
        """The token file."""
        return (self._directory or config_dir()) / _TOKENS

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _save(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(self.path, json.dumps(data, indent=2, sort_keys=True) + "\n",
                          mode=stat.S_IRUSR | stat.S_IWUSR)  # 0600 before it is visible

    def get(self, base_url: str) -> TokenRecord | None:
        """The stored, unexpired token for ``base_url``, or None."""
        entry = self._load().get(backend_key(base_url))
        if not isinstance(entry, dict) or not isinstance(entry.get("token"), str):
            return None
        expires = entry.get("expires_at")
        record = TokenRecord(
            token=entry["token"],
            user_id=str(entry.get("user_id") or ""),
            expires_at=float(expires) if isinstance(expires, (int, float)) else None,
            anonymous=bool(entry.get("anonymous", True)),
        )
        return None if record.expired() else record

    def put(self, base_url: str, record: TokenRecord) -> None:
        """Store ``record`` for ``base_url`` (replacing any other)."""
        data = self._load()
        data[backend_key(base_url)] = {
            "token": record.token,
            "user_id": record.user_id,
            "expires_at": record.expires_at,
            "anonymous": record.anonymous,
        }
        self._save(data)

    def clear(self, base_url: str) -> None:
        """Forget the token of ``base_url`` (after the server refused it)."""
        data = self._load()
        if data.pop(backend_key(base_url), None) is not None:
            self._save(data)
