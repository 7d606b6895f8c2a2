"""Blender's "local" backend: the offline engine run by another Python (host-free).

Blender's Python cannot import the engine (librosa, its own numpy…), so the add-on
runs :mod:`musiccog.blender.engine_job` with an *Engine Python* — an interpreter
that has ``ai-music-cog[engine]`` — one process per sync or export.

- :func:`find_engine_python` — the configured interpreter, else
  ``$MUSICCOG_ENGINE_PYTHON``, else the interpreter behind a ``musiccog`` command on
  ``PATH``; each is checked (it must import the engine) before use;
- :class:`EngineProcessSession` — ``sync_timeline`` / ``export`` like
  ``musiccog.session.Session``, each run as a job in that interpreter: progress is
  read from its output, Esc (the cancel token) stops the process, its errors come
  back as :class:`EngineJobError` with the engine's own message.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from musiccog.blender.engine_job import PROGRESS_PREFIX
from musiccog.draft.model import Draft
from musiccog.errors import MusicCogError
from musiccog.jobs import Cancelled, CancelToken, ProgressCallback, report

ENV_VAR = "MUSICCOG_ENGINE_PYTHON"
#: How long the import check of a candidate interpreter may take, seconds.
CHECK_TIMEOUT_S = 120.0
_CHECK = "import musiccog.engine, musiccog.blender.engine_job"


class EngineUnavailable(MusicCogError):
    """No interpreter with the engine was found."""


class EngineJobError(MusicCogError):
    """The engine job failed; the message is the engine's own (it says what to do)."""


def _interpreter_of_script(script: Path) -> Path | None:
    """The Python a console script runs with (its ``#!`` line), if it names one."""
    try:
        first = script.read_bytes()[:512].splitlines()[0].decode(errors="replace")
    except (OSError, IndexError):
        return None
    parts = first[2:].strip().split() if first.startswith("#!") else []
    path = Path(parts[0]) if parts else None
    return path if path is not None and path.name.startswith("python") and path.is_file() else None


def candidate_pythons(configured: str | None = None) -> list[Path]:
    """Interpreters to try, in order: configured, ``$MUSICCOG_ENGINE_PYTHON``, ``musiccog``."""
    out: list[Path] = []
    for text in (configured, os.environ.get(ENV_VAR)):
        if text:
            out.append(Path(os.path.expanduser(text)))
    script = shutil.which("musiccog")
    if script:
        found = _interpreter_of_script(Path(script))
        if found is None and os.name == "nt":  # pip's launcher .exe sits in Scripts/
            found = Path(script).parent.parent / "python.exe"
        if found is not None:
            out.append(found)
    seen: set[str] = set()
    return [p for p in out if not (str(p) in seen or seen.add(str(p)))]


