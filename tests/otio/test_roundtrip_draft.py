"""draft → OTIO → draft returns the same JSON, for every draft hypothesis can make."""

from __future__ import annotations

import json

import opentimelineio as otio
from hypothesis import HealthCheck, given, settings

from musiccog.draft import parse_draft
from musiccog.otio_mapping import draft_to_otio, otio_to_draft
from tests.draft.strategies import drafts

_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _canonical(data: object) -> str:
    return json.dumps(data, sort_keys=True)


@_SETTINGS
@given(drafts())
def test_round_trip_in_memory_is_exact(data: dict) -> None:
    draft = parse_draft(data)
    assert _canonical(draft.to_json()) == _canonical(data)  # load/save keeps everything
    back = otio_to_draft(draft_to_otio(draft))
    assert _canonical(back.to_json()) == _canonical(data)


def test_round_trip_mem_to_disk_to_mem(tmp_path) -> None:
    path = tmp_path / "cut.otio"

    @_SETTINGS
    @given(drafts())
    def check(data: dict) -> None:
        otio.adapters.write_to_file(draft_to_otio(parse_draft(data)), str(path))
        back = otio_to_draft(otio.adapters.read_from_file(str(path)))
        assert _canonical(back.to_json()) == _canonical(data)

    check()
