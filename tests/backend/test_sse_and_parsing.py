"""Pure parts of the client: SSE decoding (chunks split mid-line, via httpx.MockTransport),
event interpretation, turn tracking, envelopes, render status, the code → error map."""

from __future__ import annotations

import json

import httpx
import pytest

from musiccog.backend import (
    STILL_WORKING,
    AuthError,
    BackendError,
    ClientIdError,
    EngineUnavailableError,
    NoCreditsError,
    PlanRequiredError,
    RateLimitedError,
    ServerError,
    SessionLostError,
    TurnTracker,
    UnsupportedFileError,
    UploadTooLargeError,
    error_for_code,
    interpret,
    parse_envelope,
    parse_render_status,
)
from musiccog.backend._stream import StreamItem, iter_items

EVENTS = [
    {"type": "tool_call", "name": "sync_music", "args": {"prompt": "calm"}},
    {"type": "heartbeat", "progress": 40},
    {"type": "text", "content": "Héllo — 音乐 added ✓"},
    {"type": "tool_result", "name": "sync_music", "result": {"ok": True}},
]


def _body(newline: str) -> bytes:
    lines = [f"data: {json.dumps(e, ensure_ascii=False)}{newline}{newline}" for e in EVENTS]
    lines.insert(1, f": keep-alive comment{newline}{newline}data:{newline}{newline}")
    return "".join(lines).encode("utf-8")


def _stream(chunks: list[bytes]) -> httpx.Response:
    class Chunks(httpx.SyncByteStream):
        def __iter__(self):
            yield from chunks

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"},
                              stream=Chunks())

    client = httpx.Client(transport=httpx.MockTransport(handler))
    return client.send(client.build_request("POST", "http://test/run_sse"), stream=True)


def _kinds(items: list[StreamItem]) -> list[str]:
    return [i.kind for i in items]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 100000])
def test_decoder_survives_any_chunk_boundary(newline, size):
    body = _body(newline)
    chunks = [body[i:i + size] for i in range(0, len(body), size)]  # splits mid-line and
    items = list(iter_items(_stream(chunks)))                        # mid UTF-8 character
    assert _kinds(items) == ["tool_call", "heartbeat", "heartbeat", "text", "tool_result"]
    assert items[3].text == "Héllo — 音乐 added ✓"
    assert items[2].data["percent"] == 40.0


def test_stream_without_final_blank_line_drops_the_partial_event():
    items = list(iter_items(_stream([b'data: {"type":"text","content":"a"}\n\ndata: {"ty'])))
    assert _kinds(items) == ["text"]


@pytest.mark.parametrize(("data", "kind", "text"), [
    ('{"type":"text","content":"hi"}', "text", "hi"),
    ('{"type":"heartbeat"}', "heartbeat", ""),
    ("", "heartbeat", ""),
    ("   ", "heartbeat", ""),
    ('{"type":"tool_call","name":"x","args":{}}', "tool_call", ""),
    ('{"type":"tool_result","name":"x","result":1}', "tool_result", ""),
    ("plain words", "text", "plain words"),
    ('{"content":{"parts":[{"text":"adk"}]}}', "text", "adk"),
    ('{"content":{"parts":[{"functionCall":{"name":"f"}}]}}', "tool_call", ""),
    ('{"something":"else"}', "other", ""),
    ("[1,2]", "other", ""),
])
def test_interpret(data, kind, text):
    (item,) = interpret(data)
    assert (item.kind, item.text) == (kind, text)


def test_tracker_still_working_every_interval_of_silence():
    now = [0.0]
    tracker = TurnTracker(still_working_s=120.0, clock=lambda: now[0])
    out = []
    for second in range(0, 400, 10):
        now[0] = float(second)
        out += tracker.feed(StreamItem("heartbeat"))
    still = [e for e in out if e.kind == "still_working"]
    assert len(still) == 3 and {e.text for e in still} == {STILL_WORKING}  # at 120, 240, 360
    now[0] = 450.0
    assert [e.kind for e in tracker.feed(StreamItem("text", "done"))] == ["text"]
    now[0] = 560.0  # 110 s after the text: not yet
    assert tracker.feed(StreamItem("heartbeat")) == []


