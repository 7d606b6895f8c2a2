"""The panel's remembered settings: which backend to use, kept between runs.

Stored by :mod:`musiccog.config` in the user config dir shared with the CLI
(``$MUSICCOG_CONFIG_DIR`` or ``platformdirs.user_config_dir("musiccog")``), so
``musiccog chat`` and the panel use the same backend.
"""

from __future__ import annotations

from musiccog.config import load_backend_choice, save_backend_choice
from musiccog.config import valid_backend_choice as valid_choice

__all__ = ["load_backend_choice", "save_backend_choice", "valid_choice"]
