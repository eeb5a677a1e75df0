"""ChatReview: the message review handler of every room's IVS Chat room (IVS Chat waits
200 ms for it, then applies the room's fallback). Screening and questions live in
``livehost.chat_review``."""

import time

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic_settings import BaseSettings, SettingsConfigDict

from livehost import aws
from livehost.chat_review import ChatMessageReview, review_message
from livehost.store import RoomStore

logger = Logger()
for service in ("stepfunctions", "sqs", "ivschat"):  # made at init: the budget is 200 ms
    aws.client(service)


class ChatReviewSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)

    table_name: str
    answer_question_arn: str


@logger.inject_lambda_context
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    settings = ChatReviewSettings()  # type: ignore[call-arg]
    review = ChatMessageReview.model_validate(event)
    result = review_message(
        RoomStore(aws.table(settings.table_name)),
        aws.client("stepfunctions"),
        aws.client("sqs"),
        aws.client("ivschat"),
        review=review,
        state_machine_arn=settings.answer_question_arn,
        clock=time.time,
    )
    logger.info("reviewed", extra={"messageId": review.message_id, "result": result.review_result})
    return result.model_dump(by_alias=True)
