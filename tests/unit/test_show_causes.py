"""Refusals name the segment and what to do: NextCue's (under the engine's error name) and
BeginRun's, before anything is provisioned."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from livehost_table import create_livehost_table
from moto import mock_aws

from livehost.errors import InvalidScript
from livehost.lifecycle import begin_run
from livehost.models import Room, Script, Segment
from livehost.protocol import SpeechRef
from livehost.script_check import ScriptRejected
from livehost.show import next_cue
from livehost.speech.model import SpeechRequest
from livehost.states import ShowStep
from livehost.store import RoomStore


class RefusingEngine:
    """A speech source that refuses SSML, as an engine does with <audio>."""

    def ensure(self, request: SpeechRequest) -> SpeechRef:
        if request.is_ssml:
            raise InvalidScript("SSML <audio> is not supported")
        return SpeechRef(
            bucket="b", audio_key="a", marks_key="m", sample_rate=16000, duration_ms=100
        )


@pytest.fixture
def store() -> Iterator[RoomStore]:
    with mock_aws():
        table = create_livehost_table(boto3.resource("dynamodb", region_name="us-east-1"))
        yield RoomStore(table)


def test_a_segment_the_engine_refuses_is_named_with_what_to_do(store: RoomStore) -> None:
    # Given a script whose second segment the engine refuses
    store.create_room(Room(room_id="shop", name="Shop"))
    segments = [
        Segment(segment_id="s1", text="Hello."),
        Segment(segment_id="s2", ssml="<speak><audio src='x'/>Hi</speak>"),
    ]
    store.put_script("shop", Script(segments=segments))
    state = ShowStep(
        room_id="shop",
        run=1,
        generation=0,
        command_queue_url="q",
        event_budget=9000,
        heartbeat_s=30,
    )
    # When NextCue prepares s1 (and s2, the next one)
    with pytest.raises(InvalidScript) as refused:
        next_cue(store, RefusingEngine(), state)
    # Then the error names s2, the engine's reason and the fix
    assert str(refused.value) == (
        "segment 's2' cannot be spoken: SSML <audio> is not supported; "
        "fix it with PUT /rooms/shop/script"
    )


def test_begin_run_refuses_a_script_the_engine_refuses_before_claiming_the_run(
    store: RoomStore,
) -> None:
    # Given a room whose stored script has a 60 s break (saved before the check existed)
    store.create_room(Room(room_id="shop", name="Shop"))
    bad = Segment(segment_id="s1", ssml='<speak>Hi <break time="60s"/> there</speak>')
    store.put_script("shop", Script(segments=[bad]))
    # When a RoomLifecycle execution begins its run
    with pytest.raises(ScriptRejected) as refused:
        begin_run(store, "shop", "shop-x-1")
    # Then it names the segment, and the room was not claimed (nothing will be provisioned)
    assert refused.value.problems == [
        "segments.0 ('s1'): SSML line 1, column 11: <break time=\"60s\"> is longer than "
        "Polly's 10s maximum"
    ]
    room = store.get_room("shop")
    assert (room.phase.value, room.run) == ("CREATED", 0)
