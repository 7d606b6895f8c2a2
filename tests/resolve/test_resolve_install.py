"""The Scripts-menu installer on temporary folders standing in for macOS, Windows and Linux."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from musiccog.cli import main
from musiccog.resolve import install as inst
from musiccog.resolve.platforms import Platform

REPO = Path(__file__).resolve().parents[2]


def _platform(tmp_path: Path, system: str) -> Platform:
    env = {}
    if system == "windows":
        env = {"APPDATA": str(tmp_path / "Users/me/AppData/Roaming"),
               "PROGRAMDATA": str(tmp_path / "ProgramData"),
               "LOCALAPPDATA": str(tmp_path / "Users/me/AppData/Local")}
    return Platform(system, tmp_path / "home", env, tmp_path / "root")


EXPECTED = {
    ("darwin", False): "home/Library/Application Support/Blackmagic Design/DaVinci Resolve/"
                       "Fusion/Scripts",
    ("darwin", True): "root/Library/Application Support/Blackmagic Design/DaVinci Resolve/"
                      "Fusion/Scripts",
    ("windows", False): "Users/me/AppData/Roaming/Blackmagic Design/DaVinci Resolve/Support/"
                        "Fusion/Scripts",
    ("windows", True): "ProgramData/Blackmagic Design/DaVinci Resolve/Fusion/Scripts",
    ("linux", False): "home/.local/share/DaVinciResolve/Fusion/Scripts",
    ("linux", True): "root/opt/resolve/Fusion/Scripts",
}


@pytest.mark.parametrize(("system", "system_wide"), list(EXPECTED))
def test_install_and_uninstall_in_each_os_location(tmp_path, system, system_wide):
    p = _platform(tmp_path, system)
    report = inst.install(p, system_wide=system_wide, python=sys.executable)
    launcher = tmp_path / EXPECTED[(system, system_wide)] / "Utility" / "AI Music Cog.py"
    assert report.launcher == launcher and report.action == "written"
    text = launcher.read_text()
    assert text.startswith(inst.MARKER)
    # the launcher knows where this package lives, and this Python can import it through it
    assert str(Path(inst.__file__).resolve().parents[2]) in text
    assert report.python.ok, report.python.detail
    compile(text, str(launcher), "exec")
    # again: nothing to do
    assert inst.install(p, system_wide=system_wide, python=sys.executable).action == "unchanged"
    removed = inst.uninstall(p, system_wide=system_wide)
    assert removed.action == "removed" and not launcher.exists()
    assert inst.uninstall(p, system_wide=system_wide).action == "absent"


def test_dry_run_writes_nothing(tmp_path):
    p = _platform(tmp_path, "linux")
    report = inst.install(p, dry_run=True, python=sys.executable)
    assert report.action == "written" and "would be written" in report.text()
    assert not any(tmp_path.rglob("*.py"))
    inst.install(p, python=sys.executable)
    assert inst.uninstall(p, dry_run=True).action == "removed"
    assert report.launcher.exists()


def test_a_users_file_is_never_overwritten_or_removed(tmp_path):
    p = _platform(tmp_path, "darwin")
    launcher = inst.scripts_dir(p) / "Utility" / "AI Music Cog.py"
    launcher.parent.mkdir(parents=True)
    launcher.write_text("print('my own script')\n")
    with pytest.raises(inst.InstallError, match="not written by musiccog"):
        inst.install(p, python=sys.executable)
    with pytest.raises(inst.InstallError, match="left in place"):
        inst.uninstall(p)
    assert launcher.read_text() == "print('my own script')\n"


def test_an_older_launcher_of_ours_is_replaced(tmp_path):
    p = _platform(tmp_path, "windows")
    launcher = inst.scripts_dir(p) / "Utility" / "AI Music Cog.py"
    launcher.parent.mkdir(parents=True)
    launcher.write_text(inst.MARKER + ": old\nMUSICCOG_PATHS = ['/gone']\n")
    assert inst.install(p, python=sys.executable).action == "replaced"
    assert "/gone" not in launcher.read_text()


def test_python_that_cannot_import_musiccog_gets_told_what_to_do(tmp_path):
    bad_python = tmp_path / "python3"
    bad_python.write_text("#!/bin/sh\n"
                          "echo \"ModuleNotFoundError: No module named 'musiccog'\" >&2\n"
                          "exit 1\n")
    bad_python.chmod(0o755)
    report = inst.install(_platform(tmp_path, "linux"), python=str(bad_python), paths=[])
    assert not report.python.ok
    assert "No module named 'musiccog'" in report.python.detail
    assert f'"{bad_python}" -m pip install ai-music-cog' in report.python.detail
    assert "CANNOT import musiccog" in report.text()


def test_no_system_python_found(tmp_path):
    report = inst.install(_platform(tmp_path, "linux"))  # nothing under the temp root
    assert report.python.python is None and "No system Python 3" in report.python.detail


def test_system_python_is_found_at_the_os_location(tmp_path):
    p = _platform(tmp_path, "linux")
    fake = tmp_path / "root/usr/bin/python3"
    fake.parent.mkdir(parents=True)
    fake.symlink_to(sys.executable)
    assert inst.install(p).python.python == str(fake)


def test_launcher_runs_and_hands_over_to_musiccog(tmp_path):
    """Executing the installed launcher with Resolve-like globals reaches launcher.main."""
    text = inst.launcher_text(inst.package_paths())
    code = (text.replace("    main(globals())", "    print('HANDED OVER', main.__module__)"))
    script = tmp_path / "launch.py"
    script.write_text(code)
    done = subprocess.run([_other_python(), "-I", str(script)], capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    assert "HANDED OVER musiccog.resolve.launcher" in done.stdout, done.stderr


def test_repository_copy_matches_the_packaged_launcher():
    repo_copy = REPO / "resolve_scripts" / "Utility" / "AI Music Cog.py"
    assert repo_copy.read_text() == inst.launcher_template()


def test_cli_install_and_uninstall(tmp_path, capsys):
    target = tmp_path / "Scripts"
    assert main(["install", "resolve", "--scripts-dir", str(target),
                 "--python", sys.executable]) == 0
    out = capsys.readouterr().out
    assert "written" in out and "can import musiccog" in out
    assert (target / "Utility" / "AI Music Cog.py").is_file()
    assert main(["uninstall", "resolve", "--scripts-dir", str(target)]) == 0
    assert not (target / "Utility" / "AI Music Cog.py").exists()


def test_cli_refusal_exits_2_without_traceback(tmp_path, capsys):
    target = tmp_path / "Scripts"
    (target / "Utility").mkdir(parents=True)
    (target / "Utility" / "AI Music Cog.py").write_text("mine\n")
    assert main(["install", "resolve", "--scripts-dir", str(target),
                 "--python", sys.executable]) == 2
    err = capsys.readouterr().err
    assert "not written by musiccog" in err and "Traceback" not in err


def _other_python() -> str:
    """A Python of the same version outside this virtualenv (stands in for Resolve's)."""
    for candidate in (getattr(sys, "_base_executable", None), "/usr/bin/python3"):
        if not candidate or not Path(candidate).is_file():
            continue
        done = subprocess.run([candidate, "-I", "-c", "import sys, pydantic; print(sys.version)"],
                              capture_output=True, text=True, timeout=60)
        same = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"],
                              capture_output=True, text=True, timeout=60)
        if done.returncode != 0 and same.stdout.strip() == str(tuple(sys.version_info[:2])):
            return candidate
    pytest.skip("no same-version Python without the project's packages to stand in for Resolve's")


def test_paths_in_the_launcher_make_musiccog_importable_for_another_python(tmp_path):
    other = _other_python()
    assert not inst.check_python(other, []).ok
    check = inst.check_python(other, inst.package_paths())
    assert check.ok, check.detail
