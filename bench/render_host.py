"""Real-time render-host runs (render -> encode -> RTMP push to the local nginx ingest) at 720p30
and 1080p30. Prints, per run: CPU as % of 2 cores (this process + its ffmpeg publisher, not the
ingest), render+encode time per frame (median, p99), first keyframe out, dropped/late frames,
and from the recording: A/V offset at the start and at the end, video bitrate, conformance.

Uses AvatarRenderer when it can be imported, else the tests' moving-pattern renderer.

With ``--materials`` each size runs twice: plain, then with a picture-in-picture clip (a 640x360
H.264/AAC clip, prepared as the render host prepares it) and a music bed mixed in, and the
ratio of the two CPU figures is printed (issue 20's budget: at most 2x).

Run from the repo root, as a module (as a file, this file's name would shadow the package):
    .venv/bin/python -m bench.render_host [--seconds 20] [--sizes 720p 1080p] [--materials]"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):
    sys.exit("run as a module from the repo root: .venv/bin/python -m bench.render_host")

from local.ingest import LocalIngest
from render_host.checks.stream import Expectation, verify_stream
from render_host.frame import AUDIO_RATE, RESOLUTIONS, SAMPLES_PER_FRAME, FrameState, Renderer
from render_host.media.encoder import default_video_kbps
from render_host.media.publisher import Publisher
from render_host.media.streamer import Streamer

CORES = 2
VISEMES = ["sil", "p", "t", "S", "T", "f", "k", "i", "r", "s", "u", "@", "a", "e", "E", "o", "O"]
WORDS = [
    "Meet",
    "the",
    "Aurora",
    "earbuds",
    "with",
    "forty",
    "hours",
    "of",
    "music",
    "on",
    "a",
    "single",
    "charge",
]
TARGET_CPU = {"720p": 25.0, "1080p": 40.0}


class SpeechLikeSource:
    """Speaks 4 s, idles 1 s: visemes change every 3 frames, subtitles grow, a 220 Hz tone."""

    def __init__(self) -> None:
        self._index = 0

    def next_frame(self) -> tuple[FrameState, np.ndarray]:
        i = self._index
        self._index += 1
        speaking = (i // 30) % 5 != 4
        state = FrameState(
            index=i,
            speaking=speaking,
            viseme=VISEMES[(i // 3) % len(VISEMES)] if speaking else "sil",
            subtitle=" ".join(WORDS[: 1 + (i // 8) % len(WORDS)]) if speaking else None,
        )
        t = (np.arange(SAMPLES_PER_FRAME) + i * SAMPLES_PER_FRAME) / AUDIO_RATE
        mono = (np.sin(2 * np.pi * 220 * t) * (6000 if speaking else 0)).astype(np.int16)
        return state, np.stack([mono, mono], axis=1)


def make_renderer(width: int, height: int) -> Renderer:
    """AvatarRenderer if available, else the tests' pattern renderer (loaded from its file)."""
    try:
        from render_host.media.avatar import AvatarRenderer

        avatar = AvatarRenderer(width, height)
        avatar.prepare("studio", "medium")
        return avatar
    except ImportError as exc:
        print(f"AvatarRenderer unavailable ({exc}); using the test pattern renderer")
    path = Path(__file__).resolve().parents[1] / "tests" / "integration" / "synthetic_media.py"
    spec = importlib.util.spec_from_file_location("synthetic_media", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    renderer: Renderer = module.PatternRenderer(width, height)
    return renderer


def child_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a live child has used, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(size: str, seconds: float, workdir: Path, materials: Any = None) -> tuple[float, float]:
    """One real-time run; returns its CPU (% of 2 cores) and CPU ms per frame sent (the fair
    comparison on a loaded machine, where a starved run sends fewer frames). ``materials``:
    an assets object with a clip and a bed loaded (see ``with_materials``) to mix in."""
    width, height = RESOLUTIONS[size]
    renderer = make_renderer(width, height)
    source: Any = SpeechLikeSource()
    if materials is not None:
        source = MixedSource(source, materials)
    publishers: list[Publisher] = []
    with LocalIngest(workdir / (size + ("-materials" if materials is not None else ""))) as ingest:
        url = ingest.publish_url(f"bench-{size}")

        def publisher() -> Publisher:
            publishers.append(Publisher(url))
            return publishers[-1]

        streamer = Streamer(renderer, source, publisher)
        wall0, cpu0 = time.monotonic(), time.process_time()
        streamer.start()
        time.sleep(seconds)
        wall = time.monotonic() - wall0
        cpu = time.process_time() - cpu0
        ffmpeg_cpu = sum(child_cpu_s(p.pid) for p in publishers if p.pid and p.alive)
        streamer.stop()
    [recording] = ingest.recordings()
    report = verify_stream(recording)
    ticks = [r + e for r, e in streamer.tick_ms]
    problems = report.problems(
        Expectation(width=width, height=height, video_kbps=default_video_kbps(height))
    )
    cpu_pct = (cpu + ffmpeg_cpu) / wall / CORES * 100
    per_frame_ms = (cpu + ffmpeg_cpu) / max(1, streamer.frames_sent) * 1000
    what = "PiP clip + music bed" if materials is not None else "plain"
    print(f"== {size}30 for {seconds:.0f} s, renderer {renderer.name}, {what}")
    print(
        f"  CPU {cpu_pct:.1f}% of {CORES} cores (python {cpu / wall / CORES * 100:.1f}%,"
        f" ffmpeg publisher {ffmpeg_cpu / wall / CORES * 100:.1f}%), target <= {TARGET_CPU[size]}%;"
        f" {per_frame_ms:.1f} ms of CPU per frame sent"
    )
    print(
        f"  per frame render+encode: median {statistics.median(ticks):.2f} ms,"
        f" p99 {percentile(ticks, 0.99):.2f} ms (render median"
        f" {statistics.median(r for r, _ in streamer.tick_ms):.2f} ms,"
        f" encode median {statistics.median(e for _, e in streamer.tick_ms):.2f} ms)"
    )
    print(
        f"  first keyframe out {streamer.first_keyframe_ms} ms; frames {streamer.frames},"
        f" dropped {streamer.dropped_frames}, late {streamer.late_frames}"
    )
    print(
        f"  recording: {report.duration_s} s, video {report.video_kbps} kbps, A/V offset start"
        f" {report.av_start_offset_ms} ms, end {report.av_end_offset_ms} ms,"
        f" keyframe interval {report.keyframe_interval_median_s}/{report.keyframe_interval_max_s} s"
    )
    print(f"  problems: {problems or 'none'}")
    if materials is not None:
        print(f"  clip decoder late on {source.underruns} frames")
    return cpu_pct, per_frame_ms


class MixedSource:
    """SpeechLikeSource with the material mix applied: a PiP clip (ducked) and a music bed."""

    def __init__(self, source: SpeechLikeSource, assets: Any) -> None:
        from livehost.models import MusicCue, ShowVisual
        from render_host.materials.mix import MaterialMix

        self._source = source
        self._mix = MaterialMix(assets)
        self._mix.show(ShowVisual(material=CLIP_ID, layout="pip", clip_audio="ducked"))
        self._mix.music(MusicCue(action="start", material=BED_ID, volume_db=-6))

    @property
    def underruns(self) -> int:
        showing = self._mix._showing
        return showing.reader.underruns if showing and showing.reader else 0

    def next_frame(self) -> tuple[FrameState, np.ndarray]:
        from render_host.playout import Tick

        state, audio = self._source.next_frame()
        tick = Tick(state, audio.copy())
        self._mix.apply(tick)
        return tick.state, tick.audio


CLIP_ID, BED_ID = "mat-c11c11c11c11", "mat-bedbedbedbed"


def with_materials(size: str, seconds: float, workdir: Path) -> Any:
    """MaterialAssets with a clip of ``seconds`` + 5 s and a 30 s bed, prepared through an
    in-process S3 emulator exactly as a render host prepares them."""
    import boto3
    from moto import mock_aws

    from livehost.protocol import MaterialRef
    from render_host.materials import MaterialAssets

    path = Path(__file__).resolve().parents[1] / "tests" / "unit" / "material_media.py"
    spec = importlib.util.spec_from_file_location("material_media", path)
    assert spec and spec.loader
    media = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(media)
    clip_file, music_file = media.clip_file, media.music_file

    mock = mock_aws()
    mock.start()
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="bench")
    width, height = RESOLUTIONS[size]
    workdir.mkdir(parents=True, exist_ok=True)
    assets = MaterialAssets(s3, width, height, folder=workdir)
    for material_id, kind, path in (
        (CLIP_ID, "clip", clip_file(workdir / "clip.mp4", seconds=seconds + 5, size=(640, 360))),
        (BED_ID, "music", music_file(workdir / "bed.mp3", seconds=30.0)),
    ):
        key = f"materials/shared/{material_id}/source"
        s3.put_object(Bucket="bench", Key=key, Body=path.read_bytes())
        ref = MaterialRef(material_id=material_id, kind=kind, bucket="bench", key=key)  # type: ignore[arg-type]
        assets.load(ref, "pip")
    return assets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--sizes", nargs="+", default=["720p", "1080p"], choices=list(RESOLUTIONS))
    parser.add_argument("--materials", action="store_true", help="also run with a PiP clip + music")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="livehost-bench-") as tmp:
        for size in args.sizes:
            plain = run(size, args.seconds, Path(tmp))
            if args.materials:
                assets = with_materials(size, args.seconds, Path(tmp) / f"materials-{size}")
                mixed = run(size, args.seconds, Path(tmp), assets)
                print(
                    f"== {size}30: PiP clip + music uses {mixed[0] / plain[0]:.2f}x the plain"
                    f" CPU, {mixed[1] / plain[1]:.2f}x per frame sent (budget 2x)"
                )


if __name__ == "__main__":
    main()
