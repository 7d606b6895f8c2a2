"""``musiccog chat | credits | status | export | serve``: the session from a shell.

The same routing and messages as the hosts (``musiccog.session.Session``).  The
backend is ``--backend local|cloud|URL``, else the remembered one (a given
``--backend`` is remembered); the session id is remembered per backend so
``status`` and ``export`` after ``chat`` work across invocations.  Words go to
stdout; progress and notices to stderr.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from musiccog.backend.base import ChatEvent
from musiccog.errors import MusicCogError

__all__ = ["register"]


class CliError(MusicCogError):
    """A command-line mistake (exit 2)."""


class _Progress:
    """A one-line progress display on stderr (only when stderr is a terminal)."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self._last = -1

    def __call__(self, done: float, total: float) -> None:
        if not self.tty or not total:
            return
        percent = int(100 * done / total)
        if percent != self._last:
            self._last = percent
            unit = "%" if total == 100 else f"% of {total / 1e6:.1f} MB"
            print(f"\r  {percent:3d}{unit}", end="", file=sys.stderr, flush=True)

    def end(self) -> None:
        if self.tty and self._last >= 0:
            print(file=sys.stderr)
            self._last = -1


def _session(args: argparse.Namespace):  # noqa: ANN202 - a musiccog.session.Session
    from musiccog import config
    from musiccog.backend import backend_kind, open_backend
    from musiccog.session import Session

    choice = args.backend or config.load_backend_choice()
    backend_kind(choice)  # a clear error for a bad choice before anything else
    if args.backend:
        config.save_backend_choice(args.backend)
    backend = open_backend(choice, host="cli")
    return Session(backend, host="cli", export_dir=Path.cwd())


def _print_event(event: ChatEvent, progress: _Progress) -> None:
    if event.kind == "progress":
        return  # shown through on_progress
    progress.end()
    if event.kind == "text":
        print(event.text)
    elif event.kind == "changed":
        print(f"Changed: {event.text}")
    elif event.kind == "still_working":
        print(event.text, file=sys.stderr)
    elif event.kind == "error":
        print(f"note: {event.text}", file=sys.stderr)


def _run(args: argparse.Namespace, text: str, files: list[str]) -> int:
    session = _session(args)
    progress = _Progress()
    try:
        for event in session.handle(text, files=files, on_progress=progress):
            _print_event(event, progress)
    finally:
        progress.end()
        session.close()
    return 0


def _chat(args: argparse.Namespace) -> int:
    if not args.text.strip() and not args.file:
        raise CliError('say what you want, e.g. musiccog chat "calm piano at 30%" '
                       "--file clip.mp4")
    for path in args.file or []:
        if not Path(path).expanduser().is_file():
            raise CliError(f"{path} does not exist or is not a file. Check the path.")
    return _run(args, args.text, list(args.file or []))


def _credits(args: argparse.Namespace) -> int:
    return _run(args, "credits", [])


def _status(args: argparse.Namespace) -> int:
    return _run(args, "status", [])


def _export(args: argparse.Namespace) -> int:
    dest = Path(args.output or time.strftime("musiccog_%Y%m%d_%H%M%S.mp4")).expanduser()
    dest = dest.absolute()
    if dest.suffix.lower() != ".mp4":
        raise CliError(f"{dest.name}: export writes MP4; use a name ending in .mp4.")
    if dest.exists() and not args.force:
        raise CliError(f"{dest} exists; pass --force to replace it.")
    session = _session(args)
    progress = _Progress()
    try:
        path = session.export(dest, on_progress=progress)
    finally:
        progress.end()
        session.close()
    print(f"Exported to {path}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from musiccog.server import serve

    if not 0 <= args.port <= 65535:
        raise CliError(f"--port {args.port}: use 0-65535.")
    serve(args.host, args.port, data_dir=args.data_dir)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``chat``, ``credits``, ``status``, ``export`` and ``serve``."""

    def backend_arg(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--backend", metavar="local|cloud|URL",
                            help="where the work runs (remembered; default: the last one, "
                                 "else local)")

    chat = subparsers.add_parser("chat", help="ask for music (or export/credits/status)")
    chat.add_argument("text", help='what you want, e.g. "calm piano, music at 30%%"')
    chat.add_argument("--file", action="append", metavar="PATH",
                      help="a video or music file to upload first (repeatable)")
    backend_arg(chat)
    chat.set_defaults(func=_chat)

    credits = subparsers.add_parser("credits", help="show the credit balance")
    backend_arg(credits)
    credits.set_defaults(func=_credits)

    status = subparsers.add_parser("status", help="show the session's tracks")
    backend_arg(status)
    status.set_defaults(func=_status)

    export = subparsers.add_parser("export", help="render the session's timeline to MP4")
    export.add_argument("-o", "--output", metavar="OUT.mp4", help="output file")
    export.add_argument("--force", action="store_true", help="replace an existing file")
    backend_arg(export)
    export.set_defaults(func=_export)

    serve = subparsers.add_parser("serve", help="run a self-hosted backend server")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    serve.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    serve.add_argument("--data-dir", help="where uploads and renders go (default: cache dir)")
    serve.set_defaults(func=_serve)
