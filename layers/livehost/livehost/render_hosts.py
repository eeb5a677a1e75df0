"""Render host instances: launch with fallback through instance types, terminate."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from livehost.errors import NoCapacity
from livehost.models import RoomSettings
from livehost.renderers import needs_gpu

CAPACITY_ERRORS = frozenset(
    {
        "InsufficientInstanceCapacity",
        "InstanceLimitExceeded",
        "Unsupported",
        "InsufficientCapacity",
        "VcpuLimitExceeded",
    }
)
ROOM_TAG = "livehost:room"


@dataclass(frozen=True)
class HostLaunch:
    """How this stack launches render hosts (from the template, via the function settings)."""

    launch_template_id: str
    instance_types: list[str]
    gpu_instance_types: list[str]
    subnet_ids: list[str]
    command_dlq_arn: str
    events_queue_url: str
    region: str


def instance_types_for(settings: RoomSettings, launch: HostLaunch) -> list[str]:
    """The types to try for a room, in order: the room's own list if it names one, else the
    stack's GPU types when the room's renderer needs a GPU, else the stack's CPU types."""
    if settings.instance_types:
        return settings.instance_types
    if not needs_gpu(settings.renderer):
        return launch.instance_types
    if not launch.gpu_instance_types:
        raise NoCapacity(
            f"renderer {settings.renderer!r} needs a GPU and the stack names no GPU instance "
            "types (set RenderHostGpuInstanceTypes, or the room's instanceTypes)"
        )
    return launch.gpu_instance_types


def launch_template_bootstrap(ec2: Any, launch_template_id: str) -> str:
    """The user data of the launch template's default version: the script that installs and
    starts the render host ("" if the template has none)."""
    versions = ec2.describe_launch_template_versions(
        LaunchTemplateId=launch_template_id, Versions=["$Default"]
    )["LaunchTemplateVersions"]
    encoded = versions[0]["LaunchTemplateData"].get("UserData") if versions else None
    return base64.b64decode(encoded).decode() if encoded else ""


def launch_render_host(
    ec2: Any,
    *,
    room_id: str,
    run: int,
    launch_template_id: str,
    instance_types: list[str],
    subnet_ids: list[str],
    user_data_b64: str,
) -> tuple[str, str]:
    """Launch one render host, trying instance types (and subnets) in order of preference.
    Returns (instance id, instance type); raises NoCapacity when every choice is refused."""
    refusals: list[str] = []
    for instance_type in instance_types:
        choices: list[str | None] = [*subnet_ids] or [None]
        for subnet in choices:
            params: dict[str, Any] = {
                "LaunchTemplate": {"LaunchTemplateId": launch_template_id},
                "InstanceType": instance_type,
                "MinCount": 1,
                "MaxCount": 1,
                "UserData": user_data_b64,
                "TagSpecifications": [
                    {
                        "ResourceType": "instance",
                        "Tags": [
                            {"Key": ROOM_TAG, "Value": room_id},
                            {"Key": "livehost:run", "Value": str(run)},
                            {"Key": "Name", "Value": f"livehost-{room_id}"},
                        ],
                    }
                ],
                "ClientToken": f"{room_id}-{run}-{instance_type}-{subnet or 'any'}"[:64],
            }
            if subnet:
                params["SubnetId"] = subnet
            try:
                reply = ec2.run_instances(**params)
            except ClientError as exc:
                code = exc.response["Error"]["Code"]
                if code not in CAPACITY_ERRORS:
                    raise
                refusals.append(f"{instance_type}{'/' + subnet if subnet else ''}: {code}")
                continue
            return reply["Instances"][0]["InstanceId"], instance_type
    raise NoCapacity("no capacity for any render host type: " + "; ".join(refusals))


def terminate_render_host(ec2: Any, instance_id: str) -> bool:
    """Terminate; True if it was running (False if already gone)."""
    try:
        reply = ec2.terminate_instances(InstanceIds=[instance_id])
    except ClientError as exc:
        if exc.response["Error"]["Code"] in (
            "InvalidInstanceID.NotFound",
            "InvalidInstanceID.Malformed",
        ):
            return False
        raise
    states = reply.get("TerminatingInstances", [])
    return bool(states) and states[0]["PreviousState"]["Name"] not in (
        "terminated",
        "shutting-down",
    )
