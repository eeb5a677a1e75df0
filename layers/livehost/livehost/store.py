"""The single-table data layer. Every item lives under ``pk``/``sk``:

=====================  ======================  ===========================================
pk                     sk                      what
=====================  ======================  ===========================================
``ROOM#<id>``          ``META``                the room (also on GSI ``byKind``: ROOM)
``ROOM#<id>``          ``SCRIPT``              the room's script (JSON body)
``ROOM#<id>``          ``KB#<entryId>``        a knowledge entry (JSON body)
``ROOM#<id>``          ``CURSOR#<run>``        next segment to play in that run
``ROOM#<id>``          ``TL#<run>#<ms>#<id>``  a timeline entry (JSON body; id: the event's; TTL)
``ROOM#<id>``          ``QUESTIONS#<run>``     the run's question ledger (versioned, TTL)
``ROOM#<id>``          ``SCREENING``           the room's screening policy (JSON body)
``ROOM#<id>``          ``HISTORY#<run>``       a run: start, end, outcome (JSON body)
``ROOM#<id>``          ``HISTORY#<run>#REC#<recording>``  one of its recordings (JSON body)
``SPEECH#<hash>``      ``ASSET``               a synthesized speech asset (TTL)
``MATERIALS#<lib>``    ``MATERIAL#<id>``       a material (JSON body); lib: ``ROOM#<id>`` or
                                               ``SHARED`` (livehost.materials)
=====================  ======================  ===========================================

What answering a question needs (knowledge ``KB#``, the room ``META``, its ``SCRIPT``) sorts
together, so one Query reads it all (``room_content``); so does what admitting a question
needs (``META``, the run's ``QUESTIONS#`` ledger, the ``SCREENING`` policy:
``question_context``). A question's own record is its timeline entry. Runs (``HISTORY#``) sort before ``KB#``, outside
both of those reads, however many runs a room has had.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError

from livehost.errors import RoomAlreadyRunning, RoomNotFound
from livehost.materials.model import Material
from livehost.models import (
    ACTIVE_PHASES,
    Cursor,
    KnowledgeEntry,
    Phase,
    Recording,
    Room,
    RunRecord,
    Script,
    StopMode,
    TimelineEntry,
)

ROOM_FIELDS_CLEARED_ON_START = (
    "stopRequested",
    "instanceId",
    "commandQueueUrl",
    "currentSegment",
    "streamHealth",
    "error",
    "cause",
    "replacements",
    "paused",
    "stopAt",
)


class RoomExists(Exception):
    """A room with that id exists already."""


class EntriesExist(Exception):
    """Knowledge entries with these ids exist already (nothing was written)."""

    def __init__(self, room_id: str, entry_ids: list[str]) -> None:
        super().__init__(f"room {room_id!r} has entries {entry_ids} already")
        self.entry_ids = entry_ids


class ItemTooLarge(Exception):
    """A body over DynamoDB's item size limit; the message says what to shorten."""


# DynamoDB's 400 KB item limit, less room for the keys and attribute names.
MAX_BODY_BYTES = 400 * 1024 - 1024
MAX_ENTRIES_AT_ONCE = 100  # TransactWriteItems' limit: a bulk upload is all or nothing


def room_key(room_id: str) -> dict[str, str]:
    return {"pk": f"ROOM#{room_id}", "sk": "META"}


def room_item_key(room_id: str) -> dict[str, dict[str, str]]:
    """The room's key in DynamoDB's typed form, for a workflow's direct DynamoDB task (the
    workflow takes it from its state; it never spells the layout itself)."""
    return {name: {"S": value} for name, value in room_key(room_id).items()}


def speech_asset_key(key: str) -> dict[str, str]:
    """The item that indexes a synthesized speech asset (livehost.speech.library)."""
    return {"pk": f"SPEECH#{key}", "sk": "ASSET"}


def _to_item(value: Any) -> Any:
    """JSON-shaped data to what DynamoDB accepts (floats as Decimal)."""
    return json.loads(json.dumps(value), parse_float=Decimal)


