"""The API's voices: listed per language, and checked when a script or stage names one."""

from __future__ import annotations

import json

from test_api_routes import Api, api  # noqa: F401  (the API fixture)

from livehost.models import Room, RoomSettings
from local.api_gateway import GatewayRoute, proxy_event
from local.moto_gaps import LambdaContext


def _get_voices(api: Api, language: str) -> tuple[int, dict]:  # noqa: F811
    event = proxy_event(
        GatewayRoute("GET", "/voices", "operator"),
        path="/voices",
        path_parameters={},
        headers={},
        query={"language": language},
        body=None,
        claims={"sub": "op-1", "cognito:groups": "operators"},
    )
    result = api.handler(event, LambdaContext("api", "arn:aws:lambda:us-east-1:1:function:api"))
    return result["statusCode"], json.loads(result["body"])


def test_voices_are_listed_for_a_language(api: Api) -> None:  # noqa: F811
    # When the Japanese voices of the configured (local) engine are asked for
    status, body = _get_voices(api, "ja-JP")
    # Then they are the engine's voices for Japanese, with the default
    assert status == 200
    assert body["engine"] == "espeak"
    assert [v["voiceId"] for v in body["voices"]] == ["Kazuha", "Tomoko", "Takumi"]
    assert body["defaultVoices"] == {"ja-JP": "Kazuha"}
    # And a language the rooms do not speak is a 400
    assert _get_voices(api, "xx-XX")[0] == 400


def test_a_script_whose_voice_does_not_speak_the_room_language_is_refused(api: Api) -> None:  # noqa: F811
    # Given a Mandarin room
    api.store.create_room(
        Room(room_id="zh-room", name="茶", settings=RoomSettings(language="cmn-CN"))
    )
    # When a script with an English voice is saved
    status, body = api.call(
        "PUT",
        "/rooms/{roomId}/script",
        {"voice": "Joanna", "segments": [{"segmentId": "s1", "text": "你好。"}]},
        roomId="zh-room",
    )
    # Then it is refused, naming the voices that fit
    assert status == 400
    assert body["message"] == (
        "script.voice: voice 'Joanna' speaks en-US, not cmn-CN; voices for cmn-CN: Zhiyu"
    )
    # And without a voice it is stored with the language's default voice
    status, body = api.call(
        "PUT",
        "/rooms/{roomId}/script",
        {"segments": [{"segmentId": "s1", "text": "你好。"}]},
        roomId="zh-room",
    )
    assert (status, body["voice"]) == (200, "Zhiyu")


def test_a_stage_voice_that_does_not_speak_the_room_language_is_refused(api: Api) -> None:  # noqa: F811
    # Given a live English room
    api.live("live-r1")
    # When the operator switches to a German voice
    status, body = api.call("PUT", "/rooms/{roomId}/stage", {"voice": "Vicki"}, roomId="live-r1")
    # Then it is refused and nothing is sent to the render host
    assert status == 400
    assert body["message"].startswith("voice: voice 'Vicki' speaks de-DE, not en-US; voices")
    assert api.commands() == []


def test_a_new_language_the_scripts_voices_do_not_speak_is_refused(api: Api) -> None:  # noqa: F811
    # Given an English room with a script in Joanna's voice
    api.store.create_room(Room(room_id="en-room", name="Show"))
    status, _ = api.call(
        "PUT",
        "/rooms/{roomId}/script",
        {"segments": [{"segmentId": "s1", "text": "Hi."}]},
        roomId="en-room",
    )
    assert status == 200
    # When the operator switches the room to Japanese
    status, body = api.call(
        "PATCH", "/rooms/{roomId}", {"settings": {"language": "ja-JP"}}, roomId="en-room"
    )
    # Then it is refused, naming the Japanese voices, and the room keeps its language
    assert status == 400
    assert body["message"] == (
        "script.voice: voice 'Joanna' speaks en-US, not ja-JP; voices for ja-JP: Kazuha, "
        "Tomoko, Takumi"
    )
    assert api.store.get_room("en-room").settings.language == "en-US"
