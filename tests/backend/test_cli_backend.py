"""``musiccog chat | credits | status | export`` against a real server, and their errors."""

from __future__ import annotations

import pytest

from musiccog import config
from musiccog.cli import main
from musiccog.engine.ffmpeg import probe


def test_chat_status_credits_export_across_invocations(live_server, clip, tmp_path, capsys,
                                                       monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["chat", "music at 35%", "--file", str(clip), "--backend", live_server.url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["Uploaded clip.mp4 (2.0 s, 160×120).",
                   "Added music at 35% under 2 s of video.",
                   "Changed: Video track added: clip (0-2s); BGM track added: Tone (0-2s, 35%)"]
    assert config.load_backend_choice() == live_server.url  # remembered

    assert main(["status"]) == 0  # same backend and session, new "process"
    assert capsys.readouterr().out.strip() == (
        "Timeline (2 tracks): 1. Video: clip (0-2s) 2. BGM: Tone (0-2s, 35%)")
    assert main(["credits"]) == 0
    assert capsys.readouterr().out.startswith("Credits: 999999 available")

    assert main(["export", "-o", "final.mp4"]) == 0
    assert capsys.readouterr().out.strip() == f"Exported to {tmp_path / 'final.mp4'}"
    assert probe(tmp_path / "final.mp4").duration_s == pytest.approx(2.0, abs=0.15)

    assert main(["export", "-o", "final.mp4"]) == 2  # exists: refused, untouched
    assert "--force" in capsys.readouterr().err
    assert main(["chat", "export"]) == 0  # routed like the hosts: renders into cwd
    exported = capsys.readouterr().out.strip().removeprefix("Exported to ")
    assert exported.startswith(str(tmp_path)) and probe(exported).video_codec == "h264"


@pytest.mark.parametrize(("argv", "words"), [
    (["chat", "music", "--backend", "ftp://x"], "Unknown backend"),
    (["chat", "music", "--file", "/nope/missing.mp4", "--backend", "local"], "does not exist"),
    (["chat", "  ", "--backend", "local"], "say what you want"),
    (["export", "-o", "out.mov", "--backend", "local"], "MP4"),
    (["status", "--backend", "local"], None),
])
def test_cli_errors_exit_2_with_a_message(argv, words, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = main(argv)
    err = capsys.readouterr().err
    if words is None:
        assert code == 0
        return
    assert code == 2 and words in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) in ([], [tmp_path / "config"])  # nothing written


def test_cli_backend_error_is_exit_2(live_server, clip, capsys):
    live_server.faults.arm("no_credits")
    code = main(["chat", "music", "--file", str(clip), "--backend", live_server.url])
    err = capsys.readouterr().err
    assert code == 2 and "out of free credits" in err and "?bind=anon_" in err


def test_cli_unreachable_server_is_exit_2(capsys):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code = main(["credits", "--backend", f"http://127.0.0.1:{port}"])
    assert code == 2 and "Cannot reach the backend" in capsys.readouterr().err
