"""The REST API over HTTP in the local cloud: the local gateway enforces the template's
authorization and invokes the deployed ApiFunction (the real handler); a room is created,
started, steered and stopped through it, with real render host processes."""

from __future__ import annotations

import io
import json
import time
import urllib.error
import urllib.request
import wave
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pool_tokens import claims_of, expired_copy, forged_copy
from roomdriver import Rooms

from local.cloud import LocalCloud
from local.gateway_process import GatewayProcess

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def api(cloud: LocalCloud) -> Iterator[GatewayProcess]:
    with GatewayProcess.for_cloud(cloud) as local_api:
        yield local_api


def call(
    api: GatewayProcess,
    method: str,
    path: str,
    body: Any = None,
    *,
    token: str | None = None,
    api_key: str | None = None,
) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if api_key:
        headers["x-api-key"] = api_key
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(api.url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            text = response.read().decode()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        return error.code, json.loads(text) if text else None


def wait_for(
    api: GatewayProcess, token: str, room_id: str, phases: set[str], timeout_s: float
) -> dict:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        status, room = call(api, "GET", f"/rooms/{room_id}", token=token)
        assert status == 200
        if room["phase"] in phases:
            return room
        time.sleep(0.25)
    raise TimeoutError(f"room {room_id} never reached {phases}")


def test_every_operator_route_refuses_an_anonymous_call(api: GatewayProcess) -> None:
    # Given every operator route of the template, with its path parameters filled in
    operator_routes = [r for r in api.routes if r.auth == "operator"]
    # When each is called without a token
    answers = {
        (r.method, r.resource): call(
            api,
            r.method,
            r.resource.replace("{roomId}", "any-room")
            .replace("{entryId}", "e1")
            .replace("{run}", "1"),
            {},
        )
        for r in operator_routes
    }
    # Then each is 401 Unauthorized, before the function runs
    assert len(operator_routes) == 42  # every route in template.yaml but the viewers' five
    assert {key: (status, body["message"]) for key, (status, body) in answers.items()} == {
        (r.method, r.resource): (401, "Unauthorized") for r in operator_routes
    }


def test_the_viewer_route_refuses_a_missing_or_wrong_key(api: GatewayProcess) -> None:
    # Given a question for any room
    question = {"viewerId": "v1", "text": "How long does the battery last?"}
    # When it comes without a key, and with a wrong one
    missing = call(api, "POST", "/rooms/any-room/questions", question)
    wrong = call(api, "POST", "/rooms/any-room/questions", question, api_key="not-the-key")
    # Then both are refused by the gateway
    assert missing == (403, {"message": "Forbidden"})
    assert wrong == (403, {"message": "Forbidden"})


def test_a_forged_or_expired_token_is_forbidden(api: GatewayProcess) -> None:
    # Given a token signed by another key and one that expired (RS256, the pool's claims)
    token = api.issue_token("operator-1")
    forged, expired = forged_copy(token), expired_copy(token)
    # When they call an operator route
    # Then both are 403 with the reason
    assert call(api, "GET", "/rooms", token=forged) == (
        403,
        {"message": "Forbidden: bad signature"},
    )
    assert call(api, "GET", "/rooms", token=expired) == (
        403,
        {"message": "Forbidden: token expired"},
    )


def test_a_segment_is_heard_over_http_from_the_local_clouds_bucket(api: GatewayProcess) -> None:
    token = api.issue_token("operator-1")
    # Given a room whose script speaks with Matthew
    assert (
        call(api, "POST", "/rooms", {"roomId": "api-preview", "name": "P"}, token=token)[0] == 201
    )
    script = {"voice": "Matthew", "segments": [{"segmentId": "s1", "text": "Hi."}]}
    assert call(api, "PUT", "/rooms/api-preview/script", script, token=token)[0] == 200
    # When the operator previews a line
    status, heard = call(
        api, "POST", "/rooms/api-preview/preview", {"text": "Prices drop tonight."}, token=token
    )
    # Then the presigned URL serves the WAV (from the emulator's S3), as long as its marks say
    assert status == 200
    with urllib.request.urlopen(heard["audioUrl"], timeout=30) as response:
        body = response.read()
    with wave.open(io.BytesIO(body)) as wav:
        frames, rate = wav.getnframes(), wav.getframerate()
    assert frames * 1000 // rate == heard["durationMs"] > 500
    words = [m["value"] for m in heard["marks"] if m["type"] == "word"]
    assert words == ["Prices", "drop", "tonight"]
    # And a viewer asking after a question nobody asked hears 404, with the viewer key only
    path = "/rooms/api-preview/questions/api-preview-q-0000000000000000"
    assert call(api, "GET", path)[0] == 403
    assert call(api, "GET", path, api_key=api.api_key)[0] == 404


def test_a_room_made_started_steered_and_stopped_over_http(
    api: GatewayProcess, rooms: Rooms
) -> None:
    token = api.issue_token("operator-1")
    room_id = "api-room"
    # Given a room, its script and knowledge made over HTTP
    status, room = call(
        api,
        "POST",
        "/rooms",
        {
            "roomId": room_id,
            "name": "API room",
            "settings": {"heartbeatS": 10, "hostReadyTimeoutS": 30},
        },
        token=token,
    )
    assert (status, room["phase"], room["run"]) == (201, "CREATED", 0)
    script = {
        "segments": [
            {"segmentId": f"s{i}", "text": text, "pauseAfterMs": 100}
            for i, text in enumerate(
                [
                    "Hello and welcome to the show.",
                    "Today we look at a great product.",
                    "It is light, fast and made to last.",
                    "Ask us anything in the chat.",
                    "Thanks for watching, see you soon.",
                ]
            )
        ],
        "loop": {"mode": "forever"},
    }
    assert call(api, "PUT", f"/rooms/{room_id}/script", script, token=token)[0] == 200
    entry = {"entryId": "battery", "title": "Battery", "text": "The battery lasts ten hours."}
    assert call(api, "POST", f"/rooms/{room_id}/knowledge", entry, token=token)[0] == 201
    assert call(api, "GET", f"/rooms/{room_id}/knowledge/battery", token=token) == (
        200,
        entry | {"productId": None, "tags": []},
    )

    # When it is started over HTTP
    status, started = call(api, "POST", f"/rooms/{room_id}/start", token=token)
    assert (status, started["run"]) == (202, 1)
    # Then it goes LIVE, and a second start is refused
    live = wait_for(api, token, room_id, {"LIVE", "FAILED", "ENDED"}, 60)
    assert live["phase"] == "LIVE"
    assert live["playbackUrl"]
    again = call(api, "POST", f"/rooms/{room_id}/start", token=token)
    assert again[0] == 409

    # When the operator pauses, resumes, changes the stage and says a line
    sent = [
        call(api, "POST", f"/rooms/{room_id}/pause", token=token),
        call(api, "POST", f"/rooms/{room_id}/resume", token=token),
        call(api, "PUT", f"/rooms/{room_id}/stage", {"expression": "smile"}, token=token),
        call(
            api,
            "POST",
            f"/rooms/{room_id}/say",
            {"text": "A quick note. Prices drop tonight."},
            token=token,
        ),
    ]
    # Then each is accepted and the timeline shows them, by the operator, in order
    assert [s for s, _ in sent] == [202, 202, 202, 202]
    assert sent[3][1]["sentences"] == 2
    status, timeline = call(api, "GET", f"/rooms/{room_id}/timeline", token=token)
    requested = [
        (e["kind"], e["by"], e["detail"]["operator"])
        for e in timeline["entries"]
        if (e.get("detail") or {}).get("requested")
    ]
    assert (status, timeline["run"]) == (200, 1)
    operator = claims_of(token)["sub"]  # the user pool's id of the signed-in operator
    assert requested == [
        ("pause", "operator", operator),
        ("resume", "operator", operator),
        ("stage", "operator", operator),
        ("say", "operator", operator),
    ]
    # And a client following the room reads only what came strictly after the last `at` seen
    kinds = [e["kind"] for e in timeline["entries"]]
    said = kinds.index("say")
    before_say = timeline["entries"][said - 1]["at"]
    status, since = call(api, "GET", f"/rooms/{room_id}/timeline?since={before_say}", token=token)
    assert status == 200 and "say" in [e["kind"] for e in since["entries"]]
    assert all(e["at"] > before_say for e in since["entries"])
    assert len(since["entries"]) < len(timeline["entries"])
    assert call(api, "GET", f"/rooms/{room_id}/timeline?since=-1", token=token)[0] == 400

    # When ten viewers send the same question at once
    def ask(viewer: int) -> tuple[int, Any]:
        body = {"viewerId": f"viewer-{viewer}", "text": "Does it float?"}
        return call(api, "POST", f"/rooms/{room_id}/questions", body, api_key=api.api_key)

    with ThreadPoolExecutor(10) as pool:
        asked = list(pool.map(ask, range(10)))
    # Then one is accepted and nine are told it was just asked
    assert (
        sorted((s, b["status"], b.get("reason") or "") for s, b in asked)
        == [(202, "accepted", "")] + [(202, "rejected", "duplicate")] * 9
    )

    # When it is stopped gracefully
    status, stopping = call(
        api, "POST", f"/rooms/{room_id}/stop", {"mode": "graceful"}, token=token
    )
    assert (status, stopping["mode"]) == (202, "graceful")
    # Then it ends, with nothing left behind
    ended = wait_for(api, token, room_id, {"ENDED", "FAILED"}, 60)
    assert (ended["phase"], ended.get("error")) == ("ENDED", None)
    assert rooms.leaks() == {"instances": 0, "channels": 0, "queues": 0, "processes": 0}
    # And run 1's timeline, asked for by number, ends with the run ending
    entries = call(api, "GET", f"/rooms/{room_id}/timeline?run=1", token=token)[1]["entries"]
    assert (entries[0]["text"], entries[-1]["text"]) == ("run 1 starting", "run 1 ended")
