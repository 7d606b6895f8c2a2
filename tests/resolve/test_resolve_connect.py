"""Finding DaVinciResolveScript per OS, and the messages when Resolve does not answer."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from musiccog.resolve import connection as conn
from musiccog.resolve.errors import (
    ResolveEditionError,
    ResolveModuleNotFound,
    ResolveNotRunning,
    ResolveScriptingDisabled,
)
from musiccog.resolve.host import ResolveHost
from musiccog.resolve.platforms import Platform
from tests.resolve.fake_resolve import FakeResolve

API_FOLDERS = {
    "darwin": "Library/Application Support/Blackmagic Design/DaVinci Resolve/Developer/Scripting",
    "linux": "opt/resolve/Developer/Scripting",
}
MODULE_TEXT = '''
"""Stand-in for Resolve's DaVinciResolveScript module (test only)."""
import os
from tests.resolve.fake_resolve import FakeResolve
LIB = os.environ.get("RESOLVE_SCRIPT_LIB")
def scriptapp(name):
    return FakeResolve() if os.environ.get("FAKE_RESOLVE_UP") == "1" else None
'''


@pytest.fixture
def no_cached_module(monkeypatch):
    monkeypatch.delitem(sys.modules, conn.MODULE_NAME, raising=False)
    monkeypatch.delenv("RESOLVE_SCRIPT_LIB", raising=False)
    yield
    sys.modules.pop(conn.MODULE_NAME, None)


def _install_module(folder: Path) -> Path:
    modules = folder / "Modules"
    modules.mkdir(parents=True)
    (modules / "DaVinciResolveScript.py").write_text(MODULE_TEXT)
    return modules / "DaVinciResolveScript.py"


@pytest.mark.parametrize("system", ["darwin", "linux", "windows"])
def test_module_is_found_at_each_os_default(tmp_path, system, no_cached_module):
    root = tmp_path / "root"
    env = {}
    if system == "windows":
        env["PROGRAMDATA"] = str(tmp_path / "ProgramData")
        folder = (tmp_path / "ProgramData" / "Blackmagic Design" / "DaVinci Resolve" / "Support"
                  / "Developer" / "Scripting")
    else:
        folder = root / API_FOLDERS[system]
    path = _install_module(folder)
    p = Platform(system, tmp_path / "home", env, root)
    assert conn.find_script_module(p) == path
    module = conn.load_script_module(p)
    assert module.__file__ == str(path)


def test_env_var_wins_and_library_path_is_set(tmp_path, no_cached_module, monkeypatch):
    path = _install_module(tmp_path / "custom")
    lib = tmp_path / "root/opt/resolve/libs/Fusion/fusionscript.so"
    lib.parent.mkdir(parents=True)
    lib.write_bytes(b"")
    p = Platform("linux", tmp_path, {"RESOLVE_SCRIPT_API": str(tmp_path / "custom")},
                 tmp_path / "root")
    module = conn.load_script_module(p)
    assert module.__file__ == str(path)
    assert module.LIB == str(lib)


def test_missing_module_names_where_it_looked(tmp_path, no_cached_module):
    p = Platform("linux", tmp_path / "home", {}, tmp_path / "root")
    with pytest.raises(ResolveModuleNotFound, match="RESOLVE_SCRIPT_API") as info:
        conn.load_script_module(p)
    assert str(tmp_path / "root/opt/resolve/Developer/Scripting") in str(info.value)


def test_module_that_cannot_load_its_library_says_so(tmp_path, no_cached_module):
    modules = tmp_path / "api" / "Modules"
    modules.mkdir(parents=True)
    (modules / "DaVinciResolveScript.py").write_text("raise ImportError('fusionscript missing')")
    p = Platform("linux", tmp_path, {"RESOLVE_SCRIPT_API": str(tmp_path / "api")}, tmp_path)
    with pytest.raises(ResolveModuleNotFound, match="RESOLVE_SCRIPT_LIB"):
        conn.load_script_module(p)
    assert conn.MODULE_NAME not in sys.modules


@pytest.mark.parametrize(
    ("running", "error", "words"),
    [(False, ResolveNotRunning, "not running"),
     (True, ResolveScriptingDisabled, "External scripting using"),
     (None, ResolveNotRunning, "did not answer")],
)
def test_no_answer_is_explained(tmp_path, no_cached_module, monkeypatch, running, error, words):
    _install_module(tmp_path / "api")
    p = Platform("linux", tmp_path, {"RESOLVE_SCRIPT_API": str(tmp_path / "api")}, tmp_path)
    monkeypatch.delenv("FAKE_RESOLVE_UP", raising=False)
    with pytest.raises(error, match=words):
        conn.connect(p, is_running=lambda: running)


def test_connect_returns_a_host_when_resolve_answers(tmp_path, no_cached_module, monkeypatch):
    _install_module(tmp_path / "api")
    p = Platform("linux", tmp_path, {"RESOLVE_SCRIPT_API": str(tmp_path / "api")}, tmp_path)
    monkeypatch.setenv("FAKE_RESOLVE_UP", "1")
    host = conn.connect(p, is_running=lambda: True)
    assert isinstance(host, ResolveHost)
    assert host.edition().studio and host.edition().version[:2] == (20, 2)


def test_free_edition_refusal_is_named():
    resolve = FakeResolve(product="DaVinci Resolve", version=[21, 1, 0, 3, ""])
    resolve.GetProjectManager = lambda: None
    with pytest.raises(ResolveEditionError, match="free edition"):
        ResolveHost(resolve).project()


@pytest.mark.parametrize(
    ("product", "version", "lists_python", "ui_may_fail"),
    [("DaVinci Resolve", [21, 1, 0, 0, ""], False, True),
     ("DaVinci Resolve", [21, 0, 2, 0, ""], True, True),
     ("DaVinci Resolve", [19, 0, 0, 0, ""], True, False),
     ("DaVinci Resolve Studio", [21, 1, 0, 0, ""], True, False)],
)
def test_edition_facts(product, version, lists_python, ui_may_fail):
    edition = ResolveHost(FakeResolve(product=product, version=version)).edition()
    assert edition.lists_python_scripts is lists_python
    assert edition.uimanager_may_fail is ui_may_fail


def test_linux_process_probe_answers_a_bool():
    assert conn.resolve_process_running(Platform("linux", Path.home())) in (True, False)
