"""``musiccog panel [FILES…] [--backend local|cloud|URL]``: the Qt panel as its own window."""

from __future__ import annotations

import argparse

from musiccog.errors import MusicCogError


class PanelUnavailableError(MusicCogError):
    """PySide6 is missing or cannot start a window here."""


def _check_files(files: list[str]) -> None:
    from musiccog.panel.files import check_files

    check_files(files)  # raises a message naming the file and the fix


def _panel(args: argparse.Namespace) -> int:
    from musiccog.panel.settings import save_backend_choice, valid_choice

    if args.backend and not valid_choice(args.backend):
        raise PanelUnavailableError(
            f"--backend {args.backend!r}: use local, cloud or an http(s):// server URL.")
    _check_files(args.files)
    try:
        from musiccog.panel import run_panel
    except ImportError as exc:
        raise PanelUnavailableError(
            f"the panel needs PySide6 ({exc}); install it with: pip install 'ai-music-cog[panel]'"
        ) from exc
    if args.backend:
        save_backend_choice(args.backend)
    return run_panel(files=args.files, host="panel", backend_choice=args.backend or None)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``panel``."""
    panel = subparsers.add_parser(
        "panel", help="open the Music Cog panel (prompts, replies, timeline, export)")
    panel.add_argument("files", nargs="*", metavar="FILE",
                       help="media to attach to the first message (video, music, images)")
    panel.add_argument("--backend", default="",
                       help="local (default), cloud, or the URL of a 'musiccog serve' server; "
                            "remembered for next time")
    panel.set_defaults(func=_panel)
