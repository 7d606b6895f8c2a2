"""``musiccog sync``, ``musiccog analyze`` and ``musiccog demo``: the offline engine.

Every output is checked before any work (suffix, not the input, not existing unless
``--force``), the engine works in a temporary folder, and outputs are written
atomically at the end; if anything fails, files this run wrote are removed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from musiccog.errors import InputFileError

#: The prompt ``musiccog demo`` uses (the README's main job).
DEMO_PROMPT = "sync background music to match the video tempo and mood"
_REPO_SHARED_CLIP = Path(__file__).resolve().parents[3].parent / "shared/media/old_town_30s.mp4"


class OutputPathError(InputFileError):
    """An output path that cannot be used (wrong suffix, the input itself, exists)."""


class ProgressBar:
    """A one-line terminal progress bar on stderr (drawn only when stderr is a terminal)."""

    def __init__(self, label: str, *, width: int = 30, stream=None) -> None:  # noqa: ANN001
        self.label, self.width = label, width
        self.stream = stream or sys.stderr
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last = -1

    def __call__(self, done: float, total: float) -> None:
        pct = int(max(0.0, min(100.0, 100.0 * done / total if total else 0.0)))
        if not self.enabled or pct == self._last:
            return
        self._last = pct
        filled = self.width * pct // 100
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r{self.label:<10} [{bar}] {pct:3d}%")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._last >= 0:
            self.stream.write("\n")
            self.stream.flush()


def _check_outputs(inputs: list[Path], outputs: dict[str, Path | None], force: bool) -> None:
    suffixes = {"video": (".mp4",), "draft": (".json", ".draft"), "otio": (".otio",),
                "plot": (".png",)}
    resolved_inputs = {p.resolve() for p in inputs if p.exists()}
    for kind, path in outputs.items():
        if path is None:
            continue
        if path.suffix.lower() not in suffixes[kind]:
            raise OutputPathError(f"{path}: the {kind} output must end in "
                                  f"{' or '.join(suffixes[kind])}.")
        if path.exists() and path.resolve() in resolved_inputs:
            raise OutputPathError(f"{path} is an input file; choose another output path.")
        if path.is_dir():
            raise OutputPathError(f"{path} is a folder; give a file name.")
        if path.exists() and not force:
            raise OutputPathError(f"{path} exists; pass --force to replace it.")


def _atomic_via(path: Path, write) -> None:  # noqa: ANN001 - Callable[[Path], object]
    """Call ``write(tmp)`` for a temporary file beside ``path``, then rename it over."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs get the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_plot(result, path: Path) -> None:  # noqa: ANN001 - SyncResult
    import soundfile

    from musiccog.engine.plot import plot_sync

    samples, rate = soundfile.read(result.bgm_path, dtype="float32", always_2d=True)
    _atomic_via(path, lambda tmp: plot_sync(tmp, music_samples=samples.mean(axis=1),
                                            sample_rate_hz=rate, plan=result.plan,
                                            video=result.video))


def _write_otio(draft, path: Path) -> None:  # noqa: ANN001 - Draft
    import opentimelineio as otio

    from musiccog.otio_mapping import draft_to_otio

    timeline = draft_to_otio(draft)
    _atomic_via(path, lambda tmp: otio.adapters.write_to_file(timeline, str(tmp)))


def _relink_bgm(draft, old: Path, new: Path):  # noqa: ANN001, ANN202 - Draft
    from musiccog.draft import parse_draft

    data = draft.to_json()
    for track in data.get("t", []):
        for seg in track.get("sg", []) or []:
            if seg.get("src") == str(old):
                seg["src"] = str(new)
    return parse_draft(data)


