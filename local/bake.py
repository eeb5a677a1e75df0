"""``livehost bake``: an image for faster render host starts, made from the stack's own launch
template. One instance boots with the template's bootstrap and the bake switch on
(``livehost.boot.bake_user_data``): it installs everything, starts no agent and powers off
(InstanceInitiatedShutdownBehavior=stop); the image is made from it, and the instance is
terminated, on success, failure or Ctrl-C alike (a half-made image is deregistered). Rooms
booted from the image run the same bootstrap, which skips what is present."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from botocore.exceptions import ClientError

from livehost.boot import bake_user_data
from livehost.render_hosts import launch_template_bootstrap
from local.stack import Stack

POLL_S = 5.0
STOP_TIMEOUT_S = 1800.0  # the bootstrap installs ffmpeg and the Python packages
IMAGE_TIMEOUT_S = 1800.0
BAKE_TAG = "livehost:bake"


class BakeFailed(Exception):
    """The image could not be made; the message says why and what to look at."""


@dataclass
class Bake:
    stack: Stack
    out: TextIO
    instance_type: str | None = None
    stamp: str = ""
    sleep: Callable[[float], None] = time.sleep  # between polls (where Ctrl-C lands, mostly)

    def run(self) -> str:
        """Make the image; returns its id. The bake instance never outlives this call."""
        ec2 = self.stack.client("ec2")
        stamp = self.stamp or time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        template_id = self._launch_template_id()
        bootstrap = launch_template_bootstrap(ec2, template_id)
        if not bootstrap:
            raise BakeFailed(f"launch template {template_id} has no user data to bake")
        instance_type = self.instance_type or self._stack_instance_type()
        tags = [
            {"Key": "Name", "Value": f"livehost-bake-{stamp}"},
            {"Key": BAKE_TAG, "Value": stamp},
            {"Key": "livehost:stack", "Value": self.stack.name},
        ]
        instance_id = ec2.run_instances(
            LaunchTemplate={"LaunchTemplateId": template_id},
            InstanceType=instance_type,
            MinCount=1,
            MaxCount=1,
            UserData=base64.b64encode(bake_user_data(bootstrap).encode()).decode(),
            InstanceInitiatedShutdownBehavior="stop",
            TagSpecifications=[{"ResourceType": "instance", "Tags": tags}],
        )["Instances"][0]["InstanceId"]
        self._say(f"bake instance {instance_id} ({instance_type}) from {template_id}")
        image_id = ""
        try:
            self._wait(
                f"instance {instance_id} to install and power off",
                lambda: self._instance_state(ec2, instance_id) == "stopped",
                STOP_TIMEOUT_S,
                hint=f"its log: aws ec2 get-console-output --instance-id {instance_id}",
            )
            image_id = str(
                ec2.create_image(
                    InstanceId=instance_id,
                    Name=f"livehost-render-host-{stamp}",
                    Description=f"LiveHost render host, baked from stack {self.stack.name}",
                    TagSpecifications=[{"ResourceType": "image", "Tags": tags[1:]}],
                )["ImageId"]
            )
            self._say(f"image {image_id} livehost-render-host-{stamp}")
            self._wait(
                f"image {image_id} to be available",
                lambda: self._image_state(ec2, image_id) == "available",
                IMAGE_TIMEOUT_S,
            )
        except BaseException:  # a failure or Ctrl-C: no half-made image stays either
            if image_id:
                ec2.deregister_image(ImageId=image_id)
                self._say(f"image {image_id} deregistered")
            raise
        finally:
            ec2.terminate_instances(InstanceIds=[instance_id])
            self._say(f"bake instance {instance_id} terminated")
        self._say(f"baked {image_id}; rooms boot from it after:")
        self._say(f"  sam deploy --parameter-overrides RenderHostAmiId={image_id}")
        return image_id

    def _launch_template_id(self) -> str:
        if "RenderHostLaunchTemplateId" in self.stack.outputs:
            return self.stack.outputs["RenderHostLaunchTemplateId"]
        try:
            resource = self.stack.client("cloudformation").describe_stack_resource(
                StackName=self.stack.name, LogicalResourceId="RenderHostLaunchTemplate"
            )
        except ClientError as exc:
            raise BakeFailed(
                f"stack {self.stack.name!r} has no render host launch template"
            ) from exc
        return str(resource["StackResourceDetail"]["PhysicalResourceId"])

    def _stack_instance_type(self) -> str:
        """The stack's first render host type (its image's architecture)."""
        described = self.stack.client("cloudformation").describe_stacks(StackName=self.stack.name)[
            "Stacks"
        ][0]
        for parameter in described.get("Parameters", []):
            if parameter["ParameterKey"] == "RenderHostInstanceTypes":
                return str(parameter["ParameterValue"]).split(",")[0].strip()
        raise BakeFailed(
            f"stack {self.stack.name!r} names no RenderHostInstanceTypes: pass --instance-type"
        )

    @staticmethod
    def _instance_state(ec2: Any, instance_id: str) -> str:
        reply = ec2.describe_instances(InstanceIds=[instance_id])
        state = str(reply["Reservations"][0]["Instances"][0]["State"]["Name"])
        if state in ("shutting-down", "terminated"):
            raise BakeFailed(f"instance {instance_id} was terminated before its image was made")
        return state

    @staticmethod
    def _image_state(ec2: Any, image_id: str) -> str:
        [image] = ec2.describe_images(ImageIds=[image_id])["Images"]
        if image["State"] in ("failed", "invalid", "error", "deregistered"):
            reason = image.get("StateReason", {}).get("Message", "")
            raise BakeFailed(f"image {image_id} is {image['State']}: {reason}")
        return str(image["State"])

    def _wait(self, what: str, done: Callable[[], bool], timeout_s: float, hint: str = "") -> None:
        self._say(f"waiting for {what}")
        started = time.monotonic()
        while not done():
            if time.monotonic() - started > timeout_s:
                raise BakeFailed(f"gave up waiting for {what} after {timeout_s:.0f} s. {hint}")
            self.sleep(POLL_S)
        self._say(f"  done in {time.monotonic() - started:.0f} s")

    def _say(self, line: str) -> None:
        print(line, file=self.out, flush=True)
