"""OpenChannel: the room's IVS channel with this run's new stream key. Returns ARNs and URLs,
never the stream key."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from livehost import aws, lifecycle
from livehost.settings import FunctionSettings, room_store
from livehost.states import RunRef

logger = Logger()


@logger.inject_lambda_context
@event_parser(model=RunRef)
def lambda_handler(request: RunRef, context: LambdaContext) -> dict:
    settings = FunctionSettings()
    return lifecycle.open_room_channel(
        room_store(settings),
        aws.client("ivs"),
        room_id=request.room_id,
        stack=settings.stack_name,
    ).wire()
