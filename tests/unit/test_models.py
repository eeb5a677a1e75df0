"""Domain models: validation messages that say what to fix, camelCase on the wire."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from livehost.models import LoopMode, Room, Script, Segment
from livehost.protocol import PlaySegment, parse_command


def test_a_segment_needs_exactly_one_of_text_or_ssml() -> None:
    # Given / When a segment with neither
    with pytest.raises(ValidationError) as caught:
        Segment(segment_id="s1")
    # Then the message names the segment and the fix
    assert "segment 's1': give exactly one of 'text' or 'ssml', non-empty" in str(caught.value)


def test_a_segment_naming_an_unknown_product_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        Script(segments=[Segment(segment_id="s1", text="Hi.", product_id="nope")])
    assert "segment 's1' names product 'nope', which is not in the script's 'products'" in str(
        caught.value
    )


def test_segment_ids_are_unique() -> None:
    with pytest.raises(ValidationError) as caught:
        Script(segments=[Segment(segment_id="a", text="x"), Segment(segment_id="a", text="y")])
    assert "segment id 'a' is used twice" in str(caught.value)


@pytest.mark.parametrize(
    ("loop", "loops"),
    [({"mode": "once"}, 1), ({"mode": "times", "times": 3}, 3), ({"mode": "forever"}, None)],
)
def test_loop_modes(loop: dict, loops: int | None) -> None:
    assert LoopMode.model_validate(loop).loops() == loops


def test_times_needs_a_count() -> None:
    with pytest.raises(ValidationError, match="loop mode 'times' needs 'times'"):
        LoopMode(mode="times")


def test_room_ids_are_slugs() -> None:
    with pytest.raises(ValidationError):
        Room(room_id="Bad Room!", name="x")
    assert Room(room_id="good-room-1", name="x").wire()["roomId"] == "good-room-1"


def test_commands_round_trip_in_camel_case() -> None:
    # Given a PlaySegment as the ShowLoop writes it
    body = (
        '{"type":"PlaySegment","commandId":"r-r1-l0-i0","roomId":"r","segmentId":"s1","loop":0,'
        '"index":0,"speech":{"bucket":"b","audioKey":"a.pcm","marksKey":"a.jsonl",'
        '"sampleRate":22050,"durationMs":1200},"cue":{"text":"Hi."},"pauseAfterMs":300,'
        '"taskToken":"tok"}'
    )
    # When the agent parses it
    command = parse_command(body)
    # Then it is the PlaySegment with every field
    assert isinstance(command, PlaySegment)
    assert (command.segment_id, command.speech.sample_rate, command.task_token) == (
        "s1",
        22050,
        "tok",
    )


def test_an_unknown_command_type_is_rejected_with_its_location() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_command('{"type":"Dance","commandId":"x","roomId":"r"}')
    assert "Dance" in str(caught.value)
