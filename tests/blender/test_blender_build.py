"""The extension zip: built offline from a wheelhouse, valid for Blender's own validator,
every listed wheel inside and unmodified, and installable into real Blender (bpy)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import tomllib

from tests.blender.bpy_venv import BpyEnvUnavailable, blender_platform, ensure_wheelhouse
from tests.blender.conftest import ADDON_SRC

REQUIRED_KEYS = ("schema_version", "id", "version", "name", "tagline", "maintainer", "type",
                 "blender_version_min", "license")
ADDON_MODULES = {"__init__.py", "compat.py", "jobs.py", "operators.py", "operators_export.py",
                 "operators_files.py", "panels.py", "props.py", "render_export.py", "vse_io.py"}


@pytest.fixture(scope="module")
def built_zip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """``(zip, wheelhouse)``: the extension built for this platform and Python 3.11, offline."""
    try:
        house = ensure_wheelhouse()
    except BpyEnvUnavailable as exc:
        pytest.skip(f"wheels for the extension could not be fetched: {exc}")
    out = tmp_path_factory.mktemp("ext_dist")
    proc = subprocess.run(
        [sys.executable, str(ADDON_SRC / "build_extension.py"), "--platform", blender_platform(),
         "--python-version", "3.11", "--out", str(out), "--no-index", "--find-links", str(house)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    zips = list(out.glob("*.zip"))
    assert [z.name for z in zips] == [f"music_cog-0.1.0-{blender_platform().replace('-', '_')}.zip"]
    assert proc.stdout.startswith(str(zips[0]))
    return zips[0], house


def test_zip_has_valid_manifest_and_every_listed_wheel(built_zip):
    zip_path, house = built_zip
    with zipfile.ZipFile(zip_path) as zf:
        names = set(zf.namelist())
        manifest = tomllib.loads(zf.read("blender_manifest.toml").decode())
        for key in REQUIRED_KEYS:
            assert manifest.get(key), f"manifest lacks {key}"
        assert manifest["id"] == "music_cog" and manifest["type"] == "add-on"
        assert manifest["blender_version_min"] == "4.2.0"
        assert manifest["license"] == ["SPDX:MIT"]
        assert manifest["platforms"] == [blender_platform()]
        for reason in manifest["permissions"].values():
            assert 0 < len(reason) <= 64 and not reason.endswith(".")
        wheels = manifest["wheels"]
        assert all(w.startswith("./wheels/") for w in wheels)
        assert {w[2:] for w in wheels} == {n for n in names if n.startswith("wheels/")}
        dists = {Path(w).name.split("-")[0].lower() for w in wheels}
        assert {"ai_music_cog", "pydantic", "pydantic_core", "opentimelineio", "httpx",
                "httpx_sse", "platformdirs"} <= dists
        assert not {"numpy", "librosa", "setuptools", "wheel", "packaging"} & dists
        binary = [Path(w).name for w in wheels if not w.endswith("-none-any.whl")]
        assert binary and all("-cp311-" in b for b in binary), binary
        # Dependencies are the index's files, byte for byte.
        for w in wheels:
            name = Path(w).name
            if not name.startswith("ai_music_cog"):
                digest = hashlib.sha256(zf.read(w[2:])).hexdigest()
                assert digest == hashlib.sha256((house / name).read_bytes()).hexdigest(), name
        top = {n for n in names if "/" not in n}
        assert top == ADDON_MODULES | {"blender_manifest.toml"}
        assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)


def test_blender_own_validator_accepts_source_and_zip(built_zip, bpy_python):
    """Blender's extension CLI (``blender_ext.py validate``, shipped in the bpy wheel)."""
    where = "import bpy, pathlib; print(pathlib.Path(bpy.__file__).parents[2])"
    scripts = subprocess.run(  # bpy.__file__ is <bpy>/<version>/scripts/modules/bpy/...
        [str(bpy_python), "-c", where],
        capture_output=True, text=True, timeout=120,
    ).stdout.strip().splitlines()[-1]
    script = Path(scripts) / "addons_core" / "bl_pkg" / "cli" / "blender_ext.py"
    assert script.is_file(), script
    for target in (built_zip[0], ADDON_SRC):
        proc = subprocess.run([str(bpy_python), str(script), "validate", str(target)],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0 and "Success" in proc.stdout, proc.stdout + proc.stderr


def test_zip_installs_into_blender_and_runs_from_its_bundled_wheels(built_zip, run_scenario):
    run_scenario("scenario_install.py", zip=str(built_zip[0]))
