"""The content check: what a file is, by its first bytes and by decoding it (PyAV), never by
its name. A file that is not what its kind allows is refused with a message saying what is
wrong and what would be accepted."""

from __future__ import annotations

from pathlib import Path

import av

from livehost.errors import LiveHostError
from livehost.materials.model import RULES, Facts, KindRules

HEAD_BYTES = 64
CLIP_FRAMES_DECODED = 30  # decode the first second: a clip that starts broken is refused


class MaterialRefused(LiveHostError):
    """The uploaded file is not a material of its kind; the message says what is wrong."""


def sniff(head: bytes) -> str | None:
    """The file format its first bytes say: png, jpeg, webp, mp4, m4a, mp3, wav; or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[4:8] == b"ftyp":
        return "m4a" if head[8:12] in (b"M4A ", b"M4B ") else "mp4"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    return None


def check_file(kind: str, path: Path) -> Facts:
    """The facts of the file at ``path`` as a material of ``kind`` (MaterialRefused if not)."""
    rules = RULES[kind]
    size = path.stat().st_size
    if size == 0:
        raise MaterialRefused("the file is empty: upload it again")
    if size > rules.max_bytes:
        raise MaterialRefused(
            f"the file is {_mb(size)}; a {kind} may be at most {_mb(rules.max_bytes)}"
        )
    with path.open("rb") as file:
        found = sniff(file.read(HEAD_BYTES))
    if kind == "music" and found == "mp4":
        found = "m4a"  # an audio-only MP4 with a generic brand; its streams decide below
    if found is None or found not in rules.formats:
        what = found.upper() if found else "not a type LiveHost knows"
        article = "an" if kind == "image" else "a"
        raise MaterialRefused(
            f"the file is {what}; {article} {kind} must be "
            f"{_either(f.upper() for f in rules.formats)}"
        )
    try:
        if kind == "image":
            return _image(path, found, size, rules)
        if kind == "clip":
            return _clip(path, found, size, rules)
        return _music(path, found, size, rules)
    except (av.FFmpegError, UnicodeDecodeError, ValueError, IndexError) as exc:
        raise MaterialRefused(
            f"the {found.upper()} file is damaged and cannot be decoded ({_short(exc)}): "
            "export it again and upload the new file"
        ) from exc


def _image(path: Path, found: str, size: int, rules: KindRules) -> Facts:
    with av.open(str(path)) as container:
        frame = next(container.decode(video=0))
    _sides(frame.width, frame.height, rules, "image")
    return Facts(format=found, bytes=size, width=frame.width, height=frame.height)


def _clip(path: Path, found: str, size: int, rules: KindRules) -> Facts:
    with av.open(str(path)) as container:
        if not container.streams.video:
            raise MaterialRefused("the MP4 has no video: a clip needs H.264 video")
        video = container.streams.video[0]
        codec = video.codec_context.name
        if codec not in rules.video_codecs:
            raise MaterialRefused(f"the clip's video is {codec}; it must be H.264")
        audio = container.streams.audio[0] if container.streams.audio else None
        audio_codec = audio.codec_context.name if audio else None
        if audio_codec is not None and audio_codec not in rules.audio_codecs:
            raise MaterialRefused(f"the clip's audio is {audio_codec}; it must be AAC (or none)")
        _sides(video.codec_context.width, video.codec_context.height, rules, "clip")
        fps = float(video.average_rate or video.guessed_rate or 0)
        if not 1 <= fps <= 60:
            raise MaterialRefused(f"the clip has {fps:.3g} frames a second; 1 to 60 are played")
        duration_ms = _duration_ms(container, video)
        _duration(duration_ms, rules, "clip")
        decoded = 0
        for _ in container.decode(video=0):
            decoded += 1
            if decoded >= CLIP_FRAMES_DECODED:
                break
        if decoded == 0:
            raise MaterialRefused("the clip's video has no picture that decodes")
        return Facts(
            format=found,
            bytes=size,
            width=video.codec_context.width,
            height=video.codec_context.height,
            duration_ms=duration_ms,
            fps=round(fps, 3),
            video_codec=codec,
            audio_codec=audio_codec,
        )


def _music(path: Path, found: str, size: int, rules: KindRules) -> Facts:
    with av.open(str(path)) as container:
        if container.streams.video and found == "m4a":
            raise MaterialRefused("the file has video: upload music as audio only (or as a clip)")
        if not container.streams.audio:
            raise MaterialRefused("the file has no audio")
        audio = container.streams.audio[0]
        codec = audio.codec_context.name
        if codec not in rules.audio_codecs:
            raise MaterialRefused(f"the music is {codec}; it must be MP3, AAC or PCM WAV")
        samples, rate = 0, audio.codec_context.sample_rate or 0
        for frame in container.decode(audio=0):  # all of it: a damaged middle is found now
            samples += frame.samples
            rate = frame.sample_rate
    duration_ms = samples * 1000 // rate if rate else 0
    _duration(duration_ms, rules, "music")
    return Facts(format=found, bytes=size, duration_ms=duration_ms, audio_codec=codec)


def _duration_ms(container: av.container.InputContainer, video: av.VideoStream) -> int:
    if video.duration is not None and video.time_base is not None:
        return int(video.duration * video.time_base * 1000)
    return int((container.duration or 0) / 1000)


def _sides(width: int, height: int, rules: KindRules, kind: str) -> None:
    if min(width, height) < rules.min_side or max(width, height) > rules.max_side:
        raise MaterialRefused(
            f"the {kind} is {width}x{height}; each side must be {rules.min_side} to "
            f"{rules.max_side} pixels"
        )


def _duration(ms: int, rules: KindRules, kind: str) -> None:
    if not rules.min_duration_ms <= ms <= rules.max_duration_ms:
        raise MaterialRefused(
            f"the {kind} lasts {ms / 1000:.1f} s; it must last {rules.min_duration_ms / 1000:g} "
            f"to {rules.max_duration_ms / 1000:g} s"
        )


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _either(names: object) -> str:
    items = list(names)  # type: ignore[call-overload]
    return ", ".join(items[:-1]) + " or " + items[-1] if len(items) > 1 else items[0]


def _short(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return str(text).splitlines()[0][:160]
