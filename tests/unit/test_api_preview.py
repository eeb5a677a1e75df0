"""Hearing a segment before going live (POST /rooms/{id}/preview): the real handler, the
local speech engine and the speech library in the emulator; the WAV behind the URL is read
back and measured."""

from __future__ import annotations

import io
import wave
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
from test_api_routes import Api

from livehost.models import Room, Script, Segment

pytest_plugins = ["test_api_routes"]  # its fixture `api`: the handler in the emulator
SAID = "Here are the Aurora Buds Pro."


def preview(api: Api, body: dict[str, Any], room_id: str = "show") -> tuple[int, Any]:
    return api.call("POST", "/rooms/{roomId}/preview", body, roomId=room_id)


def a_room(api: Api, voice: str = "Matthew") -> None:
    api.store.create_room(Room(room_id="show", name="Show"))
    api.store.put_script(
        "show", Script(voice=voice, segments=[Segment(segment_id="s1", text="Hi.")])
    )


def wav_behind(url: str) -> wave.Wave_read:
    """The object a presigned URL points to (https://<bucket>.s3.amazonaws.com/<key>),
    opened as WAV."""
    parts = urlsplit(url)
    assert parts.scheme == "https" and parts.netloc.endswith(".s3.amazonaws.com"), url
    bucket, key = parts.netloc.split(".", 1)[0], parts.path.lstrip("/")
    body = boto3.client("s3", region_name="us-east-1").get_object(Bucket=bucket, Key=key)
    return wave.open(io.BytesIO(body["Body"].read()))


def test_a_segment_is_heard_as_a_presigned_wav_with_its_marks(api: Api) -> None:
    # Given a room whose script speaks with Matthew
    a_room(api)
    # When the operator previews a segment's text at 110 %
    status, heard = preview(api, {"text": SAID, "rate": 110})
    # Then a WAV of the speech, behind a URL that expires in 15 minutes, with its marks
    assert (status, heard["contentType"], heard["engine"]) == (200, "audio/wav", "espeak")
    assert parse_qs(urlsplit(heard["audioUrl"]).query)["X-Amz-Expires"] == ["900"]
    wav = wav_behind(heard["audioUrl"])
    assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (
        1,
        2,
        heard["sampleRate"],
    )
    assert wav.getnframes() * 1000 // wav.getframerate() == heard["durationMs"] > 1000
    words = [m["value"] for m in heard["marks"] if m["type"] == "word"]
    assert words == ["Here", "are", "the", "Aurora", "Buds", "Pro"]
    assert {m["type"] for m in heard["marks"]} >= {"word", "viseme"}


def test_a_second_preview_reuses_the_speech_and_its_wav(api: Api) -> None:
    # Given a segment heard once
    a_room(api)
    first = preview(api, {"text": SAID})[1]
    # When it is heard again
    second = preview(api, {"text": SAID})[1]
    # Then the same asset: one PCM, one marks file, one WAV in the bucket
    assert urlsplit(second["audioUrl"]).path == urlsplit(first["audioUrl"]).path
    keys = [o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket="assets")["Contents"]]
    assert sorted(k.rsplit(".", 1)[-1] for k in keys) == ["jsonl", "pcm", "wav"]


def test_bad_ssml_is_400_naming_the_field_and_where(api: Api) -> None:
    # Given a room
    a_room(api)
    # When the operator previews SSML that is not closed
    status, body = preview(api, {"ssml": "<speak>Hello <break time='1s'></speak>"})
    # Then 400, the problem named at body.ssml with its line and column
    assert status == 400
    assert body["errors"] == [
        "body.ssml: SSML line 1, column 33: not well-formed XML: mismatched tag"
    ]


def test_a_voice_the_room_does_not_speak_is_400_naming_the_voices_that_fit(api: Api) -> None:
    # Given an English room
    a_room(api)
    # When the operator previews with a Japanese voice
    status, body = preview(api, {"text": SAID, "voice": "Takumi"})
    # Then 400, naming the voice field and the voices that fit
    assert status == 400
    [problem] = body["errors"]
    assert problem.startswith("voice: voice 'Takumi' speaks ja-JP, not en-US; voices for en-US:")


def test_a_preview_for_an_unknown_room_is_404(api: Api) -> None:
    assert preview(api, {"text": SAID}, room_id="nowhere")[0] == 404
