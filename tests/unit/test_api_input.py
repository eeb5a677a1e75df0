"""Bad input through the API's real handler: every refusal is a 4xx saying what to fix, never
a 502 and never a silent partial write."""

# ruff: noqa: F811  (tests take the imported `api` fixture as a parameter)

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from test_api_routes import Api, api  # noqa: F401  (the `api` fixture)

from livehost.api.openapi import openapi_document
from livehost.api.reading import deepest_nesting
from local.api_gateway import GatewayRoute, proxy_event
from local.moto_gaps import LambdaContext

ENTRIES = [
    {"entryId": f"fact-{i:02d}", "title": f"Fact {i}", "text": f"Fact number {i}."}
    for i in range(12)
]


def raw(
    api: Api,
    method: str,
    resource: str,
    body: str | None,
    content_type: str = "application/json",
    query: dict[str, str] | None = None,
    **params: str,
) -> tuple[int, Any]:
    """One request with the body and content type exactly as given."""
    path = resource
    for key, value in params.items():
        path = path.replace("{" + key + "}", value)
    event = proxy_event(
        GatewayRoute(method, resource, "operator"),
        path=path,
        path_parameters=params,
        headers={"Content-Type": content_type},
        query=query,
        body=body,
        claims={"sub": "op-1", "cognito:groups": "operators"},
    )
    result = api.handler(event, LambdaContext("api", "arn:aws:lambda:us-east-1:1:function:api"))
    return result["statusCode"], json.loads(result["body"]) if result["body"] else None


# ---- a list where an object is expected, and the reverse --------------------------------


def test_a_list_of_knowledge_entries_stores_every_entry(api: Api) -> None:
    # Given a room
    api.call("POST", "/rooms", {"roomId": "shop", "name": "Shop"})
    # When twelve entries are posted as one list
    status, added = api.call("POST", "/rooms/{roomId}/knowledge", ENTRIES, roomId="shop")
    # Then 201 with all twelve, and all twelve are stored
    assert (status, [e["entryId"] for e in added]) == (201, [e["entryId"] for e in ENTRIES])
    listed = api.call("GET", "/rooms/{roomId}/knowledge", roomId="shop")[1]
    assert [e["entryId"] for e in listed] == [e["entryId"] for e in ENTRIES]


def test_a_list_with_one_taken_id_stores_nothing_and_names_it(api: Api) -> None:
    # Given a room that has fact-03 already
    api.call("POST", "/rooms", {"roomId": "shop", "name": "Shop"})
    api.call("POST", "/rooms/{roomId}/knowledge", ENTRIES[3], roomId="shop")
    # When the twelve are posted
    status, body = api.call("POST", "/rooms/{roomId}/knowledge", ENTRIES, roomId="shop")
    # Then 409 names fact-03 and nothing else was added
    assert (status, body) == (
        409,
        {
            "message": "room 'shop' has entries fact-03 already; nothing was added: "
            "PUT /rooms/shop/knowledge/<entryId> replaces one entry"
        },
    )
    listed = api.call("GET", "/rooms/{roomId}/knowledge", roomId="shop")[1]
    assert [e["entryId"] for e in listed] == ["fact-03"]


def test_a_list_with_an_id_twice_or_a_bad_entry_is_refused_whole(api: Api) -> None:
    # Given a room
    api.call("POST", "/rooms", {"roomId": "shop", "name": "Shop"})
    # When a list repeats an id, and another has one entry without text
    twice = api.call("POST", "/rooms/{roomId}/knowledge", [ENTRIES[0], ENTRIES[0]], roomId="shop")
    broken = [*ENTRIES[:2], {"entryId": "x", "title": "No text"}]
    missing = api.call("POST", "/rooms/{roomId}/knowledge", broken, roomId="shop")
    # Then both are 400 naming the problem, and nothing is stored
    assert (twice[0], twice[1]["errors"]) == (
        400,
        ["body: Value error, entry ids used more than once: fact-00"],
    )
    assert (missing[0], missing[1]["errors"]) == (400, ["body.2.text: Field required"])
    assert api.call("GET", "/rooms/{roomId}/knowledge", roomId="shop")[1] == []


@pytest.mark.parametrize(
    ("method", "resource", "body"),
    [
        ("POST", "/rooms", {"roomId": "shop-2", "name": "Shop"}),
        ("PATCH", "/rooms/{roomId}", {"name": "Renamed"}),
        ("PUT", "/rooms/{roomId}/script", {"segments": [{"segmentId": "s1", "text": "Hi."}]}),
        ("PUT", "/rooms/{roomId}/knowledge/{entryId}", {"title": "T", "text": "x"}),
        ("PUT", "/rooms/{roomId}/screening", {"blocklist": ["scam"]}),
        ("POST", "/rooms/{roomId}/stop", {"mode": "now"}),
        ("POST", "/rooms/{roomId}/say", {"text": "Hello."}),
        ("PUT", "/rooms/{roomId}/stage", {"expression": "smile"}),
        ("POST", "/rooms/{roomId}/questions", {"viewerId": "v1", "text": "Hi?"}),
    ],
)
def test_every_object_body_refuses_a_list(
    api: Api, method: str, resource: str, body: dict[str, Any]
) -> None:
    # Given a room
    api.call("POST", "/rooms", {"roomId": "shop", "name": "Shop"})
    # When a route that takes an object is sent a list holding a valid one
    status, problem = raw(api, method, resource, json.dumps([body]), roomId="shop", entryId="e1")
    # Then 400, and nothing took the list's first item for the body
    assert (status, problem["errors"]) == (
        400,
        ["body: a JSON object is expected here, not a list"],
    )
    assert api.call("GET", "/rooms/{roomId}", roomId="shop")[1]["name"] == "Shop"


