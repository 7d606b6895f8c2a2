"""``musiccog show FILE`` and ``musiccog convert IN OUT``."""

from __future__ import annotations

import argparse
from pathlib import Path

from musiccog.draft.summary import summarize
from musiccog.timeline_files import TimelineFileError, load_timeline, save_timeline


def _show(args: argparse.Namespace) -> int:
    draft = load_timeline(args.file)
    print(summarize(draft))
    return 0


def _convert(args: argparse.Namespace) -> int:
    source, target = Path(args.input), Path(args.output)
    if target.exists() and target.resolve() == source.resolve():
        raise TimelineFileError(f"{target} is the input file; choose another output path.")
    if target.exists() and not args.force:
        raise TimelineFileError(f"{target} exists; pass --force to replace it.")
    draft = load_timeline(source)
    save_timeline(draft, target)
    print(f"wrote {target}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``show`` and ``convert``."""
    show = subparsers.add_parser("show", help="print a one-line summary of a timeline file")
    show.add_argument("file", help="a draft (.json/.draft) or any file OTIO can read")
    show.set_defaults(func=_show)
    convert = subparsers.add_parser("convert", help="convert timelines by file suffix")
    convert.add_argument("input", help="draft (.json/.draft), .otio, or another OTIO format")
    convert.add_argument("output", help="output path; its suffix picks the format")
    convert.add_argument("--force", action="store_true", help="replace an existing output file")
    convert.set_defaults(func=_convert)
