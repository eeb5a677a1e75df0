"""The speech library: cache keys, S3 + DynamoDB storage (moto in-process), long text."""

import boto3
import pytest
from livehost_table import create_livehost_table
from moto import mock_aws

from livehost.errors import InvalidScript
from livehost.speech.engines import synthesize_long
from livehost.speech.espeak import EspeakEngine
from livehost.speech.library import DAY_SECONDS, SpeechLibrary, speech_key
from livehost.speech.model import SpeechRequest, Voice
from livehost.speech.split import split_sentences

BUCKET = "livehost-speech"
TABLE = "livehost"
T0 = 1_800_000_000


class Clock:
    def __init__(self) -> None:
        self.now = float(T0)

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def aws():
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        dynamodb = boto3.resource("dynamodb", region_name="us-east-1")
        table = create_livehost_table(dynamodb, TABLE)
        yield s3, table


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def library(aws, clock):
    s3, table = aws
    return SpeechLibrary(EspeakEngine(), s3, BUCKET, table, ttl_days=30, clock=clock)


def test_keys_are_stable_and_differ_by_engine_voice_rate_ssml_and_text():
    request = SpeechRequest(text="Hello there.")
    key = speech_key("espeak", request)
    assert key == speech_key("espeak", SpeechRequest(text="Hello there."))
    assert len(key) == 64
    others = {
        speech_key("polly/neural@16000", request),
        speech_key("espeak", SpeechRequest(text="Hello there.", voice=Voice(voice="Matthew"))),
        speech_key("espeak", SpeechRequest(text="Hello there.", voice=Voice(rate=110))),
        speech_key("espeak", SpeechRequest(text="Hello there.", is_ssml=True)),
        speech_key("espeak", SpeechRequest(text="Hello there!")),
    }
    assert key not in others
    assert len(others) == 5


def test_second_ensure_makes_no_synthesis_and_loads_the_same_speech(library, aws):
    # Given a request synthesized once
    _, table = aws
    request = SpeechRequest(text="Welcome to the show. The kettle is on sale today.")
    first = library.ensure(request)
    # When it is ensured again
    second = library.ensure(request)
    # Then nothing is synthesized the second time and both refs are the same
    assert library.synth_calls == 1
    assert second == first
    key = speech_key("espeak", request)
    assert (first.bucket, first.audio_key, first.marks_key) == (
        BUCKET,
        f"speech/{key}.pcm",
        f"speech/{key}.marks.jsonl",
    )
    # And the stored speech is exactly what the engine makes
    direct = EspeakEngine().synthesize(request)
    loaded = library.load(first)
    assert (loaded.pcm, loaded.marks, loaded.sample_rate) == (direct.pcm, direct.marks, 22050)
    assert first.duration_ms == direct.duration_ms
    item = table.get_item(Key={"pk": f"SPEECH#{key}", "sk": "ASSET"})["Item"]
    assert (item["createdAt"], item["expiresAt"]) == (T0, T0 + 30 * DAY_SECONDS)


def test_expiry_is_refreshed_only_when_half_the_ttl_is_gone(library, aws, clock):
    _, table = aws
    request = SpeechRequest(text="Loop me.")
    library.ensure(request)
    item_key = {"pk": f"SPEECH#{speech_key('espeak', request)}", "sk": "ASSET"}
    # A hit a day later writes nothing
    clock.now = T0 + DAY_SECONDS
    library.ensure(request)
    assert table.get_item(Key=item_key)["Item"]["expiresAt"] == T0 + 30 * DAY_SECONDS
    # A hit 20 days in pushes the expiry 30 days from then
    clock.now = T0 + 20 * DAY_SECONDS
    library.ensure(request)
    assert table.get_item(Key=item_key)["Item"]["expiresAt"] == T0 + 50 * DAY_SECONDS
    assert library.synth_calls == 1


def test_an_expired_item_is_synthesized_again(library, clock):
    request = SpeechRequest(text="Old news.")
    library.ensure(request)
    clock.now = T0 + 31 * DAY_SECONDS
    library.ensure(request)
    assert library.synth_calls == 2


def test_long_text_is_split_and_marks_point_into_the_whole_text():
    # Given an engine with a small per-request limit
    engine = EspeakEngine()
    engine.max_chars = 40
    text = "  First sentence is here. Second one follows it. And a third, rather longer one ends."
    # When synthesized whole
    speech = synthesize_long(engine, SpeechRequest(text=text))
    # Then every word mark points at its word in the original text, in time order
    words = [m for m in speech.marks if m.type == "word"]
    encoded = text.encode()
    assert [encoded[w.start : w.end].decode() for w in words] == [w.value for w in words]
    assert [w.value for w in words] == [w.strip(".,") for w in text.split()]
    assert [m.time for m in speech.marks] == sorted(m.time for m in speech.marks)
    sentences = [m.value for m in speech.marks if m.type == "sentence"]
    assert sentences[0] == "First sentence is here."
    # And the audio is the sentence chunks' audio end to end
    chunks = split_sentences(text, 40)
    assert chunks == [
        "First sentence is here.",
        "Second one follows it.",
        "And a third, rather longer one ends.",
    ]
    parts = [engine.synthesize(SpeechRequest(text=chunk)) for chunk in chunks]
    assert speech.pcm == b"".join(p.pcm for p in parts)


def test_ssml_over_the_limit_says_to_split_the_segment():
    engine = EspeakEngine()
    engine.max_chars = 10
    with pytest.raises(InvalidScript, match="split it into shorter segments"):
        synthesize_long(
            engine, SpeechRequest(text="<speak>Far too long here</speak>", is_ssml=True)
        )
