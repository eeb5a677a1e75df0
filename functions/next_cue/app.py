"""NextCue: what the ShowLoop plays next (see livehost.show)."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from livehost import aws
from livehost.materials.library import MaterialLibrary
from livehost.settings import FunctionSettings
from livehost.show import next_cue
from livehost.speech.engines import engine_for
from livehost.speech.library import SpeechLibrary
from livehost.states import ShowStep
from livehost.store import RoomStore

logger = Logger()


@logger.inject_lambda_context
@event_parser(model=ShowStep)
def lambda_handler(event: ShowStep, context: LambdaContext) -> dict:
    settings = FunctionSettings()
    table = aws.table(settings.table_name)
    library = SpeechLibrary(
        engine_for(settings.speech_engine, polly=aws.client("polly")),
        aws.client("s3"),
        settings.assets_bucket,
        table,
    )
    store = RoomStore(table)
    materials = MaterialLibrary(store, aws.client("s3"), settings.assets_bucket)
    step = next_cue(store, library, event, materials)
    segment = step.command.segment_id if step.command else None
    logger.info("cue", extra={"action": step.action, "segment": segment})
    return step.state()
