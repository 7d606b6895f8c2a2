"""FFmpeg as a subprocess: locate it, run it with progress and cancellation, probe files.

FFmpeg comes from the ``imageio-ffmpeg`` wheel (``imageio_ffmpeg.get_ffmpeg_exe()``);
that wheel ships no ``ffprobe``, so :func:`probe` parses the stream lines that
``ffmpeg -i FILE`` prints on stderr.  Frame rates are returned as exact
:class:`fractions.Fraction` values (29.97 → 30000/1001, 23.976 → 24000/1001).

Errors::

    MusicCogError
     └── FFmpegError              FFmpeg failed; carries ``returncode`` and ``stderr_tail``
          └── FFmpegNotFound      the imageio-ffmpeg binary is missing
"""

from __future__ import annotations

import collections
import re
import subprocess
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from musiccog.errors import MusicCogError
from musiccog.jobs import Cancelled, CancelToken, ProgressCallback, check_cancel, report

#: Lines of FFmpeg's stderr kept for error messages.
STDERR_TAIL_LINES = 25

#: NTSC rates that FFmpeg prints rounded ("23.98 fps", "29.97 fps"): exact values.
_NTSC_RATES = tuple(Fraction(n * 1000, 1001) for n in (24, 30, 48, 60, 120))


class FFmpegError(MusicCogError):
    """FFmpeg exited with an error; ``stderr_tail`` holds its last lines."""

    exit_code = 1

    def __init__(self, message: str, *, returncode: int | None = None, stderr_tail: str = ""):
        full = message if not stderr_tail else f"{message}\nFFmpeg said:\n{stderr_tail}"
        super().__init__(full)
        self.returncode = returncode
        self.stderr_tail = stderr_tail


class FFmpegNotFound(FFmpegError):
    """The FFmpeg binary of the imageio-ffmpeg wheel could not be found."""


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """Path of the FFmpeg binary shipped by imageio-ffmpeg.

    :raises FFmpegNotFound: imageio-ffmpeg is not installed or has no binary.
    """
    try:
        import imageio_ffmpeg
    except ImportError:
        raise FFmpegNotFound(
            "imageio-ffmpeg is not installed; install the engine extra: "
            "pip install 'ai-music-cog[engine]'."
        ) from None
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:
        raise FFmpegNotFound(
            f"no FFmpeg binary found ({exc}); reinstall imageio-ffmpeg or set IMAGEIO_FFMPEG_EXE."
        ) from None


