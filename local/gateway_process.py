"""The local API gateway as a process of its own, as API Gateway is a service of its own.

In the local cloud's process the gateway shared one interpreter lock with the emulator, the
Step Functions interpreter and the in-process functions: under a question flood even a 429,
decided by the usage plan's token bucket alone, waited seconds for the lock. Here the
cloud's process computes a ``GatewaySetup`` (what the gateway needs, all of it plain data)
and starts ``python -m local.gateway_process``, which builds the same ``LocalApi`` from it
(its own environment processes, JWKS verifier and site) and serves.

The wire between the two: the setup as the first line of the child's stdin; the child
answers one JSON line on stdout when it listens (``{"port": N}``); afterwards each ``stats``
line in gets one line out (``{"environmentsStarted": N, "environmentsUsed": M}``). The
child stops, environments included, when its stdin ends: when ``stop()`` closes it, or when
the parent dies."""

from __future__ import annotations

import json
import secrets
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from pydantic import BaseModel, ConfigDict

from local import moto_gaps
from local.api_gateway import (
    REGION,
    Auth,
    GatewayRoute,
    LocalApi,
    routes_from_template,
    usage_plan_throttle,
)
from local.environments import EnvironmentPool, FunctionSpec
from local.graph.cli import execution_page
from local.tokens import CognitoOperators, JwksVerifier, fetch_jwks
from local.website import LOCAL_EXECUTION_GRAPH, StaticSite, site_config


class GatewaySetup(BaseModel):
    """Everything the gateway process needs, computed in the cloud's process."""

    model_config = ConfigDict(frozen=True)

    endpoint: str  # the emulator's
    function: FunctionSpec  # the ApiFunction's
    routes: list[tuple[str, str, Auth]]  # (method, resource, auth)
    api_key: str
    api_key_id: str
    issuer: str
    audience: str
    jwks_url: str
    throttle: tuple[float, int]
    site: dict[str, Any]  # the site's /config.json
    lambda_log: str
    port: int = 0
    stage: str = "v1"
    # all warm from the start, as provisioned concurrency keeps them: on 2 cores, cold starts
    # at the start of a burst took seconds from every request then in flight
    warm_environments: int = 4
    max_environments: int = 4

    @property
    def gateway_routes(self) -> list[GatewayRoute]:
        return [GatewayRoute(method, resource, auth) for method, resource, auth in self.routes]


def setup_for_cloud(cloud: Any, *, port: int = 0) -> GatewaySetup:
    """The gateway of a started LocalCloud: routes from its template.yaml, the deployed
    ApiFunction, the usage plan's key, its user pool's issuer and keys, and the site."""
    from samtranslator.yaml_helper import yaml_parse

    template = yaml_parse((Path(cloud.config.root) / "template.yaml").read_text())
    function = cloud.client("cloudformation").describe_stack_resource(
        StackName=cloud.config.stack_name, LogicalResourceId="ApiFunction"
    )["StackResourceDetail"]["PhysicalResourceId"]
    keys = cloud.client("apigateway").get_api_keys(includeValues=True)["items"]
    if not keys:
        raise RuntimeError("the local cloud has no API key: was the usage plan deployed?")
    pool = cloud.outputs["UserPoolId"]
    client = cloud.outputs["UserPoolClientId"]
    return GatewaySetup(
        endpoint=cloud.endpoint,
        function=moto_gaps.function_spec(function, REGION),
        routes=[(r.method, r.resource, r.auth) for r in routes_from_template(template)],
        api_key=keys[0]["value"],
        api_key_id=keys[0]["id"],
        issuer=f"https://cognito-idp.{REGION}.amazonaws.com/{pool}",
        audience=client,
        jwks_url=f"{cloud.endpoint}/{pool}/.well-known/jwks.json",
        throttle=usage_plan_throttle(template),
        site=site_config(
            region=REGION,
            user_pool_id=pool,
            client_id=client,
            viewer_api_key=keys[0]["value"],
            cognito_endpoint=f"{cloud.endpoint}/",
            cues="feed",
            execution_graph=LOCAL_EXECUTION_GRAPH,
        ),
        lambda_log=str(cloud.lambda_log),
        port=port,
    )


@dataclass(frozen=True)
class EnvironmentStats:
    """The gateway's environment pool, as the gateway process reports it."""

    started: int  # environments started (cold starts)
    used: int  # of which served an invocation


