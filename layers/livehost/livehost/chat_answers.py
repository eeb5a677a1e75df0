"""What the chat hears from the show: the presenter's answers, naming the question each
answers, and the product cards shown on the stream."""

from __future__ import annotations

from typing import Any

from livehost.chat import ANSWER_EVENT, PRODUCT_EVENT, announce
from livehost.qa import RecordInput
from livehost.store import RoomStore


def announce_answer(store: RoomStore, ivschat: Any, record: RecordInput) -> bool:
    """Post an answered question's answer to the room's chat (an event ``livehost:answer``
    naming the question, its asker and, for a chat question, the message). False when there
    is nothing to post (no answer, no chat) or IVS Chat refused it."""
    answered, screening = record.answered, record.screening
    if answered is None or not answered.answer or (screening and not screening.accepted):
        return False
    room = store.get_room(record.room_id)
    if room.channel is None or room.channel.chat_room_arn is None:
        return False
    return announce(
        ivschat,
        room.channel.chat_room_arn,
        ANSWER_EVENT,
        {
            "questionId": record.question_id,
            "question": screening.text if screening else record.text,
            "viewerId": record.viewer_id,
            "messageId": record.chat_message_id or "",
            "answer": answered.answer,
        },
    )


def announce_product(ivschat: Any, chat_room_arn: str, card: dict[str, Any]) -> bool:
    """Post a product card shown on the stream to the room's chat (``livehost:product``)."""
    return announce(
        ivschat,
        chat_room_arn,
        PRODUCT_EVENT,
        {str(key): str(value) for key, value in card.items() if value is not None},
    )
