"""Benchmark: a 10 000-segment draft, draft → OTIO → draft, against OTIO's own otio_json.

Prints wall times (best of N) and the ratio to otio_json reading and writing the
same timeline, measured in the same run.  Goals (issue 2): under 1 s and at most
2× otio_json.  Run: ``.venv/bin/python bench/bench_draft_otio.py [--segments N]``.
"""

from __future__ import annotations

import argparse
import gc
import time

import opentimelineio as otio

from musiccog.draft import parse_draft
from musiccog.otio_mapping import draft_to_otio, otio_to_draft


def make_draft(segments: int) -> dict:
    """A realistic draft: video cuts, BGM pieces with volume keys, titles, markers."""
    per_track = segments // 3
    video = [
        {"s": i * 2000, "d": 1900, "i": i * 40, "src": f"/media/shot{i % 50}.mp4", "n": f"shot {i}"}
        for i in range(per_track)
    ]
    audio = [
        {
            "s": i * 2000,
            "d": 2000,
            "src": "/music/song.wav",
            "i": i * 500,
            "v": 0.35,
            "fi": 10,
            "fo": 10,
            "vk": [[0, 1.0], [1000, 0.25], [2000, 1.0]],
        }
        for i in range(per_track)
    ]
    text = [
        {"s": i * 2000, "d": 1500, "tx": f"caption {i}"} for i in range(segments - 2 * per_track)
    ]
    return {
        "t": [{"tt": 0, "sg": video}, {"tt": 1, "n": "BGM", "sg": audio}, {"tt": 7, "sg": text}],
        "d": per_track * 2000,
        "m": {"title": "bench", "fps": 29.97, "width": 1920, "height": 1080},
        "mk": [{"s": i * 2000, "n": "downbeat", "c": "GREEN"} for i in range(0, per_track, 4)],
    }


def best_of(repeats: int, func) -> float:
    """Best wall time in seconds over ``repeats`` runs (a full GC first, GC left on)."""
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def interleaved(repeats: int, first, second) -> tuple[float, float]:
    """Best times of two functions measured alternately, so machine noise hits both."""
    a, b = [], []
    for _ in range(repeats):
        a.append(best_of(1, first))
        b.append(best_of(1, second))
    return min(a), min(b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--segments", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    data = make_draft(args.segments)
    draft = parse_draft(data)
    timeline = draft_to_otio(draft)
    text = otio.adapters.write_to_string(timeline, "otio_json")

    ours, baseline = interleaved(
        args.repeats,
        lambda: otio_to_draft(draft_to_otio(draft)),
        lambda: otio.adapters.write_to_string(
            otio.adapters.read_from_string(text, "otio_json"), "otio_json"
        ),
    )
    to_otio = best_of(args.repeats, lambda: draft_to_otio(draft))
    from_otio = best_of(args.repeats, lambda: otio_to_draft(timeline))
    with_validation = best_of(args.repeats, lambda: otio_to_draft(draft_to_otio(parse_draft(data))))
    assert otio_to_draft(draft_to_otio(draft)).to_json() == data
    print(f"segments                          {args.segments}")
    print(f"draft -> OTIO                     {to_otio:.3f} s")
    print(f"OTIO -> draft                     {from_otio:.3f} s")
    print(f"draft -> OTIO -> draft            {ours:.3f} s   (goal < 1 s)")
    print(f"  incl. JSON validation           {with_validation:.3f} s")
    print(f"otio_json read + write (baseline) {baseline:.3f} s")
    print(f"ratio ours / otio_json            {ours / baseline:.2f}x  (goal <= 2x)")


if __name__ == "__main__":
    main()
