"""A room's IVS channel type: the cheapest that serves its resolution unless it names one;
a type that cannot take the room's stream is refused when the room is saved."""

# ruff: noqa: F811  (tests take the imported `api` fixture as a parameter)

from __future__ import annotations

import pytest
from pydantic import ValidationError
from test_api_routes import Api, api  # noqa: F401  (the `api` fixture)

from livehost.channel_types import cheapest_for, stream_kbps
from livehost.models import RoomSettings


def test_a_720p_room_gets_a_basic_channel_by_default() -> None:
    # Given a room that names no channel type
    settings = RoomSettings(resolution="720p")
    # Then its channel is BASIC: the 2628 kbps stream fits BASIC's 3500 kbps input
    assert settings.channel_type is None
    assert stream_kbps("720p") == 2628
    assert settings.chosen_channel_type() == "BASIC"


def test_a_1080p_room_gets_a_standard_channel_by_default() -> None:
    # 4628 kbps is above BASIC's input; ADVANCED types deliver 480p/720p at most
    assert RoomSettings(resolution="1080p").chosen_channel_type() == "STANDARD"
    assert cheapest_for("1080p") == "STANDARD"


def test_an_explicit_choice_is_kept() -> None:
    settings = RoomSettings.model_validate({"channelType": "ADVANCED_HD", "resolution": "1080p"})
    assert settings.chosen_channel_type() == "ADVANCED_HD"
    assert RoomSettings(channel_type="STANDARD").chosen_channel_type() == "STANDARD"


def test_a_channel_that_cannot_take_the_stream_is_refused_with_what_to_do() -> None:
    # When a 1080p room asks for a BASIC channel
    with pytest.raises(ValidationError) as refused:
        RoomSettings.model_validate({"channelType": "BASIC", "resolution": "1080p"})
    # Then the message says why and what to choose
    assert (
        "a 1080p stream runs at 4628 kbps, above the 3500 kbps a BASIC channel takes; "
        "choose STANDARD or leave channelType empty"
    ) in str(refused.value)


def test_the_api_refuses_a_room_whose_channel_cannot_take_its_stream(api: Api) -> None:
    # When a 1080p room asking for a BASIC channel is created
    body = {
        "roomId": "shop-hd",
        "name": "HD",
        "settings": {"resolution": "1080p", "channelType": "BASIC"},
    }
    status, refused = api.call("POST", "/rooms", body)
    # Then 400 says why, and no room is made
    assert status == 400
    assert refused["errors"] == [
        "body.settings: Value error, a 1080p stream runs at 4628 kbps, above the 3500 kbps a "
        "BASIC channel takes; choose STANDARD or leave channelType empty"
    ]
    assert api.call("GET", "/rooms/{roomId}", roomId="shop-hd")[0] == 404


def test_a_room_that_names_no_channel_type_keeps_none_and_follows_its_resolution(api: Api) -> None:
    # Given a 720p room that names no channel type
    api.call("POST", "/rooms", {"roomId": "shop-up", "name": "Up"})
    # When it moves to 1080p
    status, room = api.call(
        "PATCH", "/rooms/{roomId}", {"settings": {"resolution": "1080p"}}, roomId="shop-up"
    )
    # Then it is accepted and will open the cheapest type for 1080p
    assert (status, room["settings"].get("channelType")) == (200, None)
