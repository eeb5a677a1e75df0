"""Rooms, scripts and knowledge: what the operator routes do with the store."""

from __future__ import annotations

import contextlib
from typing import Any

from livehost.api.bodies import EntryBody, NewRoom, RoomChanges
from livehost.api.errors import EntryExists, EntryNotFound, ScriptMissing
from livehost.channels import delete_channel
from livehost.chat import delete_chat_room
from livehost.errors import RoomAlreadyRunning
from livehost.languages import check_voice, with_voices_checked
from livehost.materials.library import MaterialLibrary
from livehost.materials.references import material_problems
from livehost.models import ACTIVE_PHASES, KnowledgeEntry, Room, RoomSettings, Script
from livehost.schedules import ScheduleNotFound, delete_schedule
from livehost.script_check import ScriptRejected, check_script
from livehost.store import EntriesExist, RoomStore


def create_room(store: RoomStore, new: NewRoom) -> Room:
    """A new room in phase CREATED (RoomExists if the id is taken)."""
    return store.create_room(Room(room_id=new.room_id, name=new.name, settings=new.settings))


def delete_room(
    store: RoomStore,
    ivs: Any,
    room_id: str,
    materials: MaterialLibrary | None = None,
    scheduler: Any = None,
    schedule_group: str = "",
    ivschat: Any = None,
) -> None:
    """Delete a room that is not running, its schedule, its channel and chat room, and its
    materials (RoomAlreadyRunning while active). They go first: a failure leaves the room,
    so deleting it again finishes the job."""
    room = store.get_room(room_id)
    if room.phase in ACTIVE_PHASES:
        raise RoomAlreadyRunning(f"room {room_id!r} is {room.phase.value}; stop it first")
    if scheduler is not None and schedule_group:
        with contextlib.suppress(ScheduleNotFound):
            delete_schedule(scheduler, room_id=room_id, group=schedule_group)
    if room.channel is not None:
        delete_channel(ivs, room.channel)
        if room.channel.chat_room_arn is not None and ivschat is not None:
            delete_chat_room(ivschat, room.channel.chat_room_arn)
    if materials is not None:
        materials.delete_library(room_id)
    store.delete_room(room_id)


def update_room(
    store: RoomStore, room_id: str, changes: RoomChanges, engine: str = "polly"
) -> Room:
    """Rename a room or change some of its settings; settings apply from the next run. A new
    language must be spoken by the script's voices (``engine``'s), or it is refused."""
    room = store.get_room(room_id)
    fields: dict[str, object] = {}
    if changes.name is not None:
        fields["name"] = changes.name
    if changes.settings is not None:
        given = changes.settings.model_dump(exclude_unset=True)
        merged = room.settings.model_copy(update=given)
        script = store.get_script(room_id)
        if merged.language != room.settings.language and script is not None:
            with_voices_checked(script, merged.language, engine)
        fields["settings"] = RoomSettings.model_validate(merged.model_dump()).wire()
    if not fields:
        return room
    return store.update_room(room_id, **fields)


def put_script(
    store: RoomStore,
    room_id: str,
    script: Script,
    engine: str,
    materials: MaterialLibrary | None = None,
) -> Script:
    """Replace the room's script; refused while a run is active (the cursor points into it),
    when a voice does not fit (``engine``'s voices for the room's language) or when a
    material it names is missing, not ready or of the wrong kind."""
    room = store.get_room(room_id)
    if room.phase in ACTIVE_PHASES:
        raise RoomAlreadyRunning(
            f"room {room_id!r} is {room.phase.value}: change its script after it stops"
        )
    script = check_script(with_voices_checked(script, room.settings.language, engine))
    if materials is not None:
        problems = material_problems(
            script, lambda material_id: materials.find(room_id, material_id)
        )
        if problems:
            raise ScriptRejected(problems)
    store.put_script(room_id, script)
    return script


def check_live_voice(store: RoomStore, room_id: str, voice: str | None, engine: str) -> None:
    """An operator's voice (a line to say, a stage change) must speak the room's language."""
    if voice is not None:
        language = store.get_room(room_id).settings.language
        check_voice(engine, voice, language, where="voice")


def get_script(store: RoomStore, room_id: str) -> Script:
    store.get_room(room_id)
    script = store.get_script(room_id)
    if script is None:
        raise ScriptMissing(f"room {room_id!r} has no script yet: PUT /rooms/{room_id}/script")
    return script


def list_entries(store: RoomStore, room_id: str) -> list[KnowledgeEntry]:
    store.get_room(room_id)
    return sorted(store.list_entries(room_id), key=lambda e: e.entry_id)


def add_entry(store: RoomStore, room_id: str, entry: KnowledgeEntry) -> KnowledgeEntry:
    """A new knowledge entry (EntryExists if its id is taken: PUT replaces)."""
    store.get_room(room_id)
    if store.get_entry(room_id, entry.entry_id) is not None:
        raise EntryExists(
            f"room {room_id!r} has an entry {entry.entry_id!r} already: "
            f"PUT /rooms/{room_id}/knowledge/{entry.entry_id} to replace it"
        )
    store.put_entry(room_id, entry)
    return entry


def add_entries(
    store: RoomStore, room_id: str, entries: list[KnowledgeEntry]
) -> list[KnowledgeEntry]:
    """New knowledge entries, all or none (EntryExists naming every id already taken)."""
    store.get_room(room_id)
    try:
        store.add_entries(room_id, entries)
    except EntriesExist as exc:
        raise EntryExists(
            f"room {room_id!r} has entries {', '.join(exc.entry_ids)} already; nothing was "
            f"added: PUT /rooms/{room_id}/knowledge/<entryId> replaces one entry"
        ) from exc
    return entries


def put_entry(store: RoomStore, room_id: str, entry_id: str, body: EntryBody) -> KnowledgeEntry:
    """Create or replace the knowledge entry ``entry_id``."""
    store.get_room(room_id)
    entry = KnowledgeEntry(entry_id=entry_id, **body.model_dump())
    store.put_entry(room_id, entry)
    return entry


def get_entry(store: RoomStore, room_id: str, entry_id: str) -> KnowledgeEntry:
    store.get_room(room_id)
    entry = store.get_entry(room_id, entry_id)
    if entry is None:
        raise EntryNotFound(f"room {room_id!r} has no knowledge entry {entry_id!r}")
    return entry


def delete_entry(store: RoomStore, room_id: str, entry_id: str) -> None:
    store.get_room(room_id)
    if not store.delete_entry(room_id, entry_id):
        raise EntryNotFound(f"room {room_id!r} has no knowledge entry {entry_id!r}")
