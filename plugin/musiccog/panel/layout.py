"""The panel's widgets and their arrangement (no behaviour: see :mod:`musiccog.panel.panel`).

Top to bottom: connection line (status, credits, backend choice), host
timeline line, error banner, then a splitter with the replies above and the
timeline (tracks in summary style + picture) below, then files, progress bars,
suggested prompts, the prompt box and the export bar.  Narrow enough for a dock.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from musiccog.backend.base import Credits
from musiccog.panel.flow_layout import FlowLayout
from musiccog.panel.messages import SUGGESTED_PROMPTS
from musiccog.panel.picture import ON_BEAT_TOLERANCE_MS, TimelinePicture, cuts_on_beat
from musiccog.panel.timeline_view import TimelineView
from musiccog.panel.widgets import ErrorBanner, ExportBar, Transcript

__all__ = ["PanelLayout"]

_FIXED_CHOICES = (("Local (offline)", "local"), ("Cloud", "cloud"))


def _small_button(text: str, parent: QWidget) -> QPushButton:
    button = QPushButton(text.replace("&", "&&"), parent)
    button.setStyleSheet("QPushButton { padding: 2px 8px; border-radius: 9px;"
                         " border: 1px solid #9db4cc; background: #eef4fa; color: #23466b; }"
                         " QPushButton:disabled { color: #9aa7b4; border-color: #ccd6e0; }")
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setToolTip(f"Send: {text}")
    return button


class PanelLayout(QWidget):
    """Builds every widget of the panel; subclasses add behaviour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("AI Music Cog")
        self.setAcceptDrops(True)
        self.setMinimumWidth(300)
        root = QVBoxLayout(self)
        root.setContentsMargins(8, 8, 8, 8)
        root.setSpacing(6)

        head = QHBoxLayout()
        title = QLabel("<b>AI Music Cog</b>", self)
        self.status_label = QLabel("Connecting...", self)
        self.status_label.setObjectName("status")
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        head.addWidget(title)
        head.addWidget(self.status_label, 1)
        root.addLayout(head)

        backend_row = QHBoxLayout()
        self.backend_combo = QComboBox(self)
        self.backend_combo.setToolTip("Where the work runs (remembered for next time)")
        self.backend_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.backend_combo.setMinimumContentsLength(16)
        self.credits_label = QLabel(self)
        self.credits_label.setStyleSheet("color: #2f6b3a;")
        self.credits_label.hide()
        backend_row.addWidget(QLabel("Backend:", self))
        backend_row.addWidget(self.backend_combo, 1)
        backend_row.addWidget(self.credits_label)
        root.addLayout(backend_row)

        self.host_label = QLabel(self)
        self.host_label.setWordWrap(True)
        self.host_label.setStyleSheet("color: #555;")
        self.host_label.hide()
        root.addWidget(self.host_label)

        self.error_banner = ErrorBanner(self)
        root.addWidget(self.error_banner)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.transcript = Transcript(splitter)
        timeline = QGroupBox("Timeline", splitter)
        tl_layout = QVBoxLayout(timeline)
        tl_layout.setContentsMargins(6, 4, 6, 6)
        self.timeline_summary = QLabel("No timeline yet: add a video or ask for music.", timeline)
        self.timeline_summary.setWordWrap(True)
        self.timeline_summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.timeline_view = TimelineView(timeline)
        self.beat_label = QLabel(timeline)
        self.beat_label.setWordWrap(True)
        self.beat_label.setStyleSheet("color: #555;")
        tl_layout.addWidget(self.timeline_summary)
        tl_layout.addWidget(self.timeline_view)
        tl_layout.addWidget(self.beat_label)
        splitter.addWidget(self.transcript)
        splitter.addWidget(timeline)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        root.addWidget(splitter, 1)

        files = QHBoxLayout()
        self.add_button = QPushButton("Add files…", self)
        self.files_label = QLabel("No files attached (drop media here)", self)
        self.files_label.setWordWrap(True)
        self.files_label.setStyleSheet("color: #555;")
        self.files_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.clear_files_button = QPushButton("Clear", self)
        self.clear_files_button.hide()
        files.addWidget(self.add_button)
        files.addWidget(self.files_label, 1)
        files.addWidget(self.clear_files_button)
        root.addLayout(files)

        self.upload_bar = QProgressBar(self)
        self.upload_bar.setFormat("Uploading… %p%")
        self.upload_bar.hide()
        self.work_bar = QProgressBar(self)
        self.work_bar.setFormat("Working… %p%")
        self.work_bar.hide()
        root.addWidget(self.upload_bar)
        root.addWidget(self.work_bar)

        suggestions = QWidget(self)
        flow = FlowLayout(suggestions)
        self.suggestion_buttons = [_small_button(text, suggestions) for text in SUGGESTED_PROMPTS]
        for button in self.suggestion_buttons:
            flow.addWidget(button)
        root.addWidget(suggestions)

        prompt_row = QHBoxLayout()
        self.prompt = QLineEdit(self)
        self.prompt.setPlaceholderText("Ask for music, e.g. “calm piano, duck under the voice” "
                                       "— Enter sends")
        self.prompt.setClearButtonEnabled(True)
        self.send_button = QPushButton("Send", self)
        self.send_button.setDefault(True)
        self.stop_button = QPushButton("Stop", self)
        self.stop_button.hide()
        prompt_row.addWidget(self.prompt, 1)
        prompt_row.addWidget(self.send_button)
        prompt_row.addWidget(self.stop_button)
        root.addLayout(prompt_row)

        self.export_bar = ExportBar(self)
        root.addWidget(self.export_bar)

    # -- helpers used by the behaviour class --------------------------------------------
    def set_choice_in_combo(self, choice: str) -> None:
        """Fill the backend menu and select ``choice`` (a URL gets its own entry)."""
        combo = self.backend_combo
        combo.blockSignals(True)
        combo.clear()
        for label, data in _FIXED_CHOICES:
            combo.addItem(label, data)
        if choice not in ("local", "cloud"):
            combo.addItem(choice, choice)
        combo.addItem("Self-hosted server…", "__url__")
        index = combo.findData(choice)
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def show_files(self, paths: list[Path]) -> None:
        """List the attached files (or say how to attach some)."""
        names = ", ".join(p.name for p in paths)
        self.files_label.setText(f"Attached: {names} (sent with your next message)"
                                 if names else "No files attached (drop media here)")
        self.clear_files_button.setVisible(bool(paths))

    def show_credits(self, credits: Credits | None) -> None:
        """Show the cloud credit balance (hidden for backends without credits)."""
        if credits is None:
            self.credits_label.hide()
            return
        self.credits_label.setText(f"Credits: {credits.available:g} available")
        self.credits_label.setToolTip(f"{credits.frozen:g} reserved, {credits.total:g} in all")
        self.credits_label.show()

    def show_picture(self, picture: TimelinePicture) -> None:
        """Show the tracks (one summary line each) and the beats/cuts/ducking picture."""
        count = len(picture.lanes)
        head = f"Timeline ({count} track{'s' if count != 1 else ''}, " \
               f"{picture.duration_ms / 1000:.1f}s)"
        lines = [head] + [lane.label for lane in picture.lanes]
        self.timeline_summary.setText("\n".join(lines) if picture.lanes else f"{head}: empty")
        self.timeline_view.set_picture(picture)
        if picture.has_music and picture.cuts_ms:
            hits, cuts = cuts_on_beat(picture)
            self.beat_label.setText(
                f"Cuts on a beat: {hits} of {cuts} (within {ON_BEAT_TOLERANCE_MS:.0f} ms) · "
                "red = cuts, green = beats, orange = music level")
        elif picture.has_music:
            self.beat_label.setText("green = beats (tall = downbeats), orange = music level")
        else:
            self.beat_label.setText("red = cuts" if picture.cuts_ms else "")
