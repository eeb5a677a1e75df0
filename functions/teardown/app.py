"""Teardown: revoke the key (the room keeps its channel), terminate instance, delete queue;
idempotent."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from livehost import aws, lifecycle
from livehost.settings import FunctionSettings, room_store
from livehost.states import TeardownInput

logger = Logger()


@logger.inject_lambda_context
@event_parser(model=TeardownInput)
def lambda_handler(request: TeardownInput, context: LambdaContext) -> dict:
    settings = FunctionSettings()
    failure = request.failure.model_dump(by_alias=True) if request.failure else None
    outcome = lifecycle.teardown(
        room_store(settings),
        aws.client("ec2"),
        aws.client("ivs"),
        aws.client("sqs"),
        room_id=request.room_id,
        run=request.run,
        failure=failure,
    )
    logger.info("teardown", extra={"room": request.room_id, **outcome.state()})
    if outcome.error:  # the full caught failure (tracebacks included) stays in the logs
        logger.info("caught failure", extra={"failure": failure})
    return outcome.state()
