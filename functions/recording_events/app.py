"""RecordingEvents: files IVS's Recording State Change events (EventBridge) under the room's
run, so each run lists its replay."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from livehost.replays import RecordingEvent, record_recording
from livehost.settings import FunctionSettings, room_store

logger = Logger()


@logger.inject_lambda_context
@event_parser(model=RecordingEvent)
def lambda_handler(event: RecordingEvent, context: LambdaContext) -> dict:
    settings = FunctionSettings()
    filed = record_recording(room_store(settings), event)
    status = event.detail.recording_status
    if filed is None:
        logger.info("not a room of this stack", extra={"channel": event.resources[0]})
        return {"filed": False}
    room_id, run = filed
    logger.info("recording filed", extra={"room": room_id, "run": run, "status": status})
    return {"filed": True, "roomId": room_id, "run": run}
