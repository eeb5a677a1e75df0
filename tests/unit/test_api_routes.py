"""The API's real handler (functions/api/app.py, loaded by path as the Lambda runtime does)
against the AWS emulator in process: status codes and messages of every kind of answer."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from livehost_table import create_livehost_table
from moto import mock_aws

from livehost import aws
from livehost.models import Phase, Room, Script, Segment
from livehost.protocol import parse_command
from livehost.store import RoomStore
from local.api_gateway import GatewayRoute, proxy_event
from local.moto_gaps import LambdaContext

ROOT = Path(__file__).resolve().parents[2]
PASS = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}})


def load_handler() -> Any:
    spec = importlib.util.spec_from_file_location("api_app", ROOT / "functions/api/app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.lambda_handler


@dataclass
class Api:
    """Calls the handler with API Gateway's proxy events; exposes what it touched."""

    handler: Any
    store: RoomStore
    sfn: Any
    sqs: Any
    queue_url: str
    machines: dict[str, str]

    def call(
        self,
        method: str,
        resource: str,
        body: Any = None,
        sub: str | None = "op-1",
        groups: str = "operators",
        **params: str,
    ) -> tuple[int, Any]:
        path = resource
        for key, value in params.items():
            path = path.replace("{" + key + "}", value)
        event = proxy_event(
            GatewayRoute(method, resource, "operator"),
            path=path,
            path_parameters=params,
            headers={"Content-Type": "application/json"},
            query=None,
            body=json.dumps(body) if body is not None else None,
            claims={"sub": sub, "cognito:groups": groups} if sub else None,
        )
        result = self.handler(
            event, LambdaContext("api", "arn:aws:lambda:us-east-1:1:function:api")
        )
        return result["statusCode"], json.loads(result["body"]) if result["body"] else None

    def live(self, room_id: str) -> Room:
        self.store.create_room(Room(room_id=room_id, name="Live"))
        self.store.put_script(room_id, Script(segments=[Segment(segment_id="s1", text="Hi.")]))
        return self.store.set_phase(room_id, Phase.LIVE, run=1, commandQueueUrl=self.queue_url)

    def commands(self) -> list[Any]:
        messages = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10)
        return [parse_command(m["Body"]) for m in messages.get("Messages", [])]


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "TABLE_NAME": "livehost",
        "ASSETS_BUCKET": "assets",
        "SPEECH_ENGINE": "espeak",
        "POWERTOOLS_SERVICE_NAME": "livehost",
        "POWERTOOLS_METRICS_NAMESPACE": "LiveHost",  # template.yaml's Globals
    }.items():
        monkeypatch.setenv(key, value)
    for cached in (aws._client, aws._table, aws._session):
        cached.cache_clear()  # fresh clients inside this emulator
    with mock_aws():
        ddb = boto3.resource("dynamodb", region_name="us-east-1")
        table = create_livehost_table(ddb)
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="assets")
        sqs = boto3.client("sqs", region_name="us-east-1")
        queue_url = sqs.create_queue(
            QueueName="livehost-room-live-r1.fifo", Attributes={"FifoQueue": "true"}
        )["QueueUrl"]
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        role = "arn:aws:iam::123456789012:role/sfn"
        machines = {
            name: sfn.create_state_machine(name=name, definition=PASS, roleArn=role)[
                "stateMachineArn"
            ]
            for name in ("RoomLifecycle", "AnswerQuestion")
        }
        monkeypatch.setenv("ROOM_LIFECYCLE_ARN", machines["RoomLifecycle"])
        monkeypatch.setenv("ANSWER_QUESTION_ARN", machines["AnswerQuestion"])
        yield Api(load_handler(), RoomStore(table), sfn, sqs, queue_url, machines)
    for cached in (aws._client, aws._table, aws._session):
        cached.cache_clear()


def executions(api: Api, machine: str) -> list[dict[str, Any]]:
    listed = api.sfn.list_executions(stateMachineArn=api.machines[machine])["executions"]
    return [api.sfn.describe_execution(executionArn=e["executionArn"]) for e in listed]


