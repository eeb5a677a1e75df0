"""The operator steering a live room: a line to say, pause, resume, stage changes. Each goes
to the render host over the room's command queue and is noted in the timeline (the agent's
own events record when it took effect)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Literal

from livehost.api.bodies import CommandSent, SayRequest
from livehost.commands import live_queue, new_command_id, send_command
from livehost.inserts import speak
from livehost.materials.library import MaterialLibrary
from livehost.materials.model import MaterialKind
from livehost.materials.references import MaterialNotUsable, stage_problems
from livehost.models import Room, Stage, TimelineEntry
from livehost.protocol import MaterialRef, PauseScript, ResumeScript, SetStage
from livehost.speech.model import Voice
from livehost.store import RoomStore
from livehost.text.sentences import sentences

Kind = Literal["pause", "resume", "stage"]


def say(
    store: RoomStore,
    sqs: Any,
    library: Any,
    *,
    room_id: str,
    request: SayRequest,
    operator: str | None,
) -> CommandSent:
    """Speak the operator's text as an Insert (sentence by sentence; the room's insert mode
    unless the request names one). RoomNotLive unless the room is LIVE."""
    room = store.get_room(room_id)
    queue_url = live_queue(room)
    mode = request.mode or room.settings.insert_mode
    script = store.get_script(room_id)
    voice = Voice(voice=request.voice or (script.voice if script else Voice().voice))
    insert_id = f"say-{uuid.uuid4().hex[:12]}"
    spoken = speak(
        library=library,
        sqs=sqs,
        room_id=room_id,
        queue_url=queue_url,
        insert_id=insert_id,
        sentences=sentences(request.text) or [request.text],
        mode=mode,
        source="operator",
        voice=voice,
    )
    _note(store, room, "say", insert_id, operator, text=request.text, mode=mode.value)
    return CommandSent(
        room_id=room_id, command_id=insert_id, kind="say", sentences=len(spoken.sentences)
    )


def pause(store: RoomStore, sqs: Any, *, room_id: str, operator: str | None) -> CommandSent:
    """Hold the script after the current sentence; inserts still play."""
    return _steer(
        store,
        sqs,
        room_id,
        "pause",
        operator,
        lambda cid: PauseScript(command_id=cid, room_id=room_id),
    )


def resume(store: RoomStore, sqs: Any, *, room_id: str, operator: str | None) -> CommandSent:
    """Carry on with the script where it was paused."""
    return _steer(
        store,
        sqs,
        room_id,
        "resume",
        operator,
        lambda cid: ResumeScript(command_id=cid, room_id=room_id),
    )


def set_stage(
    store: RoomStore,
    sqs: Any,
    *,
    room_id: str,
    stage: Stage,
    operator: str | None,
    materials: MaterialLibrary | None = None,
) -> CommandSent:
    """Change how the presenter looks and sounds, and what is on screen and under the
    voice (only the fields given). A material it names must be ready and of a fitting kind
    (MaterialNotUsable otherwise)."""
    refs: list[MaterialRef] = []
    if materials is not None:
        problems = stage_problems(stage, lambda material_id: materials.find(room_id, material_id))
        if problems:
            raise MaterialNotUsable("; ".join(problems))
        named: list[tuple[str, MaterialKind]] = []
        if stage.visual is not None:
            named.append((stage.visual.material, "clip"))
        if stage.music is not None and stage.music.material is not None:
            named.append((stage.music.material, "music"))
        refs = [materials.ref(room_id, material_id, kind) for material_id, kind in named]
    return _steer(
        store,
        sqs,
        room_id,
        "stage",
        operator,
        lambda cid: SetStage(command_id=cid, room_id=room_id, stage=stage, materials=refs),
        **stage.wire(),
    )


def _steer(
    store: RoomStore,
    sqs: Any,
    room_id: str,
    kind: Kind,
    operator: str | None,
    command_of: Callable[[str], PauseScript | ResumeScript | SetStage],
    **detail: Any,
) -> CommandSent:
    room = store.get_room(room_id)
    queue_url = live_queue(room)
    command_id = send_command(sqs, queue_url, command_of(new_command_id(room_id, kind)))
    _note(store, room, kind, command_id, operator, **detail)
    return CommandSent(room_id=room_id, command_id=command_id, kind=kind)


def _note(
    store: RoomStore,
    room: Room,
    kind: Literal["say", "pause", "resume", "stage"],
    ref: str,
    operator: str | None,
    text: str | None = None,
    **detail: Any,
) -> None:
    details = {"requested": True, **detail}
    if operator:
        details["operator"] = operator
    entry = TimelineEntry(
        at=store.clock(), kind=kind, by="operator", text=text, ref=ref, detail=details
    )
    store.append_timeline(room.room_id, room.run, entry)
