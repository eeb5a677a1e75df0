"""The local gateway's authorization, events and tokens; its process (framing, environments,
stopping, ending with its parent) in front of a tiny handler; and the deployment fix-ups for
the resources the emulator's CloudFormation skips (against the emulator in process)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws
from samtranslator.yaml_helper import yaml_parse
from signing import UserPoolKeys

from local.api_gateway import GatewayRoute, LocalApi, TokenBucket, proxy_event
from local.environments import FunctionSpec
from local.gateway_process import EnvironmentStats, GatewayProcess, GatewaySetup
from local.tokens import JwksVerifier, TokenMissing, TokenRejected
from local.unsupported import CREATED_BY_API, handle_unsupported

ROOT = Path(__file__).resolve().parents[2]
ROUTES = [
    GatewayRoute("GET", "/rooms/{roomId}", "operator"),
    GatewayRoute("POST", "/rooms/{roomId}/questions", "api_key"),
]


POOL = UserPoolKeys(issuer="https://cognito-idp.us-east-1.amazonaws.com/pool", audience="client")


def verifier(keys: UserPoolKeys = POOL) -> JwksVerifier:
    return JwksVerifier(
        issuer=POOL.issuer, audience=POOL.audience, jwks=keys.jwks, clock=lambda: 1000.0
    )


def gateway() -> LocalApi:
    return LocalApi("http://127.0.0.1:9", "fn", routes=ROUTES, api_key="key-1", verifier=verifier())


def test_routes_match_paths_and_give_their_parameters() -> None:
    assert ROUTES[0].match("GET", "/rooms/shop-1") == {"roomId": "shop-1"}
    assert ROUTES[0].match("GET", "/rooms/shop-1/questions") is None
    assert ROUTES[0].match("POST", "/rooms/shop-1") is None


def test_refusals_happen_before_the_function() -> None:
    # Given a gateway whose function does not exist (port 9 answers nothing)
    api = gateway()
    forged = UserPoolKeys(issuer=POOL.issuer, audience=POOL.audience).sign("eve", now=1000)
    expired = POOL.sign("op", now=1000, ttl_s=-1)
    # When requests lack or carry bad credentials, or name no route
    # Then the gateway answers as API Gateway does
    assert api.handle("GET", "/rooms/a", {}, b"")[0::2] == (401, '{"message": "Unauthorized"}')
    assert api.handle("GET", "/rooms/a", {"Authorization": f"Bearer {forged}"}, b"")[0] == 403
    assert api.handle("GET", "/rooms/a", {"Authorization": expired}, b"")[2] == (
        '{"message": "Forbidden: token expired"}'
    )
    assert api.handle("POST", "/rooms/a/questions", {}, b"{}")[0::2] == (
        403,
        '{"message": "Forbidden"}',
    )
    assert api.handle("DELETE", "/nowhere", {}, b"")[0::2] == (
        403,
        '{"message": "Missing Authentication Token"}',
    )


def test_rs256_tokens_are_checked_against_the_pools_jwks() -> None:
    # Given the user pool's key set and an ID token it signed
    token = POOL.sign("op-1", now=1000)
    # When the gateway's verifier checks it
    claims = verifier().verify(f"Bearer {token}")
    # Then the Cognito claims reach the function
    assert {k: claims[k] for k in ("iss", "aud", "sub", "cognito:groups", "exp", "token_use")} == {
        "iss": POOL.issuer,
        "aud": "client",
        "sub": "op-1",
        "cognito:groups": ["operators"],
        "exp": 4600,
        "token_use": "id",
    }
    # And a missing token, a token of another client, an access token, an HS256 token and a
    # tampered one are each refused with their reason
    with pytest.raises(TokenMissing):
        verifier().verify(None)
    other = UserPoolKeys(issuer=POOL.issuer, audience="other-client", key=POOL.key)
    with pytest.raises(TokenRejected, match="another user pool or client"):
        verifier().verify(other.sign("x", now=1000))
    with pytest.raises(TokenRejected, match="not an ID token"):
        verifier().verify(POOL.sign("x", now=1000, token_use="access"))
    with pytest.raises(TokenRejected, match="bad signature"):
        verifier().verify(POOL.sign_hs256("x", now=1000))
    head, body, signature = token.split(".")
    with pytest.raises(TokenRejected, match="bad signature"):
        verifier().verify(f"{head}.{body}.{signature[::-1]}")


def test_a_rotated_key_is_fetched_again() -> None:
    # Given a verifier that loaded the pool's key set once
    loads = []
    rotated = UserPoolKeys(issuer=POOL.issuer, audience=POOL.audience, kid="key-2")
    sets = iter([POOL.jwks(), {"keys": POOL.jwks()["keys"] + rotated.jwks()["keys"]}])

    def load() -> dict:
        loads.append(1)
        return next(sets)

    check = JwksVerifier(issuer=POOL.issuer, audience="client", jwks=load, clock=lambda: 1000.0)
    check.verify(POOL.sign("a", now=1000))
    check.verify(POOL.sign("b", now=1000))
    # When a token signed with a new key arrives
    claims = check.verify(rotated.sign("c", now=1000))
    # Then the key set was loaded once more, not per request
    assert (claims["sub"], len(loads)) == ("c", 2)


def test_the_proxy_event_has_api_gateways_shape() -> None:
    event = proxy_event(
        ROUTES[0],
        path="/rooms/a",
        path_parameters={"roomId": "a"},
        headers={"H": "1"},
        query={"run": "2"},
        body=None,
        claims={"sub": "op", "cognito:groups": ["a", "b"]},
    )
    assert (event["resource"], event["httpMethod"], event["pathParameters"]) == (
        "/rooms/{roomId}",
        "GET",
        {"roomId": "a"},
    )
    assert event["queryStringParameters"] == {"run": "2"}
    assert event["requestContext"]["authorizer"] == {
        "claims": {"sub": "op", "cognito:groups": "a,b"}
    }


def test_the_usage_plan_throttle_allows_the_burst_then_refuses() -> None:
    bucket = TokenBucket(rate=0.001, burst=40)
    assert [bucket.take() for _ in range(41)] == [True] * 40 + [False]


def test_skipped_resources_are_created_through_the_emulator(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given template.yaml transformed by SAM
    from local.deploy import to_cloudformation

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    template = yaml_parse((ROOT / "template.yaml").read_text())
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if key in props:
                props[key] = "s3://code/x.zip"
        if "DefinitionUri" in props:
            props["Definition"] = json.loads((ROOT / props.pop("DefinitionUri")).read_text())
    with mock_aws():
        cfn = to_cloudformation(template, {"RenderHostAmiId": "ami-1"})
        cognito = boto3.client("cognito-idp", region_name="us-east-1")
        apigateway = boto3.client("apigateway", region_name="us-east-1")
        scheduler = boto3.client("scheduler", region_name="us-east-1")
        # When the skipped resources are handled
        notes = handle_unsupported(
            cfn,
            stack_name="livehost",
            cognito_idp=cognito,
            apigateway=apigateway,
            scheduler=scheduler,
        )
        # Then none is left, nothing refers to them, and each left a note
        assert not [r for r in cfn["Resources"].values() if r["Type"] in CREATED_BY_API]
        text = json.dumps(cfn)
        for name in ("OperatorUserPool", "Apiv1Stage", "ApiApiKey", "ApiUsagePlan"):
            assert f'"{name}"' not in text and "${" + name not in text
        assert len(notes) == 10
        groups = scheduler.list_schedule_groups()["ScheduleGroups"]
        assert "livehost-rooms" in [g["Name"] for g in groups]
        [pool] = cognito.list_user_pools(MaxResults=5)["UserPools"]
        assert pool["Name"] == "livehost-operators"
        [group] = cognito.list_groups(UserPoolId=pool["Id"])["Groups"]
        assert group["GroupName"] == "operators"
        assert cfn["Outputs"]["UserPoolId"]["Value"] == pool["Id"]
        [plan] = apigateway.get_usage_plans()["items"]
        assert plan["throttle"] == {"rateLimit": 20.0, "burstLimit": 40}
        [key] = apigateway.get_api_keys()["items"]
        assert apigateway.get_usage_plan_keys(usagePlanId=plan["id"])["items"][0]["id"] == key["id"]
        [api] = apigateway.get_rest_apis()["items"]
        methods = {
            (method, r["path"]): apigateway.get_method(
                restApiId=api["id"], resourceId=r["id"], httpMethod=method
            )
            for r in apigateway.get_resources(restApiId=api["id"])["items"]
            for method in r.get("resourceMethods", {})
        }
        question = methods[("POST", "/rooms/{roomId}/questions")]
        assert (question["authorizationType"], question["apiKeyRequired"]) == ("NONE", True)
        assert methods[("GET", "/rooms")]["authorizationType"] == "COGNITO_USER_POOLS"
        assert len(methods) == 47  # every route in template.yaml


HANDLER = """
import json
import os


