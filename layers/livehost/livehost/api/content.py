"""Operator routes: a room's script, its knowledge entries and its screening policy."""

from __future__ import annotations

from http import HTTPStatus

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router

from livehost.api import service
from livehost.api.bodies import EntryBody, KnowledgeUpload
from livehost.api.params import Deps, EntryId, RoomId, answers
from livehost.models import KnowledgeEntry, Script
from livehost.questions import QuestionBook
from livehost.screening import ScreeningPolicy

router = Router()
SCRIPT = ["script"]
KNOWLEDGE = ["knowledge"]
SCREENING = ["questions"]


@router.put(
    "/rooms/<roomId>/script",
    summary="Replace the room's script (not while it runs)",
    operation_id="putScript",
    tags=SCRIPT,
    responses=answers(200, "The script as stored", 404, 409),
)
def put_script(room_id: RoomId, body: Script, deps: Deps) -> Script:
    return service.put_script(
        deps.store, room_id, body, deps.settings.speech_engine, deps.materials
    )


@router.get(
    "/rooms/<roomId>/script",
    summary="The room's script",
    operation_id="getScript",
    tags=SCRIPT,
    responses=answers(200, "The script", 404, 409),
)
def get_script(room_id: RoomId, deps: Deps) -> Script:
    return service.get_script(deps.store, room_id)


@router.get(
    "/rooms/<roomId>/knowledge",
    summary="The room's knowledge entries",
    operation_id="listKnowledge",
    tags=KNOWLEDGE,
    responses=answers(200, "Every entry, by id", 404),
)
def list_entries(room_id: RoomId, deps: Deps) -> list[KnowledgeEntry]:
    return service.list_entries(deps.store, room_id)


@router.post(
    "/rooms/<roomId>/knowledge",
    summary="Add a knowledge entry, or a list of up to 100 (all or none)",
    operation_id="addKnowledge",
    tags=KNOWLEDGE,
    status_code=201,
    responses=answers(201, "Created (the entry, or the list as given)", 404, 409),
)
def add_entry(
    room_id: RoomId, body: KnowledgeUpload, deps: Deps
) -> Response[KnowledgeEntry | list[KnowledgeEntry]]:
    if not body.one:
        entries = service.add_entries(deps.store, room_id, body.root)
        return Response(
            status_code=HTTPStatus.CREATED,
            content_type=content_types.APPLICATION_JSON,
            body=[entry.wire() for entry in entries],
            headers={"Location": f"/rooms/{room_id}/knowledge"},
        )
    entry = service.add_entry(deps.store, room_id, body.root[0])
    return Response(
        status_code=HTTPStatus.CREATED,
        content_type=content_types.APPLICATION_JSON,
        body=entry.wire(),
        headers={"Location": f"/rooms/{room_id}/knowledge/{entry.entry_id}"},
    )


@router.get(
    "/rooms/<roomId>/knowledge/<entryId>",
    summary="A knowledge entry",
    operation_id="getKnowledge",
    tags=KNOWLEDGE,
    responses=answers(200, "The entry", 404),
)
def get_entry(room_id: RoomId, entry_id: EntryId, deps: Deps) -> KnowledgeEntry:
    return service.get_entry(deps.store, room_id, entry_id)


@router.put(
    "/rooms/<roomId>/knowledge/<entryId>",
    summary="Create or replace a knowledge entry",
    operation_id="putKnowledge",
    tags=KNOWLEDGE,
    responses=answers(200, "The entry as stored", 404),
)
def put_entry(room_id: RoomId, entry_id: EntryId, body: EntryBody, deps: Deps) -> KnowledgeEntry:
    return service.put_entry(deps.store, room_id, entry_id, body)


@router.delete(
    "/rooms/<roomId>/knowledge/<entryId>",
    summary="Delete a knowledge entry",
    operation_id="deleteKnowledge",
    tags=KNOWLEDGE,
    status_code=204,
    responses=answers(204, "Deleted", 404),
)
def delete_entry(room_id: RoomId, entry_id: EntryId, deps: Deps) -> None:
    service.delete_entry(deps.store, room_id, entry_id)


@router.put(
    "/rooms/<roomId>/screening",
    summary="Replace the room's screening policy for questions (blocklist, limits)",
    operation_id="putScreening",
    tags=SCREENING,
    responses=answers(200, "The policy as stored (from the next question on)", 404),
)
def put_screening(room_id: RoomId, body: ScreeningPolicy, deps: Deps) -> ScreeningPolicy:
    deps.store.get_room(room_id)
    QuestionBook(deps.store).set_policy(room_id, body)
    return body


@router.get(
    "/rooms/<roomId>/screening",
    summary="The room's screening policy for questions",
    operation_id="getScreening",
    tags=SCREENING,
    responses=answers(200, "The policy (defaults when none was set)", 404),
)
def get_screening(room_id: RoomId, deps: Deps) -> ScreeningPolicy:
    deps.store.get_room(room_id)
    return QuestionBook(deps.store).policy(room_id)
