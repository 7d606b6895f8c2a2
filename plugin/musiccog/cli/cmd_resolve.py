"""DaVinci Resolve commands.

- ``musiccog install resolve [--dry-run] [--system] [--scripts-dir DIR] [--python PY]``
- ``musiccog uninstall resolve [--dry-run] [--system] [--scripts-dir DIR]``
- ``musiccog resolve status`` — which Resolve, project and timeline answer
- ``musiccog resolve read OUT`` — the current timeline as a draft or OTIO file
- ``musiccog resolve sync --prompt TEXT [--music FILE] [--new-timeline]`` — sync and place

``install``/``uninstall`` take a target (``resolve`` here); other hosts add their
own target to the same verbs through :func:`target_parser`, whichever module
registers first creates the verb.
"""

from __future__ import annotations

import argparse
from pathlib import Path

#: ``dest`` of the target sub-parsers under ``install``/``uninstall``.
TARGET_DEST = "install_target"


def target_parser(subparsers: argparse._SubParsersAction, verb: str, target: str,
                  help_text: str) -> argparse.ArgumentParser:
    """The ``musiccog VERB TARGET`` parser, creating ``VERB`` if no module has yet."""
    parent = subparsers.choices.get(verb)
    if parent is None:
        parent = subparsers.add_parser(verb, help=f"{verb} a host integration")
        parent.add_subparsers(dest=TARGET_DEST, metavar="TARGET", required=True)
    targets = next(a for a in parent._actions if isinstance(a, argparse._SubParsersAction))
    return targets.add_parser(target, help=help_text)


def _where(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--system", action="store_true",
                        help="use the all-users Scripts folder (needs admin rights)")
    parser.add_argument("--scripts-dir", metavar="DIR",
                        help="use this Fusion/Scripts folder instead of the per-OS default")
    parser.add_argument("--dry-run", action="store_true",
                        help="say what would change, change nothing")


def _install(args: argparse.Namespace) -> int:
    from musiccog.resolve.install import install

    report = install(system_wide=args.system, directory=args.scripts_dir, dry_run=args.dry_run,
                     python=args.python)
    print(report.text())
    return 0


def _uninstall(args: argparse.Namespace) -> int:
    from musiccog.resolve.install import uninstall

    print(uninstall(system_wide=args.system, directory=args.scripts_dir,
                    dry_run=args.dry_run).text())
    return 0


def _bridge():
    from musiccog.resolve.bridge import ResolveTimelineBridge
    from musiccog.resolve.connection import connect

    return ResolveTimelineBridge(connect())


def _status(args: argparse.Namespace) -> int:
    bridge = _bridge()
    edition = bridge.host.edition()
    print(f"{edition.product} {edition.version_text}")
    print(bridge.describe())
    for line in bridge.warnings():
        print(f"note: {line}")
    return 0


def _read(args: argparse.Namespace) -> int:
    from musiccog.timeline_files import save_timeline

    draft, how = _bridge().host.read_draft()
    save_timeline(draft, Path(args.output))
    print(f"wrote {args.output} (read through {'OTIO export' if how == 'otio' else 'the API'})")
    return 0


def _sync(args: argparse.Namespace) -> int:
    from musiccog.resolve.bridge import open_session

    bridge = _bridge()
    outcome, report = bridge.sync(open_session(args.backend), prompt=args.prompt,
                                  music_path=args.music, library_dir=args.library,
                                  new_timeline=args.new_timeline)
    print(outcome.summary)
    print(report.summary())
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``install resolve``, ``uninstall resolve`` and the ``resolve`` group."""
    inst = target_parser(subparsers, "install", "resolve",
                         "put AI Music Cog in Resolve's Workspace ▸ Scripts menu")
    _where(inst)
    inst.add_argument("--python", metavar="PY",
                      help="the Python Resolve uses (default: the usual system Python 3)")
    inst.set_defaults(func=_install)
    uninst = target_parser(subparsers, "uninstall", "resolve",
                           "remove AI Music Cog from Resolve's Scripts menu")
    _where(uninst)
    uninst.set_defaults(func=_uninstall)

    group = subparsers.add_parser("resolve", help="work on the timeline open in DaVinci Resolve")
    actions = group.add_subparsers(dest="resolve_command", metavar="ACTION", required=True)
    actions.add_parser("status", help="which Resolve, project and timeline answer"
                       ).set_defaults(func=_status)
    read = actions.add_parser("read", help="save the current timeline (.json draft, .otio, …)")
    read.add_argument("output", help="output path; its suffix picks the format")
    read.set_defaults(func=_read)
    sync = actions.add_parser("sync", help="fit music to the current timeline and place it")
    sync.add_argument("--prompt", required=True, help="what the music should be like")
    sync.add_argument("--music", metavar="FILE", help="use this music file")
    sync.add_argument("--library", metavar="DIR", help="pick music from this folder")
    sync.add_argument("--backend", default="local",
                      help="local (default), cloud, or the URL of a musiccog server")
    sync.add_argument("--new-timeline", action="store_true",
                      help="build a new timeline (levels as keyframes) instead of adding a track")
    sync.set_defaults(func=_sync)