# ---- rooms and content -------------------------------------------------------------------


def test_a_room_is_created_once(api: Api) -> None:
    # Given a new room
    body = {"roomId": "shop-1", "name": "Shop"}
    # When it is created twice
    first = api.call("POST", "/rooms", body)
    second = api.call("POST", "/rooms", body)
    # Then the first is 201 CREATED, the second 409 naming the room
    assert (first[0], first[1]["roomId"], first[1]["phase"]) == (201, "shop-1", "CREATED")
    assert second == (409, {"message": "room 'shop-1' exists already"})


def test_operator_routes_need_the_operators_group(api: Api) -> None:
    # Given a valid token whose user is in another group only, and one in two groups
    # When each lists rooms and creates one
    outsider = api.call("GET", "/rooms", groups="viewers")
    creating = api.call("POST", "/rooms", {"roomId": "shop-9", "name": "S"}, groups="viewers")
    both = api.call("GET", "/rooms", groups="admins,operators")
    # Then the outsider is refused with 403 naming the group and creates nothing
    refusal = {
        "message": "this route is for operators: the token's user is not in the 'operators' group"
    }
    assert outsider == (403, refusal)
    assert creating == (403, refusal)
    assert both == (200, {"rooms": []})


def test_an_unknown_room_is_404(api: Api) -> None:
    # When an unknown room is asked for
    # Then 404 names it
    assert api.call("GET", "/rooms/{roomId}", roomId="nope") == (404, {"message": "no room 'nope'"})


def test_bad_input_is_400_with_what_to_fix(api: Api) -> None:
    # When a room is created with an id that breaks the pattern
    status, body = api.call("POST", "/rooms", {"roomId": "Bad Id", "name": "x"})
    # Then 400 names the field and the rule
    assert status == 400
    assert body["errors"] == [
        "body.roomId: String should match pattern '^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$'"
    ]


def test_settings_change_key_by_key(api: Api) -> None:
    # Given a room with 1080p
    api.call(
        "POST", "/rooms", {"roomId": "shop-2", "name": "Shop", "settings": {"resolution": "1080p"}}
    )
    # When only its heartbeat changes
    status, room = api.call(
        "PATCH", "/rooms/{roomId}", {"settings": {"heartbeatS": 20}}, roomId="shop-2"
    )
    # Then the resolution stays
    assert (status, room["settings"]["resolution"], room["settings"]["heartbeatS"]) == (
        200,
        "1080p",
        20,
    )


def test_knowledge_entries_crud(api: Api) -> None:
    # Given a room
    api.call("POST", "/rooms", {"roomId": "shop-3", "name": "Shop"})
    entry = {"entryId": "battery", "title": "Battery", "text": "Ten hours."}
    # When an entry is added, added again, replaced, deleted and read
    added = api.call("POST", "/rooms/{roomId}/knowledge", entry, roomId="shop-3")
    again = api.call("POST", "/rooms/{roomId}/knowledge", entry, roomId="shop-3")
    path = "/rooms/{roomId}/knowledge/{entryId}"
    replaced = api.call(
        "PUT",
        path,
        {"title": "Battery", "text": "Twelve hours."},
        roomId="shop-3",
        entryId="battery",
    )
    listed = api.call("GET", "/rooms/{roomId}/knowledge", roomId="shop-3")
    deleted = api.call("DELETE", path, roomId="shop-3", entryId="battery")
    gone = api.call("GET", path, roomId="shop-3", entryId="battery")
    # Then each answers as it should
    assert added[0] == 201
    assert again == (
        409,
        {
            "message": "room 'shop-3' has an entry 'battery' already: PUT /rooms/shop-3/knowledge/battery to replace it"
        },
    )
    assert (replaced[0], replaced[1]["text"]) == (200, "Twelve hours.")
    assert [e["entryId"] for e in listed[1]] == ["battery"]
    assert deleted[0] == 204
    assert gone == (404, {"message": "room 'shop-3' has no knowledge entry 'battery'"})


