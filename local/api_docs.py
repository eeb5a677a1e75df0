"""The local gateway's documentation routes: ``GET /openapi.json`` (the API's OpenAPI
document, as committed in api/openapi.json) and ``GET /docs``, a browsable page drawn from it
on the server (no script, no CDN: it works offline)."""

from __future__ import annotations

import html
import json
from functools import cache
from typing import Any

Response = tuple[int, dict[str, str], str]
METHODS = ("get", "post", "put", "patch", "delete")


@cache
def _document() -> dict[str, Any]:
    from livehost.api.openapi import openapi_document

    return openapi_document()


def serve(method: str, path: str) -> Response | None:
    """The response for a documentation route, None for any other request."""
    if method != "GET":
        return None
    if path == "/openapi.json":
        return 200, {"Content-Type": "application/json"}, json.dumps(_document(), indent=2)
    if path in ("/docs", "/docs/"):
        return 200, {"Content-Type": "text/html; charset=utf-8"}, render_docs(_document())
    return None


def _schema_name(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"list of {_schema_name(schema.get('items', {}))}"
    return str(schema.get("type", "object"))


def _fields(schema: dict[str, Any]) -> str:
    """A schema's properties as a table: name, type, required, description, allowed values."""
    required = set(schema.get("required", []))
    rows = []
    for name, prop in schema.get("properties", {}).items():
        kind = _schema_name(prop)
        if "anyOf" in prop:
            kind = " | ".join(_schema_name(p) for p in prop["anyOf"])
        allowed = ", ".join(str(v) for v in prop.get("enum", []))
        rows.append(
            f"<tr><td><code>{html.escape(name)}</code></td><td>{html.escape(kind)}</td>"
            f"<td>{'yes' if name in required else ''}</td>"
            f"<td>{html.escape(str(prop.get('description', '')))}"
            f"{f' <em>({html.escape(allowed)})</em>' if allowed else ''}</td></tr>"
        )
    if not rows:
        return ""
    head = "<tr><th>field</th><th>type</th><th>required</th><th>meaning</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def _operation(method: str, path: str, op: dict[str, Any]) -> str:
    auth = "API key (x-api-key)" if op.get("security") else "operator token (Bearer)"
    parts = [
        f'<section id="{html.escape(op.get("operationId", ""))}">',
        f"<h3><span class=m>{method.upper()}</span> <code>{html.escape(path)}</code></h3>",
        f"<p>{html.escape(op.get('summary', ''))} <small>{auth}</small></p>",
    ]
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    if body:
        name = _schema_name(body.get("schema", {}))
        parts.append(f'<p>Body: <a href="#schema-{name}">{html.escape(name)}</a></p>')
    responses = "".join(
        f"<li><b>{code}</b> {html.escape(r.get('description', ''))}</li>"
        for code, r in op.get("responses", {}).items()
    )
    parts.append(f"<ul>{responses}</ul></section>")
    return "".join(parts)


def render_docs(document: dict[str, Any]) -> str:
    """The whole page: every operation by tag, then every schema with its fields."""
    info = document["info"]
    operations = [
        _operation(method, path, op)
        for path, methods in document["paths"].items()
        for method, op in methods.items()
        if method in METHODS
    ]
    schemas = [
        f'<section id="schema-{html.escape(name)}"><h3>{html.escape(name)}</h3>'
        f"<p>{html.escape(str(schema.get('description', '')))}</p>{_fields(schema)}</section>"
        for name, schema in document["components"]["schemas"].items()
    ]
    style = (
        "body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;"
        "text-align:left;vertical-align:top}.m{font-weight:bold;color:#05a}section{margin:1rem 0}"
    )
    return (
        "<!doctype html><html><head><meta charset=utf-8>"
        f"<title>{html.escape(info['title'])} API</title><style>{style}</style></head><body>"
        f"<h1>{html.escape(info['title'])} API {html.escape(info['version'])}</h1>"
        f"<p>{html.escape(info.get('description', ''))}</p>"
        '<p>The document: <a href="openapi.json">openapi.json</a></p>'
        f"<h2>Operations</h2>{''.join(operations)}<h2>Schemas</h2>{''.join(schemas)}"
        "</body></html>"
    )
