"""speak(): the insert is opened first (the playout makes room while the first sentence is
written), each sentence is synthesized and sent as soon as the stream yields it, then the
insert is closed; a failure after a sentence still closes it. Real SQS FIFO queue, S3 and
DynamoDB (moto in process) and the real speech library with the local espeak engine."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from livehost_table import create_livehost_table
from moto import mock_aws

from livehost.errors import AnswerFailed
from livehost.inserts import speak
from livehost.models import InsertMode
from livehost.protocol import Insert, parse_command
from livehost.speech.espeak import EspeakEngine
from livehost.speech.library import SpeechLibrary
from livehost.speech.model import Voice


@pytest.fixture
def aws():
    with mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        queue = sqs.create_queue(QueueName="room-1.fifo", Attributes={"FifoQueue": "true"})[
            "QueueUrl"
        ]
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="assets")
        dynamodb = boto3.resource("dynamodb", region_name="us-east-1")
        table = create_livehost_table(dynamodb, "t")
        yield sqs, queue, SpeechLibrary(EspeakEngine(), s3, "assets", table)


def sent(sqs, queue: str) -> list[Insert]:
    commands = []
    while messages := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get(
        "Messages", []
    ):
        for message in messages:
            command = parse_command(message["Body"])
            assert isinstance(command, Insert)
            commands.append(command)
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    return commands


def queued(sqs, queue: str) -> int:
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"]
    )
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def call(aws, sentences, **kwargs):
    sqs, queue, library = aws
    ticks = iter(range(100, 200))
    return speak(
        library=library,
        sqs=sqs,
        room_id="room-1",
        queue_url=queue,
        insert_id="q-1",
        sentences=sentences,
        mode=kwargs.get("mode", InsertMode.NOW),
        source=kwargs.get("source", "viewer"),
        voice=Voice(),
        clock=lambda: float(next(ticks)),
    )


def test_each_sentence_is_sent_before_the_next_one_is_asked_for_then_the_insert_closes(aws):
    # Given a stream that records how many commands were queued when it yields each sentence
    sqs, queue, _ = aws
    seen_before: list[int] = []

    def stream() -> Iterator[str]:
        for text in ["Good question.", "  ", "It is <b>dishwasher</b> safe."]:
            seen_before.append(queued(sqs, queue))
            yield text

    # When it is spoken with mode SENTENCE_END by an operator
    result = call(aws, stream(), mode=InsertMode.SENTENCE_END, source="operator")

    # Then the opening came first, nothing waited for a later sentence, blanks were skipped,
    # and the close came last
    assert seen_before == [1, 2, 2]
    commands = sent(sqs, queue)
    assert [(c.command_id, c.sequence, c.final, c.cue.text) for c in commands] == [
        ("q-1-open", 0, False, ""),
        ("q-1-0", 0, False, "Good question."),
        ("q-1-1", 1, False, "It is <b>dishwasher</b> safe."),
        ("q-1-end", 2, True, ""),
    ]
    assert [c.speech is None for c in commands] == [True, False, False, True]
    assert {(c.mode, c.source, c.insert_id) for c in commands} == {
        (InsertMode.SENTENCE_END, "operator", "q-1")
    }
    assert result.sentences == ["Good question.", "It is <b>dishwasher</b> safe."]
    assert result.sent_at == [100.0, 101.0]
    assert result.closed_at == 102.0
    assert result.command_ids == ["q-1-0", "q-1-1"]


def test_a_failure_after_a_sentence_closes_the_insert_and_propagates(aws):
    # Given a stream that breaks after its first sentence
    def stream() -> Iterator[str]:
        yield "Good question."
        raise AnswerFailed("model went away")

    # When it is spoken
    with pytest.raises(AnswerFailed):
        call(aws, stream())

    # Then the opening, the sentence and the close were sent
    sqs, queue, _ = aws
    assert [(c.command_id, c.final) for c in sent(sqs, queue)] == [
        ("q-1-open", False),
        ("q-1-0", False),
        ("q-1-end", True),
    ]


def test_a_failure_before_any_sentence_sends_only_the_opening(aws):
    # Given a stream that fails at once
    def stream() -> Iterator[str]:
        raise AnswerFailed("throttled")
        yield "never"

    # When it is spoken
    with pytest.raises(AnswerFailed):
        call(aws, stream())

    # Then only the opening was sent (the playout holds a while for a retry, whose opening
    # is the same command, dropped as a repeat) and nothing else: a retry starts clean
    sqs, queue, _ = aws
    assert [c.command_id for c in sent(sqs, queue)] == ["q-1-open"]
