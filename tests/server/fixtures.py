"""Fixtures shared by the server and client tests: a real ``musiccog serve`` app on
uvicorn, on 127.0.0.1 and a free port, in a thread of the test process."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from musiccog.backend import ClientSettings, RemoteBackend, open_backend
from musiccog.server import create_app

from .probe_engine import ProbeEngine, make_clip, make_tone


class LiveServer:
    """uvicorn serving ``app`` on 127.0.0.1:<free port> until :meth:`stop`."""

    def __init__(self, app) -> None:  # noqa: ANN001 - an ASGI app
        self.app = app
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                lifespan="on", timeout_graceful_shutdown=2)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    @property
    def ctx(self):  # noqa: ANN201
        return self.app.state.ctx

    @property
    def faults(self):  # noqa: ANN201
        return self.app.state.ctx.faults

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def fast_settings(**overrides) -> ClientSettings:  # noqa: ANN003
    """Client knobs with the waits shortened for tests."""
    values = dict(still_working_s=120.0, render_poll_s=0.05, rate_limit_wait_s=0.2,
                  max_retries=2, backoff_s=0.05, state_poll_s=0.05, recover_timeout_s=10.0,
                  connect_timeout_s=2.0, read_timeout_s=20.0, chat_read_timeout_s=20.0)
    values.update(overrides)
    return ClientSettings(**values)


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own config dir (tokens, sessions) and no NEMO_TOKEN."""
    home = tmp_path / "config"
    monkeypatch.setenv("MUSICCOG_CONFIG_DIR", str(home))
    monkeypatch.delenv("NEMO_TOKEN", raising=False)
    monkeypatch.delenv("MUSICCOG_CLOUD_URL", raising=False)
    monkeypatch.delenv("MUSICCOG_SERVER_FAULTS", raising=False)
    monkeypatch.setenv("MUSICCOG_RENDER_POLL_S", "0.05")  # CLI-made clients poll fast
    monkeypatch.setenv("MUSICCOG_BACKOFF_S", "0.01")
    return home


@pytest.fixture
def probe_engine() -> ProbeEngine:
    return ProbeEngine()


@pytest.fixture
def server_options() -> dict:
    """Extra :class:`ServerOptions` for the ``live_server`` fixture (override per module)."""
    return {}


@pytest.fixture
def live_server(tmp_path: Path, probe_engine: ProbeEngine, server_options: dict
                ) -> Iterator[LiveServer]:
    options = dict(data_dir=tmp_path / "server", engine=probe_engine, enable_faults=True,
                   heartbeat_s=0.2)
    options.update(server_options)
    server = LiveServer(create_app(**options))
    yield server
    server.stop()


@pytest.fixture
def client(live_server: LiveServer) -> Iterator[RemoteBackend]:
    backend = open_backend(live_server.url, host="cli", settings=fast_settings())
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("media")
    make_clip(folder / "clip.mp4", seconds=2.0)
    make_tone(folder / "music.wav", seconds=3.0)
    return folder


@pytest.fixture
def clip(media_dir: Path) -> Path:
    return media_dir / "clip.mp4"


@pytest.fixture
def music(media_dir: Path) -> Path:
    return media_dir / "music.wav"