def test_tracker_translates_text_and_hides_tools():
    tracker = TurnTracker(translate=lambda t: (t.replace("Click", "Say"), ("click",)))
    assert tracker.feed(StreamItem("tool_call", "", {"name": "x"})) == []
    (event,) = tracker.feed(StreamItem("text", "Click Export"))
    assert event.text == "Say Export" and event.data["raw"] == "Click Export"
    assert tracker.saw_text and tracker.actions == ["click"] and tracker.tool_calls == ["x"]


@pytest.mark.parametrize(("body", "status", "code", "data"), [
    ({"code": 0, "data": {"a": 1}}, 200, 0, {"a": 1}),
    ({"code": "1001", "message": "bad"}, 401, 1001, None),
    ({"success": True, "data": {"b": 2}}, 200, 0, {"b": 2}),
    ({"success": False, "message": "no"}, 402, 402, None),
    ({"status": "completed"}, 200, 0, {"status": "completed"}),
    (None, 503, 503, None),
    ("text", 429, 429, "text"),
])
def test_parse_envelope(body, status, code, data):
    env = parse_envelope(body, http_status=status)
    assert (env.code, env.data) == (code, data)


@pytest.mark.parametrize("body", [
    {"status": "completed", "progress": 100, "output": {"url": "https://cdn/x.mp4"}},
    {"success": True, "data": {"status": "completed", "outputUrl": "https://cdn/x.mp4"}},
    {"code": 0, "data": {"status": "COMPLETED", "output": {"url": "https://cdn/x.mp4"}}},
])
def test_render_status_both_forms(body):
    status = parse_render_status(body)
    assert status.status == "completed" and status.output_url == "https://cdn/x.mp4"
    assert status.finished


def test_render_status_progress_fraction_and_pending():
    assert parse_render_status({"status": "processing", "progress": 0.5}).progress == 50.0
    assert parse_render_status({"data": {"status": "queued"}}).status == "pending"
    assert parse_render_status({"status": "error", "error": "x"}).message == "x"


@pytest.mark.parametrize(("code", "cls", "words"), [
    (1001, AuthError, ["token"]),
    (1002, SessionLostError, ["session"]),
    (4001, UnsupportedFileError, ["mp4", "mov", "avi", "webm", "mkv", "jpg", "png", "gif",
                                  "webp", "mp3", "wav", "m4a", "aac"]),
    (4002, UploadTooLargeError, ["500 MB", "compress", "trim"]),
    (400, ClientIdError, ["client"]),
    (402, PlanRequiredError, ["register or upgrade your plan to unlock export"]),
    (429, RateLimitedError, ["wait"]),
    (5001, EngineUnavailableError, ["engine"]),
    (503, ServerError, ["try again"]),
])
def test_error_for_code(code, cls, words):
    err = error_for_code(code, "detail", request="GET /x", http_status=code if code < 600
                         else 503)
    assert type(err) is cls and isinstance(err, BackendError) and err.code == code
    for word in words:
        assert word.lower() in str(err).lower()


def test_2001_anonymous_vs_registered():
    anon = error_for_code(2001, anonymous=True, user_id="anon_1",
                          register_url="https://example.test/register")
    assert isinstance(anon, NoCreditsError)
    assert anon.register_url == "https://example.test/register?bind=anon_1"
    reg = error_for_code(2001, anonymous=False, user_id="u1",
                         register_url="https://example.test/register")
    assert "top up" in str(reg).lower() and reg.register_url == ""


def test_http_401_without_code_is_1001():
    assert isinstance(error_for_code(401, http_status=401), AuthError)


def test_render_polls_back_off_from_2_s_to_the_configured_interval():
    from musiccog.backend._export import poll_wait_s

    assert [poll_wait_s(k, 30.0) for k in range(7)] == [2, 4, 8, 16, 30, 30, 30]
    assert poll_wait_s(0, 0.05) == 0.05  # tests (and impatient users) set it lower
