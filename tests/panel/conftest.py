"""Panel test set-up: Qt offscreen, isolated config dirs, the screenshot folder.

``QT_QPA_PLATFORM`` is set before anything here imports Qt, so the tests need
no display.  Every test gets its own config/cache dirs (remembered backend
choice, tokens) under ``tmp_path``.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts" / "panel"


@pytest.fixture(autouse=True)
def isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config, data and cache dirs under ``tmp_path``; no user token or settings leak in."""
    base = tmp_path / "userdirs"
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        path = base / name.lower()
        path.mkdir(parents=True)
        monkeypatch.setenv(name, str(path))
    config = base / "musiccog"
    monkeypatch.setenv("MUSICCOG_CONFIG_DIR", str(config))
    monkeypatch.delenv("NEMO_TOKEN", raising=False)
    return config


@pytest.fixture
def artifacts_dir() -> Path:
    """``test-artifacts/panel/`` (git-ignored): screenshots of the panel's states."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS



from server.fixtures import (  # noqa: E402, F401 - the real server on 127.0.0.1, as fixtures
    clip,
    live_server,
    media_dir,
    music,
    probe_engine,
    server_options,
)


def snap(widget, name: str) -> Path:
    """Save a screenshot of ``widget`` as ``test-artifacts/panel/<name>.png``; returns its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    assert widget.grab().save(str(path)), f"could not save {path}"
    return path
