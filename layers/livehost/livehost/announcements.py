"""What the chat hears from the show: the presenter's answers, naming the question each
answers, and the product cards shown on the stream."""

from __future__ import annotations

from typing import Any

from livehost.chat import ANSWER_EVENT, PRODUCT_EVENT, announce
from livehost.protocol import SegmentStarted
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


def announce_product_shown(store: RoomStore, ivschat: Any, started: SegmentStarted) -> bool:
    """Post the product card of a segment that just started from its beginning (as the
    render host puts it on the stream, once per segment start) to the room's chat, as
    ``livehost:product``. False when the segment shows no product or the room has no chat."""
    if started.resumed_at_char != 0:  # resumed after an insert: announced at its start
        return False
    script = store.get_script(started.room_id)
    segment = next(
        (s for s in (script.segments if script else []) if s.segment_id == started.segment_id),
        None,
    )
    if script is None or segment is None or segment.product_id is None:
        return False
    product = script.product(segment.product_id)
    room = store.get_room(started.room_id)
    if product is None or room.channel is None or room.channel.chat_room_arn is None:
        return False
    card = {key: str(value) for key, value in product.wire().items()}
    return announce(ivschat, room.channel.chat_room_arn, PRODUCT_EVENT, card)
