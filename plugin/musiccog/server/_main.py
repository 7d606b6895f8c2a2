"""Run the server on uvicorn (what ``musiccog serve`` calls)."""

from __future__ import annotations

import ipaddress
import logging
import sys
from pathlib import Path
from typing import Any

__all__ = ["is_loopback", "serve"]

log = logging.getLogger("musiccog.server")


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and "localhost"."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(host: str = "127.0.0.1", port: int = 8765, *, data_dir: str | Path | None = None,
          **options: Any) -> None:
    """Serve until interrupted.  ``options`` are :class:`ServerOptions` fields.

    Binding anything but loopback prints a warning: tokens then cross the network in
    plain HTTP unless a TLS proxy sits in front.
    """
    import uvicorn

    from musiccog import config
    from musiccog.server._app import create_app

    folder = Path(data_dir) if data_dir else config.cache_dir() / "server"
    app = create_app(data_dir=folder, **options)
    if not is_loopback(host):
        print(f"warning: serving on {host}: other machines can reach this server; put it "
              "behind HTTPS (a TLS proxy) so tokens are not sent in clear text.",
              file=sys.stderr)
    print(f"musiccog serve: http://{host}:{port} (data in {folder}); Ctrl+C to stop",
          file=sys.stderr)
    uvicorn.run(app, host=host, port=port, log_level="warning")
