"""The API's OpenAPI document, generated from the routes (committed as api/openapi.json).

Regenerate after changing a route or a body:
``python -m livehost.api.openapi > api/openapi.json``"""

from __future__ import annotations

import json

from aws_lambda_powertools.event_handler.openapi.models import (
    APIKey,
    APIKeyIn,
    HTTPBearer,
    Server,
)

from livehost.api.params import BODY_ROUTE, problem_response
from livehost.api.routes import new_api

TITLE = "LiveHost"
VERSION = "1.0.0"
DESCRIPTION = (
    "Operate livestreams hosted by a digital human: rooms, scripts, knowledge, start and stop, "
    "live steering, and viewers' questions. Operator routes take a Cognito user pool token "
    "(`Authorization: Bearer <id token>`); the question route takes the room's API key "
    "(`x-api-key`). Bad input is answered with 400 and one line per problem."
)
SECURITY_SCHEMES = {
    "operator": HTTPBearer(
        bearerFormat="JWT", description="Cognito user pool ID token (stack output UserPoolId)"
    ),
    "viewerApiKey": APIKey(
        name="x-api-key", in_=APIKeyIn.header, description="usage plan key (throttled)"
    ),
}
SERVERS = [
    Server(
        url="https://{restApiId}.execute-api.{region}.amazonaws.com/v1",
        description="the deployed stack (stack output ApiUrl)",
        variables={"restApiId": {"default": "example"}, "region": {"default": "us-east-1"}},
    ),
    Server(
        url="http://127.0.0.1:{port}",
        description="the local cloud",
        variables={"port": {"default": "8080"}},
    ),
]


def openapi_document() -> dict:
    """The document as a dict. Powertools documents request validation errors as 422; this
    API answers them with 400 and a ``Problem`` (each route lists it)."""
    app = new_api()
    document = json.loads(
        app.get_openapi_json_schema(
            title=TITLE,
            version=VERSION,
            description=DESCRIPTION,
            servers=SERVERS,
            security_schemes=SECURITY_SCHEMES,
            security=[{"operator": []}],
        )
    )
    problem = {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path in document["paths"].values():  # answered as 400 by install_error_handlers
        for operation in path.values():
            operation["responses"].pop("422", None)
            if "requestBody" in operation:  # livehost.api.reading: too large, not JSON
                for code in BODY_ROUTE:
                    described = problem_response(code)["description"]
                    operation["responses"][str(code)] = {
                        "description": described,
                        "content": problem,
                    }
    for unused in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        document["components"]["schemas"].pop(unused, None)
    return document


def openapi_text() -> str:
    """The committed file's exact text."""
    return json.dumps(openapi_document(), indent=2, sort_keys=False) + "\n"


if __name__ == "__main__":
    print(openapi_text(), end="")
