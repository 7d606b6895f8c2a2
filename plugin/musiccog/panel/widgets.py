"""The panel's parts: the reply transcript, the error banner and the export bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from musiccog.panel.messages import PanelMessage

__all__ = ["ErrorBanner", "ExportBar", "Transcript"]

_ROLE_STYLE = {
    # role: (prefix, prefix colour, text colour or None, italic)
    "you": ("You", "#2c6fb7", None, False),
    "cog": ("Cog", "#2f8a4c", None, False),
    "status": ("", "#888888", "#888888", True),
    "changed": ("Changed", "#b07a12", None, False),
    "error": ("Problem", "#c9302c", "#c9302c", False),
}


class Transcript(QTextBrowser):
    """The conversation; consecutive ``cog`` texts stream into one paragraph."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenExternalLinks(True)
        self.setPlaceholderText("Replies appear here. Try a suggestion below, "
                                "or drop a video or music file on the panel.")
        self._last_role = ""
        self._last_char = "\n"

    @property
    def last_role(self) -> str:
        """The role of the last paragraph ("" when empty)."""
        return self._last_role

    def add(self, role: str, text: str) -> None:
        """Append ``text`` as a new paragraph of ``role`` (you, cog, status, changed, error)."""
        prefix, prefix_colour, colour, italic = _ROLE_STYLE.get(role, _ROLE_STYLE["status"])
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        if not self.document().isEmpty():
            cursor.insertBlock()
        if prefix:
            fmt = QTextCharFormat()
            fmt.setFontWeight(QFont.Weight.Bold)
            fmt.setForeground(QColor(prefix_colour))
            cursor.insertText(f"{prefix}: ", fmt)
        cursor.insertText(text, self._body_format(colour, italic))
        self._finish(cursor, role, text)

    def stream(self, text: str) -> None:
        """Add a streamed reply chunk: continues the last ``cog`` paragraph, else starts one."""
        if self._last_role != "cog":
            self.add("cog", text)
            return
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        joiner = ""
        if text and not text[0].isspace() and self._last_char in ".!?:;…":
            joiner = " "
        cursor.insertText(joiner + text, self._body_format(None, False))
        self._finish(cursor, "cog", text)

    def _body_format(self, colour: str | None, italic: bool) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setFontWeight(QFont.Weight.Normal)
        fmt.setForeground(QColor(colour) if colour else self.palette().text().color())
        fmt.setFontItalic(italic)
        return fmt

    def _finish(self, cursor: QTextCursor, role: str, text: str) -> None:
        self.setTextCursor(cursor)
        self._last_role = role
        if text:
            self._last_char = text[-1]
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())


class ErrorBanner(QFrame):
    """A short message with the one action that fixes it; hidden when there is none."""

    action_requested = Signal(object)  # the PanelMessage

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setStyleSheet("#errorBanner { background: #fdecea; border: 1px solid #e0a39f;"
                           " border-radius: 4px; } QLabel { color: #7a1f1b; }")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.action_button = QPushButton(self)
        self.close_button = QPushButton("✕", self)
        self.close_button.setFlat(True)
        self.close_button.setFixedWidth(28)
        self.close_button.setToolTip("Dismiss")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 4, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.action_button)
        layout.addWidget(self.close_button)
        self.message: PanelMessage | None = None
        self.action_button.clicked.connect(self._act)
        self.close_button.clicked.connect(self.clear)
        self.hide()

    def show_message(self, message: PanelMessage) -> None:
        """Show ``message`` with its action button (none when it has no action)."""
        self.message = message
        self.label.setText(message.text)
        self.label.setToolTip(message.detail)
        self.action_button.setText(message.action_label)
        self.action_button.setVisible(bool(message.action_label))
        self.show()

    def clear(self) -> None:
        """Hide the banner."""
        self.message = None
        self.hide()

    def _act(self) -> None:
        if self.message is None:
            return
        if self.message.action == "link" and self.message.url:
            QDesktopServices.openUrl(QUrl(self.message.url))
        self.action_requested.emit(self.message)


class ExportBar(QWidget):
    """Export button, progress, cancel, and the finished file with "Show in folder"."""

    export_requested = Signal()
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.export_button = QPushButton("Export MP4", self)
        self.export_button.setToolTip("Render the timeline with its music to an MP4 file")
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.setFormat("Exporting… %p%")
        self.cancel_button = QPushButton("Cancel", self)
        self.result_label = QLabel(self)
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_button = QPushButton("Show in folder", self)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.export_button)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        done = QHBoxLayout()
        done.setContentsMargins(0, 0, 0, 0)
        done.addWidget(self.result_label, 1)
        done.addWidget(self.folder_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addLayout(done)
        self.path: Path | None = None
        self.export_button.clicked.connect(self.export_requested)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.folder_button.clicked.connect(self.show_in_folder)
        self.set_idle()

    def set_idle(self) -> None:
        """Ready to export (no progress shown)."""
        self.progress.hide()
        self.cancel_button.hide()
        self.export_button.setEnabled(True)
        self.folder_button.setVisible(self.path is not None)
        self.result_label.setVisible(self.path is not None)

    def set_running(self) -> None:
        """An export is running: progress and cancel shown, result hidden."""
        self.path = None
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.export_button.setEnabled(False)
        self.result_label.hide()
        self.folder_button.hide()

    def set_progress(self, done: float, total: float) -> None:
        """Progress as ``done``/``total`` (any unit)."""
        self.progress.setValue(int(round(100 * done / total)) if total else 0)

    def set_done(self, path: Path) -> None:
        """The export finished: show the file and "Show in folder"."""
        self.path = Path(path)
        self.progress.setValue(100)
        self.result_label.setText(f"Saved: {self.path}")
        self.set_idle()

    def show_in_folder(self) -> bool:
        """Open the folder holding the exported file in the system's file browser."""
        if self.path is None:
            return False
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path.parent)))
