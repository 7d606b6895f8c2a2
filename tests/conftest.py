"""Fixtures every test folder may use.

``shared_dir`` is ``../shared`` beside the repository; tests that need it skip
with a message when it is absent (a fresh clone without the shared material).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"

# librosa's numba kernels compile once (~30 s on two cores) and are then loaded from this
# cache; tests that point XDG_CACHE_HOME at a temporary folder must not compile them again.
os.environ.setdefault("NUMBA_CACHE_DIR", str(REPO_ROOT / ".pytest_cache" / "numba"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared``; skips the test when the folder is absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"shared material not found at {SHARED_DIR} (needs ../shared beside the repo)")
    return SHARED_DIR


@pytest.fixture(autouse=True, scope="session")
def _media_store_outside_the_users_folders(tmp_path_factory: pytest.TempPathFactory):
    """Music kept for host projects (``musiccog.media_store``) goes to a temporary folder."""
    mp = pytest.MonkeyPatch()
    mp.setenv("MUSICCOG_DATA_DIR", str(tmp_path_factory.mktemp("musiccog-data")))
    yield
    mp.undo()
