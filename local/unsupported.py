"""Resources the emulator's CloudFormation skips (moto 5.2.5), handled on purpose before the
stack is created: each is created through the emulated service API (or folded into a resource
moto supports), removed from the template, and every ``Ref`` / ``Fn::GetAtt`` / ``${...}`` to
it replaced by the real value. Returns one note per resource; nothing is skipped silently.

=================================  ===========================================================
type                               what happens locally
=================================  ===========================================================
AWS::Cognito::UserPool             cognito-idp CreateUserPool; Ref = id, Arn/ProviderName/URL
AWS::Cognito::UserPoolClient       cognito-idp CreateUserPoolClient; Ref = client id
AWS::Cognito::UserPoolGroup        cognito-idp CreateGroup; Ref = the group's name
AWS::ApiGateway::RestApi (Body)    apigateway CreateRestApi, then per path and method of the
                                   Body: resource, method (authorization type, API key flag),
                                   AWS_PROXY integration, and the Cognito authorizer. moto
                                   neither imports a swagger 2.0 Body nor deploys an API
                                   without methods, so the stack cannot make it
AWS::ApiGateway::Deployment        apigateway CreateDeployment (of the API made above)
AWS::ApiGateway::Stage             made by that deployment (its StageName); Ref = the name
AWS::ApiGateway::ApiKey            apigateway CreateApiKey with its stage keys; Ref = key id
AWS::ApiGateway::UsagePlan         apigateway CreateUsagePlan (stages, throttle, quota)
AWS::ApiGateway::UsagePlanKey      apigateway CreateUsagePlanKey
=================================  ===========================================================

moto does not route requests through this API: local/api_gateway.py serves the same routes
with the same authorization, from template.yaml. Integration URIs name the function by its
logical id (its physical name is made by the stack, later).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

log = logging.getLogger("livehost.local")

ACCOUNT_ID = "123456789012"
CREATED_BY_API = (  # in creation order
    "AWS::Cognito::UserPool",
    "AWS::Cognito::UserPoolClient",
    "AWS::Cognito::UserPoolGroup",
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::Deployment",
    "AWS::ApiGateway::Stage",
    "AWS::ApiGateway::ApiKey",
    "AWS::ApiGateway::UsagePlan",
    "AWS::ApiGateway::UsagePlanKey",
    "AWS::Scheduler::ScheduleGroup",
)


class UnsupportedResourceError(Exception):
    """A resource the emulator skips could not be handled; the message names it and why."""


def handle_unsupported(
    cfn: dict[str, Any],
    parameters: dict[str, str] | None = None,
    *,
    stack_name: str = "livehost",
    region: str = "us-east-1",
    cognito_idp: Any = None,
    apigateway: Any = None,
    scheduler: Any = None,
) -> list[str]:
    """Handle the resources of ``cfn`` (a transformed template, changed in place) that moto's
    CloudFormation skips. Clients default to the environment's endpoint, which must be the
    emulator on loopback. Returns the notes (also logged)."""
    values = _Values(cfn, parameters or {}, stack_name, region)
    notes: list[str] = []
    resources = cfn["Resources"]
    order = sorted(
        resources,
        key=lambda name: (
            CREATED_BY_API.index(resources[name]["Type"])
            if resources[name]["Type"] in CREATED_BY_API
            else len(CREATED_BY_API)
        ),
    )
    for name in order:
        kind = resources[name]["Type"]
        if kind in CREATED_BY_API:
            if kind.startswith("AWS::Cognito"):
                cognito_idp = cognito_idp or _emulator_client("cognito-idp")
                client = cognito_idp
            elif kind.startswith("AWS::Scheduler"):
                scheduler = scheduler or _emulator_client("scheduler")
                client = scheduler
            else:
                apigateway = apigateway or _emulator_client("apigateway")
                client = apigateway
            notes.append(_CREATORS[kind](client, name, resources[name], values))
            del resources[name]
    _replace_references(cfn, values)
    for note in notes:
        log.info("local deployment: %s", note)
    return notes


# ---- values of handled resources, and references to them ------------------------------


class _Values:
    """What ``Ref`` and ``Fn::GetAtt`` of each handled resource stand for."""

    def __init__(
        self, cfn: dict[str, Any], parameters: dict[str, str], stack_name: str, region: str
    ) -> None:
        self.cfn = cfn
        self.stack_name = stack_name
        self.region = region
        self.refs: dict[str, str] = {
            "AWS::StackName": stack_name,
            "AWS::Region": region,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }
        for key, spec in cfn.get("Parameters", {}).items():
            if key in parameters or "Default" in spec:
                self.refs[key] = str(parameters.get(key, spec.get("Default")))
        self.handled: dict[str, str] = {}  # logical id -> Ref value
        self.attributes: dict[tuple[str, str], str] = {}

    def resolve(self, value: Any, where: str) -> Any:
        """``value`` with intrinsic functions over parameters and handled resources resolved."""
        if isinstance(value, list):
            return [self.resolve(v, where) for v in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"Ref"}:
            return self._ref(value["Ref"], where)
        if set(value) == {"Fn::GetAtt"}:
            target, attribute = _get_att_parts(value["Fn::GetAtt"])
            if (target, attribute) not in self.attributes:
                raise UnsupportedResourceError(f"{where}: cannot resolve {target}.{attribute}")
            return self.attributes[(target, attribute)]
        if set(value) == {"Fn::Sub"}:
            text, variables = (
                (value["Fn::Sub"], {})
                if isinstance(value["Fn::Sub"], str)
                else (value["Fn::Sub"][0], value["Fn::Sub"][1])
            )

            def piece(match: re.Match[str]) -> str:
                key = match.group(1)
                if key in variables:
                    return str(self.resolve(variables[key], where))
                if "." in key:
                    target, attribute = key.split(".", 1)
                    return str(self.resolve({"Fn::GetAtt": [target, attribute]}, where))
                return str(self._ref(key, where))

            return re.sub(r"\$\{([^}!]+)\}", piece, text)
        return {k: self.resolve(v, where) for k, v in value.items()}

    def _ref(self, key: str, where: str) -> str:
        if key in self.handled:
            return self.handled[key]
        if key in self.refs:
            return self.refs[key]
        raise UnsupportedResourceError(f"{where}: cannot resolve Ref {key} before the stack exists")


def _get_att_parts(spec: Any) -> tuple[str, str]:
    if isinstance(spec, str):
        target, attribute = spec.split(".", 1)
        return target, attribute
    return str(spec[0]), str(spec[1])


def _replace_references(cfn: dict[str, Any], values: _Values) -> None:
    """Every Ref / GetAtt / ${...} to a handled resource becomes its value; DependsOn on a
    removed resource is dropped."""
    removed = {name for name in values.handled if name not in cfn["Resources"]}

    def walk(value: Any) -> Any:
        if isinstance(value, list):
            return [walk(v) for v in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"Ref"} and value["Ref"] in values.handled:
            return values.handled[value["Ref"]]
        if set(value) == {"Fn::GetAtt"}:
            target, attribute = _get_att_parts(value["Fn::GetAtt"])
            if (target, attribute) in values.attributes:
                return values.attributes[(target, attribute)]
            if target in removed:
                raise UnsupportedResourceError(f"no local value for {target}.{attribute}")
        if set(value) == {"Fn::Sub"}:
            return {"Fn::Sub": _substitute(value["Fn::Sub"], values)}
        return {k: walk(v) for k, v in value.items()}

    for section in ("Resources", "Outputs"):
        for name, entry in cfn.get(section, {}).items():
            cfn[section][name] = walk(entry)
    for resource in cfn["Resources"].values():
        depends = resource.get("DependsOn")
        if isinstance(depends, str):
            depends = [depends]
        if depends:
            kept = [d for d in depends if d not in removed]
            if kept:
                resource["DependsOn"] = kept
            else:
                resource.pop("DependsOn")


def _substitute(spec: Any, values: _Values) -> Any:
    text, variables = (spec, None) if isinstance(spec, str) else (spec[0], spec[1])

    def piece(match: re.Match[str]) -> str:
        key = match.group(1)
        if variables and key in variables:
            return match.group(0)
        if key in values.handled:
            return values.handled[key]
        if "." in key:
            target, attribute = key.split(".", 1)
            if (target, attribute) in values.attributes:
                return values.attributes[(target, attribute)]
        return match.group(0)

    text = re.sub(r"\$\{([^}!]+)\}", piece, text)
    if variables is None:
        return text
    return [text, {k: _walk_values(v, values) for k, v in variables.items()}]


def _walk_values(value: Any, values: _Values) -> Any:
    if isinstance(value, dict) and set(value) == {"Ref"} and value["Ref"] in values.handled:
        return values.handled[value["Ref"]]
    return value


# ---- each type --------------------------------------------------------------------------


def _create_user_pool(client: Any, name: str, resource: dict[str, Any], values: _Values) -> str:
    props = values.resolve(resource.get("Properties", {}), name)
    request = {
        "PoolName": props.get("UserPoolName", f"{values.stack_name}-{name}"),
        **{
            key: props[key]
            for key in (
                "Policies",
                "AdminCreateUserConfig",
                "UsernameAttributes",
                "AutoVerifiedAttributes",
                "MfaConfiguration",
            )
            if key in props
        },
    }
    pool = client.create_user_pool(**request)["UserPool"]
    values.handled[name] = pool["Id"]
    provider = f"cognito-idp.{values.region}.amazonaws.com/{pool['Id']}"
    values.attributes |= {
        (name, "Arn"): pool["Arn"],
        (name, "UserPoolId"): pool["Id"],
        (name, "ProviderName"): provider,
        (name, "ProviderURL"): f"https://{provider}",
    }
    return f"{name} (AWS::Cognito::UserPool): created through cognito-idp as {pool['Id']}"


def _create_user_pool_client(
    client: Any, name: str, resource: dict[str, Any], values: _Values
) -> str:
    props = values.resolve(resource.get("Properties", {}), name)
    request = {
        "UserPoolId": props["UserPoolId"],
        "ClientName": props.get("ClientName", f"{values.stack_name}-{name}"),
        **{
            key: props[key]
            for key in ("GenerateSecret", "ExplicitAuthFlows", "PreventUserExistenceErrors")
            if key in props
        },
    }
    created = client.create_user_pool_client(**request)["UserPoolClient"]
    values.handled[name] = created["ClientId"]
    values.attributes[(name, "ClientId")] = created["ClientId"]
    return (
        f"{name} (AWS::Cognito::UserPoolClient): created through cognito-idp as "
        f"{created['ClientId']}"
    )


def _create_user_pool_group(
    client: Any, name: str, resource: dict[str, Any], values: _Values
) -> str:
    props = values.resolve(resource.get("Properties", {}), name)
    request = {
        key: props[key]
        for key in ("UserPoolId", "GroupName", "Description", "Precedence")
        if key in props
    }
    created = client.create_group(**request)["Group"]
    values.handled[name] = created["GroupName"]
    return f"{name} (AWS::Cognito::UserPoolGroup): created through cognito-idp as {created['GroupName']}"


def _create_rest_api(client: Any, name: str, resource: dict[str, Any], values: _Values) -> str:
    props = resource.get("Properties", {})
    body = props.get("Body") or {}
    title = values.resolve(props.get("Name") or body.get("info", {}).get("title", name), name)
    api = client.create_rest_api(name=title, description=props.get("Description", ""))
    api_id = api["id"]
    values.handled[name] = api_id
    values.attributes[(name, "RootResourceId")] = api["rootResourceId"]
    authorizers: dict[str, str] = {}
    for scheme, definition in body.get("securityDefinitions", {}).items():
        spec = definition.get("x-amazon-apigateway-authorizer")
        if spec and spec.get("type") == "cognito_user_pools":
            authorizers[scheme] = client.create_authorizer(
                restApiId=api_id,
                name=scheme,
                type="COGNITO_USER_POOLS",
                providerARNs=values.resolve(spec["providerARNs"], f"{name}.{scheme}"),
                identitySource="method.request.header.Authorization",
            )["id"]
    resource_ids = {"/": api["rootResourceId"]}
    methods = 0
    for path in sorted(body.get("paths", {})):
        parent = "/"
        for part in path.strip("/").split("/"):
            here = f"{parent.rstrip('/')}/{part}"
            if here not in resource_ids:
                resource_ids[here] = client.create_resource(
                    restApiId=api_id, parentId=resource_ids[parent], pathPart=part
                )["id"]
            parent = here
        for method, spec in body["paths"][path].items():
            schemes = [key for entry in spec.get("security", []) for key in entry]
            authorizer = next((authorizers[k] for k in schemes if k in authorizers), None)
            request: dict[str, Any] = {
                "restApiId": api_id,
                "resourceId": resource_ids[path],
                "httpMethod": method.upper(),
                "authorizationType": "COGNITO_USER_POOLS" if authorizer else "NONE",
                "apiKeyRequired": "api_key" in schemes,
            }
            if authorizer:
                request["authorizerId"] = authorizer
            client.put_method(**request)
            client.put_integration(
                restApiId=api_id,
                resourceId=resource_ids[path],
                httpMethod=method.upper(),
                type="AWS_PROXY",
                integrationHttpMethod="POST",
                uri=_integration_uri(spec, values),
            )
            methods += 1
    return (
        f"{name} (AWS::ApiGateway::RestApi): created through apigateway as {api_id} with "
        f"{methods} methods and {len(authorizers)} Cognito authorizer(s); requests are served "
        "by local/api_gateway.py"
    )


def _integration_uri(spec: dict[str, Any], values: _Values) -> str:
    """The Lambda proxy URI, with the function named by its logical id (the stack has not
    made it yet)."""
    uri = spec.get("x-amazon-apigateway-integration", {}).get("uri", "")
    text = uri.get("Fn::Sub", "") if isinstance(uri, dict) else str(uri)
    text = text if isinstance(text, str) else text[0]
    return re.sub(
        r"\$\{([^}.]+)\.Arn\}",
        lambda m: f"arn:aws:lambda:{values.region}:{ACCOUNT_ID}:function:{m.group(1)}",
        text,
    ).replace("${AWS::Region}", values.region)


def _create_deployment(client: Any, name: str, resource: dict[str, Any], values: _Values) -> str:
    props = values.resolve(resource.get("Properties", {}), name)
    stages = [
        r["Properties"]["StageName"]
        for r in values.cfn["Resources"].values()
        if r["Type"] == "AWS::ApiGateway::Stage"
        and r["Properties"].get("DeploymentId") == {"Ref": name}
    ]
    stage = stages[0] if stages else props.get("StageName", "Stage")
    deployment = client.create_deployment(
        restApiId=props["RestApiId"], stageName=stage, description=props.get("Description", "")
    )
    values.handled[name] = deployment["id"]
    return (
        f"{name} (AWS::ApiGateway::Deployment): created through apigateway as "
        f"{deployment['id']} with stage {stage!r}"
    )


def _create_stage(client: Any, name: str, resource: dict[str, Any], values: _Values) -> str:
    # access logs go to a log group the stack makes later: local/api_gateway.py logs requests
    settings = {k: v for k, v in resource.get("Properties", {}).items() if k != "AccessLogSetting"}
    props = values.resolve(settings, name)
    client.get_stage(restApiId=props["RestApiId"], stageName=props["StageName"])
    values.handled[name] = props["StageName"]
    return (
        f"{name} (AWS::ApiGateway::Stage): stage {props['StageName']!r} made by its deployment "
        "(stage settings such as tracing and access logs are not emulated)"
    )


def _create_api_key(client: Any, name: str, resource: dict[str, Any], values: _Values) -> str:
    props = values.resolve(resource.get("Properties", {}), name)
    key = client.create_api_key(
        name=props.get("Name", f"{values.stack_name}-{name}"),
        enabled=bool(props.get("Enabled", True)),
        stageKeys=[
            {"restApiId": k["RestApiId"], "stageName": k["StageName"]}
            for k in props.get("StageKeys", [])
        ],
    )
    values.handled[name] = key["id"]
    values.attributes[(name, "APIKeyId")] = key["id"]
    return f"{name} (AWS::ApiGateway::ApiKey): created through apigateway as {key['id']}"


def _create_usage_plan(client: Any, name: str, resource: dict[str, Any], values: _Values) -> str:
    props = values.resolve(resource.get("Properties", {}), name)
    request: dict[str, Any] = {
        "name": props.get("UsagePlanName", f"{values.stack_name}-{name}"),
        "apiStages": [
            {"apiId": stage["ApiId"], "stage": stage["Stage"]}
            for stage in props.get("ApiStages", [])
        ],
    }
    if "Description" in props:
        request["description"] = props["Description"]
    throttle = props.get("Throttle")
    if throttle:
        request["throttle"] = {
            "rateLimit": float(throttle.get("RateLimit", 0)),
            "burstLimit": int(throttle.get("BurstLimit", 0)),
        }
    quota = props.get("Quota")
    if quota:
        request["quota"] = {"limit": int(quota["Limit"]), "period": quota["Period"]}
    plan = client.create_usage_plan(**request)
    values.handled[name] = plan["id"]
    return (
        f"{name} (AWS::ApiGateway::UsagePlan): created through apigateway as {plan['id']} "
        f"(throttle {request.get('throttle', 'none')}); local/api_gateway.py enforces it"
    )


def _create_usage_plan_key(
    client: Any, name: str, resource: dict[str, Any], values: _Values
) -> str:
    props = values.resolve(resource.get("Properties", {}), name)
    client.create_usage_plan_key(
        usagePlanId=props["UsagePlanId"], keyId=props["KeyId"], keyType=props["KeyType"]
    )
    values.handled[name] = f"{props['UsagePlanId']}:{props['KeyId']}"
    return f"{name} (AWS::ApiGateway::UsagePlanKey): key {props['KeyId']} added to the plan"


def _create_schedule_group(
    client: Any, name: str, resource: dict[str, Any], values: _Values
) -> str:
    props = values.resolve(resource.get("Properties", {}), name)
    group = props.get("Name", f"{values.stack_name}-{name}")
    arn = client.create_schedule_group(Name=group)["ScheduleGroupArn"]
    values.handled[name] = group
    values.attributes[(name, "Arn")] = arn
    return f"{name} (AWS::Scheduler::ScheduleGroup): created through scheduler as {group}"


_CREATORS: dict[str, Callable[[Any, str, dict[str, Any], _Values], str]] = {
    "AWS::Scheduler::ScheduleGroup": _create_schedule_group,
    "AWS::Cognito::UserPool": _create_user_pool,
    "AWS::Cognito::UserPoolGroup": _create_user_pool_group,
    "AWS::Cognito::UserPoolClient": _create_user_pool_client,
    "AWS::ApiGateway::RestApi": _create_rest_api,
    "AWS::ApiGateway::Deployment": _create_deployment,
    "AWS::ApiGateway::Stage": _create_stage,
    "AWS::ApiGateway::ApiKey": _create_api_key,
    "AWS::ApiGateway::UsagePlan": _create_usage_plan,
    "AWS::ApiGateway::UsagePlanKey": _create_usage_plan_key,
}


def _emulator_client(service: str) -> Any:
    """A client for the emulator named by AWS_ENDPOINT_URL; refuses anything not on loopback,
    so a local deployment can never create resources in an AWS account."""
    import boto3

    endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
    if urlparse(endpoint).hostname not in ("127.0.0.1", "localhost"):
        raise UnsupportedResourceError(
            f"creating {service} resources needs the emulator: AWS_ENDPOINT_URL is "
            f"{endpoint or 'unset'}, not a loopback address (pass the clients explicitly)"
        )
    return boto3.client(service, endpoint_url=endpoint)  # type: ignore[call-overload]
