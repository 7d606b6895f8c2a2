"""Benchmark of the offline engine on a 2-minute 1080p30 H.264 clip and a 3-minute song.

Prints, measured in the same run on this machine:

- cut detection throughput (frames/s) against a bare FFmpeg decode of the same
  file (``ffmpeg -i clip -an -f null -``), and their ratio (goal ≥ 0.8);
- music analysis time per minute of audio: first run (cold cache, in a process
  where numba is already compiled) and cached (goal ≤ 1 s per minute);
- the whole ``musiccog sync --music song`` with stream copy, as a fresh process:
  cold (empty analysis cache) and warm (goal ≤ 15 s);
- peak memory of the ``musiccog sync`` process tree (Python + FFmpeg children, RSS
  summed, sampled from /proc every 50 ms); with ``--large``, a ~500 MB clip is made and synced
  too (goal ≤ 1 GB).

Run: ``.venv/bin/python bench/bench_engine.py [--work DIR] [--large]``.  Generated
media are kept in ``--work`` (default ``/tmp/musiccog-bench``) and reused.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from musiccog.engine.ffmpeg import ffmpeg_exe, probe
from musiccog.engine.video.cuts import detect_cuts
from musiccog.engine.video.scan import scan_frames

SOURCES = ("testsrc2", "smptebars", "mandelbrot", "rgbtestsrc", "testsrc", "yuvtestsrc")


def make_clip(path: Path, *, seconds: float, bitrate: str | None, seed: int = 1) -> list[float]:
    """A 1080p30 H.264 + AAC clip of shots 1.5–6 s long; returns the true cut times."""
    rng = random.Random(seed)
    frames_left, shots = round(seconds * 30), []
    while frames_left > 0:
        n = min(frames_left, rng.randint(45, 180))
        shots.append(n)
        frames_left -= n
    parts, labels, cuts, acc = [], [], [], 0
    for i, n in enumerate(shots):
        parts.append(f"{SOURCES[i % len(SOURCES)]}=s=1920x1080:r=30,trim=end_frame={n},"
                     f"setpts=PTS-STARTPTS,format=yuv420p[v{i}]")
        labels.append(f"[v{i}]")
        if i:
            cuts.append(acc / 30)
        acc += n
    graph = ";".join(parts) + ";" + "".join(labels) + f"concat=n={len(labels)}:v=1:a=0[v]"
    # a set bitrate is constant (x264 pads with filler data), so the file really has that size
    rate = (["-b:v", bitrate, "-minrate", bitrate, "-maxrate", bitrate, "-bufsize", bitrate,
             "-x264-params", "nal-hrd=cbr"] if bitrate else ["-crf", "23"])
    if not path.exists():
        tmp = path.with_suffix(".tmp.mp4")
        subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
                        "-filter_complex", graph, "-f", "lavfi", "-i",
                        f"sine=frequency=220:sample_rate=48000:d={seconds}",
                        "-map", "[v]", "-map", "0:a", "-c:v", "libx264", "-preset", "veryfast",
                        *rate, "-g", "60", "-pix_fmt", "yuv420p", "-c:a", "aac", "-t",
                        str(seconds), str(tmp)], check=True)
        tmp.replace(path)
    return cuts


def make_song(path: Path, seconds: float) -> str:
    """A 3-minute song: the procedural backing track when that module exists, else a mix."""
    if path.exists():
        return "reused"
    try:
        from musiccog.engine.procedural import synthesize_backing

        synthesize_backing(path, duration_s=seconds, tempo_bpm=118.0, mood="upbeat", seed=3)
        return "procedural backing track"
    except ImportError:
        import soundfile

        sr = 44100
        t = np.arange(int(seconds * sr)) / sr
        beat = 60 / 118
        phase = (t % beat) / beat
        kick = np.sin(2 * np.pi * 60 * t) * np.exp(-phase * 12)
        chord = sum(np.sin(2 * np.pi * f * t) for f in (220, 277.2, 329.6)) * 0.1
        soundfile.write(path, (0.4 * kick + chord).astype(np.float32), sr)
        return "click + chord mix"


def timed(func):  # noqa: ANN001, ANN201
    t0 = time.perf_counter()
    value = func()
    return time.perf_counter() - t0, value


def _cpu_s() -> float:
    """CPU seconds (user + system) of this process and its finished children."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def bare_decode_s(clip: Path) -> float:
    return timed(lambda: subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(clip), "-an", "-sn",
         "-f", "null", "-"], check=True))[0]


def _tree_rss_mb(root_pid: int) -> float:
    """Resident memory (MB) of ``root_pid`` and all its descendants, read from /proc."""
    parents: dict[int, int] = {}
    rss_pages: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])  # ppid
        rss_pages[int(entry)] = int(fields[21])  # rss, pages
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        pid = frontier.pop()
        kids = [p for p, pp in parents.items() if pp == pid and p not in tree]
        tree.update(kids)
        frontier.extend(kids)
    page = os.sysconf("SC_PAGE_SIZE")
    return sum(rss_pages.get(p, 0) for p in tree) * page / 1e6


