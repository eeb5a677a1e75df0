"""RoomEvents: the render hosts' events (SQS batch) -> timeline and room status, and product
cards announced in the room's chat. Each record's body is parsed into a protocol Event by the
batch processor's model; a bad one fails alone."""

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import Json

from livehost import aws, metrics
from livehost.announcements import announce_product_shown
from livehost.protocol import Event, InsertFinished, SegmentStarted
from livehost.questions import answer_played
from livehost.settings import FunctionSettings, room_store
from livehost.timeline import record_event

logger = Logger()


class AgentEventRecord(SqsRecordModel):
    body: Json[Event]  # type: ignore[assignment]


tracer = Tracer()
processor = BatchProcessor(event_type=EventType.SQS, model=AgentEventRecord)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: LambdaContext) -> PartialItemFailureResponse:
    store = room_store(FunctionSettings())

    def handle(record: AgentEventRecord) -> None:  # Powertools passes it as ``record=``
        record_event(store, record.body.run, record.body)
        metrics.for_agent_event(record.body)
        if isinstance(record.body, SegmentStarted):
            announce_product_shown(store, aws.client("ivschat"), record.body)
        if isinstance(record.body, InsertFinished):
            answer_played(store, record.body)  # a viewer's answer over: its place frees

    return process_partial_response(
        event=event, record_handler=handle, processor=processor, context=context
    )