class _StderrTail:
    """Reads a pipe on a thread, keeping the last lines and calling a per-line hook."""

    def __init__(self, pipe, on_line=None) -> None:  # noqa: ANN001 - a binary file object
        self.lines: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL_LINES)
        self._pipe = pipe
        self._on_line = on_line
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for raw in iter(self._pipe.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip()
            if self._on_line is not None:
                self._on_line(line)
            if line:
                self.lines.append(line)
        self._pipe.close()

    def join(self) -> str:
        self._thread.join(timeout=10)
        return "\n".join(self.lines)


def _watch_cancel(proc: subprocess.Popen, cancel: CancelToken | None) -> threading.Event:
    """Terminate ``proc`` when ``cancel`` is set; returns an event that stops the watcher."""
    done = threading.Event()
    if cancel is None:
        return done

    def watch() -> None:
        while not done.wait(0.05):
            if cancel.cancelled:
                if proc.poll() is None:
                    proc.terminate()
                return

    threading.Thread(target=watch, daemon=True).start()
    return done


def _feed_stdin(proc: subprocess.Popen, chunks: Iterable[bytes], errors: list) -> threading.Thread:
    """Write ``chunks`` to FFmpeg's stdin on a thread; an exception lands in ``errors``."""

    def feed() -> None:
        assert proc.stdin is not None
        try:
            for chunk in chunks:
                proc.stdin.write(chunk)
        except (BrokenPipeError, OSError):
            pass  # FFmpeg stopped reading: its own exit code tells why
        except BaseException as exc:  # noqa: BLE001 - re-raised on the caller's thread
            errors.append(exc)
            proc.terminate()
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:  # a generator: run its clean-up (its own FFmpeg pipes)
                close()
            try:
                proc.stdin.close()
            except OSError:
                pass

    thread = threading.Thread(target=feed, daemon=True)
    thread.start()
    return thread


def run_ffmpeg(
    args: Sequence[str],
    *,
    duration_s: float | None = None,
    on_progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    what: str = "FFmpeg",
    stdin_chunks: Iterable[bytes] | None = None,
) -> None:
    """Run ``ffmpeg ARGS`` to completion, reporting progress (0–100) from ``-progress``.

    :param args: arguments after the binary (inputs, filters, outputs).
    :param duration_s: expected output duration in seconds, for the percentage.
    :param what: what the run does, for error messages ("rendering out.mp4").
    :param stdin_chunks: bytes fed to FFmpeg's stdin from a thread (an input ``pipe:0``);
        an exception raised while producing them is re-raised here.
    :raises Cancelled: ``cancel`` was set; FFmpeg was terminated.
    :raises FFmpegError: FFmpeg exited non-zero (message has its stderr tail).
    """
    check_cancel(cancel)
    stdin_opt = [] if stdin_chunks is not None else ["-nostdin"]
    cmd = [ffmpeg_exe(), "-hide_banner", *stdin_opt, "-nostats", "-progress", "pipe:1", *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.PIPE if stdin_chunks is not None else None)
    tail = _StderrTail(proc.stderr)
    stop = _watch_cancel(proc, cancel)
    feed_errors: list[BaseException] = []
    feeder = _feed_stdin(proc, stdin_chunks, feed_errors) if stdin_chunks is not None else None
    try:
        assert proc.stdout is not None
        for raw in iter(proc.stdout.readline, b""):
            key, _, value = raw.decode("ascii", "replace").strip().partition("=")
            if key == "out_time_us" and duration_s and value.lstrip("-").isdigit():
                done_pct = min(100.0, max(0.0, int(value) / 1e6 / duration_s * 100.0))
                report(on_progress, done_pct, 100.0)
        returncode = proc.wait()
    finally:
        stop.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if feeder is not None:
            feeder.join(timeout=30)
    stderr_tail = tail.join()
    if cancel is not None and cancel.cancelled:
        raise Cancelled("cancelled by the user")
    if feed_errors:
        raise feed_errors[0]
    if returncode != 0:
        raise FFmpegError(f"{what} failed (FFmpeg exit code {returncode}).",
                          returncode=returncode, stderr_tail=stderr_tail)
    report(on_progress, 100.0, 100.0)


@dataclass
class PipeRun:
    """A running FFmpeg whose stdout is read by the caller (see :func:`open_pipe`)."""

    proc: subprocess.Popen
    stderr: _StderrTail

    def read(self, n_bytes: int) -> bytes:
        """Read up to ``n_bytes`` (fewer only at the end of the stream)."""
        assert self.proc.stdout is not None
        chunks, got = [], 0
        while got < n_bytes:
            chunk = self.proc.stdout.read(n_bytes - got)
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)


@contextmanager
def open_pipe(
    args: Sequence[str],
    *,
    cancel: CancelToken | None = None,
    on_stderr_line=None,  # noqa: ANN001 - Callable[[str], None]
    what: str = "FFmpeg",
    check: bool = True,
) -> Iterator[PipeRun]:
    """Start ``ffmpeg ARGS`` (which should write to ``pipe:1``) and yield it for reading.

    On leaving the block FFmpeg is stopped if still running; with ``check`` a
    non-zero exit after the caller read everything raises :class:`FFmpegError`.
    ``on_stderr_line`` is called on a reader thread with each stderr line.
    """
    check_cancel(cancel)
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            bufsize=1 << 16)
    run = PipeRun(proc, _StderrTail(proc.stderr, on_stderr_line))
    stop = _watch_cancel(proc, cancel)
    finished = stopped_early = False
    try:
        yield run
        finished = True
    finally:
        stop.set()
        if proc.poll() is None:
            stopped_early = True
            if not finished:
                proc.kill()
            else:  # the caller read what it needed: stop FFmpeg without draining
                proc.terminate()
        if proc.stdout is not None:
            proc.stdout.close()
        returncode = proc.wait()
        stderr_tail = run.stderr.join()
    if cancel is not None and cancel.cancelled:
        raise Cancelled("cancelled by the user")
    if check and finished and not stopped_early and returncode != 0:
        raise FFmpegError(f"{what} failed (FFmpeg exit code {returncode}).",
                          returncode=returncode, stderr_tail=stderr_tail)