def _from_item(value: Any) -> Any:
    """DynamoDB data back to plain JSON types."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_item(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_item(v) for v in value]
    return value


def _conditional_failed(exc: ClientError) -> bool:
    return exc.response["Error"]["Code"] == "ConditionalCheckFailedException"


# A run's timeline entries expire (the table's TTL on ``expiresAt``) this long after they
# happened, so a room that runs for weeks holds at most this window of its timeline.
TIMELINE_RETENTION_S = 7 * 24 * 3600


class RoomStore:
    """Rooms, scripts, knowledge, cursors and timelines in the LiveHost table.

    ``table`` is a boto3 DynamoDB Table resource; ``clock`` returns unix seconds;
    ``timeline_retention_s``: how long a timeline entry is kept (TTL)."""

    def __init__(
        self,
        table: Any,
        clock: Callable[[], float] = time.time,
        timeline_retention_s: int = TIMELINE_RETENTION_S,
    ) -> None:
        self.table = table
        self.clock = clock
        self.timeline_retention_s = timeline_retention_s

    # ---- rooms -------------------------------------------------------------------------

    def create_room(self, room: Room) -> Room:
        """Store a new room (RoomExists if the id is taken), stamped with its creation time."""
        if room.created_at is None:
            room = room.model_copy(update={"created_at": round(self.clock(), 3)})
        item = {**room_key(room.room_id), "kind": "ROOM", **_to_item(room.wire())}
        try:
            self.table.put_item(Item=item, ConditionExpression="attribute_not_exists(pk)")
        except ClientError as exc:
            if _conditional_failed(exc):
                raise RoomExists(f"room {room.room_id!r} exists already") from exc
            raise
        return room

    def get_room(self, room_id: str) -> Room:
        item = self.table.get_item(Key=room_key(room_id), ConsistentRead=True).get("Item")
        if not item:
            raise RoomNotFound(f"no room {room_id!r}")
        return _room_of(item)

    def list_rooms(self) -> list[Room]:
        items = self._query(
            IndexName="byKind",
            KeyConditionExpression="kind = :k",
            ExpressionAttributeValues={":k": "ROOM"},
        )
        return sorted((_room_of(item) for item in items), key=lambda r: r.room_id)

    def update_room(self, room_id: str, **fields: Any) -> Room:
        """Set room attributes (camelCase names; None removes); the room must exist."""
        sets = {k: v for k, v in fields.items() if v is not None}
        removes = [k for k, v in fields.items() if v is None]
        return self._update(room_id, sets, removes)

    def set_phase(self, room_id: str, phase: Phase, **fields: Any) -> Room:
        return self.update_room(room_id, phase=phase.value, **fields)

    def begin_run(self, room_id: str, execution_arn: str | None = None) -> Room:
        """Claim the next run of a room: refused while a run is active. The run's execution
        ARN replaces the last run's (or is removed when not given)."""
        active = [p.value for p in ACTIVE_PHASES]
        cleared = ROOM_FIELDS_CLEARED_ON_START + (() if execution_arn else ("executionArn",))
        names = {f"#{k}": k for k in cleared}
        arn = {":x": execution_arn} if execution_arn else {}
        try:
            item = self.table.update_item(
                Key=room_key(room_id),
                UpdateExpression="SET phase = :p, #run = if_not_exists(#run, :zero) + :one"
                + (", executionArn = :x" if execution_arn else "")
                + " REMOVE "
                + ", ".join(names),
                ConditionExpression="attribute_exists(pk) AND NOT phase IN ("
                + ", ".join(f":a{i}" for i in range(len(active)))
                + ")",
                ExpressionAttributeNames={"#run": "run", **names},
                ExpressionAttributeValues={
                    ":p": Phase.PROVISIONING.value,
                    ":zero": 0,
                    ":one": 1,
                    **arn,
                    **{f":a{i}": a for i, a in enumerate(active)},
                },
                ReturnValues="ALL_NEW",
            )["Attributes"]
        except ClientError as exc:
            if not _conditional_failed(exc):
                raise
            room = self.get_room(room_id)  # raises RoomNotFound
            raise RoomAlreadyRunning(
                f"room {room_id!r} is {room.phase.value} (run {room.run}); stop it first"
            ) from exc
        return _room_of(item)

    def room_content(self, room_id: str) -> tuple[Room, Script | None, list[KnowledgeEntry]]:
        """The room, its script and its knowledge entries, in one Query (consistent)."""
        room, script, entries = None, None, []
        for item in self._query(
            KeyConditionExpression="pk = :pk AND sk BETWEEN :lo AND :hi",
            ExpressionAttributeValues={":pk": f"ROOM#{room_id}", ":lo": "KB#", ":hi": "SCRIPT"},
            ConsistentRead=True,
        ):
            if item["sk"] == "META":
                room = _room_of(item)
            elif item["sk"] == "SCRIPT":
                script = Script.model_validate_json(item["body"])
            elif item["sk"].startswith("KB#"):
                entries.append(KnowledgeEntry.model_validate_json(item["body"]))
        if room is None:
            raise RoomNotFound(f"no room {room_id!r}")
        return room, script, entries

    def request_stop(self, room_id: str, mode: StopMode) -> Room:
        return self.update_room(room_id, stopRequested=mode.value)

    def delete_room(self, room_id: str) -> None:
        room = self.get_room(room_id)
        if room.phase in ACTIVE_PHASES:
            raise RoomAlreadyRunning(f"room {room_id!r} is {room.phase.value}; stop it first")
        with self.table.batch_writer() as batch:
            for item in self._query(
                KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": f"ROOM#{room_id}"},
                ProjectionExpression="pk, sk",
            ):
                batch.delete_item(Key={"pk": item["pk"], "sk": item["sk"]})

    def _update(self, room_id: str, sets: dict[str, Any], removes: list[str]) -> Room:
        names = {f"#{k}": k for k in [*sets, *removes]}
        parts = []
        if sets:
            parts.append("SET " + ", ".join(f"#{k} = :{k}" for k in sets))
        if removes:
            parts.append("REMOVE " + ", ".join(f"#{k}" for k in removes))
        kwargs: dict[str, Any] = {
            "Key": room_key(room_id),
            "UpdateExpression": " ".join(parts),
            "ConditionExpression": "attribute_exists(pk)",
            "ExpressionAttributeNames": names,
            "ReturnValues": "ALL_NEW",
        }
        if sets:
            kwargs["ExpressionAttributeValues"] = {f":{k}": _to_item(v) for k, v in sets.items()}
        try:
            item = self.table.update_item(**kwargs)["Attributes"]
        except ClientError as exc:
            if _conditional_failed(exc):
                raise RoomNotFound(f"no room {room_id!r}") from exc
            raise
        return _room_of(item)

    # ---- script and knowledge -----------------------------------------------------------

    def put_script(self, room_id: str, script: Script) -> None:
        self._put_body(room_id, "SCRIPT", script.wire())

    def get_script(self, room_id: str) -> Script | None:
        body = self._get_body(room_id, "SCRIPT")
        return Script.model_validate(body) if body is not None else None

    def put_entry(self, room_id: str, entry: KnowledgeEntry) -> None:
        self._put_body(room_id, f"KB#{entry.entry_id}", entry.wire())

    def add_entries(self, room_id: str, entries: list[KnowledgeEntry]) -> None:
        """Add new entries, all or none: EntriesExist (naming them) if any id is taken."""
        if len(entries) > MAX_ENTRIES_AT_ONCE:
            raise ValueError(f"at most {MAX_ENTRIES_AT_ONCE} entries at once")
        puts = [
            {
                "Put": {
                    "TableName": self.table.name,
                    "Item": {
                        "pk": f"ROOM#{room_id}",
                        "sk": f"KB#{entry.entry_id}",
                        "body": json.dumps(entry.wire()),
                    },
                    "ConditionExpression": "attribute_not_exists(#pk)",
                    "ExpressionAttributeNames": {"#pk": "pk"},
                }
            }
            for entry in entries
        ]
        try:  # the resource's client takes plain values, as the Table does
            self.table.meta.client.transact_write_items(TransactItems=puts)
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = exc.response.get("CancellationReasons", [])
            taken = [
                entry.entry_id
                for entry, reason in zip(entries, reasons, strict=False)
                if reason.get("Code") == "ConditionalCheckFailed"
            ]
            raise EntriesExist(room_id, taken) from exc

    def get_entry(self, room_id: str, entry_id: str) -> KnowledgeEntry | None:
        body = self._get_body(room_id, f"KB#{entry_id}")
        return KnowledgeEntry.model_validate(body) if body is not None else None

    def delete_entry(self, room_id: str, entry_id: str) -> bool:
        old = self.table.delete_item(
            Key={"pk": f"ROOM#{room_id}", "sk": f"KB#{entry_id}"}, ReturnValues="ALL_OLD"
        )
        return "Attributes" in old

    def list_entries(self, room_id: str) -> list[KnowledgeEntry]:
        return [KnowledgeEntry.model_validate(b) for b in self._bodies(room_id, "KB#")]

    # ---- cursor: exactly-once progress through the script ------------------------------

    def get_cursor(self, room_id: str, run: int) -> Cursor:
        item = self.table.get_item(
            Key={"pk": f"ROOM#{room_id}", "sk": f"CURSOR#{run}"}, ConsistentRead=True
        ).get("Item")
        if not item:
            return Cursor()
        return Cursor(loop=int(item["loop"]), index=int(item["index"]))

    def advance_cursor(self, room_id: str, run: int, played: Cursor, following: Cursor) -> bool:
        """Move the cursor from ``played`` to ``following`` only if it still points at
        ``played``. False means another delivery already moved it (nothing changes)."""
        condition = "(#loop = :l AND #index = :i)"
        if played == Cursor():
            condition = f"attribute_not_exists(pk) OR {condition}"
        try:
            self.table.put_item(
                Item={
                    "pk": f"ROOM#{room_id}",
                    "sk": f"CURSOR#{run}",
                    "loop": following.loop,
                    "index": following.index,
                    "at": Decimal(str(round(self.clock(), 3))),
                },
                ConditionExpression=condition,
                ExpressionAttributeNames={"#loop": "loop", "#index": "index"},
                ExpressionAttributeValues={":l": played.loop, ":i": played.index},
            )
        except ClientError as exc:
            if _conditional_failed(exc):
                return False
            raise
        return True

    # ---- timeline -----------------------------------------------------------------------

    def append_timeline(
        self, room_id: str, run: int, entry: TimelineEntry, entry_id: str | None = None
    ) -> None:
        """Add an entry to the run's timeline. ``entry_id`` (a render host event's own id)
        makes the write idempotent: a redelivered event overwrites its entry, never adds one."""
        unique = entry_id or uuid.uuid4().hex[:8]
        sk = f"TL#{run:05d}#{int(entry.at * 1000):013d}#{unique}"
        self._put_body(
            room_id, sk, entry.wire(), expires_at=int(entry.at) + self.timeline_retention_s
        )

    def timeline(self, room_id: str, run: int, since: float | None = None) -> list[TimelineEntry]:
        """The run's entries, oldest first; with ``since`` (unix seconds) only those strictly
        after it (one short Query for a client that follows a live room: it passes the last
        ``at`` it saw)."""
        since_ms = None if since is None else f"{max(0, int(since * 1000)):013d}"
        bodies = self._bodies(room_id, f"TL#{run:05d}#", from_key=since_ms)
        entries = [TimelineEntry.model_validate(b) for b in bodies]
        if since is not None:
            entries = [e for e in entries if e.at > since]
        return sorted(entries, key=lambda e: (e.at, e.stream_ms or 0))

    # ---- questions ----------------------------------------------------------------------

    def screening_policy(self, room_id: str) -> dict[str, Any] | None:
        """The room's screening policy as set, or None."""
        return self._get_body(room_id, "SCREENING")

    def put_screening_policy(self, room_id: str, policy: dict[str, Any]) -> None:
        self._put_body(room_id, "SCREENING", policy)

    def question_context(
        self, room_id: str
    ) -> tuple[Room, dict[str, Any] | None, dict[str, Any] | None, int]:
        """What admitting a question needs, in one consistent Query: the room, its screening
        policy as set (or None), its current run's question ledger (None before the run's
        first question) and the ledger's version for ``put_question_ledger``."""
        room, policy, ledgers = None, None, {}
        for item in self._query(
            KeyConditionExpression="pk = :pk AND sk BETWEEN :lo AND :hi",
            ExpressionAttributeValues={":pk": f"ROOM#{room_id}", ":lo": "META", ":hi": "SCREENING"},
            ConsistentRead=True,
        ):
            if item["sk"] == "META":
                room = _room_of(item)
            elif item["sk"] == "SCREENING":
                policy = json.loads(item["body"])
            elif item["sk"].startswith("QUESTIONS#"):
                ledgers[item["sk"]] = item
        if room is None:
            raise RoomNotFound(f"no room {room_id!r}")
        ledger = ledgers.get(_ledger_sk(room.run))
        if ledger is None:
            return room, policy, None, 0
        return room, policy, json.loads(ledger["body"]), int(ledger["version"])

    def put_question_ledger(
        self, room_id: str, run: int, ledger: dict[str, Any], version: int, ttl_s: int
    ) -> bool:
        """Replace the run's ledger if it is still at ``version`` (0: not written yet). False
        when another writer got there first: read it again and decide again."""
        condition = "attribute_not_exists(pk)" if version == 0 else "version = :seen"
        try:
            self.table.put_item(
                Item={
                    "pk": f"ROOM#{room_id}",
                    "sk": _ledger_sk(run),
                    "body": json.dumps(ledger),
                    "version": version + 1,
                    "expiresAt": int(self.clock()) + ttl_s,
                },
                ConditionExpression=condition,
                **({"ExpressionAttributeValues": {":seen": version}} if version else {}),
            )
        except ClientError as exc:
            if _conditional_failed(exc):
                return False
            raise
        return True

    # ---- materials ----------------------------------------------------------------------

    def put_material(self, material: Material) -> None:
        self.table.put_item(
            Item={
                **_material_key(material.room_id, material.material_id),
                "body": json.dumps(material.wire()),
            }
        )

    def get_material(self, room_id: str | None, material_id: str) -> Material | None:
        """A material of the room's library (``room_id`` None: the shared library)."""
        item = self.table.get_item(
            Key=_material_key(room_id, material_id), ConsistentRead=True
        ).get("Item")
        return Material.model_validate_json(item["body"]) if item else None

    def list_materials(self, room_id: str | None) -> list[Material]:
        items = self._query(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :m)",
            ExpressionAttributeValues={":pk": _material_key(room_id, "")["pk"], ":m": "MATERIAL#"},
        )
        return [Material.model_validate_json(item["body"]) for item in items]

    def delete_material(self, room_id: str | None, material_id: str) -> bool:
        old = self.table.delete_item(
            Key=_material_key(room_id, material_id), ReturnValues="ALL_OLD"
        )
        return "Attributes" in old

    # ---- runs and their recordings (livehost.replays) -----------------------------------

    def record_run_started(self, room_id: str, run: int, execution: str) -> None:
        """The run's record, as it begins."""
        record = RunRecord(run=run, execution=execution, started_at=round(self.clock(), 3))
        self._put_body(room_id, _history_sk(run), record.wire())

    def record_run_ended(
        self, room_id: str, run: int, *, failed: bool, error: str | None, cause: str | None
    ) -> None:
        """Close the run's record (a run begun before runs were recorded gets one now)."""
        body = self._get_body(room_id, _history_sk(run))
        record = RunRecord.model_validate(body) if body else RunRecord(run=run, started_at=0)
        ended = record.model_copy(
            update={
                "ended_at": round(self.clock(), 3),
                "outcome": "FAILED" if failed else "ENDED",
                "error": error,
                "cause": cause,
            }
        )
        self._put_body(room_id, _history_sk(run), ended.wire())

    def put_recording(self, room_id: str, run: int, recording: Recording) -> None:
        """File a recording under its run. A recording that has ended replaces what was known;
        one that has only started never replaces an ending that arrived first (EventBridge
        does not promise order)."""
        item = {
            "pk": f"ROOM#{room_id}",
            "sk": f"{_history_sk(run)}#REC#{recording.recording_id}",
            "body": json.dumps(recording.wire()),
        }
        if recording.status != "RECORDING":
            self.table.put_item(Item=item)
            return
        try:
            self.table.put_item(Item=item, ConditionExpression="attribute_not_exists(pk)")
        except ClientError as exc:
            if not _conditional_failed(exc):
                raise

    def runs(self, room_id: str) -> list[RunRecord]:
        """The room's runs with their recordings, oldest first."""
        runs: dict[int, RunRecord] = {}
        recordings: dict[int, list[Recording]] = {}
        for item in self._query(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :h)",
            ExpressionAttributeValues={":pk": f"ROOM#{room_id}", ":h": "HISTORY#"},
            ConsistentRead=True,
        ):
            run = int(item["sk"].split("#")[1])
            if "#REC#" in item["sk"]:
                recordings.setdefault(run, []).append(Recording.model_validate_json(item["body"]))
            else:
                runs[run] = RunRecord.model_validate_json(item["body"])
        return [
            runs[n].model_copy(
                update={"recordings": sorted(recordings.get(n, []), key=lambda r: r.started_at)}
            )
            for n in sorted(runs)
        ]

    # ---- bodies -------------------------------------------------------------------------

    def _put_body(
        self, room_id: str, sk: str, body: dict[str, Any], expires_at: int | None = None
    ) -> None:
        text = json.dumps(body)
        size = len(text.encode())
        if size > MAX_BODY_BYTES:
            what = sk.split("#", 1)[0].lower()
            raise ItemTooLarge(
                f"the {what} is {size // 1024} KB stored; at most {MAX_BODY_BYTES // 1024} KB "
                "(DynamoDB's item limit): shorten its texts"
            )
        item: dict[str, Any] = {"pk": f"ROOM#{room_id}", "sk": sk, "body": text}
        if expires_at is not None:
            item["expiresAt"] = expires_at
        self.table.put_item(Item=item)

    def _get_body(self, room_id: str, sk: str) -> dict[str, Any] | None:
        item = self.table.get_item(Key={"pk": f"ROOM#{room_id}", "sk": sk}).get("Item")
        return json.loads(item["body"]) if item else None

    def _bodies(
        self, room_id: str, prefix: str, from_key: str | None = None
    ) -> list[dict[str, Any]]:
        """The JSON bodies of the room's items whose sort key starts with ``prefix`` (and,
        with ``from_key``, sorts at or after ``prefix + from_key``)."""
        if from_key is None:
            condition, values = "begins_with(sk, :lo)", {":lo": prefix}
        else:
            condition, values = (
                "sk BETWEEN :lo AND :hi",
                {":lo": prefix + from_key, ":hi": prefix + "~"},
            )
        items = self._query(
            KeyConditionExpression=f"pk = :pk AND {condition}",
            ExpressionAttributeValues={":pk": f"ROOM#{room_id}", **values},
        )
        return [json.loads(item["body"]) for item in items]

    def _query(self, **query: Any) -> Iterator[dict[str, Any]]:
        """Every item a Query matches, page after page."""
        while True:
            page = self.table.query(**query)
            yield from page["Items"]
            if "LastEvaluatedKey" not in page:
                return
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _material_key(room_id: str | None, material_id: str) -> dict[str, str]:
    library = f"ROOM#{room_id}" if room_id else "SHARED"
    return {"pk": f"MATERIALS#{library}", "sk": f"MATERIAL#{material_id}"}


def _history_sk(run: int) -> str:
    return f"HISTORY#{run:05d}"


def _ledger_sk(run: int) -> str:
    return f"QUESTIONS#{run:05d}"


def _room_of(item: dict[str, Any]) -> Room:
    data = {k: v for k, v in _from_item(item).items() if k not in ("pk", "sk", "kind")}
    return Room.model_validate(data)
