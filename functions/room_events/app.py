"""RoomEvents: the render hosts' events (SQS batch) -> timeline and room status."""

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from livehost import aws, metrics
from livehost.protocol import parse_event
from livehost.settings import FunctionSettings
from livehost.store import RoomStore
from livehost.timeline import record_event

logger = Logger()
tracer = Tracer()
processor = BatchProcessor(event_type=EventType.SQS)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context: object) -> dict:
    store = RoomStore(aws.table(FunctionSettings().table_name))

    def handle(record: SQSRecord) -> None:  # Powertools passes it as ``record=``
        agent_event = parse_event(record.body)
        record_event(store, agent_event.run, agent_event)
        metrics.for_agent_event(agent_event)

    return process_partial_response(
        event=event, record_handler=handle, processor=processor, context=context
    )
