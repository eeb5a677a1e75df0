"""Function settings: one pydantic model read from the environment the template sets.
Handlers build it per invocation and pass plain values to the logic."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class FunctionSettings(BaseSettings):
    """What every LiveHost function gets from template.yaml's Globals."""

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)

    table_name: str
    assets_bucket: str = ""
    events_queue_url: str = ""
    speech_engine: str = "polly"
    stack_name: str = "livehost"
    aws_region: str = "us-east-1"


class ProvisionSettings(FunctionSettings):
    launch_template_id: str
    instance_types: str = ""
    subnet_ids: str = ""
    command_dlq_arn: str
    queue_prefix: str

    def instance_type_list(self) -> list[str]:
        return [t for t in self.instance_types.split(",") if t]

    def subnet_list(self) -> list[str]:
        return [s for s in self.subnet_ids.split(",") if s]
