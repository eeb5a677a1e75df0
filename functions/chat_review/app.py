"""ChatReview: the message review handler of every room's IVS Chat room (IVS Chat waits
200 ms for it, then applies the room's fallback). Screening and questions live in
``livehost.chat_review``."""

import time

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from livehost import aws
from livehost.chat_review import ChatMessageReview, review_message
from livehost.settings import ChatReviewSettings, room_store

logger = Logger()
for service in ("stepfunctions", "sqs", "ivschat"):  # made at init: the budget is 200 ms
    aws.client(service)


@logger.inject_lambda_context
@event_parser(model=ChatMessageReview)
def lambda_handler(review: ChatMessageReview, context: LambdaContext) -> dict:
    settings = ChatReviewSettings()  # type: ignore[call-arg]
    result = review_message(
        room_store(settings),
        aws.client("stepfunctions"),
        aws.client("sqs"),
        aws.client("ivschat"),
        review=review,
        state_machine_arn=settings.answer_question_arn,
        clock=time.time,
    )
    logger.info("reviewed", extra={"messageId": review.message_id, "result": result.review_result})
    return result.model_dump(by_alias=True)
