"""Every error code and its recovery, made to happen by the server's fault switches."""

from __future__ import annotations

import socket
import time

import pytest
from server.fixtures import fast_settings

from musiccog import config
from musiccog.backend import (
    AuthError,
    ClientSettings,
    NetworkError,
    NoCreditsError,
    PlanRequiredError,
    RateLimitedError,
    RemoteBackend,
    ServerError,
    UnsupportedFileError,
    UploadTooLargeError,
    open_backend,
)
from musiccog.jobs import Cancelled, CancelToken

CREDITS = "GET /api/credits/balance/simple"


def _token(base_url: str) -> str:
    record = config.TokenStore().get(base_url)
    assert record is not None
    return record.token


def test_1001_gets_a_new_token_and_retries_once(client, live_server):
    client.connect()
    old = _token(live_server.url)
    live_server.faults.arm("expired_token")
    credits = client.credits()
    assert credits.available > 0
    assert live_server.faults.count("expired_token") == 1
    assert _token(live_server.url) != old  # a fresh token, stored
    assert live_server.faults.requests["POST /api/auth/anonymous-token"] == 2
    assert live_server.faults.requests[CREDITS] == 2  # refused once, then the retry


def test_1001_with_the_same_client_keeps_the_session(client, live_server, clip):
    client.upload(clip)
    live_server.faults.arm("expired_token")
    assert [f.filename for f in client.state().files] == ["clip.mp4"]


def test_1001_twice_is_an_auth_error(client, live_server):
    client.connect()
    live_server.faults.arm("expired_token", times=2)
    with pytest.raises(AuthError) as err:
        client.credits()
    assert err.value.code == 1001 and "token" in str(err.value)


def test_1001_with_nemo_token_says_to_fix_it(live_server, monkeypatch):
    live_server.ctx.store.add_registered("registered-secret-token", "user_reg")
    monkeypatch.setenv("NEMO_TOKEN", "registered-secret-token")
    settings = fast_settings(base_url=live_server.url, env_token_var="NEMO_TOKEN")
    backend = RemoteBackend(settings, kind="cloud", remember=False)
    assert backend.credits().available > 0  # the environment's token is used as is
    live_server.faults.arm("expired_token")
    with pytest.raises(AuthError) as err:
        backend.credits()
    assert "NEMO_TOKEN" in str(err.value) and "registered-secret-token" not in str(err.value)
    backend.close()


def test_1002_makes_a_new_session_and_retries_once(client, live_server, config_home):
    client.connect()
    old_sid = client.session_id
    live_server.faults.arm("lost_session")
    state = client.state()
    assert state.draft is None and state.files == []
    assert client.session_id != old_sid
    assert config.load_session(live_server.url)["session_id"] == client.session_id
    assert live_server.faults.requests[f"GET /api/state/nemo_agent/me/{old_sid}/latest"] == 1
    assert live_server.faults.requests[
        f"GET /api/state/nemo_agent/me/{client.session_id}/latest"] == 1


def test_2001_anonymous_gets_the_registration_link(client, live_server, clip):
    client.upload(clip)
    user_id = config.TokenStore().get(live_server.url).user_id
    live_server.faults.arm("no_credits")
    with pytest.raises(NoCreditsError) as err:
        list(client.chat("music"))
    assert err.value.code == 2001
    assert err.value.register_url.endswith(f"?bind={user_id}")
    assert err.value.register_url in str(err.value)


def test_2001_registered_is_told_to_top_up(live_server, monkeypatch, clip):
    live_server.ctx.store.add_registered("reg-token-2", "user_reg2", credits=0)
    monkeypatch.setenv("NEMO_TOKEN", "reg-token-2")
    backend = RemoteBackend(fast_settings(base_url=live_server.url), kind="cloud",
                            remember=False)
    backend.upload(clip)
    with pytest.raises(NoCreditsError) as err:  # a real zero balance, no fault
        list(backend.chat("music"))
    assert "top up" in str(err.value).lower() and err.value.register_url == ""
    backend.close()


def test_credits_are_spent_per_turn(tmp_path, clip, probe_engine):
    from server.fixtures import LiveServer

    from musiccog.server import create_app

    server = LiveServer(create_app(data_dir=tmp_path / "s", engine=probe_engine, credits=2))
    try:
        backend = open_backend(server.url, host="cli", settings=fast_settings())
        backend.upload(clip)
        list(backend.chat("music"))
        assert backend.credits().available == 1
        list(backend.chat("music again"))
        with pytest.raises(NoCreditsError):
            list(backend.chat("once more"))
        backend.close()
    finally:
        server.stop()


@pytest.mark.parametrize(("fault", "error", "words"), [
    ("unsupported", UnsupportedFileError, ["mp4", "mov", "wav", "webp"]),
    ("too_large", UploadTooLargeError, ["500 MB", "compress", "trim"]),
])
def test_4001_4002_from_the_server(client, live_server, clip, fault, error, words):
    client.connect()
    live_server.faults.arm(fault)
    with pytest.raises(error) as err:
        client.upload(clip)
    for word in words:
        assert word.lower() in str(err.value).lower()


def test_400_makes_a_new_client_id_and_retries(live_server, config_home):
    backend = open_backend(live_server.url, host="cli", settings=fast_settings())
    first_id = config.client_id(live_server.url)
    live_server.faults.arm("client_id")
    backend.connect()
    assert config.client_id(live_server.url) != first_id
    assert live_server.faults.requests["POST /api/auth/anonymous-token"] == 2
    backend.close()