def handler(event, context):
    if event["httpMethod"] == "GET":  # what a resolver answers for a route with nothing to say
        return {"statusCode": 204, "headers": {"Content-Type": "application/json"}, "body": "null"}
    return {"statusCode": 202, "body": json.dumps({"pid": os.getpid(), "asked": event["body"]})}
"""


def setup_of(code_dir: Path) -> GatewaySetup:
    """A gateway process in front of HANDLER, with ROUTES (the GET open to anyone)."""
    (code_dir / "app.py").write_text(HANDLER)
    return GatewaySetup(
        endpoint="http://127.0.0.1:9",
        function=FunctionSpec(
            name="fn",
            arn="arn:aws:lambda:us-east-1:123456789012:function:fn",
            code_dir=code_dir,
            handler="app.handler",
            env={},
        ),
        routes=[
            ("GET", "/rooms/{roomId}", "none"),
            ("POST", "/rooms/{roomId}/questions", "api_key"),
        ],
        api_key="key-1",
        api_key_id="key-id",
        issuer=POOL.issuer,
        audience=POOL.audience,
        jwks_url="http://127.0.0.1:9/jwks.json",
        throttle=(20.0, 40),
        site={"apiBase": "/v1"},
        lambda_log=str(code_dir / "lambda.log"),
        warm_environments=2,
        max_environments=2,
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayProcess]:
    with GatewayProcess(setup_of(tmp_path_factory.mktemp("gateway"))) as api:
        yield api


def raw_exchange(url: str, requests: bytes) -> bytes:
    """Send raw bytes on one connection; everything the server answered until it closed."""
    import socket
    from urllib.parse import urlsplit

    where = urlsplit(url)
    with socket.create_connection((where.hostname, where.port), timeout=5) as conn:
        conn.sendall(requests)
        conn.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return answer


def descendants(pid: int) -> set[int]:
    """The processes under ``pid``, at any depth (Linux's /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:  # gone meanwhile
            continue
        for child in map(int, children):
            found |= {child} | descendants(child)
    return found


def test_a_204_has_no_body_and_the_connection_serves_the_next_request(
    served: GatewayProcess,
) -> None:
    # Given the gateway process in front of a function that answers 204 with a body of null
    request = "GET /rooms/a HTTP/1.1\r\nHost: x\r\n\r\n"
    # When two requests go on one connection
    answer = raw_exchange(served.url, (request * 2).encode())
    # Then both are answered 204, with no body and no length between them
    assert answer.count(b"HTTP/1.1 204 No Content\r\n") == 2
    assert b"null" not in answer and b"Content-Length" not in answer


def test_malformed_requests_get_a_400_that_says_what_is_wrong(served: GatewayProcess) -> None:
    # Given a body that is not UTF-8, and a Content-Length that is not a number
    not_utf8 = (
        b"POST /rooms/a/questions HTTP/1.1\r\nHost: x\r\nx-api-key: key-1\r\n"
        b"Content-Length: 2\r\n\r\n\xff\xfe"
    )
    bad_length = b"GET /rooms/a HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n"
    # When sent / Then each gets a 400 naming the problem
    first = raw_exchange(served.url, not_utf8)
    second = raw_exchange(served.url, bad_length)
    assert first.startswith(b"HTTP/1.1 400 ")
    assert first.endswith(b'{"message": "Bad Request: the body is not UTF-8 text"}')
    assert second.startswith(b"HTTP/1.1 400 ")
    assert second.endswith(b'{"message": "Bad Request: Content-Length is not a number"}')


def test_the_gateway_process_invokes_the_function_in_environments_and_stops_them_all(
    tmp_path: Path,
) -> None:
    # Given a gateway process, its function warmed in two environments
    api = GatewayProcess(setup_of(tmp_path)).start()
    assert api._process is not None
    gateway_pid = api._process.pid
    try:
        # When a viewer's question goes to it
        request = urllib.request.Request(
            f"{api.url}/v1/rooms/a/questions",
            data=b"hi",
            method="POST",
            headers={"x-api-key": "key-1"},
        )
        with urllib.request.urlopen(request, timeout=10) as reply:
            status, body = reply.status, json.loads(reply.read())
        # Then the handler answered it from an environment process of the gateway's own
        # (the second may still be starting; and a process whose starting thread has just
        # ended is missing from /proc's children lists while it is handed to another thread)
        deadline = time.time() + 10
        environments = descendants(gateway_pid)
        while (api.environments.started < 2 or len(environments) < 2) and time.time() < deadline:
            time.sleep(0.01)
            environments = descendants(gateway_pid)
        assert (status, body["asked"]) == (202, "hi")
        assert body["pid"] in environments and len(environments) == 2
        assert api.environments == EnvironmentStats(started=2, used=1)
    finally:
        # And once stopped, no process of the gateway's is left
        api.stop()
    assert [pid for pid in {gateway_pid} | environments if Path(f"/proc/{pid}").exists()] == []
    with pytest.raises(RuntimeError, match="not started"):
        api.url  # noqa: B018 (the property is under test)


ORPHANING = """
import os, sys, time
from pathlib import Path
from local.environments import FunctionSpec
from local.gateway_process import GatewayProcess, GatewaySetup

api = GatewayProcess(GatewaySetup.model_validate_json(Path(sys.argv[1]).read_text())).start()
while api.environments.started < 2:  # (they start in the background)
    time.sleep(0.01)
pid = api._process.pid
def children():
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += (task / "children").read_text().split()
        except OSError:  # the thread ended meanwhile
            pass
    return found

listed, deadline = [], time.time() + 10  # (a child can be missing while it is reparented)
while len(listed) < 2 and time.time() < deadline:
    listed = children()
print(pid, *listed, flush=True)
os._exit(0)  # dies without stopping it
"""


def test_the_gateway_process_ends_with_the_process_that_started_it(tmp_path: Path) -> None:
    # Given a process that started a gateway process (and its two environments), then died
    (tmp_path / "setup.json").write_text(setup_of(tmp_path).model_dump_json())
    started = subprocess.run(
        [sys.executable, "-c", ORPHANING, str(tmp_path / "setup.json")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    pids = [int(pid) for pid in started.stdout.split()]
    assert len(pids) == 3, started.stderr
    # When the gateway's stdin ends with its parent / Then it and its environments stop
    deadline = time.time() + 15
    while any(map(_running, pids)) and time.time() < deadline:
        time.sleep(0.1)
    assert [pid for pid in pids if _running(pid)] == []


def _running(pid: int) -> bool:
    """``pid`` exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


def test_the_gateway_serves_the_openapi_document_and_a_page_to_browse_it() -> None:
    # Given the local gateway (its function unreachable: documentation needs none)
    api = gateway()
    committed = json.loads((ROOT / "api/openapi.json").read_text())
    # When the document and the page are asked for, with or without the stage
    status, headers, body = api.handle("GET", "/openapi.json", {}, b"")
    page_status, page_headers, page = api.handle("GET", "/v1/docs", {}, b"")
    # Then the document is the committed one, with no credentials asked
    assert (status, headers["Content-Type"]) == (200, "application/json")
    assert json.loads(body) == committed
    # And the page lists every operation and schema, and loads nothing from elsewhere
    assert (page_status, page_headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    operations = [op for methods in committed["paths"].values() for op in methods.values()]
    assert page.count("<section id=") == len(operations) + len(committed["components"]["schemas"])
    assert "<h3><span class=m>POST</span> <code>/rooms/{roomId}/questions</code></h3>" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page
