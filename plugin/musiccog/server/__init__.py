"""``musiccog serve``: a self-hosted backend that speaks the hosted API's protocol.

``create_app(data_dir=…, engine=…, enable_faults=…)`` builds the ASGI app;
:func:`serve` runs it on uvicorn, bound to 127.0.0.1 by default.  The engine is the
offline one (``musiccog.engine``) unless another :class:`ServerEngine` is given.
"""

from musiccog.server._app import ServerOptions, create_app
from musiccog.server._engine import EngineTurn, RealEngine, ServerEngine
from musiccog.server._faults import FAULT_NAMES, Faults
from musiccog.server._main import serve

__all__ = [
    "FAULT_NAMES",
    "EngineTurn",
    "Faults",
    "RealEngine",
    "ServerEngine",
    "ServerOptions",
    "create_app",
    "serve",
]