# ---- start and stop ----------------------------------------------------------------------


def test_start_names_the_execution_after_the_run(api: Api) -> None:
    # Given a room with a script
    api.call("POST", "/rooms", {"roomId": "shop-4", "name": "Shop"})
    api.call(
        "PUT",
        "/rooms/{roomId}/script",
        {"segments": [{"segmentId": "s1", "text": "Hi."}]},
        roomId="shop-4",
    )
    # When it is started
    status, started = api.call("POST", "/rooms/{roomId}/start", roomId="shop-4")
    # Then RoomLifecycle runs as <room>-<created>-<run> with the room id only
    assert (status, started["run"]) == (202, 1)
    [execution] = executions(api, "RoomLifecycle")
    name = created_name("shop-4", api.store.get_room("shop-4").created_at, 1)
    assert (execution["name"], json.loads(execution["input"])) == (name, {"roomId": "shop-4"})
    # And a second start at once is the same start (StartExecution is idempotent on name)
    again = api.call("POST", "/rooms/{roomId}/start", roomId="shop-4")
    assert again == (202, started)
    # But once that execution closed without claiming the run, the name is taken: 409
    api.sfn.stop_execution(executionArn=started["executionArn"])
    refused = api.call("POST", "/rooms/{roomId}/start", roomId="shop-4")
    assert refused == (
        409,
        {"message": f"room 'shop-4': run 1 was started already (execution {name})"},
    )


def created_name(room_id: str, created_at: float | None, run: int) -> str:
    assert created_at is not None
    stamp = datetime.fromtimestamp(created_at, UTC).strftime("%Y%m%dt%H%M%S%f")[:-3]
    return f"{room_id}-{stamp}-{run}"


def test_a_deleted_and_re_created_room_starts_again(api: Api) -> None:
    # Given a room whose run 1 was started (its execution closed), then deleted
    script = {"segments": [{"segmentId": "s1", "text": "Hi."}]}
    api.call("POST", "/rooms", {"roomId": "again", "name": "Again"})
    api.call("PUT", "/rooms/{roomId}/script", script, roomId="again")
    first = api.call("POST", "/rooms/{roomId}/start", roomId="again")[1]
    api.sfn.stop_execution(executionArn=first["executionArn"])
    assert api.call("DELETE", "/rooms/{roomId}", roomId="again")[0] == 204
    # When a room with the same id is created and started
    api.call("POST", "/rooms", {"roomId": "again", "name": "Again"})
    api.call("PUT", "/rooms/{roomId}/script", script, roomId="again")
    status, second = api.call("POST", "/rooms/{roomId}/start", roomId="again")
    # Then its run 1 starts under a name of its own
    assert (status, second["run"]) == (202, 1)
    assert second["executionArn"] != first["executionArn"]
    room = api.call("GET", "/rooms/{roomId}", roomId="again")[1]
    assert second["executionArn"].endswith(":" + created_name("again", room["createdAt"], 1))


def test_start_refuses_an_active_room_and_a_room_without_script(api: Api) -> None:
    # Given a live room and a room without script
    api.live("live")
    api.call("POST", "/rooms", {"roomId": "empty", "name": "Empty"})
    # When each is started
    # Then 409 says why
    assert api.call("POST", "/rooms/{roomId}/start", roomId="live") == (
        409,
        {"message": "room 'live' is LIVE (run 1): stop it first"},
    )
    assert api.call("POST", "/rooms/{roomId}/start", roomId="empty") == (
        409,
        {"message": "room 'empty' has no script: PUT /rooms/empty/script before starting"},
    )


