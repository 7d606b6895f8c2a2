"""Blender tests: real ``bpy`` (5.0.1 from PyPI) in its own virtual environment.

``bpy`` pins numpy 1.26.4 and is a 374 MB wheel, so it does not go into the main
``.venv``: :mod:`tests.blender.bpy_venv` makes a separate environment in the user's
cache the first time (``pip install bpy==5.0.1`` + this project, core deps only)
and reuses it. Each Blender scenario is one subprocess running a script from
``scripts/`` with that environment's Python; it asserts and exits non-zero with a
message. Tests skip with the reason when the environment cannot be made.
"""

from __future__ import annotations

import json
import os
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from tests.blender.bpy_venv import REPO_ROOT, BpyEnvUnavailable, ensure_bpy_python

SCRIPTS = Path(__file__).parent / "scripts"
ADDON_SRC = REPO_ROOT / "install" / "blender"
#: Seconds one scenario may take (import of bpy ≈ 1 s; renders a few seconds).
SCENARIO_TIMEOUT_S = 600


@pytest.fixture(scope="session")
def bpy_python() -> Path:
    """The Python of the bpy environment (made on first use); skips when it cannot be made."""
    try:
        return ensure_bpy_python()
    except BpyEnvUnavailable as exc:
        pytest.skip(f"real Blender (bpy) is not available: {exc}")


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _sine_wav(path: Path, *, freq_hz: float, duration_s: float, rate_hz: int = 48000) -> Path:
    t = np.arange(int(duration_s * rate_hz)) / rate_hz
    mono = (0.5 * np.sin(2 * np.pi * freq_hz * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate_hz)
        out.writeframes(np.repeat(mono, 2).tobytes())
    return path


@pytest.fixture(scope="session")
def blender_media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A 4 s 160×90 24 fps clip with a 440 Hz tone, a 6 s 220 Hz music WAV, a PNG, a text file."""
    root = tmp_path_factory.mktemp("blender_media")
    clip = root / "clip.mp4"
    subprocess.run(
        [ffmpeg_exe(), "-y", "-loglevel", "error",
         "-f", "lavfi", "-i", "testsrc=size=160x90:rate=24:duration=4",
         "-f", "lavfi", "-i", "sine=frequency=440:duration=4:sample_rate=48000",
         "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(clip)],
        check=True, timeout=120,
    )
    png = root / "still.png"
    subprocess.run(
        [ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi", "-i",
         "color=c=red:size=160x90", "-frames:v", "1", str(png)],
        check=True, timeout=60,
    )
    notes = root / "notes.txt"
    notes.write_text("not music\n")
    return {
        "clip": str(clip),
        "music": str(_sine_wav(root / "music.wav", freq_hz=220, duration_s=6)),
        "png": str(png),
        "text_file": str(notes),
        "ffmpeg": ffmpeg_exe(),
    }


@pytest.fixture
def run_scenario(bpy_python: Path, blender_media: dict[str, str], tmp_path: Path):
    """``run_scenario("scenario_x.py", **extra) -> dict`` (the scenario's result JSON, if any)."""

    def run(script: str, **extra: object) -> dict:
        cfg = {"tmp": str(tmp_path), "addon_src": str(ADDON_SRC), "repo": str(REPO_ROOT),
               "result": str(tmp_path / "result.json"), **blender_media, **extra}
        cfg_path = tmp_path / "config.json"
        cfg_path.write_text(json.dumps(cfg))
        env = dict(os.environ)
        env["BLENDER_USER_RESOURCES"] = str(tmp_path / "blender_user")  # not the user's config
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["MUSICCOG_CONFIG_DIR"] = str(tmp_path / "musiccog_config")  # not the user's
        env.pop("PYTHONPATH", None)
        proc = subprocess.run(
            [str(bpy_python), str(SCRIPTS / script), str(cfg_path)],
            cwd=tmp_path, capture_output=True, text=True, timeout=SCENARIO_TIMEOUT_S, env=env,
        )
        if proc.returncode != 0 or "SCENARIO OK" not in proc.stdout:
            tail = (proc.stdout[-4000:] + "\n--- stderr ---\n" + proc.stderr[-3000:])
            pytest.fail(f"{script} failed (exit {proc.returncode}):\n{tail}", pytrace=False)
        result = tmp_path / "result.json"
        return json.loads(result.read_text()) if result.exists() else {}

    return run


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "run_scenario" in getattr(item, "fixturenames", ()) or "bpy_python" in getattr(
            item, "fixturenames", ()
        ):
            item.add_marker(pytest.mark.blender)


