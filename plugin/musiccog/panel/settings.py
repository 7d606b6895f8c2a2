"""The panel's remembered settings: which backend to use (kept between runs).

Stored through ``musiccog.config`` (the user config dir shared with the CLI)
when that module offers ``load_backend_choice``/``save_backend_choice``; else in
``panel.ini`` (QSettings, INI format) under the user config dir
(``platformdirs.user_config_dir("musiccog")``, or ``$MUSICCOG_CONFIG_DIR``).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["BACKEND_CHOICES", "config_dir", "load_backend_choice", "save_backend_choice",
           "valid_choice"]

#: Fixed choices; a self-hosted server is any ``http(s)://`` URL.
BACKEND_CHOICES = ("local", "cloud")
_KEY = "backend/choice"


def config_dir() -> Path:
    """The user config dir: ``$MUSICCOG_CONFIG_DIR`` or platformdirs' for "musiccog"."""
    override = os.environ.get("MUSICCOG_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("musiccog"))


def valid_choice(choice: str) -> bool:
    """True for "local", "cloud" or an http(s) URL."""
    choice = (choice or "").strip()
    return choice in BACKEND_CHOICES or choice.startswith(("http://", "https://"))


def _config_module():
    try:
        from musiccog import config  # the backend helper's shared settings, when present
    except ImportError:
        return None
    if hasattr(config, "load_backend_choice") and hasattr(config, "save_backend_choice"):
        return config
    return None


def _qsettings():
    from PySide6.QtCore import QSettings

    path = config_dir() / "panel.ini"
    return QSettings(str(path), QSettings.Format.IniFormat)


def load_backend_choice(default: str = "local") -> str:
    """The remembered backend choice, or ``default`` when none (or a bad one) is stored."""
    module = _config_module()
    if module is not None:
        value = module.load_backend_choice()
    else:
        value = _qsettings().value(_KEY, default)
    value = str(value or default).strip()
    return value if valid_choice(value) else default


def save_backend_choice(choice: str) -> None:
    """Remember ``choice`` for the next run (ignored when not a valid choice)."""
    if not valid_choice(choice):
        return
    module = _config_module()
    if module is not None:
        module.save_backend_choice(choice.strip())
        return
    config_dir().mkdir(parents=True, exist_ok=True)
    store = _qsettings()
    store.setValue(_KEY, choice.strip())
    store.sync()
