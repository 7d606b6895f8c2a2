"""``musiccog sync`` / ``analyze`` bad inputs: exit 2, a message that says what to do, no files."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import _ffmpeg

from musiccog.cli import main
from musiccog.engine.media_check import (
    MAX_INPUT_BYTES,
    EmptyMediaError,
    FileTooLargeError,
    MissingStreamError,
    UnreadableMediaError,
    UnsupportedFormatError,
    check_media,
)
from musiccog.errors import InputFileError


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    err = capsys.readouterr().err
    return code, err


def test_unsupported_format_is_4001_and_lists_formats(in_tmp: Path, capsys):
    (in_tmp / "clip.gif").write_bytes(b"GIF89a")
    before = _files(in_tmp)
    code, err = _run(["sync", "clip.gif"], capsys)
    assert code == 2
    assert "4001" in err and "mp4, mov, avi, webm, mkv" in err and "Traceback" not in err
    assert _files(in_tmp) == before
    with pytest.raises(UnsupportedFormatError) as info:
        check_media(in_tmp / "clip.gif")
    assert info.value.code == 4001 and isinstance(info.value, InputFileError)


def test_too_large_is_4002_and_suggests_compressing(in_tmp: Path, capsys):
    big = in_tmp / "huge.mp4"
    with open(big, "wb") as handle:  # sparse: no disk space used
        handle.truncate(MAX_INPUT_BYTES + 1)
    before = _files(in_tmp)
    code, err = _run(["sync", "huge.mp4", "-o", "out.mp4"], capsys)
    assert code == 2
    assert "4002" in err and "500 MB" in err and "Compress" in err and "trim" in err
    assert _files(in_tmp) == before
    with pytest.raises(FileTooLargeError) as info:
        check_media(big)
    assert info.value.code == 4002


@pytest.mark.parametrize(
    ("name", "content", "error", "words"),
    [
        ("empty.mp4", b"", EmptyMediaError, "empty"),
        ("garbage.mov", b"this is not a movie" * 100, UnreadableMediaError, "cannot read"),
    ],
)
def test_empty_and_unreadable_files(in_tmp: Path, capsys, name, content, error, words):
    (in_tmp / name).write_bytes(content)
    before = _files(in_tmp)
    code, err = _run(["sync", name], capsys)
    assert code == 2 and words in err
    assert _files(in_tmp) == before
    with pytest.raises(error):
        check_media(in_tmp / name)


def test_missing_file_and_video_without_picture(in_tmp: Path, capsys):
    code, err = _run(["sync", "nowhere.mp4"], capsys)
    assert code == 2 and "no such file" in err
    subprocess.run([_ffmpeg(), "-v", "error", "-f", "lavfi", "-i", "sine=d=1", "tone.mkv"],
                   check=True, cwd=in_tmp)
    before = _files(in_tmp)
    code, err = _run(["sync", "tone.mkv"], capsys)
    assert code == 2 and "no video stream" in err
    assert _files(in_tmp) == before
    with pytest.raises(MissingStreamError) as info:
        check_media(in_tmp / "tone.mkv")
    assert info.value.code == 4005


def test_bad_music_and_outputs_are_refused_before_any_work(in_tmp: Path, clip_factory, capsys):
    clip = clip_factory("clip.mp4", [20, 20], rate="25")
    (in_tmp / "song.ogg").write_bytes(b"OggS")
    (in_tmp / "taken.mp4").write_bytes(b"keep me")
    before = _files(in_tmp)
    cases = [
        (["sync", str(clip), "--music", "song.ogg"], "wav, mp3, m4a, aac, flac"),
        (["sync", str(clip), "-o", "out.mov"], "must end in .mp4"),
        (["sync", str(clip), "-o", str(clip), "--force"], "is an input file"),
        (["sync", str(clip), "-o", "taken.mp4"], "--force"),
        (["sync", str(clip), "--draft", "d.otio"], ".json or .draft"),
        (["sync", str(clip), "--plot", "p.jpg"], ".png"),
        (["sync", str(clip), "--library", "no_such_dir"], "not a folder"),
    ]
    for argv, words in cases:
        code, err = _run(argv, capsys)
        assert code == 2, argv
        assert words in err, (argv, err)
        assert _files(in_tmp) == before, argv
    assert (in_tmp / "taken.mp4").read_bytes() == b"keep me"
    with pytest.raises(SystemExit) as info:  # argparse: --music and --library exclude each other
        main(["sync", str(clip), "--music", "a.wav", "--library", "."])
    assert info.value.code == 2


@pytest.mark.slow
def test_analyze_video_json_keys_and_values(in_tmp: Path, clip_factory, capsys):
    clip = clip_factory("shots.mp4", [30, 45, 25], rate="30000/1001")
    assert main(["analyze", str(clip), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"duration_s", "fps", "cuts", "speech"} <= set(data)
    assert data["fps"] == 29.97
    assert data["cuts"] == pytest.approx([30 * 1001 / 30000, 75 * 1001 / 30000], abs=1e-4)
    assert data["speech"] == []
    assert data["duration_s"] == pytest.approx(100 * 1001 / 30000, abs=1e-3)
    assert main(["analyze", str(clip)]) == 0
    assert "29.97 fps" in capsys.readouterr().out


def test_analyze_bad_file_exits_2(in_tmp: Path, capsys):
    (in_tmp / "notes.txt").write_text("hello")
    code, err = _run(["analyze", "notes.txt", "--json"], capsys)
    assert code == 2 and "4001" in err and "flac" in err
