"""The API's refusals and how each maps to an HTTP status. Every error body is
``{"message": ...}`` (plus ``errors`` for bad input), saying what to fix."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)

from livehost.api.question_status import QuestionNotFound
from livehost.api.reading import BodyTooLarge
from livehost.errors import (
    LiveHostError,
    RoomAlreadyRunning,
    RoomNotFound,
    RoomNotLive,
    VoiceNotAvailable,
)
from livehost.materials.library import MaterialNotFound, MaterialNotUploaded
from livehost.materials.probe import MaterialRefused
from livehost.materials.references import MaterialNotUsable
from livehost.replays import ReplayExpired
from livehost.schedule_expressions import BadSchedule
from livehost.schedules import ScheduleNotFound
from livehost.script_check import ScriptRejected
from livehost.store import ItemTooLarge, RoomExists


class ScriptMissing(LiveHostError):
    """The room has no script yet."""


class EntryNotFound(LiveHostError):
    """The room has no knowledge entry with that id."""


class EntryExists(LiveHostError):
    """A knowledge entry with that id exists already."""


class RoomNotRunning(LiveHostError):
    """A stop was asked for a room that is neither starting nor live."""


class RunNotFound(LiveHostError):
    """The room has had no run with that number."""


class ReplayNotReady(LiveHostError):
    """The run has no ended recording (yet: IVS reports one shortly after the broadcast)."""


class QuestionsDisabled(LiveHostError):
    """The stack has no AnswerQuestion workflow to send questions to."""


class SchedulesDisabled(LiveHostError):
    """The stack has no schedule group (SCHEDULE_GROUP) to keep schedules in."""


class ChatNotOpen(LiveHostError):
    """The room has no chat room yet (it opens at the room's first start)."""


NOT_FOUND: list[type[Exception]] = [
    RoomNotFound,
    EntryNotFound,
    QuestionNotFound,
    MaterialNotFound,
    RunNotFound,
    ScheduleNotFound,
]
CONFLICT: list[type[Exception]] = [
    RoomAlreadyRunning,
    RoomNotLive,
    RoomNotRunning,
    RoomExists,
    EntryExists,
    ScriptMissing,
    MaterialNotUploaded,
    ReplayNotReady,
    ChatNotOpen,
]


def problem(status: HTTPStatus, message: str, errors: list[str] | None = None) -> Response:
    body: dict[str, Any] = {"message": message}
    if errors:
        body["errors"] = errors
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


def describe_validation(errors: list[Any]) -> list[str]:
    """One line per problem, ``where: what`` (e.g. ``body.text: String should have at most
    500 characters``); never the rejected value or Python internals."""
    lines = []
    for error in errors:
        where = ".".join(str(part) for part in error.get("loc", ()))
        lines.append(f"{where}: {error.get('msg', error.get('type', 'invalid'))}")
    return lines


def install_error_handlers(app: APIGatewayRestResolver) -> None:
    """Named errors -> 404/409/410/503; bad input -> 400 with one line per problem; a body
    too large -> 413; a body not JSON -> 415."""

    @app.exception_handler(RequestValidationError)
    def bad_request(exc: RequestValidationError) -> Response:
        lines = describe_validation(list(exc.errors()))
        return problem(HTTPStatus.BAD_REQUEST, "invalid request: " + "; ".join(lines), lines)

    @app.exception_handler(RequestUnsupportedContentType)
    def unsupported(exc: RequestUnsupportedContentType) -> Response:
        lines = describe_validation(list(exc.errors()))
        return problem(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "; ".join(lines), lines)

    @app.exception_handler(ScriptRejected)
    def unplayable(exc: ScriptRejected) -> Response:
        return problem(HTTPStatus.BAD_REQUEST, str(exc), exc.problems)

    @app.exception_handler([BodyTooLarge, ItemTooLarge])
    def too_large(exc: Exception) -> Response:
        return problem(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, str(exc))

    @app.exception_handler([MaterialRefused, MaterialNotUsable, VoiceNotAvailable, BadSchedule])
    def bad_value(exc: Exception) -> Response:
        return problem(HTTPStatus.BAD_REQUEST, str(exc), [str(exc)])

    @app.exception_handler(NOT_FOUND)
    def not_found(exc: Exception) -> Response:
        return problem(HTTPStatus.NOT_FOUND, str(exc))

    @app.exception_handler(CONFLICT)
    def conflict(exc: Exception) -> Response:
        return problem(HTTPStatus.CONFLICT, str(exc))

    @app.exception_handler(ReplayExpired)
    def gone(exc: ReplayExpired) -> Response:
        return problem(HTTPStatus.GONE, str(exc))

    @app.exception_handler([QuestionsDisabled, SchedulesDisabled])
    def unavailable(exc: Exception) -> Response:
        return problem(HTTPStatus.SERVICE_UNAVAILABLE, str(exc))
