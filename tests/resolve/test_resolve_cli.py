"""``musiccog resolve status|read`` against the fake, and the message when Resolve is away."""

from __future__ import annotations

import json

import pytest

from musiccog.cli import main
from musiccog.resolve import connection
from musiccog.resolve.errors import ResolveNotRunning
from musiccog.resolve.host import ResolveHost
from tests.resolve.builders import cut_timeline


@pytest.fixture
def fake_connection(tmp_path, monkeypatch):
    resolve, tl, _ = cut_timeline(tmp_path, "59.94 DF", version=[21, 1, 0, 3, ""])
    resolve.product = "DaVinci Resolve"
    monkeypatch.setattr(connection, "connect", lambda *a, **k: ResolveHost(resolve))
    return resolve, tl


def test_status_names_edition_timeline_and_free_edition_limits(fake_connection, capsys):
    assert main(["resolve", "status"]) == 0
    out = capsys.readouterr().out
    assert "DaVinci Resolve 21.1.0" in out
    assert "Project 1 ▸ Edit · 59.94 DF fps · starts 01:00:00;00" in out
    assert "lists only Lua scripts" in out and "UIManager" in out


def test_read_writes_the_current_timeline_as_a_draft(fake_connection, tmp_path, capsys):
    resolve, tl = fake_connection
    out = tmp_path / "edit.json"
    assert main(["resolve", "read", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["m"]["fps"] == 59.94 and data["m"]["resolve"]["start_frame"] == 215784
    assert [t["tt"] for t in data["t"]] == [0, 1, 1, 1]
    assert "OTIO export" in capsys.readouterr().out


def test_resolve_not_running_exits_2_with_the_reason(monkeypatch, capsys):
    def refuse(*a, **k):
        raise ResolveNotRunning("DaVinci Resolve is not running: start it, open your project")

    monkeypatch.setattr(connection, "connect", refuse)
    assert main(["resolve", "status"]) == 2
    err = capsys.readouterr().err
    assert "not running" in err and "Traceback" not in err


def test_install_verb_is_shared_between_hosts():
    import argparse

    from musiccog.cli.cmd_resolve import target_parser

    parser = argparse.ArgumentParser()
    subparsers = parser.add_subparsers(dest="command")
    other = target_parser(subparsers, "install", "blender", "another host")
    other.set_defaults(func="blender")
    from musiccog.cli import cmd_resolve

    cmd_resolve.register(subparsers)
    assert parser.parse_args(["install", "blender"]).func == "blender"
    args = parser.parse_args(["install", "resolve", "--dry-run", "--system"])
    assert args.func is cmd_resolve._install and args.dry_run and args.system
