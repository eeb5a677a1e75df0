"""ScreenQuestion: admits a question started without a verdict (livehost.questions, the same
admission the API applies)."""

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from livehost import metrics
from livehost.qa import screen_question
from livehost.settings import FunctionSettings, room_store
from livehost.states import QuestionInput

logger = Logger()


@logger.inject_lambda_context
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    question = QuestionInput.model_validate(event)
    store = room_store(FunctionSettings())
    screening = screen_question(store, question)
    metrics.for_admission(question.room_id, screening.accepted)
    logger.info(
        "screened",
        extra={"questionId": question.question_id, "reason": screening.reason},
    )
    return screening.wire()