def run_cli_sync(clip: Path, song: Path, out: Path, cache: Path) -> tuple[float, float]:
    """Run ``musiccog sync`` in a fresh process: (wall s, peak RSS of its process tree, MB).

    The tree (the Python process and its FFmpeg children) is sampled every 50 ms from
    /proc, so the peak is of the sum of processes alive at once (getrusage's max RSS
    of children is inflated on Linux: a forked child inherits its parent's mark).
    """
    import threading

    env = {**os.environ, "MUSICCOG_CACHE_DIR": str(cache)}
    cmd = [sys.executable, "-m", "musiccog", "sync", str(clip), "--music", str(song),
           "-o", str(out), "--force"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    peak = [0.0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss_mb(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - t0
    sampler.join()
    if proc.returncode != 0:
        print(stdout, stderr)
        raise SystemExit("musiccog sync failed")
    return seconds, peak[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "musiccog-bench"))
    parser.add_argument("--large", action="store_true", help="also sync a ~500 MB clip")
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)

    clip, song = work / "clip_2min_1080p30.mp4", work / "song_3min.wav"
    t_make, cuts_true = timed(lambda: make_clip(clip, seconds=120, bitrate=None))
    how = make_song(song, 180)
    info = probe(clip)
    print(f"clip: {clip.stat().st_size / 1e6:.0f} MB, {info.width}x{info.height} "
          f"{float(info.fps):g} fps, {info.duration_s} s, {len(cuts_true)} cuts "
          f"(made/reused in {t_make:.1f} s); song: {how}")

    # 1. cut detection vs bare decode, interleaved, best of 3 each; wall and CPU time
    n_frames = round(info.duration_s * 30)
    bare, ours, bare_cpu, ours_cpu, scan = [], [], [], [], None
    for _ in range(3):
        c0 = _cpu_s()
        bare.append(bare_decode_s(clip))
        c1 = _cpu_s()
        seconds, scan = timed(lambda: scan_frames(clip))
        cut_idx = detect_cuts(scan.diffs)
        c2 = _cpu_s()
        ours.append(seconds)
        bare_cpu.append(c1 - c0)
        ours_cpu.append(c2 - c1)
    found = scan.times_s[cut_idx]
    exact = sum(1 for c in cuts_true if np.min(np.abs(found - c)) < 1 / 60)
    print(f"bare FFmpeg decode: {n_frames / min(bare):.0f} fps ({min(bare):.2f} s wall, "
          f"{min(bare_cpu):.2f} s CPU); cut detection: {n_frames / min(ours):.0f} fps "
          f"({min(ours):.2f} s wall, {min(ours_cpu):.2f} s CPU incl. Python)")
    print(f"  throughput ratio (best wall) {min(bare) / min(ours):.2f}, by CPU time "
          f"{min(bare_cpu) / min(ours_cpu):.2f} (goal >= 0.8; load average now "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores); "
          f"cuts found {len(found)}/{len(cuts_true)}, frame-exact {exact}")

    # 2. music analysis
    try:
        from musiccog.engine.music import analyze_music
    except ImportError:
        analyze_music = None
    if analyze_music is not None:
        with tempfile.TemporaryDirectory() as cache:
            warmup = work / "warmup.wav"
            if not warmup.exists():
                import soundfile

                soundfile.write(warmup, np.zeros(44100 * 5, np.float32), 44100)
            try:
                analyze_music(warmup, cache_dir=cache)  # numba compile, not timed
            except Exception:  # noqa: BLE001 - silence may be refused; only the compile matters
                pass
            first, music = timed(lambda: analyze_music(song, cache_dir=cache))
            cached, _ = timed(lambda: analyze_music(song, cache_dir=cache))
        minutes = music.duration_s / 60
        print(f"music analysis: {first / minutes:.2f} s per minute uncached (numba warm), "
              f"{cached / minutes:.3f} s per minute cached (goal <= 1 s); "
              f"tempo {music.tempo_bpm:.1f} BPM")

    # 3. whole musiccog sync (fresh process, stream copy)
    with tempfile.TemporaryDirectory() as cache:
        cold, peak_cold = run_cli_sync(clip, song, work / "synced.mp4", Path(cache))
        warm, _ = run_cli_sync(clip, song, work / "synced.mp4", Path(cache))
    out_info = probe(work / "synced.mp4")
    print(f"musiccog sync (2 min 1080p, stream copy): {cold:.2f} s cold cache, {warm:.2f} s "
          f"warm (goal <= 15 s); output {out_info.duration_s} s {out_info.video_codec} + "
          f"{out_info.audio_codec}")
    _memory("2-min clip", clip, peak_cold)

    if args.large:
        big = work / "clip_large_1080p30.mp4"
        t_big, _ = timed(lambda: make_clip(big, seconds=130, bitrate="30M", seed=2))
        with tempfile.TemporaryDirectory() as cache:
            seconds, peak_big = run_cli_sync(big, song, work / "synced_large.mp4", Path(cache))
        print(f"large clip: {big.stat().st_size / 1e6:.0f} MB (made/reused in {t_big:.0f} s); "
              f"musiccog sync {seconds:.2f} s")
        _memory("large clip", big, peak_big)
    else:
        print("(pass --large to make a ~500 MB clip and measure memory on it)")


def _memory(what: str, clip: Path, peak_mb: float) -> None:
    print(f"peak memory ({what}, {clip.stat().st_size / 1e6:.0f} MB): musiccog sync process "
          f"tree {peak_mb:.0f} MB (sampled every 50 ms; goal <= 1024 MB)")


if __name__ == "__main__":
    main()
