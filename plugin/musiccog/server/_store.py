"""The server's memory: users, tokens, sessions, stored files, render jobs; and clean-up.

Thread-safe (one lock).  A token belongs to one user; a session, its files and its
renders to one user: looking up another user's session answers exactly like a
missing one (1002), so nothing shows that it exists.  Anonymous users are keyed
by their ``X-Client-Id``, so a fresh token for the same client id (after 1001)
sees the same sessions.  Idle sessions older than ``session_ttl_s`` are removed
with their folder.
"""

from __future__ import annotations

import secrets
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from musiccog.draft.model import Draft
from musiccog.jobs import CancelToken

__all__ = ["ApiError", "RenderRecord", "ServerSession", "Store", "StoredFile", "User"]


class ApiError(Exception):
    """An error answer: protocol ``code``, HTTP status, message, optional data."""

    def __init__(self, code: int, message: str, *, http_status: int = 400,
                 data: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.http_status, self.data = code, message, http_status, data


def session_lost() -> ApiError:
    return ApiError(1002, "session not found; create a new session", http_status=404)


@dataclass
class User:
    """``credits`` None means unlimited."""

    user_id: str
    client_id: str | None
    anonymous: bool
    credits: float | None


@dataclass
class StoredFile:
    """A file held for a session; ``info`` has duration (s), width, height, fps, hash."""

    file_id: str
    filename: str
    path: Path
    file_type: str
    info: dict[str, Any] = field(default_factory=dict)
    generated: bool = False


@dataclass
class ServerSession:
    """``timeline``/``draft`` hold server-local paths; URLs are made when answering."""

    session_id: str
    task_id: str
    user_id: str
    folder: Path
    created: float
    last_used: float
    files: dict[str, StoredFile] = field(default_factory=dict)
    timeline: Draft | None = None
    draft: Draft | None = None
    messages: list[str] = field(default_factory=list)
    job: Any = None

    @property
    def busy(self) -> bool:
        return self.job is not None and not self.job.done


@dataclass
class RenderRecord:
    """A render job; ``status`` pending | processing | completed | failed | cancelled."""

    render_id: str
    user_id: str
    session_id: str
    out_path: Path
    created: float
    status: str = "pending"
    progress: float = 0.0
    error: str = ""
    cancel: CancelToken = field(default_factory=CancelToken)


class Store:
    """All server state; every method takes the lock."""

    def __init__(self, data_dir: Path, *, token_ttl_s: float, session_ttl_s: float,
                 credits: float | None) -> None:
        self.data_dir = data_dir
        self.token_ttl_s = token_ttl_s
        self.session_ttl_s = session_ttl_s
        self.initial_credits = credits
        self.lock = threading.RLock()
        self._tokens: dict[str, tuple[str, float]] = {}
        self._users: dict[str, User] = {}
        self._by_client: dict[str, str] = {}
        self._sessions: dict[str, ServerSession] = {}
        self.renders: dict[str, RenderRecord] = {}

    # -- users and tokens ------------------------------------------------------------
    def issue_anonymous(self, client_id: str) -> tuple[str, User, float]:
        """A new token for the client id's user (made on first use)."""
        with self.lock:
            user_id = self._by_client.get(client_id)
            if user_id is None:
                user_id = f"anon_{secrets.token_hex(8)}"
                self._by_client[client_id] = user_id
                self._users[user_id] = User(user_id, client_id, True, self.initial_credits)
            token = f"nmv_usr_{secrets.token_urlsafe(24)}"
            expires = time.time() + self.token_ttl_s
            self._tokens[token] = (user_id, expires)
            return token, self._users[user_id], expires

    def add_registered(self, token: str, user_id: str, credits: float | None = None) -> User:
        """Register a fixed token for a registered user (for tests and studio set-ups)."""
        with self.lock:
            user = self._users.setdefault(user_id, User(user_id, None, False, credits))
            self._tokens[token] = (user_id, float("inf"))
            return user

    def user_for(self, token: str | None) -> User:
        """The token's user; 1001 when the token is missing, unknown or expired."""
        with self.lock:
            entry = self._tokens.get(token or "")
            if entry is None or entry[1] < time.time():
                raise ApiError(1001, "token missing, invalid or expired; get a new token",
                               http_status=401)
            return self._users[entry[0]]

    def revoke(self, token: str) -> None:
        """Expire a token now (the expired-token fault)."""
        with self.lock:
            self._tokens.pop(token, None)

    def charge(self, user: User, amount: float = 1.0) -> None:
        """Take credits for a turn; 2001 when there are none left."""
        with self.lock:
            if user.credits is None:
                return
            if user.credits < amount:
                raise ApiError(2001, "insufficient credits", http_status=402)
            user.credits -= amount

    # -- sessions ----------------------------------------------------------------------
    def new_session(self, user: User) -> ServerSession:
        with self.lock:
            sid = secrets.token_hex(12)
            folder = self.data_dir / "sessions" / sid
            folder.mkdir(parents=True, exist_ok=True)
            now = time.time()
            session = ServerSession(sid, f"task_{secrets.token_hex(6)}", user.user_id, folder,
                                    now, now)
            self._sessions[sid] = session
            return session

    def session(self, user: User, session_id: str) -> ServerSession:
        """The user's session; 1002 when missing or another user's."""
        with self.lock:
            session = self._sessions.get(session_id)
            if session is None or session.user_id != user.user_id:
                raise session_lost()
            session.last_used = time.time()
            return session

    def drop_session(self, session_id: str) -> None:
        """Forget a session and delete its folder (the lost-session fault, clean-up)."""
        with self.lock:
            session = self._sessions.pop(session_id, None)
        if session is not None:
            shutil.rmtree(session.folder, ignore_errors=True)

    def cleanup(self, *, now: float | None = None) -> int:
        """Remove idle sessions past ``session_ttl_s``, expired tokens and old renders;
        returns the number of sessions removed."""
        now = time.time() if now is None else now
        with self.lock:
            old = [s.session_id for s in self._sessions.values()
                   if now - s.last_used > self.session_ttl_s and not s.busy]
            for token, (_, expires) in list(self._tokens.items()):
                if expires < now:
                    del self._tokens[token]
            for rid, record in list(self.renders.items()):
                if record.session_id in old:
                    record.cancel.cancel()
                    del self.renders[rid]
        for sid in old:
            self.drop_session(sid)
        return len(old)

    def session_count(self) -> int:
        with self.lock:
            return len(self._sessions)
