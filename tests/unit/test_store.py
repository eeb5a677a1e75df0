"""The single-table data layer against the emulator's DynamoDB (in process)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from livehost_table import create_livehost_table
from moto import mock_aws

from livehost.errors import RoomAlreadyRunning, RoomNotFound
from livehost.models import (
    Channel,
    Cursor,
    KnowledgeEntry,
    Phase,
    Room,
    Script,
    Segment,
    StopMode,
    TimelineEntry,
)
from livehost.questions import QuestionBook
from livehost.screening import ScreeningPolicy
from livehost.store import RoomExists, RoomStore


class CountingTable:
    """A table that counts the calls made through it."""

    def __init__(self, table: Any) -> None:
        self.table, self.calls = table, []

    def __getattr__(self, name: str) -> Any:
        self.calls.append(name)
        return getattr(self.table, name)


@pytest.fixture
def table() -> Iterator[Any]:
    with mock_aws():
        dynamodb = boto3.resource("dynamodb", region_name="us-east-1")
        yield create_livehost_table(dynamodb)


@pytest.fixture
def store(table: Any) -> RoomStore:
    return RoomStore(table, clock=lambda: 1000.0)


def test_rooms_are_created_once_and_listed(store: RoomStore) -> None:
    store.create_room(Room(room_id="room-b", name="B"))
    store.create_room(Room(room_id="room-a", name="A"))
    with pytest.raises(RoomExists, match="room 'room-a' exists already"):
        store.create_room(Room(room_id="room-a", name="again"))
    assert [r.room_id for r in store.list_rooms()] == ["room-a", "room-b"]


def test_a_run_is_claimed_once_until_the_room_ends(store: RoomStore) -> None:
    # Given a room
    store.create_room(Room(room_id="room-a", name="A"))
    # When a run is claimed
    room = store.begin_run("room-a")
    # Then it is run 1, provisioning; a second claim is refused while it is active
    assert (room.run, room.phase) == (1, Phase.PROVISIONING)
    with pytest.raises(
        RoomAlreadyRunning, match="room 'room-a' is PROVISIONING \\(run 1\\); stop it first"
    ):
        store.begin_run("room-a")
    # And once it ended, run 2 starts clean
    store.set_phase("room-a", Phase.ENDED, stopRequested="graceful")
    room = store.begin_run("room-a")
    assert (room.run, room.stop_requested) == (2, None)


def test_a_new_run_keeps_the_rooms_channel_and_clears_the_last_runs_host(
    store: RoomStore,
) -> None:
    # Given a room that ended its first run, keeping its channel (keyless)
    store.create_room(Room(room_id="room-a", name="A"))
    store.begin_run("room-a")
    channel = Channel(
        channel_arn="arn:aws:ivs:us-east-1:123456789012:channel/abc",
        ingest_endpoint="abc.global-contribute.live-video.net",
        playback_url="https://abc.us-east-1.playback.live-video.net/api/video/v1/x.m3u8",
    )
    store.set_phase("room-a", Phase.ENDED, channel=channel.wire(), instanceId="i-1")

    # When its second run is claimed
    room = store.begin_run("room-a")

    # Then the channel is the same, the last run's render host is forgotten
    assert (room.run, room.channel, room.instance_id) == (2, channel, None)


def test_unknown_rooms_are_named(store: RoomStore) -> None:
    with pytest.raises(RoomNotFound, match="no room 'ghost'"):
        store.begin_run("ghost")
    with pytest.raises(RoomNotFound):
        store.update_room("ghost", phase="LIVE")


def test_the_cursor_moves_only_from_where_it_is(store: RoomStore) -> None:
    # Given a fresh run
    assert store.get_cursor("r", 1) == Cursor()
    # When segment 0 is reported played, twice (a duplicate delivery)
    first = store.advance_cursor("r", 1, Cursor(), Cursor(index=1))
    second = store.advance_cursor("r", 1, Cursor(), Cursor(index=1))
    # Then it moved once
    assert (first, second) == (True, False)
    assert store.get_cursor("r", 1) == Cursor(index=1)
    # And a stale report from the past cannot move it back
    assert store.advance_cursor("r", 1, Cursor(), Cursor(index=1)) is False
    assert store.advance_cursor("r", 1, Cursor(index=1), Cursor(loop=1, index=0)) is True
    assert store.get_cursor("r", 1) == Cursor(loop=1, index=0)


def test_stop_flag_and_fields(store: RoomStore) -> None:
    store.create_room(Room(room_id="room-a", name="A"))
    room = store.request_stop("room-a", StopMode.NOW)
    assert room.stop_requested == StopMode.NOW
    room = store.update_room("room-a", streamHealth={"fps": 29.97, "bitrateKbps": 2500.5})
    assert room.stream_health is not None and room.stream_health.fps == 29.97


def test_knowledge_and_timeline(store: RoomStore) -> None:
    store.put_entry("r", KnowledgeEntry(entry_id="e1", title="T", text="Fact."))
    assert [e.entry_id for e in store.list_entries("r")] == ["e1"]
    assert store.delete_entry("r", "e1") is True
    assert store.delete_entry("r", "e1") is False
    store.append_timeline("r", 1, TimelineEntry(at=2.0, kind="phase", text="b"))
    store.append_timeline("r", 1, TimelineEntry(at=1.0, kind="phase", text="a"))
    store.append_timeline("r", 2, TimelineEntry(at=1.5, kind="phase", text="other run"))
    assert [e.text for e in store.timeline("r", 1)] == ["a", "b"]


def test_a_timeline_since_a_time_holds_only_what_came_after_it(store: RoomStore) -> None:
    # Given a run's timeline over three seconds (and another run's)
    for at in (1.0, 2.0, 2.5, 3.0):
        store.append_timeline("r", 1, TimelineEntry(at=at, kind="phase", text=str(at)))
    store.append_timeline("r", 2, TimelineEntry(at=2.2, kind="phase", text="other run"))
    # When it is read since 2.0 s, since after its end, and since 0
    since_two = store.timeline("r", 1, since=2.0)
    since_later = store.timeline("r", 1, since=4.0)
    since_zero = store.timeline("r", 1, since=0)
    # Then only the run's entries strictly after it, oldest first (a client passing the last
    # `at` it saw gets nothing twice)
    assert [e.text for e in since_two] == ["2.5", "3.0"]
    assert since_later == []
    assert [e.text for e in since_zero] == ["1.0", "2.0", "2.5", "3.0"]


def test_what_an_answer_needs_is_read_in_one_query(store: RoomStore, table: Any) -> None:
    # Given a room with a script, knowledge, a screening policy, a timeline and questions
    store.create_room(Room(room_id="room-a", name="A"))
    store.put_script("room-a", Script(segments=[Segment(segment_id="s1", text="Hi.")]))
    store.put_entry("room-a", KnowledgeEntry(entry_id="k1", title="T", text="Fact."))
    QuestionBook(store).set_policy("room-a", ScreeningPolicy(blocklist=["x"]))
    store.append_timeline("room-a", 1, TimelineEntry(at=1000.0, kind="question", by="viewer"))
    store.put_question_ledger("room-a", 1, {"entries": {}}, version=0, ttl_s=60)
    store.table = CountingTable(table)

    # When the room's content is read
    room, script, entries = store.room_content("room-a")

    # Then one query gives the room, its script and its knowledge
    assert store.table.calls == ["query"]
    assert (room.room_id, script and script.segments[0].segment_id) == ("room-a", "s1")
    assert [e.entry_id for e in entries] == ["k1"]


def test_room_content_of_an_unknown_room_is_named(store: RoomStore) -> None:
    with pytest.raises(RoomNotFound, match="no room 'nope'"):
        store.room_content("nope")


def test_what_admission_needs_is_read_in_one_query(store: RoomStore, table: Any) -> None:
    # Given a room in its second run, with a policy, knowledge and both runs' ledgers
    store.create_room(Room(room_id="room-a", name="A"))
    store.update_room("room-a", run=2)
    store.put_entry("room-a", KnowledgeEntry(entry_id="k1", title="T", text="Fact."))
    QuestionBook(store).set_policy("room-a", ScreeningPolicy(blocklist=["x"]))
    store.put_question_ledger("room-a", 1, {"entries": {"old": 1}}, version=0, ttl_s=60)
    assert store.put_question_ledger("room-a", 2, {"entries": {}}, version=0, ttl_s=60)
    assert store.put_question_ledger("room-a", 2, {"entries": {"q": 2}}, version=1, ttl_s=60)
    store.table = CountingTable(table)

    # When what admitting a question needs is read
    room, policy, ledger, version = store.question_context("room-a")

    # Then one query gives the room, its policy and its current run's ledger at its version
    assert store.table.calls == ["query"]
    assert (room.run, policy and policy["blocklist"], ledger, version) == (
        2,
        ["x"],
        {"entries": {"q": 2}},
        2,
    )


def test_a_ledger_is_replaced_only_at_the_version_it_was_read(store: RoomStore) -> None:
    store.create_room(Room(room_id="room-a", name="A"))
    store.update_room("room-a", run=1)
    assert store.put_question_ledger("room-a", 1, {"entries": {}}, version=0, ttl_s=60)
    assert not store.put_question_ledger("room-a", 1, {"entries": {"a": 1}}, version=0, ttl_s=60)
    assert store.put_question_ledger("room-a", 1, {"entries": {"b": 1}}, version=1, ttl_s=60)
    assert not store.put_question_ledger("room-a", 1, {"entries": {"c": 1}}, version=1, ttl_s=60)
    assert store.question_context("room-a")[2:] == ({"entries": {"b": 1}}, 2)


def test_deleting_a_room_leaves_nothing_of_it(store: RoomStore, table: Any) -> None:
    # Given a room with a ledger
    store.create_room(Room(room_id="room-a", name="A"))
    store.put_question_ledger("room-a", 1, {"entries": {}}, version=0, ttl_s=60)

    # When the room is deleted
    store.delete_room("room-a")

    # Then nothing of it is left, its questions included
    assert table.scan()["Items"] == []


def test_a_timeline_entry_expires_its_retention_after_it_happened(table: Any) -> None:
    # Given a store keeping timeline entries for an hour
    store = RoomStore(table, clock=lambda: 1000.0, timeline_retention_s=3600)
    # When an entry that happened at 1,234.5 s is added
    store.append_timeline("r", 1, TimelineEntry(at=1234.5, kind="phase", text="live"))
    # Then its item carries the table's TTL attribute an hour later
    items = table.scan()["Items"]
    assert [int(i["expiresAt"]) for i in items if i["sk"].startswith("TL#")] == [4834]
