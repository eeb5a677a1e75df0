"""ProvisionRenderHost: the room's command queue and its render host instance."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from livehost import aws, lifecycle
from livehost.settings import ProvisionSettings, room_store
from livehost.states import RunRef

logger = Logger()


@logger.inject_lambda_context
@event_parser(model=RunRef)
def lambda_handler(request: RunRef, context: LambdaContext) -> dict:
    settings = ProvisionSettings()
    return lifecycle.provision(
        room_store(settings),
        aws.client("ec2"),
        aws.client("sqs"),
        room_id=request.room_id,
        run=request.run,
        queue_prefix=settings.queue_prefix,
        launch=settings.host_launch(),
    ).state()
