"""Teardown: revoke key, delete channel, terminate instance, delete queue; idempotent."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from livehost import aws, lifecycle
from livehost.settings import FunctionSettings
from livehost.states import TeardownInput
from livehost.store import RoomStore

logger = Logger()


@logger.inject_lambda_context
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    request = TeardownInput.model_validate(event)
    settings = FunctionSettings()
    failure = request.failure.model_dump(by_alias=True) if request.failure else None
    outcome = lifecycle.teardown(
        RoomStore(aws.table(settings.table_name)),
        aws.client("ec2"),
        aws.client("ivs"),
        aws.client("sqs"),
        room_id=request.room_id,
        run=request.run,
        failure=failure,
    )
    logger.info("teardown", extra={"room": request.room_id, **outcome})
    return outcome
