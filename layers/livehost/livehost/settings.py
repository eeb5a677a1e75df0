"""Function settings: one pydantic model read from the environment the template sets.
Handlers build it per invocation and pass plain values to the logic."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

from livehost import aws
from livehost.render_hosts import HostLaunch
from livehost.store import TIMELINE_RETENTION_S, RoomStore


class FunctionSettings(BaseSettings):
    """What every LiveHost function gets from template.yaml's Globals."""

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)

    table_name: str
    assets_bucket: str = ""
    events_queue_url: str = ""
    speech_engine: str = "polly"
    stack_name: str = "livehost"
    aws_region: str = "us-east-1"
    timeline_retention_s: int = TIMELINE_RETENTION_S


def room_store(settings: FunctionSettings) -> RoomStore:
    """The data layer as the template configured this function (table, timeline retention)."""
    return RoomStore(
        aws.table(settings.table_name), timeline_retention_s=settings.timeline_retention_s
    )


class ProvisionSettings(FunctionSettings):
    launch_template_id: str
    instance_types: str = ""
    gpu_instance_types: str = ""
    subnet_ids: str = ""
    command_dlq_arn: str
    queue_prefix: str

    def host_launch(self) -> HostLaunch:
        """How to launch render hosts, as the template configured this function."""
        return HostLaunch(
            launch_template_id=self.launch_template_id,
            instance_types=[t for t in self.instance_types.split(",") if t],
            gpu_instance_types=[t for t in self.gpu_instance_types.split(",") if t],
            subnet_ids=[s for s in self.subnet_ids.split(",") if s],
            command_dlq_arn=self.command_dlq_arn,
            events_queue_url=self.events_queue_url,
            region=self.aws_region,
        )


class OpenChannelSettings(FunctionSettings):
    """OpenChannel's variables: the stack's recording configuration (replays) and chat
    review handler."""

    recording_configuration_arn: str = ""  # empty: the channel does not record
    chat_review_handler_arn: str = ""  # empty: the stack's rooms have no chat


class ChatReviewSettings(FunctionSettings):
    answer_question_arn: str
