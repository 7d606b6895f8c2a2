"""Build the Music Cog Blender extension: one zip per platform, with its wheels bundled.

    python install/blender/build_extension.py                      # every platform → dist/
    python install/blender/build_extension.py --platform linux-x64 # just one

Each zip holds this folder's add-on modules, ``blender_manifest.toml`` (with
``platforms`` and ``wheels`` filled in) and ``wheels/``: the project's own wheel
(``pip wheel --no-deps``) and, unmodified from the package index, the wheels of
its core dependencies for that platform and each Blender Python (3.11 for
Blender 4.2–5.0, 3.13 for 5.1+; Blender installs only the matching ones).
``--no-index --find-links DIR`` builds offline from a folder of wheels.
Install a zip with ``blender --command extension install-file -r user_default -e ZIP``.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import tomllib

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
#: Blender platform → pip ``--platform`` tags that Blender accepts for it.
PLATFORM_TAGS: dict[str, tuple[str, ...]] = {
    "linux-x64": ("manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"),
    "windows-x64": ("win_amd64",),
    "windows-arm64": ("win_arm64",),
    "macos-arm64": ("macosx_11_0_arm64", "macosx_10_9_universal2"),
    "macos-x64": ("macosx_10_13_x86_64", "macosx_10_9_x86_64", "macosx_10_9_universal2"),
}
PYTHON_VERSIONS = ("3.11", "3.13")
#: Files of this folder that are not part of the extension.
EXCLUDED = {"build_extension.py", "README.md", "dist", "__pycache__"}
SOURCE_COPY = ("pyproject.toml", "README.md", "LICENSE", "plugin", "otio_adapters")


class BuildError(RuntimeError):
    """The extension could not be built; the message says which step failed."""


def _run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        output = proc.stdout[-2000:] + proc.stderr[-3000:]
        raise BuildError(f"{' '.join(cmd[:6])} … failed:\n{output}")


def core_requirements() -> list[str]:
    """The project's core dependencies (no extras: the engine stays out of Blender)."""
    return list(tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"])


def build_own_wheel(dest: Path, index_args: list[str]) -> Path:
    """``pip wheel --no-deps`` of the project, built from a clean copy of its sources."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
        for name in SOURCE_COPY:
            path = REPO / name
            if path.is_dir():
                shutil.copytree(path, src / name, ignore=ignore)
            elif path.exists():
                shutil.copy2(path, src / name)
        before = set(dest.glob("*.whl"))
        _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
              "--disable-pip-version-check", *index_args, "-w", str(dest), str(src)])
    new = sorted(set(dest.glob("*.whl")) - before)
    if len(new) != 1:
        raise BuildError(f"expected one project wheel, got {[p.name for p in new]}")
    return new[0]


def download_dependencies(dest: Path, platform: str, python_version: str,
                          index_args: list[str]) -> None:
    """Binary wheels of the core dependencies (and theirs) for one platform and Python."""
    tags = [arg for tag in PLATFORM_TAGS[platform] for arg in ("--platform", tag)]
    _run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
          "--only-binary=:all:", *tags, "--python-version", python_version,
          "--implementation", "cp", *index_args, "-d", str(dest), *core_requirements()])


def manifest_text(platform: str, wheels: list[str]) -> str:
    """This folder's manifest with ``platforms`` and ``wheels`` filled in."""
    text = (HERE / "blender_manifest.toml").read_text()
    listed = "wheels = [\n" + "".join(f'  "./wheels/{w}",\n' for w in wheels) + "]\n"
    listed += f'platforms = ["{platform}"]\n'
    text, count = re.subn(r"(?m)^wheels = \[\]\n", listed, text)
    if count != 1:
        raise BuildError("blender_manifest.toml must hold the line `wheels = []` to fill in")
    return text


def addon_files() -> list[Path]:
    """The extension's own files (modules and the manifest), relative to this folder."""
    out = []
    for path in sorted(HERE.rglob("*")):
        rel = path.relative_to(HERE)
        if path.is_file() and not (set(rel.parts) & EXCLUDED) and not rel.name.startswith("."):
            out.append(rel)
    return out


def build_platform(platform: str, out_dir: Path, *, own_wheel: Path, python_versions: list[str],
                   index_args: list[str], work: Path) -> Path:
    """Write ``music_cog-<version>-<platform>.zip`` and return its path."""
    wheel_dir = work / f"wheels-{platform}"
    wheel_dir.mkdir()
    shutil.copy2(own_wheel, wheel_dir)
    for version in python_versions:
        download_dependencies(wheel_dir, platform, version, index_args)
    wheels = sorted(p.name for p in wheel_dir.glob("*.whl"))
    manifest = tomllib.loads((HERE / "blender_manifest.toml").read_text())
    target = out_dir / f"{manifest['id']}-{manifest['version']}-{platform.replace('-', '_')}.zip"
    tmp = target.with_suffix(".zip.partial")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel in addon_files():
            if rel.name == "blender_manifest.toml":
                zf.writestr(rel.as_posix(), manifest_text(platform, wheels))
            else:
                zf.write(HERE / rel, rel.as_posix())
        for name in wheels:
            zf.write(wheel_dir / name, f"wheels/{name}")
    tmp.replace(target)
    return target


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--platform", action="append", choices=sorted(PLATFORM_TAGS),
                        help="build for this Blender platform (repeat; default: all)")
    parser.add_argument("--python-version", action="append", dest="python_versions",
                        help=f"Blender Python to bundle for (repeat; default: {PYTHON_VERSIONS})")
    parser.add_argument("--out", default=str(HERE / "dist"), help="output folder")
    parser.add_argument("--find-links", metavar="DIR", help="also look for wheels in DIR")
    parser.add_argument("--no-index", action="store_true", help="do not use the package index")
    args = parser.parse_args(argv)
    index_args = (["--find-links", args.find_links] if args.find_links else []) + (
        ["--no-index"] if args.no_index else [])
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            own = build_own_wheel(work, index_args)
            for platform in args.platform or sorted(PLATFORM_TAGS):
                zip_path = build_platform(
                    platform, out_dir, own_wheel=own,
                    python_versions=args.python_versions or list(PYTHON_VERSIONS),
                    index_args=index_args, work=work)
                print(f"{zip_path} ({zip_path.stat().st_size / 1e6:.1f} MB)")
    except BuildError as exc:
        print(f"build_extension: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
