"""The stage values are declared once (livehost.stage): the API accepts exactly those, lists
them, and the render host draws every one of them."""

from __future__ import annotations

import pytest
from test_api_routes import Api, api  # noqa: F401  (the `api` fixture)

from livehost.stage import CAMERAS, EXPRESSIONS, SCENES
from render_host.media.avatar.eyes import EYE_POSES
from render_host.media.avatar.rig import CAMERAS as RIG_CAMERAS
from render_host.media.avatar.scene import DESK
from render_host.media.avatar.scene import SCENES as DRAWN_SCENES

# ruff: noqa: F811  (tests take the imported `api` fixture as a parameter)

BAD_SSML = {
    "malformed": ("<speak>Hi <s>there</speak>", "not well-formed XML: mismatched tag"),
    "audio": (
        "<speak><audio src='https://x/a.mp3'/>Hi</speak>",
        "<audio> is not an SSML tag Polly supports",
    ),
    "doctype": (
        '<!DOCTYPE speak [<!ENTITY x "y">]><speak>Hi</speak>',
        "remove the <!DOCTYPE ...> declaration",
    ),
    "long break": (
        '<speak>Hi <break time="60s"/> there</speak>',
        '<break time="60s"> is longer than Polly\'s 10s maximum',
    ),
}


def test_the_render_host_draws_every_declared_value() -> None:
    assert tuple(EYE_POSES) == EXPRESSIONS
    assert tuple(DRAWN_SCENES) == tuple(DESK) == SCENES
    assert tuple(RIG_CAMERAS) == CAMERAS


def test_stage_options_lists_the_declaration(api: Api) -> None:
    assert api.call("GET", "/stage/options") == (
        200,
        {
            "expressions": ["neutral", "smile", "serious", "surprised"],
            "gestures": ["none", "nod", "tilt"],
            "scenes": ["studio", "living-room", "neon"],
            "cameras": ["wide", "medium", "close"],
        },
    )


def test_an_unknown_scene_is_400_naming_the_valid_ones(api: Api) -> None:
    # Given a live room
    api.live("live")
    # When the operator asks for a beach
    status, problem = api.call("PUT", "/rooms/{roomId}/stage", {"scene": "beach"}, roomId="live")
    # Then 400 names the scenes the render host has, and nothing went to it
    assert (status, problem["errors"]) == (
        400,
        ["body.scene: Input should be 'studio', 'living-room' or 'neon'"],
    )
    assert api.commands() == []


@pytest.mark.parametrize("case", sorted(BAD_SSML))
def test_ssml_the_engine_refuses_is_400_when_saved(api: Api, case: str) -> None:
    # Given a room
    api.call("POST", "/rooms", {"roomId": "shop", "name": "Shop"})
    ssml, reason = BAD_SSML[case]
    script = {
        "segments": [
            {"segmentId": "s1", "text": "Hello."},
            {"segmentId": "s2", "ssml": ssml},
        ]
    }
    # When a script with that SSML in its second segment is saved
    status, problem = api.call("PUT", "/rooms/{roomId}/script", script, roomId="shop")
    # Then 400 names the segment and the engine's reason, and no script is stored
    assert status == 400
    [line] = problem["errors"]
    assert line.startswith("segments.1 ('s2'): SSML line 1, column ")
    assert reason in line
    assert api.call("GET", "/rooms/{roomId}/script", roomId="shop")[0] == 409


def test_a_stored_script_the_engine_refuses_is_refused_at_start(api: Api) -> None:
    # Given a room whose stored script (saved before the check) has an <audio> tag
    from livehost.models import Script, Segment

    api.call("POST", "/rooms", {"roomId": "shop", "name": "Shop"})
    bad = Segment(segment_id="s1", ssml="<speak><audio src='x'/>Hi</speak>")
    api.store.put_script("shop", Script(segments=[bad]))
    # When it is started
    status, problem = api.call("POST", "/rooms/{roomId}/start", roomId="shop")
    # Then 400 names the segment, and no execution was started
    assert (status, len(problem["errors"])) == (400, 1)
    assert problem["errors"][0].startswith("segments.0 ('s1'): SSML line 1")
    listed = api.sfn.list_executions(stateMachineArn=api.machines["RoomLifecycle"])
    assert listed["executions"] == []