def test_stop_now_sets_the_flag_and_tells_the_render_host(api: Api) -> None:
    # Given a live room
    api.live("live")
    # When it is stopped now
    status, stopping = api.call("POST", "/rooms/{roomId}/stop", {"mode": "now"}, roomId="live")
    # Then the flag is set and StopStream(now) is on its queue, without a token
    assert (status, stopping["mode"]) == (202, "now")
    assert api.store.get_room("live").stop_requested == "now"
    [command] = api.commands()
    assert (command.type, command.mode, command.task_token) == ("StopStream", "now", None)


def test_stop_refuses_a_room_that_is_not_running(api: Api) -> None:
    api.call("POST", "/rooms", {"roomId": "idle", "name": "Idle"})
    assert api.call("POST", "/rooms/{roomId}/stop", {"mode": "graceful"}, roomId="idle") == (
        409,
        {"message": "room 'idle' is CREATED: there is nothing to stop"},
    )


# ---- steering ----------------------------------------------------------------------------


def test_pause_and_stage_go_to_the_render_host_and_the_timeline(api: Api) -> None:
    # Given a live room
    api.live("live")
    # When the operator pauses and changes the stage
    paused = api.call("POST", "/rooms/{roomId}/pause", roomId="live")
    staged = api.call(
        "PUT", "/rooms/{roomId}/stage", {"expression": "smile", "camera": "close"}, roomId="live"
    )
    # Then both commands are queued in order and noted by the operator
    assert [paused[0], staged[0]] == [202, 202]
    commands = api.commands()
    assert [c.type for c in commands] == ["PauseScript", "SetStage"]
    assert commands[1].stage.wire() == {"expression": "smile", "camera": "close"}
    timeline = api.store.timeline("live", 1)
    assert [(e.kind, e.by, e.detail) for e in timeline] == [
        ("pause", "operator", {"requested": True, "operator": "op-1"}),
        (
            "stage",
            "operator",
            {"requested": True, "expression": "smile", "camera": "close", "operator": "op-1"},
        ),
    ]


def test_say_speaks_each_sentence_then_closes(api: Api) -> None:
    # Given a live room
    api.live("live")
    # When the operator says two sentences, mode NOW
    status, sent = api.call(
        "POST",
        "/rooms/{roomId}/say",
        {"text": "Hello there. Prices drop tonight.", "mode": "NOW"},
        roomId="live",
    )
    # Then the opening Insert, two with speech and a closing one go out, from the operator
    assert (status, sent["sentences"]) == (202, 2)
    inserts = api.commands()
    assert [(i.sequence, i.final, i.speech is not None, i.mode, i.source) for i in inserts] == [
        (0, False, False, "NOW", "operator"),
        (0, False, True, "NOW", "operator"),
        (1, False, True, "NOW", "operator"),
        (2, True, False, "NOW", "operator"),
    ]


def test_steering_a_room_that_is_not_live_is_409(api: Api) -> None:
    api.call("POST", "/rooms", {"roomId": "idle", "name": "Idle"})
    assert api.call("POST", "/rooms/{roomId}/resume", roomId="idle") == (
        409,
        {"message": "room 'idle' is CREATED, not LIVE"},
    )


# ---- questions ---------------------------------------------------------------------------


def ask(api: Api, room_id: str, text: str, **extra: str) -> tuple[int, Any]:
    return api.call(
        "POST",
        "/rooms/{roomId}/questions",
        {"viewerId": "v1", "text": text, **extra},
        sub=None,
        roomId=room_id,
    )


def test_a_question_over_the_rooms_limit_is_rejected_naming_it(api: Api) -> None:
    # Given a live room with the default policy (500 characters)
    api.live("live")
    # When a viewer asks 501 characters
    status, body = ask(api, "live", "x" * 501)
    # Then the room's one rule answers, naming the limit
    assert (status, body["status"], body["reason"]) == (202, "rejected", "too_long")
    assert body["message"] == (
        "Your question is 501 characters long; please keep it to 500 characters or fewer."
    )


def test_a_question_over_any_policys_limit_is_400_naming_it(api: Api) -> None:
    api.live("live")
    status, body = ask(api, "live", "x" * 5001)
    assert (status, body["errors"]) == (
        400,
        ["body.text: String should have at most 5000 characters"],
    )


