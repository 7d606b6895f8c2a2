"""The panel on the real local backend (the offline engine in-process) with the shared clip.

One prompt streams replies and a change summary, draws the cuts/beats/ducking
picture, then exports an MP4; the UI thread's longest stall is measured with a
10 ms heartbeat throughout.  Closing mid-job cancels the engine and waits for it.
A host timeline bridge gets the synced draft placed back.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from musiccog.draft import Draft, Segment, Track
from musiccog.panel import MusicCogPanel, TimelineBridge
from musiccog.panel.worker import running_jobs
from tests.panel.conftest import ARTIFACTS, snap
from tests.panel.heartbeat import Heartbeat

pytestmark = pytest.mark.slow

PROMPT = "sync background music to match the video tempo and mood"


@pytest.fixture
def media(shared_dir: Path) -> dict:
    video = shared_dir / "media" / "old_town_30s.mp4"
    music = shared_dir / "audio" / "acacia_reel.flac"
    for path in (video, music):
        if not path.is_file():
            pytest.skip(f"shared media missing: {path}")
    truth = json.loads((shared_dir / "media" / "old_town_30s.truth.json").read_text())
    return {"video": video, "music": music, "truth": truth}


def _local_panel(qtbot, tmp_path: Path, **options) -> MusicCogPanel:
    (tmp_path / "exports").mkdir(exist_ok=True)
    panel = MusicCogPanel(host="panel", backend_choice="local", export_dir=tmp_path / "exports",
                          **options)
    qtbot.addWidget(panel)
    panel.resize(480, 780)
    panel.show()
    return panel


def _record_gap(name: str, gap_ms: float, ticks: int) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "ui_gaps.json"
    data = json.loads(path.read_text()) if path.is_file() else {}
    data[name] = {"max_gap_ms": round(gap_ms, 1), "ticks": ticks}
    path.write_text(json.dumps(data, indent=1, sort_keys=True))
    print(f"UI thread max gap during {name}: {gap_ms:.1f} ms over {ticks} ticks")


def test_prompt_streams_replies_then_export_without_blocking_the_ui(qtbot, tmp_path, media
                                                                     ) -> None:
    panel = _local_panel(qtbot, tmp_path)
    assert panel.state == "connecting" and panel.status_label.text() == "Connecting..."
    snap(panel, "connecting")
    qtbot.waitUntil(lambda: panel.state == "ready", timeout=300_000)  # first run compiles numba
    assert panel.status_label.text() == "Ready · Local (offline)"
    assert not panel.credits_label.isVisible()  # no credits on the local backend
    snap(panel, "ready")

    assert panel.add_files([media["video"], media["music"]])
    beat = Heartbeat()
    beat.start()
    qtbot.keyClicks(panel.prompt, PROMPT)
    with qtbot.waitSignal(panel.job_done, timeout=600_000) as done:
        qtbot.keyClick(panel.prompt, "\r")
        qtbot.waitUntil(lambda: panel.work_bar.isVisible(), timeout=120_000)
        assert "Cog: Uploaded old_town_30s.mp4" in panel.transcript.toPlainText()
        snap(panel, "streaming")
    beat.stop()
    _record_gap("local prompt turn", beat.max_gap_ms, len(beat.gaps_ms))
    assert done.args == ["prompt", True]
    assert beat.max_gap_ms < 100.0

    text = panel.transcript.toPlainText()
    assert f"You: {PROMPT}" in text
    assert "Uploaded acacia_reel.flac" in text
    assert "Fitted" in text  # the engine's own words, streamed
    changed = [line for line in text.splitlines() if line.startswith("Changed:")]
    assert len(changed) == 1 and "BGM track added" in changed[0]
    picture = panel.timeline_view.picture
    assert picture is not None and picture.has_music
    assert picture.duration_ms == pytest.approx(30_000, abs=100)
    true_cuts_ms = [s * 1000 for s in media["truth"]["cuts_s"]]
    assert len(picture.cuts_ms) == len(true_cuts_ms)
    assert all(abs(a - b) <= 100 for a, b in zip(picture.cuts_ms, true_cuts_ms, strict=True))
    assert len(picture.downbeats_ms) >= 5
    gains = [g for curve in picture.gain_curves for _, g in curve]
    assert min(gains[1:-1]) < 0.5 * max(gains)  # ducked under the speech
    assert "BGM" in panel.timeline_summary.text()
    snap(panel, "timeline")

    beat = Heartbeat()
    beat.start()
    values: list[int] = []
    panel.export_bar.progress.valueChanged.connect(values.append)
    with qtbot.waitSignal(panel.exported, timeout=600_000) as blocker:
        panel.export_bar.export_button.click()
        assert panel.export_bar.progress.isVisible() and panel.export_bar.cancel_button.isVisible()
    qtbot.waitUntil(lambda: not panel.busy, timeout=10_000)
    beat.stop()
    _record_gap("local export", beat.max_gap_ms, len(beat.gaps_ms))
    assert beat.max_gap_ms < 100.0
    out = Path(blocker.args[0])
    assert out.is_file() and out.stat().st_size > 100_000
    assert out.read_bytes()[4:8] == b"ftyp"
    assert len(set(values)) >= 3 and values[-1] == 100
    assert panel.export_bar.result_label.text() == f"Saved: {out}"
    assert panel.export_bar.folder_button.isVisible()
    snap(panel, "export_done")


def test_closing_mid_job_cancels_the_engine_cleanly(qtbot, tmp_path, media, qtlog) -> None:
    panel = _local_panel(qtbot, tmp_path)
    qtbot.waitUntil(lambda: panel.state == "ready", timeout=300_000)  # first run compiles numba
    panel.add_files([media["video"], media["music"]])
    panel.send_prompt("calm music")
    qtbot.waitUntil(lambda: panel.work_bar.isVisible(), timeout=120_000)
    start = time.monotonic()
    panel.close()
    took_s = time.monotonic() - start
    print(f"close mid-job took {took_s:.2f} s")
    assert not panel.busy and running_jobs() == 0
    assert took_s < 10.0
    assert not [r for r in qtlog.records if "QThread" in r.message]


class HostTimeline:
    """A FAKE host timeline (what Resolve/Blender bridges do): one video clip; records apply."""

    host_name = "fakehost"

    def __init__(self, video: Path) -> None:
        self.video = video
        self.applied: list[tuple[Draft, Path | None]] = []

    def describe(self) -> str:
        return "Project ▸ Cut 1 · 30 fps"

    def read_draft(self) -> Draft:
        seg = Segment(start_ms=0, duration_ms=30_000, source=str(self.video), name="old town")
        return Draft(tracks=[Track(track_type=0, segments=[seg])], duration_ms=30_000)

    def apply(self, draft: Draft, *, bgm_path=None, new_timeline: bool = False) -> str:
        self.applied.append((draft, bgm_path))
        return f"{len(draft.tracks)} tracks"


def test_a_host_timeline_is_synced_and_placed_back(qtbot, tmp_path, media) -> None:
    host = HostTimeline(media["video"])
    assert isinstance(host, TimelineBridge)
    panel = _local_panel(qtbot, tmp_path, timeline_bridge=host)
    assert panel.host_label.text() == "Timeline: Project ▸ Cut 1 · 30 fps"
    qtbot.waitUntil(lambda: panel.state == "ready", timeout=300_000)  # first run compiles numba
    panel.add_files([media["music"]])
    with qtbot.waitSignal(panel.job_done, timeout=600_000) as done:
        panel.send_prompt("calm music at 30%")
    assert done.args == ["prompt", True]
    assert len(host.applied) == 1
    draft, bgm = host.applied[0]
    assert bgm is not None and Path(bgm).is_file()
    assert any(t.track_type == 1 for t in draft.known_tracks())
    text = panel.transcript.toPlainText()
    assert "Added to the panel timeline:" in text and "Changed:" in text
