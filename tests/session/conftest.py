from server.fixtures import (  # noqa: F401 - fixtures
    client,
    clip,
    config_home,
    live_server,
    media_dir,
    music,
    probe_engine,
    server_options,
)