def test_a_question_to_an_unknown_room_is_404_and_to_a_room_not_live_409(api: Api) -> None:
    api.call("POST", "/rooms", {"roomId": "idle", "name": "Idle"})
    assert ask(api, "nope", "Hi?") == (404, {"message": "no room 'nope'"})
    assert ask(api, "idle", "Hi?") == (
        409,
        {"message": "room 'idle' is CREATED: questions open when it is LIVE"},
    )


def test_blocked_content_is_rejected_at_once_and_never_reaches_the_workflow(api: Api) -> None:
    # Given a live room whose policy blocks a word
    api.live("live")
    assert (
        api.call("PUT", "/rooms/{roomId}/screening", {"blocklist": ["scam"]}, roomId="live")[0]
        == 200
    )
    # When a viewer asks with that word
    status, receipt = ask(api, "live", "Is this a SCAM?")
    # Then 202 rejected, no AnswerQuestion execution, a rejection in the timeline
    assert (status, receipt["status"], receipt["reason"]) == (202, "rejected", "blocked")
    assert receipt["message"] == "Your question can't be answered on this stream."
    assert executions(api, "AnswerQuestion") == []
    assert [(e.kind, e.by) for e in api.store.timeline("live", 1)] == [("rejected", "viewer")]


def test_an_accepted_question_starts_answer_question(api: Api) -> None:
    # Given a live room
    api.live("live")
    # When a viewer asks, mode APPEND
    status, receipt = ask(api, "live", "How long does the battery last?", mode="APPEND")
    # Then 202 accepted and AnswerQuestion runs, named by the question id, with its input
    # and the API's verdict (the workflow does not screen it again)
    assert (status, receipt["status"]) == (202, "accepted")
    [execution] = executions(api, "AnswerQuestion")
    started = json.loads(execution["input"])
    assert execution["name"] == receipt["questionId"]
    assert {k: v for k, v in started.items() if k != "askedAt"} == {
        "roomId": "live",
        "run": 1,
        "questionId": receipt["questionId"],
        "viewerId": "v1",
        "text": "How long does the battery last?",
        "mode": "APPEND",
        "chatMessageId": None,
        "screening": {
            "accepted": True,
            "reason": "ok",
            "message": receipt["message"],
            "text": "How long does the battery last?",
            "mode": "APPEND",
            "opened": True,
        },
    }
    # And the playout is told the answer is coming (the opening Insert, no speech)
    [opening] = api.commands()
    assert (opening.insert_id, opening.speech, opening.final, opening.mode) == (
        receipt["questionId"],
        None,
        False,
        "APPEND",
    )


def test_a_viewer_over_the_rate_limit_or_repeating_a_question_hears_so_at_once(api: Api) -> None:
    # Given a live room whose policy lets a viewer ask twice a minute
    api.live("live")
    assert (
        api.call("PUT", "/rooms/{roomId}/screening", {"perViewerLimit": 2}, roomId="live")[0] == 200
    )
    # When viewer v1 asks three questions, and viewer v2 repeats v1's first
    first = ask(api, "live", "How long does the battery last?")[1]
    second = ask(api, "live", "Is it waterproof?")[1]
    third = ask(api, "live", "Which colours are there?")[1]
    repeat = api.call(
        "POST",
        "/rooms/{roomId}/questions",
        {"viewerId": "v2", "text": "How long does the battery last?"},
        sub=None,
        roomId="live",
    )[1]
    # Then the first two are accepted; the third and the repeat are rejected, saying why,
    # in the response, and never reach the workflow
    assert [r["status"] for r in (first, second, third, repeat)] == [
        "accepted",
        "accepted",
        "rejected",
        "rejected",
    ]
    assert (third["reason"], repeat["reason"]) == ("rate_limited", "duplicate")
    assert "try again in" in third["message"]
    assert len(executions(api, "AnswerQuestion")) == 2
