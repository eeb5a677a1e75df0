"""What the routes work with: settings from the function's environment and lazily created
clients. Routes build a ``Backend`` per request; the logic receives its parts as arguments."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from livehost import aws
from livehost.materials.library import MaterialLibrary
from livehost.settings import FunctionSettings, room_store
from livehost.store import RoomStore


class ApiSettings(FunctionSettings):
    """The API function's variables (template.yaml: ApiFunction)."""

    room_lifecycle_arn: str
    answer_question_arn: str = ""
    schedule_group: str = ""  # EventBridge Scheduler group of the rooms' schedules
    scheduler_role_arn: str = ""  # the role schedules start RoomLifecycle with
    operators_group: str = "operators"  # the Cognito group operator routes require
    chat_messaging_endpoint: str = ""  # where viewers' chat clients connect (wss://...)


@dataclass
class Backend:
    """The store and clients of one request, created on first use."""

    settings: ApiSettings

    @cached_property
    def store(self) -> RoomStore:
        return room_store(self.settings)

    @cached_property
    def sfn(self) -> Any:
        return aws.client("stepfunctions")

    @cached_property
    def ivs(self) -> Any:
        return aws.client("ivs")

    @cached_property
    def s3(self) -> Any:
        """S3 for replays: reads and SigV4-presigned URLs."""
        return aws.s3_signer()

    @cached_property
    def scheduler(self) -> Any:
        return aws.client("scheduler")

    @cached_property
    def ivschat(self) -> Any:
        return aws.client("ivschat")

    @cached_property
    def sqs(self) -> Any:
        return aws.client("sqs")

    @cached_property
    def materials(self) -> MaterialLibrary:
        return MaterialLibrary(self.store, aws.client("s3"), self.settings.assets_bucket)

    def speech_library(self) -> Any:
        """The speech library (engine per SPEECH_ENGINE), for operator lines."""
        from livehost.speech.engines import engine_for
        from livehost.speech.library import SpeechLibrary

        clients = {"polly": aws.client("polly")} if self.settings.speech_engine == "polly" else {}
        return SpeechLibrary(
            engine_for(self.settings.speech_engine, **clients),
            aws.client("s3"),
            self.settings.assets_bucket,
            aws.table(self.settings.table_name),
        )


def backend() -> Backend:
    """The backend for the current invocation (settings read from its environment)."""
    return Backend(ApiSettings())  # type: ignore[call-arg]


def operator_of(event: Any) -> str | None:
    """The operator's user id (Cognito ``sub``) from the authorizer's claims, if any."""
    authorizer = event.request_context.authorizer
    claims = (authorizer.claims if authorizer else None) or {}
    return claims.get("sub") or claims.get("cognito:username")
