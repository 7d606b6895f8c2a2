"""The offline engine for Blender, run out of process (host-free).

Blender's Python cannot import the engine (librosa, numpy of its own version…),
so the add-on's "local" backend starts ``python -m musiccog serve --port 0`` with
an *Engine Python* — an interpreter that has ``musiccog[engine,server]`` — and
talks to it over HTTP on 127.0.0.1 like any self-hosted server.

- :func:`find_engine_python` — the configured interpreter, else ``$MUSICCOG_ENGINE_PYTHON``,
  else the interpreter behind a ``musiccog`` command on ``PATH``; each is checked
  (``import musiccog.engine, musiccog.server``) before use;
- :class:`EngineServer` — starts the server, reads the URL it prints, stops it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path

from musiccog.errors import MusicCogError

#: How long the server may take to print its address, seconds.
START_TIMEOUT_S = 60.0
#: How long the import check of a candidate interpreter may take, seconds.
CHECK_TIMEOUT_S = 60.0
ENV_VAR = "MUSICCOG_ENGINE_PYTHON"
_URL = re.compile(r"https?://(?:127\.0\.0\.1|localhost|\[::1\]):(\d+)")
_CHECK = "import musiccog.engine, musiccog.server"


class EngineUnavailable(MusicCogError):
    """No interpreter with the engine was found, or the engine server did not start."""


def _interpreter_of_script(script: Path) -> Path | None:
    """The Python a console script runs with (its ``#!`` line), if it names one."""
    try:
        first = script.read_bytes()[:512].splitlines()[0].decode(errors="replace")
    except (OSError, IndexError):
        return None
    if not first.startswith("#!"):
        return None
    target = first[2:].strip().split()[0] if first[2:].strip() else ""
    path = Path(target)
    return path if path.name.startswith("python") and path.is_file() else None


def candidate_pythons(configured: str | None = None) -> list[Path]:
    """Interpreters to try, in order (configured, environment, ``musiccog`` on PATH)."""
    out: list[Path] = []
    for text in (configured, os.environ.get(ENV_VAR)):
        if text:
            out.append(Path(os.path.expanduser(text)))
    script = shutil.which("musiccog")
    if script:
        found = _interpreter_of_script(Path(script))
        if found is None and os.name == "nt":  # a launcher .exe sits beside python.exe
            found = Path(script).parent.parent / "python.exe"
        if found is not None:
            out.append(found)
    seen: set[str] = set()
    return [p for p in out if not (str(p) in seen or seen.add(str(p)))]


def has_engine(python: Path) -> bool:
    """True when ``python`` runs and imports the engine and the server."""
    if not python.is_file():
        return False
    try:
        proc = subprocess.run(
            [str(python), "-c", _CHECK], capture_output=True, timeout=CHECK_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


def find_engine_python(configured: str | None = None) -> Path:
    """The first candidate interpreter that has the engine; EngineUnavailable otherwise."""
    candidates = candidate_pythons(configured)
    if configured and not Path(os.path.expanduser(configured)).is_file():
        raise EngineUnavailable(
            f"the Engine Python '{configured}' does not exist. Set it in the add-on's "
            "preferences to the python of an environment with `pip install ai-music-cog[engine,"
            "server]`, or clear it to search automatically."
        )
    for python in candidates:
        if has_engine(python):
            return python
    tried = ", ".join(str(p) for p in candidates) or "none found"
    raise EngineUnavailable(
        "no Python with the Music Cog engine was found (tried: " + tried + "). Install it with "
        "`pip install ai-music-cog[engine,server]` and set Engine Python in the add-on's "
        "preferences, or pick a self-hosted URL as the backend."
    )


class EngineServer:
    """``python -m musiccog serve --port 0`` on 127.0.0.1, started once and reused."""

    def __init__(self, python: Path) -> None:
        self.python = python
        self.url: str | None = None
        self._proc: subprocess.Popen[str] | None = None
        self._lines: deque[str] = deque(maxlen=40)
        self._found = threading.Event()

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _read(self, stream) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            self._lines.append(line.rstrip())
            match = _URL.search(line)
            if match and int(match.group(1)) != 0 and self.url is None:
                self.url = match.group(0).replace("localhost", "127.0.0.1")
                self._found.set()

    def start(self, *, timeout_s: float = START_TIMEOUT_S) -> str:
        """Start the server (if not running) and return its base URL."""
        if self.running and self.url:
            return self.url
        self.stop()
        self.url = None
        self._found.clear()
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        flags = subprocess.CREATE_NO_WINDOW if sys.platform == "win32" else 0
        try:
            self._proc = subprocess.Popen(
                [str(self.python), "-m", "musiccog", "serve", "--host", "127.0.0.1", "--port", "0"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                text=True, env=env, creationflags=flags,
            )
        except OSError as exc:
            raise EngineUnavailable(f"could not start {self.python}: {exc}") from None
        for stream in (self._proc.stdout, self._proc.stderr):
            threading.Thread(target=self._read, args=(stream,), daemon=True).start()
        deadline = time.monotonic() + timeout_s
        while not self._found.wait(0.1):
            if self._proc.poll() is not None or time.monotonic() > deadline:
                tail = "\n".join(list(self._lines)[-8:]) or "(no output)"
                self.stop()
                raise EngineUnavailable(
                    f"the local engine server did not start ({self.python} -m musiccog serve):\n"
                    f"{tail}\nCheck the Engine Python in the add-on's preferences."
                )
        assert self.url is not None
        return self.url

    def stop(self) -> None:
        """Stop the server (no-op when it is not running)."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


_shared: EngineServer | None = None
_shared_lock = threading.Lock()


def shared_server_url(configured_python: str | None = None) -> str:
    """Base URL of the one engine server this process shares, started on first use."""
    global _shared
    with _shared_lock:
        if _shared is not None and _shared.running and _shared.url:
            return _shared.url
        python = find_engine_python(configured_python)
        if _shared is not None:
            _shared.stop()
        _shared = EngineServer(python)
        return _shared.start()


def stop_shared_server() -> None:
    """Stop the shared engine server (the add-on calls this when it is disabled)."""
    global _shared
    with _shared_lock:
        if _shared is not None:
            _shared.stop()
        _shared = None