def test_the_knowledge_list_route_refuses_a_bare_string(api: Api) -> None:
    api.call("POST", "/rooms", {"roomId": "shop", "name": "Shop"})
    status, problem = raw(api, "POST", "/rooms/{roomId}/knowledge", '"facts"', roomId="shop")
    assert status == 400
    assert problem["message"].startswith("invalid request: body")


# ---- what used to be a 502 ----------------------------------------------------------------


def test_a_timeline_since_far_in_the_future_is_400(api: Api) -> None:
    # Given a room
    api.call("POST", "/rooms", {"roomId": "shop", "name": "Shop"})
    # When its timeline is asked since 1e308
    status, problem = raw(
        api, "GET", "/rooms/{roomId}/timeline", None, query={"since": "1e308"}, roomId="shop"
    )
    # Then 400 names the bound
    assert (status, problem["errors"]) == (
        400,
        ["query.since: Input should be less than or equal to 253402300799"],
    )


def test_a_multipart_body_without_boundary_is_415(api: Api) -> None:
    # When a room is created with multipart/form-data and no boundary
    status, problem = raw(api, "POST", "/rooms", "roomId=x", content_type="multipart/form-data")
    # Then 415 says to send JSON
    assert (status, problem["message"]) == (
        415,
        "body: multipart/form-data is not accepted: send JSON with content-type application/json",
    )


def test_a_form_body_is_415_and_creates_nothing(api: Api) -> None:
    form = "roomId=shop&name=Shop"
    status, _ = raw(api, "POST", "/rooms", form, content_type="application/x-www-form-urlencoded")
    assert status == 415
    assert api.call("GET", "/rooms/{roomId}", roomId="shop")[0] == 404


def test_json_nested_a_thousand_levels_is_400(api: Api) -> None:
    # When a body nests 1,000 lists
    status, problem = raw(api, "POST", "/rooms", "[" * 1000 + "]" * 1000)
    # Then 400 names the depth and the limit (brackets inside strings do not count)
    assert (status, problem["errors"]) == (400, ["body: JSON nested 1000 levels deep; at most 32"])
    ok = raw(api, "POST", "/rooms", json.dumps({"roomId": "shop", "name": "[[" * 50}))
    assert ok[0] == 201


def test_a_body_over_512_kb_is_413(api: Api) -> None:
    status, problem = raw(api, "POST", "/rooms", json.dumps({"name": "x" * 600_000}))
    assert (status, problem) == (
        413,
        {"message": "the request body is 585 KB; at most 512 KB"},
    )


def test_a_script_over_the_item_limit_is_413_and_a_long_segment_400(api: Api) -> None:
    # Given a room
    api.call("POST", "/rooms", {"roomId": "shop", "name": "Shop"})
    # When a script of 80 segments of 5,500 characters (440 KB) is saved
    long_script = {"segments": [{"segmentId": f"s{i}", "text": "Words. " * 785} for i in range(80)]}
    too_big = api.call("PUT", "/rooms/{roomId}/script", long_script, roomId="shop")
    # And one with a segment of 7,000 characters
    one_long = {"segments": [{"segmentId": "s1", "text": "x" * 7000}]}
    too_long = api.call("PUT", "/rooms/{roomId}/script", one_long, roomId="shop")
    # Then 413 says what to shorten, and 400 names the segment's limit
    assert too_big == (
        413,
        {
            "message": "the script is 440 KB stored; at most 399 KB (DynamoDB's item limit): "
            "shorten its texts"
        },
    )
    assert (too_long[0], too_long[1]["errors"]) == (
        400,
        ["body.segments.0.text: String should have at most 6000 characters"],
    )


# ---- the document lists what each route can answer ----------------------------------------


def test_every_operation_documents_auth_throttling_and_body_refusals() -> None:
    document = openapi_document()
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "429"} <= codes, (method, path)
            if "requestBody" in operation:
                assert {"413", "415"} <= codes, (method, path)


def test_nesting_is_counted_outside_strings_in_one_pass() -> None:
    # Given brackets inside strings (one after an escaped quote), and a body of escaped quotes
    quoted = '{"a": "[[[\\"[[", "b": [[1]]}'
    escapes = '"' + '\\"' * 170_000
    # When their nesting is measured
    started = time.perf_counter()
    depths = (deepest_nesting(quoted), deepest_nesting(escapes))
    # Then only real brackets count, and the adversarial text is read in linear time
    assert depths == (3, 0)
    assert time.perf_counter() - started < 0.5
