"""Client + server overhead of the protocol on loopback, against a bare-httpx baseline.

Runs ``musiccog serve``'s app in a subprocess on 127.0.0.1 (its own interpreter, as
in real use) with a bench engine that answers instantly, plus two trivial routes
(``/_bench/ping`` JSON, ``/_bench/sse`` N events) as the baseline.  Measured in
the same run:

- per request: bare ``httpx.Client.get`` of the trivial route vs the protocol client's
  ``credits()`` and ``state()`` (token, attribution headers, envelope, auth, lookup);
- per SSE event: bare httpx reading N ``data:`` lines vs a chat turn of N text events
  through the client (SSE decode, JSON, translation, tracker), and a turn's fixed cost.

Usage: ``.venv/bin/python bench/bench_protocol.py [--requests 300] [--events 2000]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _serve(port_file: str, events: int) -> None:
    import uvicorn
    from sse_starlette.sse import EventSourceResponse

    from musiccog.draft import TRACK_VIDEO, Draft, Segment, Track
    from musiccog.server import EngineTurn, create_app

    class BenchEngine:
        def __init__(self) -> None:
            self.n = 1

        def check(self) -> None:
            return None

        def sync(self, *, timeline, video_path, music_path, prompt, work_dir, on_progress,
                 cancel):
            n = int(prompt.split()[-1])
            draft = Draft(tracks=[Track(track_type=TRACK_VIDEO, segments=[
                Segment(start_ms=0, duration_ms=1000 * (n % 7 + 1), source=str(video_path))])])
            words = [f"event {i}: the music follows the cut at {i % 60} s." for i in range(n)]
            return EngineTurn(draft, None, words)

        def render(self, draft, out_path, *, on_progress, cancel):
            raise NotImplementedError

    app = create_app(data_dir=Path(tempfile.mkdtemp()), engine=BenchEngine(), heartbeat_s=30)

    @app.get("/_bench/ping")
    async def ping() -> dict:
        return {"ok": True}

    @app.get("/_bench/sse")
    async def sse(n: int = events) -> EventSourceResponse:
        async def gen():  # noqa: ANN202
            for i in range(n):
                yield {"data": json.dumps({"type": "text", "content":
                                           f"event {i}: the music follows the cut at "
                                           f"{i % 60} s."})}
        return EventSourceResponse(gen(), ping=0)

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error")
    server = uvicorn.Server(config)

    async def run() -> None:
        import asyncio

        task = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        Path(port_file).write_text(str(port))
        await task

    import asyncio

    asyncio.run(run())


def _time(fn, n: int) -> list[float]:  # noqa: ANN001
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _ms(values: list[float]) -> str:
    median, mean = statistics.median(values) * 1e3, statistics.mean(values) * 1e3
    return f"median {median:7.3f} ms  mean {mean:7.3f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve, args.events)
        return 0

    import httpx

    from musiccog.backend import ClientSettings, open_backend

    work = Path(tempfile.mkdtemp(prefix="bench_protocol_"))
    os.environ["MUSICCOG_CONFIG_DIR"] = str(work / "config")
    port_file = work / "port"
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port_file),
                             "--events", str(args.events)])
    try:
        deadline = time.monotonic() + 30
        while not port_file.exists() or not port_file.read_text():
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("the bench server did not start")
            time.sleep(0.05)
        url = f"http://127.0.0.1:{port_file.read_text()}"
        clip = work / "clip.mp4"
        clip.write_bytes(b"\x00" * 1024)  # the bench engine never decodes it
        bare = httpx.Client(base_url=url)
        backend = open_backend(url, host="cli", settings=ClientSettings(still_working_s=1e9))
        backend.connect()
        backend.upload(clip)
        list(backend.chat("warm up 5"))
        n = args.requests
        for _ in range(20):  # warm both paths
            bare.get("/_bench/ping")
            backend.credits()
        # interleave rounds so drift affects both the same
        base, credits, state = [], [], []
        for _ in range(5):
            base += _time(lambda: bare.get("/_bench/ping").json(), n // 5)
            credits += _time(backend.credits, n // 5)
            state += _time(backend.state, n // 5)
        print(f"loopback, {n} requests each (server in its own process)")
        print(f"  bare httpx GET (baseline)   {_ms(base)}")
        print(f"  client credits()            {_ms(credits)}   "
              f"overhead {(statistics.median(credits) - statistics.median(base)) * 1e3:.3f} ms "
              f"({statistics.median(credits) / statistics.median(base):.2f}x)")
        print(f"  client state()              {_ms(state)}   "
              f"overhead {(statistics.median(state) - statistics.median(base)) * 1e3:.3f} ms "
              f"({statistics.median(state) / statistics.median(base):.2f}x)")

        k = args.events

        def bare_sse() -> None:
            with bare.stream("GET", f"/_bench/sse?n={k}") as response:
                count = sum(1 for line in response.iter_lines() if line.startswith("data:"))
            assert count == k

        def client_chat(count: int):  # noqa: ANN202
            def run() -> None:
                texts = [e for e in backend.chat(f"bench {count}") if e.kind == "text"]
                assert len(texts) == count, len(texts)
            return run

        sse_base = statistics.median(_time(bare_sse, 5)) / k
        turn_fixed = statistics.median(_time(client_chat(1), 10))
        turn_k = statistics.median(_time(client_chat(k), 5))
        per_event = (turn_k - turn_fixed) / (k - 1)
        print(f"SSE, {k} text events a turn")
        print(f"  bare httpx line read (baseline)  {sse_base * 1e6:8.1f} us/event")
        print(f"  client chat turn                 {per_event * 1e6:8.1f} us/event  "
              f"({per_event / sse_base:.2f}x; engine + server + client)")
        print(f"  fixed cost of a turn (1 event)   {turn_fixed * 1e3:8.2f} ms "
              "(state before/after, POST, job thread)")
        backend.close()
        bare.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
