"""The committed OpenAPI document and template.yaml's routes agree with the code."""

from __future__ import annotations

from pathlib import Path

from samtranslator.yaml_helper import yaml_parse

from livehost.api.openapi import openapi_document, openapi_text
from local.api_gateway import routes_from_template

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_openapi_document_is_current() -> None:
    # Given the committed document and the one the routes generate now
    committed = (ROOT / "api/openapi.json").read_text()
    # Then they are the same text
    assert committed == openapi_text(), (
        "api/openapi.json is out of date: regenerate it with "
        "`.venv/bin/python -m livehost.api.openapi > api/openapi.json` and commit it"
    )


def test_every_route_has_an_api_event_with_its_authorization() -> None:
    # Given the template's Api events and the document's operations
    template = yaml_parse((ROOT / "template.yaml").read_text())
    gateway = {(r.method, r.resource): r.auth for r in routes_from_template(template)}
    document = openapi_document()
    operations = {
        (method.upper(), path): ("api_key" if op.get("security") else "operator")
        for path, methods in document["paths"].items()
        for method, op in methods.items()
    }
    # Then both list the same routes, and only the viewer routes take an API key
    assert gateway == operations
    assert sorted(route for route, auth in gateway.items() if auth == "api_key") == [
        ("GET", "/rooms/{roomId}/materials/{materialId}/image"),
        ("GET", "/rooms/{roomId}/questions/{questionId}"),
        ("GET", "/rooms/{roomId}/watch"),
        ("POST", "/rooms/{roomId}/chat/token"),
        ("POST", "/rooms/{roomId}/questions"),
    ]
    assert document["security"] == [{"operator": []}]
