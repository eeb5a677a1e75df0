"""The Polly engine's request shapes, mark parsing and throttling, against botocore's Stubber."""

import io
import json

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.response import StreamingBody
from botocore.retries.standard import ExponentialBackoff
from botocore.stub import Stubber

from livehost import aws
from livehost.errors import SpeechFailed, SpeechThrottled
from livehost.speech.engines import engine_for
from livehost.speech.model import SpeechMark, SpeechRequest, Voice
from livehost.speech.polly import PollyEngine

SSML = "<speak>Hi &amp; bye.</speak>"  # what "Hi & bye." becomes
POLLY_MARKS = [  # byte offsets into SSML, as Polly returns them
    {"time": 0, "type": "sentence", "start": 7, "end": 20, "value": "Hi &amp; bye."},
    {"time": 6, "type": "word", "start": 7, "end": 9, "value": "Hi"},
    {"time": 6, "type": "viseme", "value": "k"},
    {"time": 180, "type": "word", "start": 10, "end": 15, "value": "&amp;"},
    {"time": 180, "type": "viseme", "value": "a"},
    {"time": 420, "type": "word", "start": 16, "end": 19, "value": "bye"},
    {"time": 420, "type": "viseme", "value": "p"},
    {"time": 700, "type": "viseme", "value": "sil"},
]


def _stream(data: bytes) -> StreamingBody:
    return StreamingBody(io.BytesIO(data), len(data))


@pytest.fixture
def polly():
    client = boto3.client(
        "polly", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def _expect_pair(stubber: Stubber, ssml: str, pcm: bytes, marks: list[dict], voice: str = "Joanna"):
    common = {"Engine": "neural", "Text": ssml, "TextType": "ssml", "VoiceId": voice}
    stubber.add_response(
        "synthesize_speech",
        {"AudioStream": _stream(pcm), "ContentType": "audio/pcm", "RequestCharacters": 9},
        {**common, "OutputFormat": "pcm", "SampleRate": "16000"},
    )
    body = "\n".join(json.dumps(mark) for mark in marks).encode() + b"\n"
    stubber.add_response(
        "synthesize_speech",
        {"AudioStream": _stream(body), "ContentType": "application/x-json-stream"},
        {**common, "OutputFormat": "json", "SpeechMarkTypes": ["sentence", "word", "viseme"]},
    )


def test_two_calls_give_audio_and_marks_pointing_into_the_text(polly):
    # Given Polly answering audio and marks for the escaped SSML
    client, stubber = polly
    pcm = b"\x01\x02" * 16000  # one second
    _expect_pair(stubber, SSML, pcm, POLLY_MARKS)
    # When plain text with an ampersand is synthesized
    speech = PollyEngine(client).synthesize(SpeechRequest(text="Hi & bye."))
    # Then the audio is Polly's and word offsets point into "Hi & bye."
    assert (speech.pcm, speech.sample_rate, speech.duration_ms) == (pcm, 16000, 1000)
    assert [m.wire() for m in speech.marks if m.type != "viseme"] == [
        {"time": 0, "type": "sentence", "start": 0, "end": 9, "value": "Hi & bye."},
        {"time": 6, "type": "word", "start": 0, "end": 2, "value": "Hi"},
        {"time": 180, "type": "word", "start": 3, "end": 4, "value": "&"},
        {"time": 420, "type": "word", "start": 5, "end": 8, "value": "bye"},
    ]
    assert [m.value for m in speech.marks if m.type == "viseme"] == ["k", "a", "p", "sil"]


def test_voice_prosody_goes_into_the_ssml(polly):
    client, stubber = polly
    ssml = '<speak><prosody rate="120%" volume="-2dB">Hello</prosody></speak>'
    marks = [{"time": 0, "type": "word", "start": 42, "end": 47, "value": "Hello"}]
    _expect_pair(stubber, ssml, b"\x00\x00", marks, voice="Matthew")
    request = SpeechRequest(
        text="Hello", voice=Voice(voice="Matthew", rate=120, pitch=9, volume=-2)
    )
    speech = PollyEngine(client).synthesize(request)
    assert speech.marks == [SpeechMark(time=0, type="word", start=0, end=5, value="Hello")]


class PollyOverHttp:
    """Polly as botocore sees it on the wire (``before-send``): each request is answered with
    the next scripted status, so botocore's own retry layer runs, as in production."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.sent = 0
        self.client = boto3.client(
            "polly",
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=aws.CLIENT_CONFIG,
        )
        self.client.meta.events.register("before-send", self._answer)

    def _answer(self, request, **_):
        status = self.statuses[min(self.sent, len(self.statuses) - 1)]
        self.sent += 1
        if status == 200 and b'"OutputFormat": "json"' in request.body:
            marks = json.dumps({"time": 0, "type": "viseme", "value": "sil"}).encode() + b"\n"
            return AWSResponse(
                request.url, 200, {"Content-Type": "application/x-json-stream"}, _Raw(marks)
            )
        if status == 200:
            return AWSResponse(request.url, 200, {"Content-Type": "audio/pcm"}, _Raw(b"\x00\x00"))
        error = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
        headers = {
            "Content-Type": "application/x-amz-json-1.1",
            "x-amzn-ErrorType": "ThrottlingException",
        }
        return AWSResponse(request.url, status, headers, _Raw(error))


class _Raw:
    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def stream(self, **_):
        yield self._data.read()

    def read(self, *_args, **_kwargs):
        return self._data.read()


@pytest.fixture
def no_backoff_wait(monkeypatch):
    """botocore's backoff sleeps up to seconds; the tests count attempts, not wait."""
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)


