"""Music kept for host projects: one lasting, deduplicated copy; drafts point at it."""

from __future__ import annotations

import os
from pathlib import Path

from musiccog.draft import parse_draft
from musiccog.media_store import keep_media, keep_music, media_dir


def test_keep_media_copies_once_by_content(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MUSICCOG_DATA_DIR", str(tmp_path / "data"))
    a = tmp_path / "cache" / "bgm.wav"
    a.parent.mkdir()
    a.write_bytes(b"RIFF" + bytes(1000))
    kept = keep_media(a)
    assert kept.parent == media_dir().resolve() and kept.read_bytes() == a.read_bytes()
    assert keep_media(a) == kept and keep_media(kept) == kept  # stored once
    b = tmp_path / "other" / "bgm.wav"
    b.parent.mkdir()
    b.write_bytes(b"RIFF" + bytes(999) + b"x")
    assert keep_media(b) != kept  # same name, other music: its own copy
    assert [p.name for p in media_dir().iterdir() if p.name.startswith(".")] == []
    assert oct(os.stat(kept).st_mode & 0o777) == "0o644"


def test_keep_music_rewrites_only_bgm_sources(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MUSICCOG_DATA_DIR", str(tmp_path / "data"))
    clip, bgm = tmp_path / "clip.mp4", tmp_path / "bgm.wav"
    clip.write_bytes(b"clip")
    bgm.write_bytes(b"music")
    draft = parse_draft({"d": 1000, "t": [
        {"tt": 0, "sg": [{"s": 0, "d": 1000, "src": str(clip)}]},
        {"tt": 1, "n": "BGM", "m": {"role": "bgm"},
         "sg": [{"s": 0, "d": 500, "src": str(bgm)}, {"s": 500, "d": 10, "src": "https://x/y"}]},
    ]})
    kept, kept_bgm = keep_music(draft, bgm)
    sources = [[s.source for s in t.segments] for t in kept.tracks]
    assert sources[0] == [str(clip)]
    assert Path(sources[1][0]).parent == media_dir().resolve() and sources[1][1] == "https://x/y"
    assert kept_bgm == Path(sources[1][0])
    assert draft.tracks[1].segments[0].source == str(bgm)  # the input is not modified
