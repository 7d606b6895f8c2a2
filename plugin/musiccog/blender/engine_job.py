"""The local engine's side of Blender's "local" backend: one job per process (host-free).

Blender's Python cannot import the engine, so the add-on runs this module with an
*Engine Python* (an interpreter with ``ai-music-cog[engine]``)::

    python -m musiccog.blender.engine_job sync   REQUEST.json RESULT.json
    python -m musiccog.blender.engine_job export REQUEST.json RESULT.json

It drives ``musiccog.session.Session`` over the local backend exactly as an
in-process host would. The session (keyed by the request's ``session_id``) lives
in the local backend's state folder, so an ``export`` run renders what the last
``sync`` run made. Progress goes to stdout as ``PROGRESS <percent>`` lines; the
result (or ``{"error": message}``, exit 2) is written atomically to RESULT.json.

REQUEST keys — sync: ``session_id``, ``draft`` (draft JSON), ``prompt``, ``music_path``,
``library_dir``; export: ``session_id``, ``dest``.
RESULT — sync: ``draft``, ``bgm_path``, ``summary``, ``messages``; export: ``path``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from musiccog.draft.io import write_text_atomic
from musiccog.errors import MusicCogError

#: Prefix of the progress lines on stdout.
PROGRESS_PREFIX = "PROGRESS "


def _progress(done: float, total: float) -> None:
    percent = 100.0 * done / total if total else 0.0
    print(f"{PROGRESS_PREFIX}{percent:.1f}", flush=True)


def _session(request: dict[str, Any]) -> Any:
    from musiccog.backend import LocalBackend
    from musiccog.session import Session

    backend = LocalBackend(session_id=str(request["session_id"]), remember=False,
                           library_dir=request.get("library_dir") or None)
    return Session(backend, host="blender")


def run_sync(request: dict[str, Any]) -> dict[str, Any]:
    """Sync the request's draft; the outcome as JSON data."""
    from musiccog.draft.validate import parse_draft

    draft = parse_draft(request["draft"], source="the Blender edit")
    outcome = _session(request).sync_timeline(
        draft, prompt=str(request.get("prompt") or ""),
        music_path=request.get("music_path") or None,
        library_dir=request.get("library_dir") or None,
        on_progress=_progress,
    )
    return {
        "draft": outcome.draft.to_json(),
        "bgm_path": str(outcome.bgm_path) if outcome.bgm_path else None,
        "summary": outcome.summary,
        "messages": list(outcome.messages),
    }


def run_export(request: dict[str, Any]) -> dict[str, Any]:
    """Render the session's draft to the request's ``dest``."""
    path = _session(request).export(Path(request["dest"]), on_progress=_progress)
    return {"path": str(path)}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3 or args[0] not in ("sync", "export"):
        print("usage: python -m musiccog.blender.engine_job sync|export REQUEST.json RESULT.json",
              file=sys.stderr)
        return 2
    verb, request_path, result_path = args
    try:
        request = json.loads(Path(request_path).read_text(encoding="utf-8"))
        result = run_sync(request) if verb == "sync" else run_export(request)
        code = 0
    except MusicCogError as exc:
        result, code = {"error": str(exc), "kind": type(exc).__name__}, exc.exit_code
    except (OSError, ValueError, KeyError) as exc:
        result, code = {"error": f"bad engine job request: {exc!r}", "kind": "RequestError"}, 2
    write_text_atomic(result_path, json.dumps(result))
    return code


if __name__ == "__main__":
    sys.exit(main())
