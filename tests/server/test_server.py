"""``musiccog serve`` spoken to directly with httpx: bodies, envelopes, codes, isolation."""

from __future__ import annotations

import json
import time
import uuid

import httpx
import pytest

from musiccog.server import create_app
from musiccog.server._main import is_loopback

from .fixtures import LiveServer
from .probe_engine import ProbeEngine

HEADERS = {"X-Skill-Source": "ai-music-cog", "X-Skill-Version": "0.1.0",
           "X-Skill-Platform": "cli"}


class User:
    """A raw protocol user: token, session, helpers."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, headers=HEADERS, timeout=20)
        answer = self.http.post("/api/auth/anonymous-token",
                                headers={"X-Client-Id": str(uuid.uuid4())}).json()
        assert answer["code"] == 0
        self.token, self.user_id = answer["data"]["token"], answer["data"]["user_id"]
        self.http.headers["Authorization"] = f"Bearer {self.token}"
        data = self.http.post("/api/tasks/me/with-session/nemo_agent",
                              json={"task_name": "project", "language": "en"}).json()["data"]
        self.sid = data["session_id"]
        assert data["task_id"]

    def upload(self, path, name=None):  # noqa: ANN001, ANN201
        with open(path, "rb") as handle:
            return self.http.post(f"/api/upload-video/nemo_agent/me/{self.sid}",
                                  files={"files": (name or path.name, handle)})

    def chat(self, text: str) -> list[dict]:
        body = {"app_name": "nemo_agent", "user_id": "me", "session_id": self.sid,
                "new_message": {"parts": [{"text": text}]}}
        events = []
        with self.http.stream("POST", "/run_sse", json=body,
                              headers={"Accept": "text/event-stream"}) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            for line in response.iter_lines():
                if line.startswith("data:"):
                    events.append(json.loads(line[5:]))
        return events

    def state(self) -> dict:
        return self.http.get(f"/api/state/nemo_agent/me/{self.sid}/latest").json()


def test_token_session_and_envelopes(live_server):
    user = User(live_server.url)
    assert user.token.startswith("nmv_usr_") and user.user_id.startswith("anon_")
    credits = user.http.get("/api/credits/balance/simple").json()
    assert credits["code"] == 0 and set(credits["data"]) >= {"available", "frozen", "total"}
    state = user.state()["data"]["state"]
    assert state["draft"] is None and state["video_infos"] == []
    assert set(state) >= {"draft", "video_infos", "canvas_config", "video_analyses",
                          "generated_media"}


def test_missing_client_id_is_400(live_server):
    answer = httpx.post(f"{live_server.url}/api/auth/anonymous-token")
    assert answer.status_code == 400 and answer.json()["code"] == 400


@pytest.mark.parametrize("token", ["", "Bearer nope", "Basic abc"])
def test_bad_token_is_1001(live_server, token):
    answer = httpx.get(f"{live_server.url}/api/credits/balance/simple",
                       headers={"Authorization": token})
    assert answer.status_code == 401 and answer.json()["code"] == 1001


def test_chat_stream_shape(live_server, clip):
    user = User(live_server.url)
    files = user.upload(clip).json()["data"]
    assert files["session_state_applied"] is True
    item = files["files"][0]
    assert item["file_type"] == "video" and item["duration"] == pytest.approx(2.0, abs=0.1)
    assert len(item["hash"]) == 64 and item["cdn_url"].endswith("/clip.mp4")
    events = user.chat("music at 25%")
    types = [e["type"] for e in events]
    assert types[0] == "tool_call" and "text" in types and "done" not in types
    assert types.index("tool_result") < types.index("text")
    progress = [e["progress"] for e in events if e["type"] == "heartbeat" and "progress" in e]
    assert progress == sorted(progress) and progress[-1] == 100.0
    draft = user.state()["data"]["state"]["draft"]
    assert draft["t"][1]["sg"][0]["v"] == 0.25


def test_chat_without_media_asks_for_a_video(live_server):
    user = User(live_server.url)
    texts = [e["content"] for e in user.chat("music") if e["type"] == "text"]
    assert texts == ["Upload a video (or send a timeline) first, then tell me what music "
                     "you want."]


def test_sessions_and_files_are_invisible_to_other_tokens(live_server, clip):
    alice, bob = User(live_server.url), User(live_server.url)
    url = alice.upload(clip).json()["data"]["files"][0]["cdn_url"]
    assert alice.http.get(url).content == clip.read_bytes()
    for answer in (bob.http.get(f"/api/state/nemo_agent/me/{alice.sid}/latest"),
                   bob.http.get(url),
                   bob.http.post(f"/api/upload-video/nemo_agent/me/{alice.sid}",
                                 files={"files": ("x.mp4", b"123")})):
        assert answer.status_code == 404 and answer.json()["code"] == 1002
    missing = bob.http.get(f"/api/state/nemo_agent/me/{'0' * 24}/latest")
    assert missing.json() == bob.http.get(
        f"/api/state/nemo_agent/me/{alice.sid}/latest").json()  # same answer: no hint
    assert httpx.get(url).status_code == 401  # no token, no file


def test_a_draft_may_only_use_its_own_session_files(live_server, clip, tmp_path):
    alice, bob = User(live_server.url), User(live_server.url)
    url = alice.upload(clip).json()["data"]["files"][0]["cdn_url"]
    for src in (url, "/etc/passwd", str(clip)):
        draft = {"t": [{"tt": 0, "sg": [{"s": 0, "d": 1000, "src": src}]}]}
        answer = bob.http.post(f"/api/musiccog/timeline/{bob.sid}", json={"draft": draft})
        assert answer.json()["code"] == 4000 and "not a file of this session" in \
            answer.json()["message"]
        render = bob.http.post("/api/render/proxy/lambda", json={
            "id": "render_1", "sessionId": bob.sid, "draft": draft,
            "output": {"format": "mp4", "quality": "high"}})
        assert render.json()["code"] == 4000


def test_upload_refuses_other_formats_and_oversize(tmp_path, clip):
    server = LiveServer(create_app(data_dir=tmp_path / "s", engine=ProbeEngine(),
                                   max_upload_bytes=10_000))
    try:
        user = User(server.url)
        txt = tmp_path / "a.txt"
        txt.write_text("x")
        answer = user.upload(txt)
        assert answer.status_code == 415 and answer.json()["code"] == 4001
        assert "mp4" in answer.json()["message"]
        answer = user.upload(clip)  # ~50 KB over a 10 KB cap
        assert answer.status_code == 413 and answer.json()["code"] == 4002
        assert user.state()["data"]["state"]["video_infos"] == []
        assert not list((tmp_path / "s" / "sessions" / user.sid / "files").glob("*/*"))
    finally:
        server.stop()


def test_render_needs_attribution_headers(live_server, clip):
    user = User(live_server.url)
    url = user.upload(clip).json()["data"]["files"][0]["cdn_url"]
    draft = {"t": [{"tt": 0, "sg": [{"s": 0, "d": 1000, "src": url}]}]}
    body = {"id": "render_9", "sessionId": user.sid, "draft": draft,
            "output": {"format": "mp4", "quality": "high"}}
    bare = httpx.post(f"{live_server.url}/api/render/proxy/lambda", json=body,
                      headers={"Authorization": f"Bearer {user.token}"})
    assert bare.status_code == 402 and bare.json()["code"] == 402
    started = user.http.post("/api/render/proxy/lambda", json=body).json()
    assert started["success"] is True and started["data"]["id"] == "render_9"
    for _ in range(200):
        status = user.http.get("/api/render/proxy/lambda/render_9").json()["data"]
        if status["status"] in ("completed", "failed"):
            break
        time.sleep(0.05)
    assert status["status"] == "completed" and status["outputUrl"]
    video = user.http.get(status["outputUrl"]).content
    assert video == user.http.get("/api/render/proxy/render_9/download").content
    assert len(video) > 1000 and video[4:8] == b"ftyp"


def test_engine_not_available_is_5001(tmp_path, clip):
    from musiccog.backend import EngineUnavailableError

    class NoEngine(ProbeEngine):
        def check(self) -> None:
            raise EngineUnavailableError("musiccog.engine lacks sync_draft")

    server = LiveServer(create_app(data_dir=tmp_path / "s", engine=NoEngine()))
    try:
        user = User(server.url)
        user.upload(clip)
        answer = user.http.post("/run_sse", json={
            "app_name": "nemo_agent", "user_id": "me", "session_id": user.sid,
            "new_message": {"parts": [{"text": "music"}]}})
        assert answer.status_code == 503 and answer.json()["code"] == 5001
        assert "sync_draft" in answer.json()["message"]
    finally:
        server.stop()


def test_old_sessions_are_cleaned_up(live_server, clip):
    user = User(live_server.url)
    user.upload(clip)
    store = live_server.ctx.store
    folder = store.data_dir / "sessions" / user.sid
    assert folder.is_dir() and store.session_count() == 1
    assert store.cleanup(now=time.time() + 3600) == 0
    assert store.cleanup(now=time.time() + store.session_ttl_s + 1) == 1
    assert not folder.exists() and store.session_count() == 0
    assert user.state()["code"] in (1001, 1002)  # gone (and the token expired too)


def test_fault_switches_are_off_by_default(tmp_path):
    app = create_app(data_dir=tmp_path / "s", engine=ProbeEngine())
    with pytest.raises(RuntimeError):
        app.state.ctx.faults.arm("rate_limit")
    server = LiveServer(app)
    try:
        answer = httpx.post(f"{server.url}/api/_musiccog/faults", json={"name": "rate_limit"})
        assert answer.status_code == 404
    finally:
        server.stop()


def test_fault_switch_endpoint_when_enabled(live_server):
    user = User(live_server.url)
    assert user.http.post("/api/_musiccog/faults",
                          json={"name": "rate_limit"}).json()["code"] == 0
    answer = user.http.get("/api/credits/balance/simple")
    assert answer.status_code == 429 and answer.json()["code"] == 429
    bad = user.http.post("/api/_musiccog/faults", json={"name": "nope"})
    assert bad.json()["code"] == 4000


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("::1", True),
                                                ("localhost", True), ("0.0.0.0", False),
                                                ("192.168.1.5", False)])
def test_loopback_detection(host, loopback):
    assert is_loopback(host) is loopback