def run_sync(video: Path, *, output: Path, draft_path: Path | None, otio_path: Path | None,
             plot_path: Path | None, music: Path | None, library: Path | None, prompt: str,
             force: bool, preset: str = "auto", quiet: bool = False) -> tuple:
    """Sync, render and write every requested output.

    :returns: ``(result, draft, report)``: the engine's :class:`SyncResult`, the draft as
        written (BGM relinked to the kept WAV) and the report with timings and outputs.
    """
    from musiccog.draft import summarize, write_draft
    from musiccog.engine.facade import sync_video
    from musiccog.engine.render import render_draft

    inputs = [p for p in (video, music) if p is not None]
    _check_outputs(inputs, {"video": output, "draft": draft_path, "otio": otio_path,
                            "plot": plot_path}, force)
    written: list[Path] = []
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="musiccog-sync-") as work:
        bar = ProgressBar("analysing")
        try:
            result = sync_video(video, music_path=music, library_dir=library, prompt=prompt,
                                on_progress=bar, work_dir=work)
        finally:
            bar.close()
        try:
            draft = result.draft
            keep = draft_path or otio_path
            if keep is not None:
                bgm = keep.with_name(keep.name.split(".")[0] + ".bgm.wav")
                _atomic_via(bgm, lambda tmp: shutil.copyfile(result.bgm_path, tmp))
                written.append(bgm)
                draft = _relink_bgm(draft, result.bgm_path, bgm)
            bar = ProgressBar("rendering")
            t0 = time.perf_counter()
            try:
                render_draft(draft, output, on_progress=bar, preset=preset)
            finally:
                bar.close()
            written.append(output)
            render_s = time.perf_counter() - t0
            if draft_path is not None:
                write_draft(draft, draft_path)
                written.append(draft_path)
            if otio_path is not None:
                _write_otio(draft, otio_path)
                written.append(otio_path)
            if plot_path is not None:
                _write_plot(result, plot_path)
                written.append(plot_path)
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
    report = dict(result.report)
    report["timings_s"] = {**report.get("timings_s", {}), "render_s": round(render_s, 3),
                           "total_s": round(time.perf_counter() - t_start, 3)}
    report["outputs"] = [str(p) for p in written]
    if not quiet:
        print(summarize(draft))
        for line in result.messages:
            print(f"  {line}")
        print("wrote " + ", ".join(str(p) for p in written))
    return result, draft, report


def _sync(args: argparse.Namespace) -> int:
    video = Path(args.video)
    output = Path(args.output) if args.output else Path(f"{video.stem}_synced.mp4")
    run_sync(video, output=output, draft_path=_opt(args.draft), otio_path=_opt(args.otio),
             plot_path=_opt(args.plot), music=_opt(args.music), library=_opt(args.library),
             prompt=args.prompt, force=args.force, preset=args.preset)
    return 0


def _opt(value: str | None) -> Path | None:
    return Path(value) if value else None


def analysis_dict(path: Path) -> dict:
    """``musiccog analyze`` data: music → tempo/beats/downbeats/sections/LUFS,
    video → duration/fps/cuts/speech (seconds from the file's start; more keys allowed)."""
    from musiccog.engine.media_check import AUDIO_SUFFIXES, check_media

    check_media(path, "any")
    if path.suffix.lower() in AUDIO_SUFFIXES:
        from musiccog.engine.music import analyze_music

        m = analyze_music(path)
        return {"kind": "music", "tempo_bpm": round(m.tempo_bpm, 3),
                "beats": [round(b, 4) for b in m.beats_s],
                "downbeats": [round(b, 4) for b in m.downbeats_s],
                "sections": [round(b, 4) for b in m.sections_s],
                "loudness_lufs": round(m.loudness_lufs, 2), "duration_s": m.duration_s,
                "beats_per_bar": m.beats_per_bar, "has_natural_ending": m.has_natural_ending}
    from musiccog.engine.video import analyze_video

    v = analyze_video(path)
    return {"kind": "video", "duration_s": v.duration_s, "fps": v.fps, "cuts": list(v.cuts_s),
            "speech": [list(s) for s in v.speech_s], "width": v.width, "height": v.height,
            "loudness_lufs": v.loudness_lufs, "motion": v.motion, "is_vfr": v.is_vfr,
            "has_audio": v.has_audio}


def _analyze(args: argparse.Namespace) -> int:
    data = analysis_dict(Path(args.file))
    if args.json:
        print(json.dumps(data))
        return 0
    if data["kind"] == "music":
        print(f"{args.file}: {data['tempo_bpm']:.1f} BPM, {len(data['beats'])} beats, "
              f"{len(data['downbeats'])} bars, sections at {data['sections']}, "
              f"{data['loudness_lufs']} LUFS")
    else:
        print(f"{args.file}: {data['duration_s']:.3f} s at {data['fps']} fps "
              f"({data['width']}x{data['height']}{', VFR' if data['is_vfr'] else ''}); "
              f"cuts at {data['cuts']}; speech {data['speech']}; "
              f"loudness {data['loudness_lufs']} LUFS")
    return 0


