"""The adapter is found by OTIO through its entry point, by suffix, and from the shell."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import opentimelineio as otio
import pytest

import musiccog_otio
from musiccog_otio.draft_adapter import DraftAdapterError

DRAFT = {
    "t": [
        {"tt": 0, "sg": [{"s": 0, "d": 4000, "src": "/clips/a.mp4", "n": "city"}]},
        {
            "tt": 1,
            "n": "BGM",
            "m": {"role": "bgm"},
            "sg": [{"s": 0, "d": 4000, "src": "/m.wav", "v": 0.35, "fo": 1000}],
        },
        {"tt": 7, "sg": [{"s": 0, "d": 2000, "tx": "Hello"}]},
    ],
    "d": 4000,
    "m": {"title": "demo", "fps": 29.97, "width": 1920, "height": 1080},
    "mk": [{"s": 1001, "n": "downbeat", "c": "GREEN"}],
}


@pytest.fixture(scope="module")
def adapter() -> otio.adapters.Adapter:
    """The active manifest's adapter is this checkout's copy."""
    found = otio.adapters.from_name("musiccog_draft")
    here = Path(musiccog_otio.__file__).resolve().parent
    assert Path(found.module_abs_path()).resolve().parent == here
    return found


def test_picked_by_suffix(adapter, tmp_path: Path) -> None:
    path = tmp_path / "cut.draft.json"
    path.write_text(json.dumps(DRAFT))
    assert otio.adapters.from_filepath(str(path)).name == adapter.name
    timeline = otio.adapters.read_from_file(str(path))
    assert [t.kind for t in timeline.tracks] == ["Video", "Audio", "Video"]
    out = tmp_path / "back.draft"
    otio.adapters.write_to_file(timeline, str(out))
    assert json.loads(out.read_text()) == DRAFT


def test_bad_draft_raises_otio_error_with_path(adapter) -> None:
    with pytest.raises(otio.exceptions.OTIOError, match=r"t\[0\]\.sg\[0\]\.d: must be >= 0"):
        otio.adapters.read_from_string('{"t":[{"tt":1,"sg":[{"s":0,"d":-1}]}]}', "musiccog_draft")
    assert issubclass(DraftAdapterError, otio.exceptions.OTIOError)


def test_otiopluginfo_lists_the_adapter() -> None:
    tool = Path(sys.executable).with_name("otiopluginfo")
    if not tool.exists():
        pytest.skip("otiopluginfo console script not installed in this environment")
    out = subprocess.run([str(tool)], capture_output=True, text=True, check=True).stdout
    assert "musiccog_draft" in out


def test_otioconvert_both_ways_in_a_shell(tmp_path: Path) -> None:
    tool = shutil.which("otioconvert", path=str(Path(sys.executable).parent))
    if tool is None:
        pytest.skip("otioconvert console script not installed in this environment")
    src = tmp_path / "cut.draft.json"
    src.write_text(json.dumps(DRAFT))
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    subprocess.run([tool, "-i", str(src), "-o", str(tmp_path / "cut.otio")], check=True, env=env)
    subprocess.run(
        [tool, "-i", str(tmp_path / "cut.otio"), "-o", str(tmp_path / "back.draft.json")],
        check=True,
        env=env,
    )
    assert json.loads((tmp_path / "back.draft.json").read_text()) == DRAFT
    timeline = otio.adapters.read_from_file(str(tmp_path / "cut.otio"))
    clip = timeline.tracks[1][0]
    assert clip.media_reference.target_url == "/m.wav"
    assert timeline.tracks.markers[0].marked_range.start_time.value == 30  # 1001 ms at 29.97
