"""The panel as a widget: dock in a main window, remembered backend, drag and drop, export bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow

from musiccog.backend.base import ChatEvent
from musiccog.panel import MusicCogPanel, make_dock
from musiccog.panel.settings import load_backend_choice
from musiccog.panel.worker import running_jobs
from tests.panel.fake_session import FakeSession


def _drop(panel: MusicCogPanel, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    panel.dropEvent(event)


def test_dock_in_a_main_window_and_closing_the_window_mid_job(qtbot, tmp_path: Path) -> None:
    session = FakeSession(script=[("event", ChatEvent("text", "On it.")), ("block",)])
    window = QMainWindow()
    qtbot.addWidget(window)
    dock = make_dock(window, session_factory=lambda choice: session, backend_choice="local",
                     export_dir=tmp_path)
    assert isinstance(dock, QDockWidget)
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea
    panel = dock.widget()
    assert isinstance(panel, MusicCogPanel)
    window.show()
    qtbot.waitUntil(lambda: panel.state == "ready", timeout=5000)
    panel.send_prompt("hello")
    qtbot.waitUntil(lambda: "On it." in panel.transcript.toPlainText(), timeout=3000)
    window.close()
    assert session.cancelled and running_jobs() == 0 and not panel.busy


def test_backend_choice_is_remembered_between_runs(qtbot, tmp_path: Path) -> None:
    first = MusicCogPanel(autoconnect=False)
    qtbot.addWidget(first)
    assert first.choice == "local"
    assert first.backend_combo.currentData() == "local"
    first.set_backend_choice("http://127.0.0.1:9")  # starts a connect; stop it at once
    first.shutdown()
    assert load_backend_choice() == "http://127.0.0.1:9"
    second = MusicCogPanel(autoconnect=False)
    qtbot.addWidget(second)
    assert second.choice == "http://127.0.0.1:9"
    assert second.backend_combo.currentText() == "http://127.0.0.1:9"
    assert not second.set_backend_choice("ftp://nope")
    assert "not a backend" in second.error_banner.label.text()
    assert load_backend_choice() == "http://127.0.0.1:9"


def test_drop_checks_files_before_any_upload(qtbot, tmp_path: Path) -> None:
    session = FakeSession()
    panel = MusicCogPanel(session_factory=lambda choice: session, backend_choice="local")
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.state == "ready", timeout=5000)
    video, notes = tmp_path / "clip.mp4", tmp_path / "notes.txt"
    video.write_bytes(b"\0" * 64)
    notes.write_text("not media")
    _drop(panel, [video, notes])
    assert panel.files == []  # nothing attached when one file is bad
    assert panel.error_banner.isVisibleTo(panel)
    assert "isn't supported" in panel.error_banner.label.text()
    assert panel.error_banner.action_button.text() == "Choose another file…"
    _drop(panel, [video])
    assert panel.files == [video.resolve()]
    assert "clip.mp4" in panel.files_label.text()
    with qtbot.waitSignal(panel.job_done, timeout=3000):
        panel.send_prompt("")  # files alone: an upload turn
    assert session.calls == [("upload", (video.resolve(),))]
    assert panel.files == []


def test_export_bar_shows_progress_path_and_folder(qtbot, tmp_path: Path) -> None:
    session = FakeSession()
    panel = MusicCogPanel(session_factory=lambda choice: session, backend_choice="local",
                          export_dir=tmp_path)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.state == "ready", timeout=5000)
    seen: list[int] = []
    panel.export_bar.progress.valueChanged.connect(seen.append)
    with qtbot.waitSignal(panel.exported, timeout=5000) as blocker:
        panel.export_video()
    out = Path(blocker.args[0])
    assert out.parent == tmp_path and out.suffix == ".mp4" and out.is_file()
    assert seen[-1] == 100 and len(set(seen)) >= 3
    assert panel.export_bar.result_label.text() == f"Saved: {out}"
    assert panel.export_bar.folder_button.isVisibleTo(panel)


def test_a_pasted_path_is_checked_then_uploaded(qtbot, tmp_path: Path) -> None:
    session = FakeSession()
    panel = MusicCogPanel(session_factory=lambda choice: session, backend_choice="cloud")
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.state == "ready", timeout=5000)
    music = tmp_path / "song.flac"  # FLAC is for the local backend only
    music.write_bytes(b"\0" * 8)
    assert not panel.send_prompt(f'"{music}"')
    assert "isn't supported" in panel.error_banner.label.text()
    assert session.calls == []
    wav = tmp_path / "song.wav"
    wav.write_bytes(b"\0" * 8)
    with qtbot.waitSignal(panel.job_done, timeout=3000):
        assert panel.send_prompt(str(wav))
    assert session.calls == [("upload", (wav.resolve(),))]
