"""A room's Amazon IVS Chat room: kept for the room's life (like its channel), screened by the
message review handler, and where the presenter's answers and product cards are announced.

The chat room is created at the room's first start and deleted with the room. Viewers get a
token that may only send messages; the token's attributes carry the LiveHost room id and the
display name, so the review handler knows the room without a lookup (IVS Chat passes them in
``Sender.Attributes``, set by LiveHost, never by the viewer). Plain functions over a boto3
``ivschat`` client passed in."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import Field

from livehost.errors import ChannelFailed
from livehost.models import Model

log = logging.getLogger(__name__)

# IVS Chat waits this long for the review handler, then applies the room's fallback: DENY, so
# a message nobody screened never reaches viewers (a slow handler costs messages, not abuse).
FALLBACK_RESULT = "DENY"
MAX_MESSAGE_CHARS = 500  # IVS Chat's own limit (the room's policy may be stricter)
SESSION_MINUTES = 180  # a viewer's chat session (IVS Chat allows up to 180)
ANSWER_EVENT = "livehost:answer"
PRODUCT_EVENT = "livehost:product"
NOTICE_EVENT = "livehost:notice"
_ATTRIBUTE_CHARS = 400  # event attributes are small: long texts are cut for the chat


class ChatViewer(Model):
    """Who a chat token is for."""

    user_id: str = Field(min_length=1, max_length=128)
    display_name: str = Field(min_length=1, max_length=40)


class ChatGrant(Model):
    """A viewer's chat token and where to connect with it (the token as the subprotocol)."""

    token: str
    endpoint: str = Field(description="the chat's messaging WebSocket endpoint")
    user_id: str
    chat_room_arn: str
    token_expiration_time: datetime
    session_expiration_time: datetime


def open_chat_room(
    ivschat: Any,
    *,
    room_id: str,
    stack: str,
    review_handler_arn: str,
    chat_room_arn: str | None,
) -> str:
    """The room's chat room ARN: ``chat_room_arn`` (kept from earlier runs) while IVS Chat
    still has it, else a new room whose messages ``review_handler_arn`` reviews."""
    try:
        if chat_room_arn is not None:
            try:
                ivschat.get_room(identifier=chat_room_arn)
                return chat_room_arn
            except ClientError as exc:
                if not _gone(exc):
                    raise
        created = ivschat.create_room(
            name=f"livehost-{room_id}",
            maximumMessageLength=MAX_MESSAGE_CHARS,
            messageReviewHandler={"uri": review_handler_arn, "fallbackResult": FALLBACK_RESULT},
            tags={"livehost:room": room_id, "livehost:stack": stack},
        )
    except ClientError as exc:
        message = exc.response["Error"].get("Message", exc.response["Error"]["Code"])
        raise ChannelFailed(f"IVS Chat refused the room's chat: {message}") from exc
    return str(created["arn"])


def delete_chat_room(ivschat: Any, chat_room_arn: str) -> list[str]:
    """Delete a room's chat room with the room; tolerates one already gone."""
    try:
        ivschat.delete_room(identifier=chat_room_arn)
    except ClientError as exc:
        if _gone(exc):
            return []
        raise
    return [f"chat-room:{chat_room_arn.rsplit('/', 1)[-1]}"]


def grant_chat_token(
    ivschat: Any, *, room_id: str, chat_room_arn: str, viewer: ChatViewer, endpoint: str
) -> ChatGrant:
    """A token that may send messages (nothing else) as ``viewer`` in the room's chat."""
    reply = ivschat.create_chat_token(
        roomIdentifier=chat_room_arn,
        userId=viewer.user_id,
        capabilities=["SEND_MESSAGE"],
        sessionDurationInMinutes=SESSION_MINUTES,
        attributes={"roomId": room_id, "displayName": viewer.display_name},
    )
    return ChatGrant(
        token=reply["token"],
        endpoint=endpoint,
        user_id=viewer.user_id,
        chat_room_arn=chat_room_arn,
        token_expiration_time=reply["tokenExpirationTime"],
        session_expiration_time=reply["sessionExpirationTime"],
    )


def announce(ivschat: Any, chat_room_arn: str, event_name: str, attributes: dict[str, str]) -> bool:
    """Send an event to everyone in the chat; False (logged) when IVS Chat refused it: the
    chat misses one announcement, the show goes on."""
    short = {key: value[:_ATTRIBUTE_CHARS] for key, value in attributes.items() if value}
    try:
        ivschat.send_event(roomIdentifier=chat_room_arn, eventName=event_name, attributes=short)
    except (ClientError, BotoCoreError) as exc:
        log.warning("chat event %s not sent: %s", event_name, type(exc).__name__)
        return False
    return True


def delete_message(ivschat: Any, chat_room_arn: str, message_id: str, reason: str) -> str:
    """Remove a message from every viewer's chat (an operator's moderation)."""
    reply = ivschat.delete_message(roomIdentifier=chat_room_arn, id=message_id, reason=reason)
    return str(reply["id"])


def disconnect_viewer(ivschat: Any, chat_room_arn: str, user_id: str, reason: str) -> None:
    """Close every chat connection of ``user_id`` (an operator's moderation)."""
    ivschat.disconnect_user(roomIdentifier=chat_room_arn, userId=user_id, reason=reason)


def _gone(exc: ClientError) -> bool:
    return exc.response["Error"]["Code"] in ("ResourceNotFoundException", "NotFoundException")
