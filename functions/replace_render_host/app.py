"""ReplaceRenderHost: after a lost render host, a new one for the same room and queue; the
next ShowLoop generation resumes at the cursor. Any other failure is raised by name."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from livehost import aws, lifecycle
from livehost.settings import ProvisionSettings, room_store
from livehost.states import ShowFailure

logger = Logger()


@logger.inject_lambda_context
@event_parser(model=ShowFailure)
def lambda_handler(request: ShowFailure, context: LambdaContext) -> dict:
    settings = ProvisionSettings()
    return lifecycle.replace_render_host(
        room_store(settings),
        aws.client("ec2"),
        aws.client("sqs"),
        room_id=request.room_id,
        run=request.run,
        show_failure=request.show_failure.model_dump(by_alias=True),
        show=request.show,
        launch=settings.host_launch(),
    ).state()