def demo_clip(out_dir: Path) -> tuple[Path, bool]:
    """The shared clip when ``../shared`` is there, else a demo clip made in ``out_dir``."""
    for candidate in (_REPO_SHARED_CLIP, Path.cwd().parent / "shared/media/old_town_30s.mp4"):
        if candidate.is_file():
            return candidate, True
    from musiccog.engine.video.demo_clip import make_demo_clip

    out_dir.mkdir(parents=True, exist_ok=True)
    return make_demo_clip(out_dir / "demo_clip.mp4"), False


def _demo(args: argparse.Namespace) -> int:
    from musiccog.engine.ffmpeg import probe
    from musiccog.engine.render import added_audio_levels_db

    out_dir = Path(args.output_dir)
    clip, shared = demo_clip(out_dir)
    print(f"demo clip: {clip}" + ("" if shared else " (made by the project: lavfi shots + a "
                                                    "synthetic voice-like sentence)"))
    _, _, report = run_sync(clip, output=out_dir / "demo.mp4",
                            draft_path=out_dir / "demo.draft.json",
                            otio_path=out_dir / "demo.otio", plot_path=out_dir / "demo.png",
                            music=None, library=None, prompt=DEMO_PROMPT, force=True)
    video = report["video"]
    info = probe(out_dir / "demo.mp4")
    levels = added_audio_levels_db(out_dir / "demo.mp4", clip, video["speech_s"],
                                   duration_s=video["duration_s"])
    print("measured:")
    print(f"  picture: {video['duration_s']:.3f} s at {video['fps']} fps, cuts at "
          f"{video['cuts_s']}, speech {video['speech_s']}, {video['loudness_lufs']} LUFS")
    print(f"  music: {report['music']['source']}, {report['tempo_bpm']:.1f} BPM; cuts on a "
          f"beat (±50 ms) {report['cut_share_before']:.0%} → {report['cut_share_after']:.0%}")
    print(f"  demo.mp4: {info.duration_s} s, {info.video_codec} {info.width}x{info.height} + "
          f"{info.audio_codec}; music {levels['elsewhere_db']} dBFS away from speech, "
          f"{levels['under_speech_db']} dBFS under speech (ducked {levels['duck_db']} dB)")
    timings = report["timings_s"]
    print("  time: " + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``sync``, ``analyze`` and ``demo``."""
    sync = subparsers.add_parser("sync", help="fit background music to a video and render it")
    sync.add_argument("video", help="mp4, mov, avi, webm or mkv (up to 500 MB)")
    source = sync.add_mutually_exclusive_group()
    source.add_argument("--music", help="the music to fit (wav, mp3, m4a, aac, flac)")
    source.add_argument("--library", help="a folder of music: the best fit is used")
    sync.add_argument("--prompt", default="", help='e.g. "upbeat, music at 35%%, fade out 3 s"')
    sync.add_argument("-o", "--output", help="the rendered MP4 (default VIDEO_synced.mp4)")
    sync.add_argument("--draft", help="also write the draft (.json/.draft) and its BGM WAV")
    sync.add_argument("--otio", help="also write an OpenTimelineIO timeline (.otio)")
    sync.add_argument("--plot", help="also draw music, beats, cuts and ducking (.png)")
    sync.add_argument("--preset", default="auto", choices=["auto", "16:9", "9:16", "1:1"],
                      help="output frame: auto keeps the clip (stream copy when possible)")
    sync.add_argument("--force", action="store_true", help="replace existing output files")
    sync.set_defaults(func=_sync)
    analyze = subparsers.add_parser("analyze", help="beats of a song or cuts/speech of a video")
    analyze.add_argument("file", help="a music or video file")
    analyze.add_argument("--json", action="store_true", help="print JSON")
    analyze.set_defaults(func=_analyze)
    demo = subparsers.add_parser("demo", help="run the main job on a demo clip, offline")
    demo.add_argument("-o", "--output-dir", default="out", help="folder for the results")
    demo.set_defaults(func=_demo)
