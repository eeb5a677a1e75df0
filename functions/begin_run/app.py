"""BeginRun: claims the room's next run; refuses a room that is starting or live."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from livehost.lifecycle import begin_run
from livehost.settings import FunctionSettings, room_store
from livehost.states import BeginRunInput

logger = Logger()


@logger.inject_lambda_context
@event_parser(model=BeginRunInput)
def lambda_handler(request: BeginRunInput, context: LambdaContext) -> dict:
    settings = FunctionSettings()
    return begin_run(
        room_store(settings),
        request.room_id,
        request.execution_name,
        execution_arn=request.execution_arn,
        schedule=request.request.schedule,
    ).state()
