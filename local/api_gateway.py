"""The REST API on loopback, as API Gateway would serve it: the routes and their
authorization come from template.yaml (ApiFunction's Api events), each request becomes an
API Gateway REST proxy event (v1) and goes to the deployed ApiFunction through the
emulator's Lambda Invoke, which runs the real handler.

Authorization as in AWS: operator routes need ``Authorization: Bearer <token>``, an ID token
of the stack's user pool (the emulator's Cognito issues RS256 tokens; the gateway checks them
against the pool's JWKS: missing: 401; wrong or expired: 403); the viewer route needs the usage
plan's key in ``x-api-key`` (missing or wrong: 403) and is throttled by the plan (429).
Unknown routes: 403 ``Missing Authentication Token``. With a ``site``, GETs of the console's
and viewer's files are answered first, as CloudFront answers them in front of the API
(``local.website``).

In the local cloud the gateway runs in a process of its own (``local.gateway_process``);
``LocalApi`` is what that process serves, and can serve in the caller's process too."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

import boto3
from botocore.config import Config

from local import api_docs
from local.environments import EnvironmentPool
from local.tokens import JwksVerifier, TokenMissing, TokenRejected
from local.website import StaticSite

log = logging.getLogger("local.api_gateway")
Auth = Literal["operator", "api_key", "none"]
Invoker = Callable[[str, str], tuple[bytes, bool]]  # (function, event) -> (payload, failed)
REGION = "us-east-1"
ACCOUNT_ID = "123456789012"


@dataclass(frozen=True)
class GatewayRoute:
    """One method on one resource, e.g. POST /rooms/{roomId}/questions."""

    method: str
    resource: str
    auth: Auth

    def match(self, method: str, path: str) -> dict[str, str] | None:
        """The path parameters if ``method path`` is this route, else None."""
        if method != self.method:
            return None
        pattern = re.sub(r"\\\{([A-Za-z0-9_]+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.resource))
        found = re.fullmatch(pattern, path.rstrip("/") or "/")
        return found.groupdict() if found else None


def routes_from_template(
    template: dict[str, Any], function: str = "ApiFunction"
) -> list[GatewayRoute]:
    """The function's Api events with the authorization API Gateway applies to each: the
    API's DefaultAuthorizer unless the event says ``Authorizer: NONE``."""
    resources = template["Resources"]
    routes = []
    for event in resources[function]["Properties"].get("Events", {}).values():
        if event["Type"] != "Api":
            continue
        props = event["Properties"]
        api_name = props["RestApiId"]["Ref"]
        default = resources[api_name]["Properties"].get("Auth", {}).get("DefaultAuthorizer")
        auth = props.get("Auth", {})
        authorizer = auth.get("Authorizer", default)
        kind: Auth = "operator" if authorizer and authorizer != "NONE" else "none"
        if auth.get("ApiKeyRequired"):
            kind = "api_key"
        routes.append(GatewayRoute(props["Method"].upper(), props["Path"], kind))
    return routes


def usage_plan_throttle(template: dict[str, Any], api: str = "Api") -> tuple[float, int]:
    """(requests per second, burst) of the API's usage plan."""
    plan = template["Resources"][api]["Properties"].get("Auth", {}).get("UsagePlan", {})
    throttle = plan.get("Throttle", {})
    return float(throttle.get("RateLimit", 10_000)), int(throttle.get("BurstLimit", 5_000))


