"""OpenChannel: the room's IVS channel with this run's new stream key, and its IVS Chat room.
Returns ARNs and URLs, never the stream key."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from livehost import aws, lifecycle
from livehost.settings import OpenChannelSettings, room_store
from livehost.states import RunRef

logger = Logger()


@logger.inject_lambda_context
@event_parser(model=RunRef)
def lambda_handler(request: RunRef, context: LambdaContext) -> dict:
    settings = OpenChannelSettings()  # type: ignore[call-arg]
    return lifecycle.open_room_channel(
        room_store(settings),
        aws.client("ivs"),
        room_id=request.room_id,
        stack=settings.stack_name,
        recording_configuration_arn=settings.recording_configuration_arn,
        ivschat=aws.client("ivschat") if settings.chat_review_handler_arn else None,
        review_handler_arn=settings.chat_review_handler_arn,
    ).wire()
