"""``MusicCogPanel``: the dock panel widget (prompt, streamed replies, timeline, export).

The widget only shows things and starts jobs; every backend call runs on a
:class:`~musiccog.panel.worker.Job` thread through :mod:`musiccog.panel.actions`,
one job at a time.  The host timeline bridge, when given, is called on the UI
thread only.  Layout and widgets live in :mod:`musiccog.panel.layout`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

from musiccog.backend.base import ChatEvent, Credits
from musiccog.draft.model import Draft
from musiccog.errors import MusicCogError
from musiccog.panel import actions
from musiccog.panel.bridge import TimelineBridge, bridge_label
from musiccog.panel.files import check_files, dialog_filter
from musiccog.panel.layout import PanelLayout
from musiccog.panel.messages import STILL_WORKING, PanelMessage, describe_error
from musiccog.panel.picture import picture_from_draft
from musiccog.panel.runner import JobRunner
from musiccog.panel.settings import load_backend_choice, save_backend_choice, valid_choice
from musiccog.panel.worker import JobContext

__all__ = ["MusicCogPanel"]

#: Default silence before "⏳ Still working..." (the protocol's 2 minutes), in ms.
STILL_WORKING_MS = 120_000

_KIND_LABEL = {"local": "Local (offline)", "cloud": "Cloud", "self-hosted": "Self-hosted"}


class MusicCogPanel(PanelLayout):
    """The Music Cog panel; embed it in a ``QDockWidget`` or show it as a window.

    :param session_factory: ``factory(choice) -> Session``; default opens
        ``Session(open_backend(choice, host=host), host=host)``.
    :param host: the backend's host name ("panel", "resolve", "blender").
    :param timeline_bridge: the host timeline (:class:`TimelineBridge`), or None.
    :param backend_choice: "local", "cloud" or a server URL; default: the remembered one.
    :param files: files to attach at start (checked like dropped files).
    :param export_dir: where exports go (default: the user's Movies folder).
    :param still_working_ms: silence before "⏳ Still working..." is shown, ms.
    :param autoconnect: connect as soon as the event loop runs.

    ``state`` is "connecting", "ready", "busy" or "offline" (``state_changed`` signal).
    """

    state_changed = Signal(str)
    job_done = Signal(str, bool)  # job name, succeeded
    exported = Signal(str)  # path of the finished file

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        session_factory: Callable[[str], Any] | None = None,
        host: str = "panel",
        timeline_bridge: TimelineBridge | None = None,
        backend_choice: str | None = None,
        files: Sequence[str | Path] = (),
        export_dir: str | Path | None = None,
        still_working_ms: int = STILL_WORKING_MS,
        autoconnect: bool = True,
    ) -> None:
        super().__init__(parent)
        self.host = host
        self.bridge = timeline_bridge
        self._factory = session_factory or actions.default_session_factory(host)
        self.choice = backend_choice if backend_choice else load_backend_choice()
        movies = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MoviesLocation)
        self.export_dir = Path(export_dir or movies or Path.home())
        self.session: Any = None
        self.backend_kind = ""
        self.credits: Credits | None = None
        self.draft: Draft | None = None
        self.files: list[Path] = []
        self.state = "connecting"
        self._last_request: tuple[str, str, tuple[Path, ...]] | None = None
        self._last_still_working = 0.0
        self.runner = JobRunner(self, silence_ms=still_working_ms)
        self._wire()
        self.set_choice_in_combo(self.choice)
        if self.bridge is not None:
            self.host_label.setText(f"Timeline: {bridge_label(self.bridge)}")
            self.host_label.show()
        if files:
            self.add_files(files)
        self._set_state("connecting")
        if autoconnect:
            QTimer.singleShot(0, self.connect_backend)

    # -- wiring ---------------------------------------------------------------
    def _wire(self) -> None:
        self.prompt.returnPressed.connect(self.send_prompt)
        self.send_button.clicked.connect(self.send_prompt)
        self.stop_button.clicked.connect(self.cancel_job)
        self.add_button.clicked.connect(self.choose_files)
        self.clear_files_button.clicked.connect(self.clear_files)
        self.export_bar.export_requested.connect(self.export_video)
        self.export_bar.cancel_requested.connect(self.cancel_job)
        self.error_banner.action_requested.connect(self._on_banner_action)
        self.backend_combo.activated.connect(self._on_combo)
        for button in self.suggestion_buttons:
            button.clicked.connect(self._on_suggestion)
        self.runner.event.connect(self._on_event)
        self.runner.progress.connect(self._on_progress)
        self.runner.succeeded.connect(self._on_succeeded)
        self.runner.failed.connect(self._on_failed)
        self.runner.ended.connect(self._on_ended)
        self.runner.silent.connect(self._on_silence)

    # -- state ----------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """True while a job runs."""
        return self.runner.busy

    def _set_state(self, state: str) -> None:
        self.state = state
        ready = state == "ready"
        for widget in (self.send_button, self.prompt, self.add_button, *self.suggestion_buttons):
            widget.setEnabled(ready)
        self.export_bar.export_button.setEnabled(ready)
        self.backend_combo.setEnabled(state in ("ready", "offline"))
        self.stop_button.setVisible(state == "busy")
        if state == "connecting":
            self.status_label.setText("Connecting...")
        elif state == "offline":
            self.status_label.setText("Not connected")
        elif state == "ready":
            self.status_label.setText(f"Ready · {_KIND_LABEL.get(self.backend_kind, 'Backend')}")
        else:
            self.status_label.setText("Working…")
        self.state_changed.emit(state)

    # -- connection -------------------------------------------------------------
    def connect_backend(self, choice: str | None = None) -> None:
        """(Re)connect to ``choice`` (default: the current one) on a worker."""
        self.runner.stop()
        if choice:
            self.choice = choice
        old, self.session = self.session, None
        self.credits_label.hide()
        self._set_state("connecting")

        def work(ctx: JobContext) -> actions.Connected:
            if old is not None:
                actions._close(old)
            return actions.connect(ctx, self._factory, self.choice)

        self.runner.start("connect", work, watch_silence=False)

    def set_backend_choice(self, choice: str) -> bool:
        """Use and remember ``choice`` ("local", "cloud" or a server URL); reconnects."""
        choice = choice.strip()
        if not valid_choice(choice):
            self.show_error(MusicCogError(
                f"{choice!r} is not a backend: use local, cloud or an http(s):// server URL."))
            return False
        save_backend_choice(choice)
        self.set_choice_in_combo(choice)
        self.connect_backend(choice)
        return True

    def _on_combo(self, index: int) -> None:
        data = self.backend_combo.itemData(index)
        if data == "__url__":
            url, ok = QInputDialog.getText(self, "Self-hosted server",
                                           "Address of a 'musiccog serve' server:",
                                           text="http://127.0.0.1:8765")
            if not ok or not self.set_backend_choice(url):
                self.set_choice_in_combo(self.choice)
        elif data and data != self.choice:
            self.set_backend_choice(str(data))

    # -- files ------------------------------------------------------------------
    def add_files(self, paths: Iterable[str | Path]) -> bool:
        """Attach files for the next message after the format/500 MB checks."""
        try:
            checked = check_files(paths, extra_formats=self._extra_formats())
        except MusicCogError as exc:
            self.show_error(exc)
            return False
        for item in checked:
            if item.path not in self.files:
                self.files.append(item.path)
        self.show_files(self.files)
        return True

    def _extra_formats(self) -> tuple[str, ...]:
        """Suffixes only the local backend takes (it reads FLAC music)."""
        return ("flac",) if self.choice == "local" else ()

    def clear_files(self) -> None:
        """Detach every attached file."""
        self.files.clear()
        self.show_files(self.files)

    def choose_files(self) -> None:
        """Pick files with the system dialog."""
        names, _ = QFileDialog.getOpenFileNames(self, "Add media", str(Path.home()),
                                                dialog_filter())
        if names:
            self.add_files(names)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.add_files(paths)
            event.acceptProposedAction()

    # -- prompts ------------------------------------------------------------------
    def _on_suggestion(self) -> None:
        button = self.sender()
        if button is not None:
            self.send_prompt(button.text().replace("&&", "&"))

    def send_prompt(self, text: str | None = None) -> bool:
        """Send ``text`` (default: the prompt box) with the attached files; False if not sent."""
        if self.state != "ready":
            return False
        text = (self.prompt.text() if text is None else text).strip()
        files = tuple(self.files)
        if not text and not files:
            return False
        try:
            intent = actions.prompt_intent(text, files)
        except MusicCogError as exc:
            self.show_error(exc)
            return False
        if intent == "upload" and text and actions.is_media_path(text):
            if not self.add_files([actions.path_from_text(text)]):
                return False  # the checks said why; nothing was uploaded
            text, files = "", tuple(self.files)
        self.prompt.clear()
        if intent == "export":
            self.transcript.add("you", text)
            return self.export_video()
        host_draft = None
        if self.bridge is not None and intent == "chat":
            try:
                host_draft = self.bridge.read_draft()
            except MusicCogError as exc:
                self.show_error(exc)
                return False
        self.transcript.add("you", text or "upload " + ", ".join(p.name for p in files))
        self.clear_files()
        self._last_request = ("prompt", text, files)
        session = self.session
        self._start("prompt", lambda ctx: actions.run_prompt(ctx, session, text, files,
                                                             host_draft=host_draft))
        return True

    # -- export -------------------------------------------------------------------
    def export_video(self, dest: str | Path | None = None) -> bool:
        """Render the session's timeline to an MP4 (default: a new file in ``export_dir``)."""
        if self.state != "ready":
            return False
        target = Path(dest) if dest else actions.new_export_path(self.export_dir)
        self._last_request = ("export", str(target), ())
        self.export_bar.set_running()
        session = self.session
        self._start("export", lambda ctx: actions.export(ctx, session, target))
        return True

    # -- jobs -----------------------------------------------------------------------
    def _start(self, name: str, fn: Callable[[JobContext], Any]) -> None:
        self.error_banner.clear()
        self._set_state("busy")
        self.runner.start(name, fn)

    def cancel_job(self) -> None:
        """Ask the running job to stop (returns at once; the job ends on its own)."""
        if self.runner.busy:
            self.runner.cancel()
            self.status_label.setText("Stopping…")

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel the running job, wait for its thread, close the session; True if clean."""
        clean = self.runner.stop(timeout_ms)
        if self.session is not None:
            actions._close(self.session)
            self.session = None
        return clean

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.shutdown()
        super().closeEvent(event)

    def _on_event(self, event: object) -> None:
        if not isinstance(event, ChatEvent):
            return
        if event.kind == "text" and event.text:
            self.transcript.stream(event.text)
        elif event.kind == "changed":
            self.transcript.add("changed", event.text or "The timeline changed.")
        elif event.kind == "still_working":
            self._still_working(event.text or STILL_WORKING)
        elif event.kind == "error" and event.text:
            self.transcript.add("error", event.text)
        elif event.kind == "progress":
            percent = event.data.get("percent")
            if isinstance(percent, int | float):
                self._on_progress("work", float(percent), 100.0)
            return
        self.runner.touch()

    def _on_silence(self) -> None:
        self._still_working(STILL_WORKING)

    def _still_working(self, text: str) -> None:
        now = time.monotonic()
        if now - self._last_still_working >= self.runner.silence_ms / 2000.0:
            self.transcript.add("status", text)
            self._last_still_working = now

    def _on_progress(self, channel: str, done: float, total: float) -> None:
        value = int(round(100 * done / total)) if total else 0
        if channel == "export":
            self.export_bar.set_progress(done, total)
        elif channel == "upload":
            self.upload_bar.setValue(value)
            self.upload_bar.show()
        else:
            self.work_bar.setValue(value)
            self.work_bar.show()

    def _on_succeeded(self, name: str, result: object) -> None:
        if name == "connect" and isinstance(result, actions.Connected):
            self.session = result.session
            self.backend_kind = result.kind
            self._show_credits(result.credits)
            if result.draft is not None:
                self.set_draft(result.draft)
        elif name == "prompt" and isinstance(result, actions.TurnResult):
            if result.draft is not None:
                self.set_draft(result.draft)
            self._show_credits(result.credits)
            if result.outcome is not None and self.bridge is not None:
                self._place(result.outcome)
        elif name == "export" and isinstance(result, Path):
            self.export_bar.set_done(result)
            self.transcript.add("status", f"Exported: {result}")
            self.exported.emit(str(result))

    def _place(self, outcome: Any) -> None:
        try:
            report = self.bridge.apply(outcome.draft, bgm_path=getattr(outcome, "bgm_path", None))
        except MusicCogError as exc:
            self.show_error(exc)
            return
        if report is not None:
            self.transcript.add("changed", f"Added to the {self.host} timeline: {report}")

    def _on_failed(self, name: str, exc: object) -> None:
        if not isinstance(exc, BaseException):
            return
        message = describe_error(exc)
        if message.is_cancel:
            self.transcript.add("status", message.text)
        else:
            self.show_error(message)
            self.transcript.add("error", message.text)

    def _on_ended(self, name: str, ok: bool) -> None:
        self.upload_bar.hide()
        self.work_bar.hide()
        if name == "export" and self.export_bar.path is None:
            self.export_bar.set_idle()
        self._set_state("ready" if self.session is not None else "offline")
        self.job_done.emit(name, ok)

    # -- views ------------------------------------------------------------------------
    def set_draft(self, draft: Draft) -> None:
        """Show ``draft``: the tracks in summary style and the beats/cuts/ducking picture."""
        self.draft = draft
        picture = picture_from_draft(draft)
        self.show_picture(picture)

    def _show_credits(self, credits: Credits | None) -> None:
        self.credits = credits
        self.show_credits(credits)

    def show_error(self, error: BaseException | PanelMessage) -> PanelMessage:
        """Show ``error`` in the banner as a short message with its action."""
        message = error if isinstance(error, PanelMessage) else describe_error(error)
        self.error_banner.show_message(message)
        return message

    def _on_banner_action(self, message: PanelMessage) -> None:
        if message.action != "link":
            self.error_banner.clear()
        if message.action == "reconnect" or (message.action == "retry"
                                             and self.state == "offline"):
            self.connect_backend()
        elif message.action == "retry" and self.state == "ready":
            if self._last_request is None:
                return
            kind, text, files = self._last_request
            if kind == "export":
                self.export_video(text)
            else:
                self.files = list(files)
                self.send_prompt(text)
        elif message.action == "choose_file":
            self.choose_files()
        elif message.action == "local":
            self.set_backend_choice("local")
