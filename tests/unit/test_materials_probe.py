"""The content check of uploads: each kind's formats accepted with their facts, and every
kind of bad file refused with a message that says what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from material_media import clip_file, image_bytes, music_file

from livehost.materials.probe import MaterialRefused, check_file, sniff


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_images_are_known_by_content_with_their_size(tmp_path: Path, fmt: str) -> None:
    # Given an image saved under a misleading name
    path = tmp_path / "photo.txt"
    path.write_bytes(image_bytes(fmt, (320, 200)))
    # When it is checked as an image
    facts = check_file("image", path)
    # Then its format and sides are what the picture is
    assert (facts.format, facts.width, facts.height) == (fmt.lower(), 320, 200)
    assert facts.bytes == path.stat().st_size


def test_a_clip_has_its_codecs_size_rate_and_duration(tmp_path: Path) -> None:
    # Given a 2 s H.264/AAC clip at 30 fps
    path = clip_file(tmp_path / "clip.mp4", seconds=2.0, size=(320, 180))
    # When it is checked
    facts = check_file("clip", path)
    # Then every fact is read from the file
    assert facts.wire() == {
        "format": "mp4",
        "bytes": path.stat().st_size,
        "width": 320,
        "height": 180,
        "durationMs": 2000,
        "fps": 30.0,
        "videoCodec": "h264",
        "audioCodec": "aac",
    }


@pytest.mark.parametrize(
    ("fmt", "codec"), [("mp3", "mp3float"), ("wav", "pcm_s16le"), ("m4a", "aac")]
)
def test_music_is_decoded_whole(tmp_path: Path, fmt: str, codec: str) -> None:
    # Given a 3 s music bed
    path = music_file(tmp_path / f"bed.{fmt}", seconds=3.0, fmt=fmt)
    # When it is checked
    facts = check_file("music", path)
    # Then its codec and duration (within an AAC frame) are known
    assert (facts.format, facts.audio_codec) == (fmt, codec)
    assert 3000 <= (facts.duration_ms or 0) <= 3030


def _refusal(kind: str, path: Path) -> str:
    with pytest.raises(MaterialRefused) as refused:
        check_file(kind, path)
    return str(refused.value)


def test_a_damaged_image_is_refused(tmp_path: Path) -> None:
    # Given a PNG cut short
    path = tmp_path / "cut.png"
    path.write_bytes(image_bytes("PNG")[:200])
    # When it is checked, then it is refused as damaged
    assert _refusal("image", path) == (
        "the PNG file is damaged and cannot be decoded (Invalid data found when processing "
        "input): export it again and upload the new file"
    )


def test_a_clip_cut_short_is_refused(tmp_path: Path) -> None:
    # Given an MP4 whose second half never arrived
    whole = clip_file(tmp_path / "clip.mp4").read_bytes()
    path = tmp_path / "cut.mp4"
    path.write_bytes(whole[: len(whole) // 2])
    # When it is checked, then it is refused as damaged
    assert _refusal("clip", path).startswith("the MP4 file is damaged and cannot be decoded")


def test_a_file_of_another_kind_is_refused_naming_both(tmp_path: Path) -> None:
    # Given a clip sent as an image, a text file sent as an image, music sent as a clip
    clip = clip_file(tmp_path / "clip.png")
    text = tmp_path / "notes.png"
    text.write_text("not a picture at all")
    music = music_file(tmp_path / "bed.mp4", fmt="mp3")
    # When each is checked, then each refusal names what the file is and what is needed
    assert _refusal("image", clip) == "the file is MP4; an image must be PNG, JPEG or WEBP"
    assert _refusal("image", text) == (
        "the file is not a type LiveHost knows; an image must be PNG, JPEG or WEBP"
    )
    assert _refusal("clip", music) == "the file is MP3; a clip must be MP4"


def test_limits_of_sides_duration_and_content(tmp_path: Path) -> None:
    # Given a tiny image, a too-short bed, a clip with no video and an empty file
    tiny = tmp_path / "tiny.png"
    tiny.write_bytes(image_bytes("PNG", (8, 8)))
    short = music_file(tmp_path / "short.wav", seconds=0.5, fmt="wav")
    sound_only = music_file(tmp_path / "sound.m4a", fmt="m4a")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    # When each is checked, then each refusal says what is wrong
    assert _refusal("image", tiny) == "the image is 8x8; each side must be 16 to 8192 pixels"
    assert _refusal("music", short) == "the music lasts 0.5 s; it must last 1 to 1800 s"
    assert _refusal("clip", sound_only) == "the file is M4A; a clip must be MP4"
    assert _refusal("image", empty) == "the file is empty: upload it again"


def test_sniffing_reads_only_the_first_bytes() -> None:
    # Given the first bytes of each format, when sniffed, then each is named
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    assert sniff(b"RIFF\x00\x00\x00\x00WAVEfmt ") == "wav"
    assert sniff(b"\x00\x00\x00\x20ftypM4A \x00") == "m4a"
    assert sniff(b"\x00\x00\x00\x20ftypisom\x00") == "mp4"
    assert sniff(b"ID3\x04") == "mp3"
    assert sniff(b"GIF89a") is None
