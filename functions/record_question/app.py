"""RecordQuestion: the question and its outcome (answer, rejection or failure) in the
room's timeline."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from livehost import aws
from livehost.qa import RecordInput, record_question
from livehost.settings import FunctionSettings
from livehost.store import RoomStore

logger = Logger()


@logger.inject_lambda_context
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    record = RecordInput.model_validate(event)
    store = RoomStore(aws.table(FunctionSettings().table_name))
    # ``failed`` lets the workflow's Outcome decide without probing for an absent path
    return {"recorded": record_question(store, record), "failed": record.failure is not None}
