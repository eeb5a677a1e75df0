"""Every router of the API and its error mapping, included into one resolver."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from livehost.api import content, control, questions, rooms, voices
from livehost.api.errors import install_error_handlers

ROUTERS = (rooms.router, content.router, control.router, questions.router, voices.router)


def include_routes(app: APIGatewayRestResolver) -> APIGatewayRestResolver:
    """Add LiveHost's routes and error handlers to ``app``."""
    for router in ROUTERS:
        app.include_router(router)
    install_error_handlers(app)
    return app
