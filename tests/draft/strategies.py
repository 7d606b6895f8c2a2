"""Hypothesis strategies for valid drafts, including unknown keys and track types."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

KNOWN_KEYS = {
    "root": {"t", "d", "m", "mk", "ox"},
    "meta": {"title", "width", "height", "fps", "tc"},
    "track": {"tt", "sg", "n", "mu", "mk", "m", "ox"},
    "segment": {
        "s",
        "d",
        "i",
        "src",
        "sd",
        "n",
        "v",
        "fi",
        "fo",
        "vk",
        "sp",
        "tx",
        "mk",
        "m",
        "ox",
    },
    "marker": {"s", "d", "n", "c", "nt", "m"},
}

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def unknown_keys(level: str) -> st.SearchStrategy[dict[str, Any]]:
    """Extra keys this version does not know, with arbitrary JSON values."""
    # Python field names ("source", "start_ms") are unknown JSON keys too: kept verbatim
    field_names = st.sampled_from(["source", "start_ms", "duration_ms", "source_in_ms",
                                   "volume", "name", "metadata", "markers", "segments",
                                   "track_type", "tracks", "title", "fps"])
    keys = (st.text(min_size=1, max_size=10) | field_names).filter(
        lambda k: k not in KNOWN_KEYS[level])
    return st.dictionaries(keys, json_values, max_size=2)


times_ms = st.integers(min_value=0, max_value=3_600_000) | st.floats(
    min_value=0, max_value=3_600_000, allow_nan=False
)
gains = st.floats(min_value=0, max_value=4) | st.sampled_from([0, 1])
fps_values = st.sampled_from([23.976, 24, 25, 29.97, 30, 50, 59.94, 60, 48, 12.5])
colors = st.sampled_from(["RED", "GREEN", "BLUE", "YELLOW", "PURPLE", "CYAN", "WHITE"])


@st.composite
def markers(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {"s": draw(times_ms)}
    for key, strategy in (
        ("d", st.integers(0, 10_000)),
        ("n", st.text(max_size=10)),
        ("c", colors),
        ("nt", st.text(max_size=10)),
        ("m", st.dictionaries(st.text(max_size=5), json_values, max_size=2)),
    ):
        if draw(st.booleans()):
            out[key] = draw(strategy)
    out.update(draw(unknown_keys("marker")))
    return out


@st.composite
def segment_list(draw: st.DrawFn, track_type: int) -> list[dict[str, Any]]:
    count = draw(st.integers(0, 6))
    cursor = 0.0
    out = []
    for _ in range(count):
        gap = draw(st.sampled_from([0, 0, 1, 7, 40, 1000, 33.3]))
        dur = draw(st.integers(0, 120_000) | st.floats(0, 120_000))
        start = cursor + gap
        seg: dict[str, Any] = {"s": start, "d": dur}
        optional = {
            "i": times_ms,
            "src": st.sampled_from(["/media/a.mp4", "file:///x/b.wav", "https://cdn/x.mp3"]),
            "sd": times_ms,
            "n": st.text(max_size=10),
            "v": gains,
            "sp": st.floats(min_value=0.5, max_value=2.0),
            "m": st.dictionaries(st.text(max_size=6), json_values, max_size=3),
            "mk": st.lists(markers(), max_size=2),
        }
        if track_type == 7:
            optional["tx"] = st.text(max_size=20)
        for key, strategy in optional.items():
            if draw(st.integers(0, 3)) == 0:
                seg[key] = draw(strategy)
        if track_type == 1 and draw(st.booleans()):
            fade = dur / 4
            seg["fi"], seg["fo"] = fade, fade
            seg["vk"] = [[0, 1.0], [dur / 2, 0.25], [dur, 1]]
        seg.update(draw(unknown_keys("segment")))
        out.append(seg)
        cursor = start + dur
    if draw(st.booleans()):
        out = draw(st.permutations(out))
    return list(out)


@st.composite
def tracks(draw: st.DrawFn) -> dict[str, Any]:
    track_type = draw(st.sampled_from([0, 1, 7, 0, 1]) | st.integers(2, 40))
    if track_type not in (0, 1, 7):
        extra = draw(st.dictionaries(st.text(min_size=1, max_size=5), json_values, max_size=3))
        return {**extra, "tt": track_type}
    out: dict[str, Any] = {"tt": track_type, "sg": draw(segment_list(track_type))}
    for key, strategy in (
        ("n", st.text(max_size=10)),
        ("mu", st.booleans()),
        ("m", st.dictionaries(st.text(max_size=6), json_values, max_size=2)),
        ("mk", st.lists(markers(), max_size=2)),
    ):
        if draw(st.integers(0, 2)) == 0:
            out[key] = draw(strategy)
    out.update(draw(unknown_keys("track")))
    return out


@st.composite
def drafts(draw: st.DrawFn) -> dict[str, Any]:
    """Valid draft JSON data: every key the format names, plus unknown ones."""
    out: dict[str, Any] = {"t": draw(st.lists(tracks(), max_size=4))}
    if draw(st.booleans()):
        out["d"] = draw(times_ms)
    if draw(st.booleans()):
        meta: dict[str, Any] = {}
        for key, strategy in (
            ("title", st.text(max_size=12)),
            ("width", st.integers(1, 7680)),
            ("height", st.integers(1, 4320)),
            ("fps", fps_values),
            ("tc", st.sampled_from([0, 3_600_000, 36_000_000])),
        ):
            if draw(st.booleans()):
                meta[key] = draw(strategy)
        meta.update(draw(unknown_keys("meta")))
        out["m"] = meta
    if draw(st.booleans()):
        out["mk"] = draw(st.lists(markers(), max_size=3))
    out.update(draw(unknown_keys("root")))
    return out
