"""RecordQuestion: the question and its outcome (answer, rejection or failure) in the
room's timeline, and the answer announced in the room's chat."""

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from livehost import aws, metrics
from livehost.announcements import announce_answer
from livehost.qa import RecordInput, record_question
from livehost.settings import FunctionSettings, room_store

logger = Logger()
tracer = Tracer()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    record = RecordInput.model_validate(event)
    store = room_store(FunctionSettings())
    recorded = record_question(store, record)
    metrics.for_question(record)
    announce_answer(store, aws.client("ivschat"), record)
    # ``failed`` lets the workflow's Outcome decide without probing for an absent path
    return {"recorded": recorded, "failed": record.failure is not None}
