"""Parameters the routers share: path ids and the request's backend."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from livehost.api.bodies import Problem
from livehost.api.context import Backend, backend
from livehost.models import MATERIAL_ID_PATTERN

RoomId = Annotated[str, Path(alias="roomId", description="the room's id")]
EntryId = Annotated[
    str, Path(alias="entryId", min_length=1, max_length=64, description="a knowledge entry's id")
]
MaterialId = Annotated[
    str, Path(alias="materialId", pattern=MATERIAL_ID_PATTERN, description="a material's id")
]
Deps = Annotated[Backend, Depends(backend)]

_PROBLEMS = {
    400: "Bad request: what to fix, one line per problem",
    401: "No valid token (operators) or no API key (viewers)",
    403: "The token is not an operator's, or the API key is not accepted",
    404: "No such room (or entry, or material)",
    409: "The room's state does not allow it (the message says why)",
    410: "Gone: deleted after its retention (the message says which)",
    413: "The body is too large (the message gives the limit)",
    415: "The body is not JSON (send content-type application/json)",
    429: "Too many requests: slow down and retry",
    503: "Not available on this stack",
}
# Answered by the gateway or the resolver for every route, and for every route with a body.
EVERY_ROUTE = (401, 403, 429)
BODY_ROUTE = (413, 415)


def answers(status: int, description: str, *problems: int) -> dict[int, Any]:
    """The OpenAPI responses of a route: its success and the problems it may answer."""
    success: dict[str, Any] = {"description": description}
    if status == 204:
        success["content"] = {}
    documented: dict[int, Any] = {status: success}
    for code in (400, *problems, *EVERY_ROUTE):
        documented[code] = problem_response(code)
    return documented


def problem_response(code: int) -> dict[str, Any]:
    """The OpenAPI response of one problem status."""
    return {"description": _PROBLEMS[code], "content": {"application/json": {"model": Problem}}}