def test_402_is_a_plan_issue(client, live_server, clip, tmp_path):
    client.upload(clip)
    list(client.chat("music"))
    live_server.faults.arm("plan_required")
    with pytest.raises(PlanRequiredError) as err:
        client.export(tmp_path / "x.mp4")
    assert "register or upgrade your plan to unlock export" in str(err.value)
    assert not (tmp_path / "x.mp4").exists()


def test_402_without_attribution_headers(client, live_server, clip, tmp_path):
    client.upload(clip)
    list(client.chat("music"))
    client.client.transport.http.headers.pop("X-Skill-Platform")
    with pytest.raises(PlanRequiredError):
        client.export(tmp_path / "x.mp4")


def test_429_waits_and_retries_exactly_once(client, live_server):
    client.connect()
    live_server.faults.arm("rate_limit")
    started = time.monotonic()
    client.credits()
    waited = time.monotonic() - started
    assert waited >= client.settings.rate_limit_wait_s
    assert live_server.faults.requests[CREDITS] == 2


def test_429_twice_gives_up_with_a_message(client, live_server):
    client.connect()
    live_server.faults.arm("rate_limit", times=2)
    with pytest.raises(RateLimitedError) as err:
        client.credits()
    assert "busy" in str(err.value) and live_server.faults.requests[CREDITS] == 2


def test_5xx_bounded_retries_then_succeeds(client, live_server):
    client.connect()
    live_server.faults.arm("server_error", times=2)
    assert client.credits().available > 0
    assert live_server.faults.requests[CREDITS] == 3


def test_5xx_bounded_retries_then_a_clear_message(client, live_server):
    client.connect()
    live_server.faults.arm("server_error", times=10)
    with pytest.raises(ServerError) as err:
        client.credits()
    assert live_server.faults.requests[CREDITS] == client.settings.max_retries + 1
    assert "try again" in str(err.value).lower()


def test_network_down_bounded_retries_then_a_clear_message():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    sleeps: list[float] = []
    settings = fast_settings(base_url=f"http://127.0.0.1:{port}")
    backend = RemoteBackend(settings, kind="self-hosted", remember=False)
    backend.client.transport._sleep = lambda s: sleeps.append(s)  # noqa: SLF001
    with pytest.raises(NetworkError) as err:
        backend.connect()
    assert f"127.0.0.1:{port}" in str(err.value) and "local backend" in str(err.value)
    backend.close()


def test_stream_cut_recovers_the_result_from_state(client, live_server, clip):
    client.upload(clip)
    live_server.faults.arm("stream_cut", after=1)
    events = list(client.chat("music at 30%"))
    kinds = [e.kind for e in events]
    assert "error" in kinds and kinds[-1] == "changed"
    assert "BGM track added: Tone (0-2s, 30%)" in events[-1].text
    texts = [e.text for e in events if e.kind == "text"]
    assert texts == ["Added music at 30% under 2 s of video."]  # nothing lost
    assert client.state().draft.known_tracks(1)[0].segments[0].volume == 0.3


def test_stream_closed_without_text_reports_the_change(client, live_server, clip):
    client.upload(clip)
    live_server.faults.arm("no_text")
    events = list(client.chat("music at 20%"))
    assert [e.kind for e in events if e.kind in ("text", "changed", "error")] == ["changed"]
    assert events[-1].text == ("Video track added: clip (0-2s); "
                               "BGM track added: Tone (0-2s, 20%)")


def test_slow_render_is_polled_until_done(client, live_server, clip, tmp_path):
    client.upload(clip)
    list(client.chat("music"))
    live_server.faults.arm("slow_render", seconds=0.5)
    out = client.export(tmp_path / "slow.mp4")
    assert out.stat().st_size > 1000
    polls = [n for route, n in live_server.faults.requests.items()
             if route.startswith("GET /api/render/proxy/lambda/")]
    assert polls and polls[0] >= 4  # 0.5 s of "processing" at 0.05 s a poll


def test_cancelled_export_cancels_the_job_and_writes_nothing(client, live_server, clip,
                                                             tmp_path):
    client.upload(clip)
    list(client.chat("music"))
    live_server.faults.arm("slow_render", seconds=5)
    cancel = CancelToken()
    calls = []

    def on_progress(done, total):
        calls.append(done)
        if len(calls) >= 2:
            cancel.cancel()

    with pytest.raises(Cancelled):
        client.export(tmp_path / "c.mp4", on_progress=on_progress, cancel=cancel)
    assert list(tmp_path.glob("*c.mp4*")) == []
    record = next(iter(live_server.ctx.store.renders.values()))
    deadline = time.monotonic() + 5
    while record.status != "cancelled" and time.monotonic() < deadline:
        time.sleep(0.02)
    assert record.status == "cancelled"


def test_cancel_during_chat_closes_the_stream(tmp_path, clip):
    from server.fixtures import LiveServer
    from server.probe_engine import ProbeEngine

    from musiccog.server import create_app

    server = LiveServer(create_app(data_dir=tmp_path / "s", heartbeat_s=0.05,
                                   engine=ProbeEngine(sync_delay_s=1.0, progress_steps=10)))
    try:
        backend = open_backend(server.url, host="cli", settings=fast_settings())
        backend.upload(clip)
        cancel = CancelToken()
        seen = []
        with pytest.raises(Cancelled):
            for event in backend.chat("music", cancel=cancel):
                seen.append(event)
                cancel.cancel()
        assert len(seen) == 1
        backend.close()
    finally:
        server.stop()


def test_default_base_url_is_the_hosted_api_but_tests_never_use_it():
    assert ClientSettings().base_url == "https://mega-api-prod.nemovideo.ai"
