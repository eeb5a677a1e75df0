"""Every router of the API and its error mapping, included into one resolver."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from livehost.api import (
    chatting,
    content,
    control,
    materials,
    preview,
    questions,
    replays,
    rooms,
    scheduling,
    voices,
)
from livehost.api.access import operators_only
from livehost.api.errors import install_error_handlers
from livehost.api.reading import json_api, read_json

ROUTERS = (
    rooms.router,
    content.router,
    control.router,
    questions.router,
    chatting.router,
    voices.router,
    preview.router,
    materials.router,
    replays.router,
    scheduling.router,
)


def include_routes(app: APIGatewayRestResolver) -> APIGatewayRestResolver:
    """Add LiveHost's routes and error handlers to ``app``."""
    for router in ROUTERS:
        app.include_router(router)
    app.use(middlewares=[operators_only])
    install_error_handlers(app)
    return app


def new_api() -> APIGatewayRestResolver:
    """LiveHost's REST API: validated, JSON bodies read by ``livehost.api.reading``."""
    resolver = APIGatewayRestResolver(enable_validation=True, json_body_deserializer=read_json)
    return include_routes(json_api(resolver))