def test_a_throttled_call_is_retried_by_botocore_alone(no_backoff_wait):
    # Given Polly throttles the first request, then answers every one
    polly = PollyOverHttp([400, 200])
    # When a request is synthesized (audio and marks: two calls)
    speech = PollyEngine(polly.client).synthesize(SpeechRequest(text="Hi"))
    # Then the throttled call was sent again by botocore, once, and nothing else retried
    assert polly.sent == 3
    assert speech.pcm == b"\x00\x00"
    assert [m.value for m in speech.marks] == ["sil"]


def test_persistent_throttling_is_speech_throttled_after_botocores_attempts(no_backoff_wait):
    # Given Polly throttles every request
    polly = PollyOverHttp([400])
    # When a request is synthesized
    with pytest.raises(SpeechThrottled, match=r"\(ThrottlingException\) after 5 attempts"):
        PollyEngine(polly.client).synthesize(SpeechRequest(text="Hi"))
    # Then the client's retry mode made its attempts (the first and 4 retries) and the engine
    # added none: what is left to retry is the workflow's named SpeechThrottled retry
    assert polly.sent == 5


def test_other_refusals_are_speech_failed_without_retry(polly):
    client, stubber = polly
    stubber.add_client_error(
        "synthesize_speech", "InvalidSsmlException", "Invalid SSML request", http_status_code=400
    )
    with pytest.raises(SpeechFailed, match="InvalidSsmlException: Invalid SSML request"):
        PollyEngine(client).synthesize(SpeechRequest(text="Hi"))


def test_registry_and_names():
    client = boto3.client(
        "polly", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    engine = engine_for("polly", polly=client, engine="standard")
    assert (engine.name, engine.max_chars) == ("polly/standard@16000", 3000)
    with pytest.raises(ValueError, match="needs a Polly client"):
        engine_for("polly")


def test_a_japanese_voice_gets_marks_pointing_into_the_japanese_text(polly):
    # Given Polly's marks for Japanese with Kazuha: UTF-8 byte offsets into the SSML
    client, stubber = polly
    text = "新商品です。送料は無料！"  # noqa: RUF001
    ssml = f"<speak>{text}</speak>"
    at = len(b"<speak>")
    marks = [
        {"time": 0, "type": "sentence", "start": at, "end": at + 18, "value": "x"},
        {"time": 0, "type": "word", "start": at, "end": at + 9, "value": "x"},
        {"time": 300, "type": "word", "start": at + 9, "end": at + 15, "value": "x"},
        {"time": 700, "type": "sentence", "start": at + 18, "end": at + 36, "value": "x"},
        {"time": 700, "type": "word", "start": at + 18, "end": at + 24, "value": "x"},
    ]
    _expect_pair(stubber, ssml, b"\x00\x00", marks, voice="Kazuha")
    # When the Japanese neural voice speaks the text
    speech = PollyEngine(client).synthesize(SpeechRequest(text=text, voice=Voice(voice="Kazuha")))
    # Then the marks' values are read from the text at their byte offsets
    assert [(m.type, m.value, m.start) for m in speech.marks] == [
        ("sentence", "新商品です。", 0),
        ("word", "新商品", 0),
        ("word", "です", 9),
        ("sentence", "送料は無料！", 18),  # noqa: RUF001
        ("word", "送料", 18),
    ]