class TokenBucket:
    """API Gateway's throttle: ``rate`` tokens a second, at most ``burst`` at once."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = float(burst)
        self.at = time.monotonic()
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
            self.at = now
            if self.tokens < 1:
                return False
            self.tokens -= 1
            return True


def proxy_event(
    route: GatewayRoute,
    *,
    path: str,
    path_parameters: dict[str, str],
    headers: dict[str, str],
    query: dict[str, str] | None,
    body: str | None,
    claims: dict[str, Any] | None = None,
    api_key_id: str | None = None,
    stage: str = "v1",
) -> dict[str, Any]:
    """The REST API (v1) proxy event API Gateway sends to a Lambda function."""
    authorizer = {"claims": {k: _claim(v) for k, v in claims.items()}} if claims else None
    return {
        "resource": route.resource,
        "path": path,
        "httpMethod": route.method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "body": body,
        "isBase64Encoded": False,
        "requestContext": {
            "resourcePath": route.resource,
            "httpMethod": route.method,
            "path": f"/{stage}{path}",
            "stage": stage,
            "accountId": ACCOUNT_ID,
            "apiId": "local",
            "requestId": str(uuid.uuid4()),
            "requestTimeEpoch": int(time.time() * 1000),
            "protocol": "HTTP/1.1",
            "identity": {"sourceIp": "127.0.0.1", "apiKeyId": api_key_id, "apiKey": None},
            "authorizer": authorizer,
        },
    }


def _claim(value: Any) -> str:
    """Cognito authorizer claims reach the function as strings."""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


class LocalApi:
    """The API on ``http://127.0.0.1:<port>``, invoking ``function_name`` in the emulator."""

    def __init__(
        self,
        cloud_endpoint: str,
        function_name: str,
        *,
        routes: list[GatewayRoute],
        api_key: str,
        api_key_id: str = "local-key",
        verifier: JwksVerifier | None = None,
        site: StaticSite | None = None,
        throttle: tuple[float, int] = (20.0, 40),
        port: int = 0,
        region: str = REGION,
        stage: str = "v1",
        invoke: Invoker | None = None,
        environments: EnvironmentPool | None = None,
    ) -> None:
        self.routes = routes
        self.invoke = invoke
        self.environments = environments  # stopped with the gateway
        self.function_name = function_name
        self.api_key = api_key
        self.api_key_id = api_key_id
        self.verifier = verifier or JwksVerifier(
            issuer="local-user-pool", audience="local-client", jwks=lambda: {"keys": []}
        )
        self.site = site
        self.bucket = TokenBucket(*throttle)
        self.stage = stage
        self.lambda_client = boto3.client(
            "lambda",
            endpoint_url=cloud_endpoint,
            region_name=region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(read_timeout=120, retries={"max_attempts": 1}),
        )
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the local API is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> LocalApi:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = self.headers.get("Content-Length") or "0"
                if not length.isdigit():  # the body's end is unknown: answer, then hang up
                    self.close_connection = True
                    self._answer(*_message(400, "Bad Request: Content-Length is not a number"))
                    return
                request = self.rfile.read(int(length))
                served = gateway.static(self.command, self.path)
                if served is not None:
                    self._answer(*served)
                    return
                try:
                    answer = gateway.handle(
                        self.command, self.path, {k: v for k, v in self.headers.items()}, request
                    )
                except Exception:  # API Gateway answers every request, whatever broke
                    log.exception("the local API could not serve %s %s", self.command, self.path)
                    answer = _message(500, "Internal server error")
                self._answer(*answer)

            def _answer(self, status: int, headers: dict[str, str], body: str | bytes) -> None:
                encoded = body.encode() if isinstance(body, str) else body
                data = b"" if status in (204, 304) else encoded
                self.send_response(status)
                for key, value in headers.items():
                    if key.lower() not in ("content-length", "connection"):
                        self.send_header(key, value)
                if status not in (204, 304):  # a 204 has no body, not even its length
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

        self._server = _Server(("127.0.0.1", self._port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="local-api", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self.environments is not None:
            self.environments.stop()
            self.environments = None

    def __enter__(self) -> LocalApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- one request ---------------------------------------------------------------------

    def static(self, method: str, target: str) -> tuple[int, dict[str, str], bytes] | None:
        """The site's answer to a GET of one of its files, else None (the API's request)."""
        if self.site is None or method != "GET":
            return None
        return self.site.get(urlsplit(target).path)

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], str]:
        """Authorize, invoke, answer: (status, headers, body)."""
        split = urlsplit(target)
        path = split.path
        if path.startswith(f"/{self.stage}/"):
            path = path[len(self.stage) + 1 :]
        if (documentation := api_docs.serve(method, path)) is not None:
            return documentation
        found = next(
            ((r, p) for r in self.routes if (p := r.match(method, path)) is not None), None
        )
        if found is None:
            return _message(403, "Missing Authentication Token")
        route, path_parameters = found
        lower = {k.lower(): v for k, v in headers.items()}
        claims = None
        if route.auth == "operator":
            try:
                claims = self.verifier.verify(lower.get("authorization"))
            except TokenMissing:
                return _message(401, "Unauthorized")
            except TokenRejected as exc:
                return _message(403, f"Forbidden: {exc}")
        elif route.auth == "api_key":
            if lower.get("x-api-key") != self.api_key:
                return _message(403, "Forbidden")
            if not self.bucket.take():
                return _message(429, "Too Many Requests")
        query = dict(parse_qsl(split.query)) or None
        try:
            text = body.decode() if body else None
        except UnicodeDecodeError:
            return _message(400, "Bad Request: the body is not UTF-8 text")
        event = proxy_event(
            route,
            path=path,
            path_parameters=path_parameters,
            headers=headers,
            query=query,
            body=text,
            claims=claims,
            api_key_id=self.api_key_id if route.auth == "api_key" else None,
            stage=self.stage,
        )
        return self._invoke(event)

    def _invoke(self, event: dict[str, Any]) -> tuple[int, dict[str, str], str]:
        if self.invoke is not None:
            payload, failed = self.invoke(self.function_name, json.dumps(event))
        else:
            response = self.lambda_client.invoke(
                FunctionName=self.function_name, Payload=json.dumps(event).encode()
            )
            payload, failed = response["Payload"].read(), bool(response.get("FunctionError"))
        if failed:
            return _message(502, "Internal server error")
        result = json.loads(payload)
        headers = {k: str(v) for k, v in (result.get("headers") or {}).items()}
        for key, values in (result.get("multiValueHeaders") or {}).items():
            headers[key] = ",".join(str(v) for v in values)
        return int(result["statusCode"]), headers, result.get("body") or ""


class _Server(ThreadingHTTPServer):
    # A flood queues in the listen backlog, to be answered (429 past the usage plan), never
    # refused: the default backlog of 5 turned a burst into refused connections.
    request_queue_size = 1024


def _message(status: int, message: str) -> tuple[int, dict[str, str], str]:
    return status, {"Content-Type": "application/json"}, json.dumps({"message": message})
