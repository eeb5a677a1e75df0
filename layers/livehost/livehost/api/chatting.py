"""The room's chat: a viewer's chat token (API key, throttled by the usage plan), and the
operators' moderation (delete a message, disconnect a viewer)."""

from __future__ import annotations

import uuid
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import Field

from livehost import chat
from livehost.api.errors import ChatNotOpen
from livehost.api.params import Deps, RoomId, answers
from livehost.api.questions import VIEWER_SECURITY
from livehost.chat import ChatGrant, ChatViewer
from livehost.models import Model
from livehost.store import RoomStore

router = Router()
TAGS = ["chat"]


class ChatTokenRequest(Model):
    """Who joins the chat: a display name, and the viewer's id (a new one when absent)."""

    display_name: Annotated[str, Field(min_length=1, max_length=40)]
    viewer_id: Annotated[str | None, Field(default=None, min_length=1, max_length=128)] = None


class MessageDeletion(Model):
    message_id: Annotated[str, Field(min_length=1, max_length=128)]
    reason: Annotated[str, Field(max_length=256)] = "removed by the room's operator"


class ViewerDisconnection(Model):
    user_id: Annotated[str, Field(min_length=1, max_length=128)]
    reason: Annotated[str, Field(max_length=256)] = "disconnected by the room's operator"


class MessageDeleted(Model):
    chat_room_arn: str
    id: str = Field(description="the deletion event's id (aws:DELETE_MESSAGE)")


class ViewerDisconnected(Model):
    chat_room_arn: str
    user_id: str


@router.post(
    "/rooms/<roomId>/chat/token",
    summary="A chat token for a viewer (it may send messages, nothing else)",
    operation_id="createChatToken",
    tags=TAGS,
    security=VIEWER_SECURITY,
    responses=answers(200, "The token and the endpoint to connect to with it", 404, 409),
)
def token(room_id: RoomId, body: ChatTokenRequest, deps: Deps) -> ChatGrant:
    viewer = ChatViewer(
        user_id=body.viewer_id or f"viewer-{uuid.uuid4().hex[:12]}",
        display_name=body.display_name,
    )
    return chat.grant_chat_token(
        deps.ivschat,
        room_id=room_id,
        chat_room_arn=_chat_room(deps.store, room_id),
        viewer=viewer,
        endpoint=deps.settings.chat_messaging_endpoint,
    )


@router.post(
    "/rooms/<roomId>/chat/deletions",
    summary="Delete a message from every viewer's chat",
    operation_id="deleteChatMessage",
    tags=TAGS,
    status_code=202,
    responses=answers(202, "Deleted: viewers' chats drop the message", 404, 409),
)
def delete(room_id: RoomId, body: MessageDeletion, deps: Deps) -> MessageDeleted:
    arn = _chat_room(deps.store, room_id)
    event_id = chat.delete_message(deps.ivschat, arn, body.message_id, body.reason)
    return MessageDeleted(chat_room_arn=arn, id=event_id)


@router.post(
    "/rooms/<roomId>/chat/disconnections",
    summary="Disconnect a viewer from the chat (their token still works: revoke by not renewing)",
    operation_id="disconnectChatViewer",
    tags=TAGS,
    status_code=202,
    responses=answers(202, "Disconnected", 404, 409),
)
def disconnect(room_id: RoomId, body: ViewerDisconnection, deps: Deps) -> ViewerDisconnected:
    arn = _chat_room(deps.store, room_id)
    chat.disconnect_viewer(deps.ivschat, arn, body.user_id, body.reason)
    return ViewerDisconnected(chat_room_arn=arn, user_id=body.user_id)


def _chat_room(store: RoomStore, room_id: str) -> str:
    room = store.get_room(room_id)
    if room.channel is None or room.channel.chat_room_arn is None:
        raise ChatNotOpen(f"room {room_id!r} has no chat yet: it opens at the room's first start")
    return room.channel.chat_room_arn
