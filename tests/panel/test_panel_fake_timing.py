"""Timing behaviour that needs a controlled clock: silence, streaming order, closing mid-job.

These use the FAKE session in ``fake_session.py`` (named as such): a real
backend cannot be told to stay silent for exactly 0.6 s or to block forever.
"""

from __future__ import annotations

import time
from pathlib import Path

from musiccog.backend.base import ChatEvent
from musiccog.panel import MusicCogPanel
from musiccog.panel.worker import running_jobs
from tests.panel.fake_session import FakeBackend, FakeSession


def _panel(qtbot, session: FakeSession, tmp_path: Path, **options) -> MusicCogPanel:
    panel = MusicCogPanel(session_factory=lambda choice: session, export_dir=tmp_path,
                          backend_choice="local", **options)
    qtbot.addWidget(panel)
    panel.resize(480, 760)
    panel.show()
    qtbot.waitUntil(lambda: panel.state == "ready", timeout=5000)
    return panel


def test_replies_stream_in_as_they_arrive(qtbot, tmp_path: Path) -> None:
    session = FakeSession(script=[("event", ChatEvent("text", "Analysing the cut.")),
                                  ("sleep", 0.4),
                                  ("event", ChatEvent("text", "Music placed."))])
    panel = _panel(qtbot, session, tmp_path)
    qtbot.keyClicks(panel.prompt, "hello there")
    qtbot.keyClick(panel.prompt, "\r")
    qtbot.waitUntil(lambda: "Analysing the cut." in panel.transcript.toPlainText(), timeout=3000)
    assert panel.busy and "Music placed." not in panel.transcript.toPlainText()
    with qtbot.waitSignal(panel.job_done, timeout=3000):
        pass
    text = panel.transcript.toPlainText()
    assert "You: hello there" in text
    assert "Cog: Analysing the cut. Music placed." in text  # one streamed paragraph
    assert session.calls == [("hello there", ())]


def test_still_working_after_each_silence(qtbot, tmp_path: Path) -> None:
    session = FakeSession(script=[("event", ChatEvent("text", "Starting.")), ("sleep", 0.75),
                                  ("event", ChatEvent("text", "Done."))])
    panel = _panel(qtbot, session, tmp_path, still_working_ms=300)
    with qtbot.waitSignal(panel.job_done, timeout=5000):
        panel.send_prompt("make it calm")
    lines = panel.transcript.toPlainText().splitlines()
    silent = [line for line in lines if line == "⏳ Still working..."]
    assert len(silent) == 2  # at 0.3 s and 0.6 s of the 0.75 s silence
    assert lines.index(silent[0]) > lines.index("Cog: Starting.")
    assert lines[-1] == "Cog: Done."


def test_closing_mid_job_cancels_and_waits(qtbot, tmp_path: Path) -> None:
    session = FakeSession(script=[("event", ChatEvent("text", "Working on it.")), ("block",)])
    panel = _panel(qtbot, session, tmp_path)
    panel.send_prompt("sync background music to match the video tempo and mood")
    qtbot.waitUntil(lambda: "Working on it." in panel.transcript.toPlainText(), timeout=3000)
    start = time.monotonic()
    panel.close()
    took_s = time.monotonic() - start
    assert session.cancelled
    assert running_jobs() == 0
    assert session.backend.closed
    assert took_s < 2.0
    assert not panel.busy


def test_silent_edit_shows_its_summary_and_credits_show_for_cloud(qtbot, tmp_path: Path) -> None:
    from musiccog.backend.base import Credits

    session = FakeSession(
        backend=FakeBackend(kind="cloud", credit_balance=Credits(95, 5, 100)),
        script=[("event", ChatEvent("changed", "Added 2. BGM: Lo-fi (0-10s, 35%)"))])
    panel = _panel(qtbot, session, tmp_path)
    assert panel.credits_label.isVisible() and "95 available" in panel.credits_label.text()
    assert panel.status_label.text() == "Ready · Cloud"
    with qtbot.waitSignal(panel.job_done, timeout=3000):
        panel.send_prompt("make the music quieter")
    assert "Changed: Added 2. BGM: Lo-fi (0-10s, 35%)" in panel.transcript.toPlainText()
