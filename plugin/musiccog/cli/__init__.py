"""The ``musiccog`` command: one sub-command per module, errors as messages, exit 2.

Each module in :data:`COMMAND_MODULES` exposes ``register(subparsers)`` that adds
its sub-parser and sets ``func=handler``; a handler takes the parsed
``argparse.Namespace`` and returns an exit code.  A
:class:`~musiccog.errors.MusicCogError` is printed as its message (never a
traceback) and exits with its ``exit_code`` (2 for bad input).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from musiccog._version import __version__
from musiccog.errors import MusicCogError

#: Sub-command modules, in the order ``--help`` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "musiccog.cli.cmd_timeline",
    "musiccog.cli.cmd_engine",
    "musiccog.cli.cmd_resolve",
    "musiccog.cli.cmd_panel",
    "musiccog.cli.cmd_backend",
)


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with a one-line message (its default) and no traceback."""


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every registered sub-command."""
    parser = _Parser(
        prog="musiccog",
        description="AI Music Cog: background music fitted to your cut.",
    )
    parser.add_argument("--version", action="version", version=f"musiccog {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 2 bad input, 1 other failure, 130 Ctrl+C)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "func", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except MusicCogError as exc:
        print(f"musiccog {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"musiccog {args.command}: cancelled", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
