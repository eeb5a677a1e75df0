"""How the API reads a request body: JSON only, a JSON object unless the route takes a list,
bounded in size and in nesting. Powertools' own reading would take the first item of a list
where an object is expected (storing one entry of twelve), parse forms and multipart bodies
nobody sends, and let a missing multipart boundary or a 1,000-level nesting escape as a 502."""

from __future__ import annotations

import json
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import (
    OpenAPIRequestValidationMiddleware,
)
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from pydantic import RootModel

from livehost.errors import LiveHostError

MAX_BODY_BYTES = 512 * 1024
MAX_DEPTH = 32


class BodyTooLarge(LiveHostError):
    """A request body over MAX_BODY_BYTES (413)."""


def read_json(body: str) -> Any:
    """The JSON value of a request body; BodyTooLarge over the size limit, a validation error
    (400) when nested deeper than MAX_DEPTH (checked before parsing: no recursion)."""
    size = len(body.encode())
    if size > MAX_BODY_BYTES:
        raise BodyTooLarge(
            f"the request body is {size // 1024} KB; at most {MAX_BODY_BYTES // 1024} KB"
        )
    depth = deepest_nesting(body)
    if depth > MAX_DEPTH:
        raise _invalid(f"JSON nested {depth} levels deep; at most {MAX_DEPTH}")
    return json.loads(body)


def deepest_nesting(text: str) -> int:
    """How deep ``[`` and ``{`` nest in a JSON text (brackets inside strings do not count).
    One pass, linear in the text whatever it holds."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def takes_list(annotation: Any) -> bool:
    """Whether a body annotation accepts a JSON array (``list[X]`` or ``X | list[X]``)."""
    if get_origin(annotation) is Annotated:
        return takes_list(get_args(annotation)[0])
    if get_origin(annotation) is list:
        return True
    if get_origin(annotation) in (Union, UnionType):
        return any(takes_list(arg) for arg in get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, RootModel):
        return takes_list(annotation.model_fields["root"].annotation)
    return False


class JsonBodies(OpenAPIRequestValidationMiddleware):
    """Powertools' request validation, reading bodies the LiveHost way."""

    def _get_body(self, app: Any) -> Any:
        content_type = app.current_event.headers.get("content-type", "").strip().lower()
        if content_type and not content_type.startswith("application/json"):
            raise RequestUnsupportedContentType(
                "Unsupported content type",
                errors=[
                    {
                        "type": "unsupported_content_type",
                        "loc": ("body",),
                        "msg": f"{content_type.split(';')[0]} is not accepted: "
                        "send JSON with content-type application/json",
                    }
                ],
            )
        body = self._parse_json_data(app)
        params = app.context["_route"].dependant.body_params
        if isinstance(body, list) and not any(takes_list(p.field_info.annotation) for p in params):
            raise _invalid("a JSON object is expected here, not a list")
        return body


def json_api(resolver: APIGatewayRestResolver) -> APIGatewayRestResolver:
    """``resolver`` (built with ``enable_validation=True, json_body_deserializer=read_json``)
    reading bodies with JsonBodies. Powertools keeps its request validation middleware in this
    attribute; tests/unit/test_api_reading.py fails if that changes."""
    resolver._request_validation_middleware = JsonBodies()  # type: ignore[attr-defined]
    return resolver


def _invalid(message: str) -> RequestValidationError:
    return RequestValidationError([{"type": "value_error", "loc": ("body",), "msg": message}])
