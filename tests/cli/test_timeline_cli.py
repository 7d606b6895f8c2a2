"""``musiccog show`` and ``musiccog convert``: messages, exit codes, files."""

from __future__ import annotations

import json
from pathlib import Path

import opentimelineio as otio
import pytest

from musiccog.cli import main


def test_show_prints_summary_for_otio_sample(shared_dir: Path, capsys) -> None:
    assert main(["show", str(shared_dir / "otio_samples" / "simple_cut.otio")]) == 0
    assert (
        capsys.readouterr().out.strip()
        == "Timeline (1 track): 1. Video: Clip-001 (0-0.8s, 4 clips)"
    )


def test_convert_draft_to_otio_and_interchange_formats(tmp_path: Path, capsys) -> None:
    draft = {
        "t": [
            {
                "tt": 0,
                "sg": [
                    {"s": 0, "d": 2000, "src": "/a.mov", "n": "a"},
                    {"s": 3000, "d": 1000, "src": "/b.mov", "n": "b"},
                ],
            }
        ],
        "m": {"fps": 25, "title": "cut"},
    }
    src = tmp_path / "cut.draft.json"
    src.write_text(json.dumps(draft))
    assert main(["convert", str(src), str(tmp_path / "cut.otio")]) == 0
    timeline = otio.adapters.read_from_file(str(tmp_path / "cut.otio"))
    assert [type(i).__name__ for i in timeline.tracks[0]] == ["Clip", "Gap", "Clip"]
    suffixes = {s for a in otio.plugins.ActiveManifest().adapters for s in a.suffixes}
    for suffix in ("xml", "edl"):
        if suffix not in suffixes:
            continue
        out = tmp_path / f"cut.{suffix}"
        assert main(["convert", str(src), str(out)]) == 0
        again = otio.adapters.read_from_file(str(out))
        clips = list(again.find_clips())
        assert [round(c.trimmed_range().duration.to_seconds(), 3) for c in clips] == [2.0, 1.0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"t":[{"tt":1,"sg":[{"s":0,"d":-1}]}]}', "t[0].sg[0].d: must be >= 0"),
        ("{oops", "not valid JSON"),
        ('{"t":[{"tt":1,"sg":[{"s":0,"d":100},{"s":50,"d":10}]}]}', "overlaps"),
    ],
)
def test_bad_input_exits_2_with_message_and_writes_nothing(
    tmp_path: Path, capsys, content: str, message: str
) -> None:
    src = tmp_path / "bad.json"
    src.write_text(content)
    assert main(["convert", str(src), str(tmp_path / "out.otio")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json"]


def test_convert_refuses_to_overwrite(tmp_path: Path, capsys) -> None:
    src = tmp_path / "a.json"
    src.write_text('{"t": []}')
    out = tmp_path / "a.otio"
    out.write_text("user data")
    assert main(["convert", str(src), str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert out.read_text() == "user data"


def test_unknown_suffix_lists_what_is_readable(tmp_path: Path, capsys) -> None:
    src = tmp_path / "a.xyz"
    src.write_text("x")
    assert main(["show", str(src)]) == 2
    assert ".otio" in capsys.readouterr().err
