"""Who may call a route: an operator route (every route without its own ``security``) needs
a token whose user is in the operators group. API Gateway's Cognito authorizer checks only
that the token is valid; the group is checked here, for every operator route at once."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from livehost.api.context import ApiSettings
from livehost.api.errors import problem


def groups_of(event: Any) -> set[str]:
    """The Cognito groups in the authorizer's claims. A REST API hands a list claim to the
    function as one string (``"a,b"``, or ``"[a b]"`` from some clients); a test may pass a
    list."""
    authorizer = event.request_context.authorizer
    claims = (authorizer.claims if authorizer else None) or {}
    raw = claims.get("cognito:groups") or ""
    if isinstance(raw, list):
        return {str(group) for group in raw}
    return {group for group in raw.strip("[]").replace(",", " ").split() if group}


def operators_only(app: Any, next_middleware: NextMiddleware) -> Response:
    """Refuse an operator route (403) to a token outside the operators group."""
    route = app.context.get("_route")
    if route is not None and not route.security:
        group = ApiSettings().operators_group  # type: ignore[call-arg]
        if group not in groups_of(app.current_event):
            return problem(
                HTTPStatus.FORBIDDEN,
                f"this route is for operators: the token's user is not in the {group!r} group",
            )
    return next_middleware(app)
