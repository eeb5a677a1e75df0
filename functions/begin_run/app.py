"""BeginRun: claims the room's next run; refuses a room that is starting or live."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from livehost import aws
from livehost.lifecycle import begin_run
from livehost.settings import FunctionSettings
from livehost.states import BeginRunInput
from livehost.store import RoomStore

logger = Logger()


@logger.inject_lambda_context
@event_parser(model=BeginRunInput)
def lambda_handler(request: BeginRunInput, context: LambdaContext) -> dict:
    settings = FunctionSettings()
    return begin_run(
        RoomStore(aws.table(settings.table_name)),
        request.room_id,
        request.execution_name,
        execution_arn=request.execution_arn,
        schedule=request.request.schedule,
    ).state()
