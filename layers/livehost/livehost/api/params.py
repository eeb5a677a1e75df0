"""Parameters the routers share: path ids and the request's backend."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path

from livehost.api.bodies import Problem
from livehost.api.context import Backend, backend

RoomId = Annotated[str, Path(alias="roomId", description="the room's id")]
EntryId = Annotated[
    str, Path(alias="entryId", min_length=1, max_length=64, description="a knowledge entry's id")
]
Deps = Annotated[Backend, Depends(backend)]

_PROBLEMS = {
    400: "Bad request: what to fix, one line per problem",
    404: "No such room (or entry)",
    409: "The room's state does not allow it (the message says why)",
    503: "Not available on this stack",
}


def answers(status: int, description: str, *problems: int) -> dict[int, Any]:
    """The OpenAPI responses of a route: its success and the problems it may answer."""
    success: dict[str, Any] = {"description": description}
    if status == 204:
        success["content"] = {}
    documented: dict[int, Any] = {status: success}
    for code in (400, *problems):
        documented[code] = {
            "description": _PROBLEMS[code],
            "content": {"application/json": {"model": Problem}},
        }
    return documented
