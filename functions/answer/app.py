"""Answer: speaks the answer to an accepted question into the live playout, sentence by
sentence as the answerer writes it (see livehost.qa.answer_question)."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from livehost import aws
from livehost.answer import Answerer, KnowledgeIndex, answerer_for
from livehost.latency import with_latency
from livehost.qa import AnswerInput, answer_question
from livehost.settings import FunctionSettings
from livehost.speech.engines import engine_for
from livehost.speech.library import SpeechLibrary
from livehost.store import RoomStore

logger = Logger()
for service in ("sqs", "s3"):  # made at init, not on the first question
    aws.client(service)


class AnswerSettings(FunctionSettings):
    """ANSWER_ENGINE: bedrock | local; ANSWER_MODEL_ID: the Bedrock model.
    ANSWER_READS_QUESTION: the presenter reads the question out before answering.
    ANSWER_FIRST_SENTENCE_DELAY_S (local answerer only) and SPEECH_DELAY_S (per synthesis):
    simulated model and speech latency for measurements in the local cloud; 0 in AWS."""

    answer_engine: str = "bedrock"
    answer_model_id: str = ""
    answer_reads_question: bool = True
    answer_first_sentence_delay_s: float = 0.0
    speech_delay_s: float = 0.0


@logger.inject_lambda_context
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    settings = AnswerSettings()
    request = AnswerInput.model_validate(event)
    table = aws.table(settings.table_name)
    engine = engine_for(settings.speech_engine, polly=aws.client("polly"))
    library = SpeechLibrary(
        with_latency(engine, settings.speech_delay_s),
        aws.client("s3"),
        settings.assets_bucket,
        table,
    )

    def answerer(index: KnowledgeIndex) -> Answerer:
        if settings.answer_engine == "bedrock":
            return answerer_for(
                "bedrock",
                index=index,
                client=aws.client("bedrock-runtime"),
                model_id=settings.answer_model_id,
            )
        delay = settings.answer_first_sentence_delay_s
        return answerer_for(settings.answer_engine, index=index, first_sentence_delay_s=delay)

    answered = answer_question(
        store=RoomStore(table),
        library=library,
        sqs=aws.client("sqs"),
        answerer_for_index=answerer,
        request=request,
        reads_question=settings.answer_reads_question,
    )
    logger.info(
        "answered",
        extra={"questionId": request.question_id, "sentences": len(answered.sentences)},
    )
    return answered.wire()
