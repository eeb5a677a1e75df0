"""The chat room's message review: every viewer's message, within IVS Chat's 200 ms budget.

Every message gets the room's screening of its text (empty, too long, blocklist); a message
the room counts as a question (``RoomSettings.chat_questions``) goes through the same
admission as the question route (``ask_question``: rate per viewer, near-duplicates, the
room's limit of pending questions, atomically) under a question id made from the chat
message's id, so a second delivery of one message (a retry of the handler) is answered once.
DENY keeps a message from every viewer; its sender gets IVS Chat's error, and a notice naming
them (never the message) says why."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any, Literal

from pydantic import ConfigDict, Field

from livehost.api.asking import ask_question
from livehost.api.bodies import QuestionAsked, QuestionReceipt
from livehost.chat import NOTICE_EVENT, announce
from livehost.errors import RoomNotFound, RoomNotLive
from livehost.models import ChatQuestions, Model
from livehost.screening import ScreeningPolicy, screen_text
from livehost.store import RoomStore

log = logging.getLogger(__name__)

QUESTION_ATTRIBUTE = "question"  # a viewer marks a message as a question: question=true
_QUESTION_MARKS = ("?", "\uff1f", "\u061f")  # ASCII, full-width (CJK), Arabic
# Refusals a viewer can act on (the message breaks a rule, or they must wait): DENY. A
# duplicate or a busy presenter is no fault of the message: it is delivered as chat.
_DENIED = ("empty", "too_long", "blocked", "rate_limited")


class _Wire(Model):
    """IVS Chat's PascalCase payloads."""

    model_config = ConfigDict(
        alias_generator=lambda name: "".join(part.title() for part in name.split("_")),
        populate_by_name=True,
        extra="ignore",
    )


class ChatSender(_Wire):
    user_id: str = Field(min_length=1)
    attributes: dict[str, str] = Field(default_factory=dict)
    ip: str | None = None


class ChatMessageReview(_Wire):
    """What IVS Chat sends the review handler for each message."""

    content: str
    message_id: str = Field(min_length=1)
    room_arn: str
    attributes: dict[str, str] = Field(default_factory=dict)
    sender: ChatSender


class ChatReviewResult(_Wire):
    """What the review handler answers IVS Chat."""

    content: str
    review_result: Literal["ALLOW", "DENY"]
    attributes: dict[str, str] = Field(default_factory=dict)


def is_question(review: ChatMessageReview, counted: ChatQuestions) -> bool:
    """Whether the room's policy takes the message as a question for the presenter."""
    marked = review.attributes.get(QUESTION_ATTRIBUTE, "").lower() == "true"
    if counted == "every" or marked:
        return True
    return counted == "question_mark" and review.content.rstrip().endswith(_QUESTION_MARKS)


def question_id_of(room_id: str, message_id: str) -> str:
    """The question id (AnswerQuestion's execution name) of a chat message: one per message."""
    return f"{room_id}-c-{hashlib.sha256(message_id.encode()).hexdigest()[:16]}"


def review_message(
    store: RoomStore,
    sfn: Any,
    sqs: Any,
    ivschat: Any,
    *,
    review: ChatMessageReview,
    state_machine_arn: str,
    clock: Callable[[], float],
) -> ChatReviewResult:
    """ALLOW or DENY one chat message; a question accepted here is on its way to the presenter
    (its answer, later, is announced in the chat naming it)."""
    room_id = review.sender.attributes.get("roomId", "")
    try:
        room, policy, _, _ = store.question_context(room_id)  # one read: room and policy
    except RoomNotFound:
        return _deny(review, "This chat belongs to no LiveHost room.", reason="unknown_room")
    if room.channel is None or room.channel.chat_room_arn != review.room_arn:
        return _deny(review, "This chat belongs to another room.", reason="unknown_room")
    verdict = screen_text(review.content, ScreeningPolicy.model_validate(policy or {}))
    if not verdict.accepted:
        return _refused(ivschat, review, verdict.reason, verdict.message)
    if not is_question(review, room.settings.chat_questions):
        return _allow(review, {})
    try:
        receipt = ask_question(
            store,
            sfn,
            sqs,
            room_id=room_id,
            asked_by=QuestionAsked(viewer_id=review.sender.user_id, text=review.content),
            state_machine_arn=state_machine_arn,
            now=clock(),
            question_id=question_id_of(room_id, review.message_id),
            chat_message_id=review.message_id,
        )
    except RoomNotLive:  # between shows the chat stays open; nobody answers
        return _allow(review, {"questionStatus": "not_live"})
    if receipt.status == "rejected" and receipt.reason in _DENIED:
        return _refused(ivschat, review, receipt.reason or "", receipt.message)
    return _allow(review, _question_attributes(receipt))


def _question_attributes(receipt: QuestionReceipt) -> dict[str, str]:
    status = "accepted" if receipt.status == "accepted" else (receipt.reason or "rejected")
    return {"questionId": receipt.question_id, "questionStatus": status}


def _allow(review: ChatMessageReview, extra: dict[str, str]) -> ChatReviewResult:
    return ChatReviewResult(
        content=review.content, review_result="ALLOW", attributes=review.attributes | extra
    )


def _deny(review: ChatMessageReview, message: str, *, reason: str) -> ChatReviewResult:
    log.info("denied %s: %s", review.message_id, reason)
    return ChatReviewResult(
        content=review.content,
        review_result="DENY",
        attributes={"reason": reason, "message": message},
    )


def _refused(
    ivschat: Any, review: ChatMessageReview, reason: str, message: str
) -> ChatReviewResult:
    """DENY, and tell the sender why: IVS Chat's error to them says only "denied", so a notice
    addressed to their user id (clients show only their own) carries the reason, never the
    message itself."""
    announce(
        ivschat,
        review.room_arn,
        NOTICE_EVENT,
        {
            "userId": review.sender.user_id,
            "messageId": review.message_id,
            "reason": reason,
            "message": message,
        },
    )
    return _deny(review, message, reason=reason)