# -- probing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MediaInfo:
    """What ``ffmpeg -i`` says about a file.

    ``duration_s``: container duration in seconds (None when unknown);
    ``fps``: the video's average frame rate as an exact fraction (None without video);
    ``tbr``: FFmpeg's guess of the base rate; differing from ``fps`` hints at VFR.
    """

    path: str
    format_name: str
    duration_s: float | None
    start_s: float
    video_codec: str | None
    width: int | None
    height: int | None
    fps: Fraction | None
    tbr: Fraction | None
    audio_codec: str | None
    audio_rate_hz: int | None
    audio_channels: int | None

    @property
    def has_video(self) -> bool:
        return self.video_codec is not None

    @property
    def has_audio(self) -> bool:
        return self.audio_codec is not None

    @property
    def maybe_vfr(self) -> bool:
        """True when the average rate and FFmpeg's base rate disagree (a VFR hint)."""
        if self.fps is None or self.tbr is None:
            return False
        return abs(float(self.fps) - float(self.tbr)) > 0.01 * float(self.tbr)


def exact_rate(value: str | float) -> Fraction:
    """A frame rate as an exact fraction; NTSC values (29.97, 23.98, 59.94) → n*1000/1001.

    Accepts FFmpeg's spellings: ``"30"``, ``"29.97"``, ``"23.98"``, ``"30000/1001"``, ``"25k"``.
    """
    text = str(value).strip()
    if "/" in text:
        num, den = text.split("/", 1)
        frac = Fraction(int(num), int(den))
    else:
        mult = 1000 if text.endswith("k") else 1
        frac = Fraction(text.rstrip("k")).limit_denominator(1001) * mult
    for ntsc in _NTSC_RATES:
        if abs(float(frac) - float(ntsc)) < 0.006:
            return ntsc
    return frac


_DURATION_RE = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_START_RE = re.compile(r"start: (-?\d+(?:\.\d+)?)")
_INPUT_RE = re.compile(r"^Input #0, ([^,]+(?:,[^,]+)*?), from ")
_STREAM_RE = re.compile(r"Stream #0:\d+(?:\[0x[0-9a-f]+\])?(?:\([^)]*\))?: (Video|Audio): (\w+)")
_SIZE_RE = re.compile(r"\b(\d{2,5})x(\d{2,5})\b")
_FPS_RE = re.compile(r"([\d.]+k?) fps")
_TBR_RE = re.compile(r"([\d.]+k?) tbr")
_HZ_RE = re.compile(r"(\d+) Hz, ([^,]+)")


def parse_probe(path: str, stderr: str) -> MediaInfo:
    """Parse the stderr of ``ffmpeg -i FILE`` (pure; the first video/audio stream counts)."""
    fmt = ""
    duration_s: float | None = None
    start_s = 0.0
    vcodec = acodec = None
    width = height = rate_hz = channels = None
    fps = tbr = None
    for line in stderr.splitlines():
        stripped = line.strip()
        if m := _INPUT_RE.match(stripped):
            fmt = m.group(1)
        if stripped.startswith("Duration:"):
            if m := _DURATION_RE.search(stripped):
                h, mnt, sec = m.groups()
                duration_s = int(h) * 3600 + int(mnt) * 60 + float(sec)
            if m := _START_RE.search(stripped):
                start_s = float(m.group(1))
        m = _STREAM_RE.search(stripped)
        if not m:
            continue
        kind, codec = m.groups()
        if kind == "Video" and vcodec is None and "attached pic" not in stripped:
            vcodec = codec
            if s := _SIZE_RE.search(stripped[m.end():]):
                width, height = int(s.group(1)), int(s.group(2))
            if f := _FPS_RE.search(stripped):
                fps = exact_rate(f.group(1))
            if t := _TBR_RE.search(stripped):
                tbr = exact_rate(t.group(1))
            if fps is None:
                fps = tbr
        elif kind == "Audio" and acodec is None:
            acodec = codec
            if a := _HZ_RE.search(stripped):
                rate_hz = int(a.group(1))
                layout = a.group(2).strip()
                channels = {"mono": 1, "stereo": 2}.get(layout)
                if channels is None and (c := re.match(r"(\d+)", layout)):
                    channels = int(c.group(1))
                if channels is None and "5.1" in layout:
                    channels = 6
    return MediaInfo(path, fmt, duration_s, start_s, vcodec, width, height, fps, tbr,
                     acodec, rate_hz, channels)


def probe(path: str | Path) -> MediaInfo:
    """Probe a media file with ``ffmpeg -i``.

    :raises FFmpegError: FFmpeg cannot open or parse the file.
    """
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)]
    out = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
    text = out.stderr.decode("utf-8", "replace")
    if "Input #0" not in text:
        tail = "\n".join(text.strip().splitlines()[-5:])
        raise FFmpegError(f"FFmpeg cannot read {path}.", returncode=out.returncode,
                          stderr_tail=tail)
    return parse_probe(str(path), text)
