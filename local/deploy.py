"""Deploy template.yaml itself into the emulator: package code (as ``sam package`` would),
apply the SAM transform, fix up the emulator's gaps, create the stack, read its outputs.
There is no second list of resources anywhere."""

from __future__ import annotations

import contextlib
import io
import json
import time
import zipfile
from pathlib import Path
from typing import Any

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

from local.moto_gaps import HandlerRegistry, resolve_definition_substitutions

CODE_BUCKET = "livehost-local-code"


class DeployError(Exception):
    """The template could not be deployed; the message names the resource and the reason."""


class _NoManagedPolicies:
    """The translator asks for AWS managed policy ARNs by name; LiveHost uses none."""

    def load(self) -> dict[str, str]:
        return {}


def _zip(folder: Path, prefix: str = "") -> bytes:
    """The folder's code (and requirements.txt) as ``sam build`` + ``sam package`` zip it:
    under ``python/`` for a layer built with a Python build method."""
    buffer = io.BytesIO()
    files = [*folder.rglob("*.py"), *folder.glob("requirements.txt")]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in files if "__pycache__" not in p.parts):
            archive.write(path, prefix + str(path.relative_to(folder)))
    return buffer.getvalue()


def package(root: Path, s3: Any, registry: HandlerRegistry) -> dict[str, Any]:
    """Read template.yaml, upload each function's and layer's code to the emulator's S3,
    and inline each state machine's definition file."""
    template = yaml_parse((root / "template.yaml").read_text())
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(Bucket=CODE_BUCKET)
    for name, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        kind = resource["Type"]
        if kind == "AWS::Serverless::Function":
            uri_key = "CodeUri"
        elif kind == "AWS::Serverless::LayerVersion":
            uri_key = "ContentUri"
        elif kind == "AWS::Serverless::StateMachine" and "DefinitionUri" in props:
            path = root / props.pop("DefinitionUri")
            try:
                props["Definition"] = json.loads(path.read_text())
            except (OSError, ValueError) as exc:
                raise DeployError(f"{name}: cannot read its definition {path}: {exc}") from exc
            continue
        else:
            continue
        folder = (root / props[uri_key]).resolve()
        if not folder.is_dir():
            raise DeployError(f"{name}: {uri_key} {props[uri_key]!r} is not a folder")
        key = f"{name}/{folder.name}.zip"
        built = str(resource.get("Metadata", {}).get("BuildMethod", "")).startswith("python")
        prefix = "python/" if kind == "AWS::Serverless::LayerVersion" and built else ""
        s3.put_object(Bucket=CODE_BUCKET, Key=key, Body=_zip(folder, prefix))
        registry.code_dirs[key] = folder
        props[uri_key] = f"s3://{CODE_BUCKET}/{key}"
    return template


def to_cloudformation(template: dict[str, Any], parameters: dict[str, str]) -> dict[str, Any]:
    """The SAM transform, then the emulator fix-ups."""
    try:
        cfn = transform(template, parameters, _NoManagedPolicies())
    except Exception as exc:
        causes = getattr(exc, "causes", None) or [exc]
        raise DeployError(
            "template.yaml does not transform: "
            + "; ".join(str(getattr(c, "message", c)) for c in causes)
        ) from exc
    for resource in cfn["Resources"].values():
        props = resource.get("Properties", {})
        definition = props.get("DefinitionString")
        if isinstance(definition, dict) and "Fn::Join" in definition:
            separator, parts = definition["Fn::Join"]
            if all(isinstance(p, str) for p in parts):
                props["DefinitionString"] = separator.join(parts)
    resolve_definition_substitutions(cfn["Resources"])
    return cfn


def deploy_stack(
    cfn_client: Any, stack_name: str, cfn: dict[str, Any], parameters: dict[str, str]
) -> dict[str, str]:
    """Create the stack and wait; returns its outputs. Errors name the failing resource."""
    cfn_client.create_stack(
        StackName=stack_name,
        TemplateBody=json.dumps(cfn),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
    )
    deadline = time.time() + 120
    while True:
        stack = cfn_client.describe_stacks(StackName=stack_name)["Stacks"][0]
        status = stack["StackStatus"]
        if status.endswith("_COMPLETE") and "ROLLBACK" not in status:
            break
        if "FAILED" in status or "ROLLBACK" in status or time.time() > deadline:
            events = cfn_client.describe_stack_events(StackName=stack_name)["StackEvents"]
            failed = [
                f"{e['LogicalResourceId']} ({e['ResourceType']}): {e.get('ResourceStatusReason', '')}"
                for e in events
                if "FAILED" in e.get("ResourceStatus", "")
            ]
            raise DeployError(
                f"stack {stack_name} is {status}: " + ("; ".join(failed) or "no reason given")
            )
        time.sleep(0.2)
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