class GatewayProcess:
    """The local API gateway running in a child process; what callers of the API use: its
    ``url``, ``stage``, ``api_key`` and ``routes``, operator tokens of the stack's user pool,
    and the environment pool's figures."""

    def __init__(self, setup: GatewaySetup, operators: CognitoOperators | None = None) -> None:
        self.setup = setup
        self.operators = operators
        self.stage = setup.stage
        self.api_key = setup.api_key
        self.routes = setup.gateway_routes
        self._passwords: dict[str, str] = {}
        self._process: subprocess.Popen[str] | None = None
        self._port: int | None = None
        self._wire = threading.Lock()

    @classmethod
    def for_cloud(cls, cloud: Any, *, port: int = 0) -> GatewayProcess:
        """The gateway of a started LocalCloud (``setup_for_cloud``), signing operators in
        through the cloud's user pool."""
        setup = setup_for_cloud(cloud, port=port)
        operators = CognitoOperators(
            cloud.client("cognito-idp"), cloud.outputs["UserPoolId"], setup.audience
        )
        return cls(setup, operators)

    @property
    def url(self) -> str:
        if self._port is None:
            raise RuntimeError("the local API is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def environments(self) -> EnvironmentStats:
        """The child's environment pool now (asked over its stdin)."""
        stats = self._ask("stats")
        return EnvironmentStats(
            started=int(stats["environmentsStarted"]), used=int(stats["environmentsUsed"])
        )

    def issue_token(self, sub: str) -> str:
        """An operator's bearer token: the ID token of user ``<sub>@livehost.local`` (made an
        operator with a generated password on first use), signed in through InitiateAuth."""
        if self.operators is None:
            raise RuntimeError("this gateway has no user pool to sign in with")
        username = f"{sub}@livehost.local"
        if username not in self._passwords:
            self._passwords[username] = _password()
            self.operators.ensure(username, self._passwords[username])
        return self.operators.sign_in(username, self._passwords[username])

    def password_of(self, username: str) -> str:
        """The generated password of an operator this gateway signed in."""
        return self._passwords[username]

    def start(self) -> GatewayProcess:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "local.gateway_process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            self._port = int(self._ask(self.setup.model_dump_json())["port"])
        except BaseException:
            self.stop()
            raise
        return self

    def _ask(self, line: str) -> dict[str, Any]:
        process = self._process
        if process is None or process.stdin is None or process.stdout is None:
            raise RuntimeError("the local API is not started")
        with self._wire:
            process.stdin.write(line + "\n")
            process.stdin.flush()
            reply = process.stdout.readline()
        if not reply:
            raise RuntimeError(f"the local API's process exited (code {process.wait()})")
        answer: dict[str, Any] = json.loads(reply)
        return answer

    def stop(self) -> None:
        """Stop the gateway process and its environments (it ends when its stdin does)."""
        process, self._process, self._port = self._process, None, None
        if process is None:
            return
        if process.stdin:
            process.stdin.close()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()

    def __enter__(self) -> GatewayProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _password() -> str:
    """A password that meets the pool's policy (12+ characters, upper, lower, digits)."""
    return "Lh1" + secrets.token_urlsafe(18)


# ---- inside the gateway process ----------------------------------------------------------------


def build(setup: GatewaySetup) -> LocalApi:
    """The gateway ``setup`` describes, with its own environments, verifier and site."""
    sfn = boto3.client(
        "stepfunctions",
        endpoint_url=setup.endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    environments = EnvironmentPool(
        setup.function, Path(setup.lambda_log), max_environments=setup.max_environments
    ).warm(setup.warm_environments)
    return LocalApi(
        setup.endpoint,
        setup.function.name,
        invoke=environments.invoke,
        environments=environments,
        routes=setup.gateway_routes,
        api_key=setup.api_key,
        api_key_id=setup.api_key_id,
        verifier=JwksVerifier(
            issuer=setup.issuer, audience=setup.audience, jwks=fetch_jwks(setup.jwks_url)
        ),
        site=StaticSite(setup.site, executions=lambda arn: execution_page(sfn, arn)),
        throttle=setup.throttle,
        port=setup.port,
        stage=setup.stage,
    )


def serve() -> None:
    """Serve the gateway the first line of stdin describes until stdin ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C stops the parent, which stops this
    setup = GatewaySetup.model_validate_json(sys.stdin.readline())
    api = build(setup).start()
    pool = api.environments
    try:
        print(json.dumps({"port": int(api.url.rsplit(":", 1)[1])}), flush=True)
        for line in sys.stdin:
            if line.strip() == "stats" and pool is not None:
                reply: dict[str, Any] = {
                    "environmentsStarted": pool.started,
                    "environmentsUsed": pool.used,
                }
            else:
                reply = {"error": f"unknown request {line.strip()!r}: ask 'stats'"}
            print(json.dumps(reply), flush=True)
    finally:
        api.stop()


if __name__ == "__main__":
    serve()
