"""NextCue sends each segment with the ones after it (the look-ahead, two), and the cursor still
moves only past a segment the agent says has fully played."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from livehost_table import create_livehost_table
from moto import mock_aws

from livehost.models import Cursor, LoopMode, Room, Script, Segment, StopMode
from livehost.protocol import SpeechRef
from livehost.show import next_cue
from livehost.speech.model import SpeechRequest
from livehost.states import ShowStep
from livehost.store import RoomStore


class TextEngine:
    """A speech source whose audio key is the text (so a test can tell segments apart)."""

    def ensure(self, request: SpeechRequest) -> SpeechRef:
        return SpeechRef(
            bucket="b", audio_key=request.text, marks_key="m", sample_rate=16000, duration_ms=900
        )


@pytest.fixture
def store() -> Iterator[RoomStore]:
    with mock_aws():
        table = create_livehost_table(boto3.resource("dynamodb", region_name="us-east-1"))
        store = RoomStore(table)
        store.create_room(Room(room_id="shop", name="Shop"))
        segments = [Segment(segment_id=f"s{i}", text=f"Line {i}.") for i in range(3)]
        store.put_script("shop", Script(segments=segments, loop=LoopMode(mode="times", times=1)))
        yield store


def first_step() -> ShowStep:
    return ShowStep(
        room_id="shop",
        run=1,
        generation=0,
        command_queue_url="q",
        event_budget=9000,
        heartbeat_s=30,
    )


def test_each_segment_goes_out_with_the_one_after_it(store: RoomStore) -> None:
    # Given a fresh run of a 3-segment script played once
    # When NextCue runs at the start and after each segment has fully played
    step = next_cue(store, TextEngine(), first_step())
    sent = [(step.command, step.ahead)]
    while step.action == "play":
        step = next_cue(store, TextEngine(), step.model_copy(update={"play_result": {"ok": 1}}))
        sent.append((step.command, step.ahead))

    # Then s0 goes with s1 and s2, s1 with s2, s2 with nothing, and the show is done
    pairs = [(c.segment_id if c else None, [a.segment_id for a in ahead]) for c, ahead in sent]
    assert pairs == [("s0", ["s1", "s2"]), ("s1", ["s2"]), ("s2", []), (None, [])]
    first_ahead = sent[0][1][0]
    assert (first_ahead.command_id, first_ahead.speech.audio_key) == ("shop-r1-l0-i1", "Line 1.")
    assert step.action == "done"
    assert store.get_cursor("shop", 1) == Cursor(loop=1, index=0)


def test_a_segment_dropped_by_a_stop_does_not_move_the_cursor(store: RoomStore) -> None:
    # Given s0 sent, and a graceful stop that dropped it before it played
    step = next_cue(store, TextEngine(), first_step())
    store.request_stop("shop", StopMode.GRACEFUL)

    # When the agent's answer says it was stopped
    after = next_cue(
        store, TextEngine(), step.model_copy(update={"play_result": {"stopped": True}})
    )

    # Then the show is done, nothing counts as played, and the cursor still points at s0
    assert (after.action, after.played) == ("done", 0)
    assert store.get_cursor("shop", 1) == Cursor(loop=0, index=0)