def _clean_env() -> dict[str, str]:
    """The environment for another Python: without Blender's PYTHONHOME/PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONHOME", "PYTHONPATH")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def has_engine(python: Path) -> bool:
    """True when ``python`` runs and imports the engine."""
    if not python.is_file():
        return False
    try:
        proc = subprocess.run([str(python), "-c", _CHECK], capture_output=True,
                              timeout=CHECK_TIMEOUT_S, check=False, env=_clean_env())
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


_checked: dict[str, Path] = {}


def find_engine_python(configured: str | None = None) -> Path:
    """The first candidate that has the engine (remembered); EngineUnavailable otherwise."""
    key = configured or ""
    if key in _checked and _checked[key].is_file():
        return _checked[key]
    if configured and not Path(os.path.expanduser(configured)).is_file():
        raise EngineUnavailable(
            f"the Engine Python '{configured}' does not exist. In the add-on's preferences, "
            "set it to the python of an environment with `pip install 'ai-music-cog[engine]'`, "
            "or clear it to search automatically."
        )
    candidates = candidate_pythons(configured)
    for python in candidates:
        if has_engine(python):
            _checked[key] = python
            return python
    tried = ", ".join(str(p) for p in candidates) or "none found"
    raise EngineUnavailable(
        f"no Python with the Music Cog engine was found (tried: {tried}). Install it with "
        "`pip install 'ai-music-cog[engine]'` and set Engine Python in the add-on's "
        "preferences, or choose a self-hosted server as the backend."
    )


@dataclass
class EngineOutcome:
    """What a sync gives back (the fields of ``musiccog.session.SyncOutcome``)."""

    draft: Draft
    bgm_path: Path | None
    summary: str
    messages: list[str] = field(default_factory=list)


class EngineProcessSession:
    """A session on the local engine, each call run as a job in ``python``."""

    kind = "local"

    def __init__(self, python: Path, *, session_id: str | None = None) -> None:
        self.python = python
        self.session_id = session_id or "blender-" + uuid.uuid4().hex[:12]

    def _run(self, verb: str, request: dict[str, Any], *, cancel: CancelToken | None,
             on_progress: ProgressCallback | None) -> dict[str, Any]:
        with tempfile.TemporaryDirectory(prefix="musiccog-job-") as tmp:
            req, res = Path(tmp) / "request.json", Path(tmp) / "result.json"
            req.write_text(json.dumps({"session_id": self.session_id, **request}))
            flags = subprocess.CREATE_NO_WINDOW if sys.platform == "win32" else 0
            proc = subprocess.Popen(
                [str(self.python), "-m", "musiccog.blender.engine_job", verb, str(req), str(res)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                text=True, env=_clean_env(), creationflags=flags,
            )
            errors: list[str] = []
            reader = threading.Thread(target=lambda: errors.extend(proc.stderr), daemon=True)
            reader.start()
            watcher = threading.Thread(target=self._watch, args=(proc, cancel), daemon=True)
            watcher.start()
            for line in proc.stdout:  # type: ignore[union-attr]
                if line.startswith(PROGRESS_PREFIX):
                    try:
                        report(on_progress, min(float(line[len(PROGRESS_PREFIX):]), 99.0))
                    except ValueError:
                        pass
            proc.wait()
            reader.join(timeout=5)
            if cancel is not None and cancel.cancelled:
                raise Cancelled("cancelled by the user")
            try:
                result = json.loads(res.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                tail = "".join(errors)[-1500:].strip() or f"exit code {proc.returncode}"
                raise EngineJobError(
                    f"the local engine stopped without an answer:\n{tail}\nCheck the Engine "
                    "Python in the add-on's preferences."
                ) from None
        if "error" in result:
            raise EngineJobError(str(result["error"]))
        report(on_progress, 100.0)
        return result

    @staticmethod
    def _watch(proc: subprocess.Popen, cancel: CancelToken | None) -> None:
        while proc.poll() is None:
            if cancel is not None and cancel.cancelled:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                return
            threading.Event().wait(0.1)

    def sync_timeline(self, draft: Draft, *, prompt: str, music_path: str | Path | None = None,
                      library_dir: str | Path | None = None, cancel: CancelToken | None = None,
                      on_progress: ProgressCallback | None = None) -> EngineOutcome:
        """Like ``Session.sync_timeline``, run by the engine in its own process."""
        from musiccog.draft.validate import parse_draft

        result = self._run("sync", {
            "draft": draft.to_json(), "prompt": prompt,
            "music_path": str(music_path) if music_path else None,
            "library_dir": str(library_dir) if library_dir else None,
        }, cancel=cancel, on_progress=on_progress)
        bgm = result.get("bgm_path")
        return EngineOutcome(
            draft=parse_draft(result["draft"], source="the local engine"),
            bgm_path=Path(bgm) if bgm else None,
            summary=str(result.get("summary") or ""),
            messages=[str(m) for m in result.get("messages") or []],
        )

    def export(self, dest: str | Path, *, on_progress: ProgressCallback | None = None,
               cancel: CancelToken | None = None) -> Path:
        """Like ``Session.export``: render this session's draft to ``dest`` (MP4)."""
        result = self._run("export", {"dest": str(dest)}, cancel=cancel, on_progress=on_progress)
        return Path(result["path"])

    def close(self) -> None:
        """Nothing held between jobs."""
