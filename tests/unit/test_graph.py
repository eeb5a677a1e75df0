"""The execution graph: a real execution in the emulator, fetched, analysed and drawn.

`rehearsal.asl.json` runs for real in moto's interpreter: Pass, Choice, a DynamoDB task on
a missing table (fails, retried once, caught), a Parallel whose branch fails (caught), a Map,
a three-turn loop. Parent/child pages use AWS-shaped records in fixtures/graph (moto 5.2.5
cannot run `states:startExecution.sync:2`, see shared/reference/local-emulation.md).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from local.graph import ExecutionRecord, analyse, fetch_execution, main, render_html
from local.graph.analysis import StateRun, run_order
from local.graph.cli import fetch_children
from local.graph.layout import layout_machine
from local.graph.machine import choice_label
from local.graph.scrub import MASK, scrub, scrub_text

FIXTURES = Path(__file__).parent / "fixtures" / "graph"
REHEARSAL = json.loads((FIXTURES / "rehearsal.asl.json").read_text())
REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/rehearsal"
SECRET_INPUT = {
    "mode": "rehearse",
    "roomId": "room-1",
    "segments": ["intro", "outro"],
    "count": {"n": 0},
    "operator": {"Password": "hunter2", "nested": json.dumps({"streamKey": "sk-in-a-string"})},
}


@pytest.fixture(scope="module")
def emulator() -> Iterator[Any]:
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        yield boto3.client("stepfunctions", region_name=REGION)


@pytest.fixture(scope="module")
def rehearsal(emulator: Any) -> ExecutionRecord:
    machine = emulator.create_state_machine(
        name="Rehearsal", definition=json.dumps(REHEARSAL), roleArn=ROLE
    )["stateMachineArn"]
    arn = emulator.start_execution(
        stateMachineArn=machine, name="rehearsal-1", input=json.dumps(SECRET_INPUT)
    )["executionArn"]
    deadline = time.monotonic() + 20
    while emulator.describe_execution(executionArn=arn)["status"] == "RUNNING":
        assert time.monotonic() < deadline, "the rehearsal did not finish in 20 s"
        time.sleep(0.05)
    return fetch_execution(emulator, arn)


@pytest.fixture(scope="module")
def runs(rehearsal: ExecutionRecord) -> dict[str, StateRun]:
    return {run.name: run for run in analyse(rehearsal.definition, rehearsal.events)}


def load(name: str) -> ExecutionRecord:
    return ExecutionRecord.model_validate_json((FIXTURES / f"{name}.record.json").read_text())


# ---- fetching ----------------------------------------------------------------------------


def test_fetch_reads_the_description_the_definition_and_the_whole_history(rehearsal):
    # Given the finished rehearsal / When fetched (fixture) / Then all of it is there
    assert rehearsal.name == "rehearsal-1"
    assert rehearsal.status == "SUCCEEDED"
    assert rehearsal.state_machine_name == "Rehearsal"
    assert rehearsal.definition == REHEARSAL
    assert json.loads(rehearsal.input or "") == SECRET_INPUT
    assert rehearsal.events[0]["type"] == "ExecutionStarted"
    assert rehearsal.events[-1]["type"] == "ExecutionSucceeded"
    assert [e["id"] for e in rehearsal.events] == list(range(1, len(rehearsal.events) + 1))


# ---- analysis ----------------------------------------------------------------------------


def test_every_state_is_listed_with_how_often_it_was_entered(runs):
    # Given the analysed rehearsal / Then entries per state are exact, inner states included
    assert {name: run.entries for name, run in runs.items()} == {
        "Prepare": 1,
        "Route": 1,
        "SkipRehearsal": 0,
        "LoadRoom": 1,
        "Greet": 0,
        "Recover": 1,
        "Tidy": 1,
        "Explode": 1,
        "EachSegment": 1,
        "Speak": 2,
        "Tick": 3,
        "Again": 3,
        "Done": 1,
    }
    assert runs["Tidy"].parent == "Recover"
    assert runs["Speak"].parent == "EachSegment"
    assert runs["Tick"].parent is None


def test_each_state_has_the_status_of_what_happened_to_it(runs):
    assert {name: run.status for name, run in runs.items()} == {
        "Prepare": "succeeded",
        "Route": "succeeded",
        "SkipRehearsal": "not visited",
        "LoadRoom": "caught",
        "Greet": "not visited",
        "Recover": "caught",
        "Tidy": "succeeded",
        "Explode": "failed",
        "EachSegment": "succeeded",
        "Speak": "succeeded",
        "Tick": "succeeded",
        "Again": "succeeded",
        "Done": "succeeded",
    }


def test_a_failed_task_retried_then_caught_shows_its_retry_failures_and_catch(runs):
    # Given LoadRoom (getItem on a missing table, one retry, Catch -> Recover)
    load_room = runs["LoadRoom"]

    # Then both attempts failed, one was a retry, and the Catch led to Recover
    assert load_room.retries == 1
    assert [f.error for f in load_room.failures] == ["DynamoDB.ResourceNotFoundException"] * 2
    assert load_room.caught is True
    assert load_room.transitions == {"Recover": 1}
    # the retry waited IntervalSeconds (1 s) between the attempts
    assert 1000 <= load_room.duration_ms < 5000


def test_a_failing_parallel_branch_is_attributed_to_the_state_and_its_parallel(runs):
    explode, recover = runs["Explode"], runs["Recover"]
    assert [(f.error, f.cause) for f in explode.failures] == [
        ("RenderHostLost", "the render host stopped answering")
    ]
    assert explode.duration_ms == 0
    assert [f.error for f in recover.failures] == ["RenderHostLost"]
    assert recover.transitions == {"EachSegment": 1}
    assert runs["Tidy"].transitions == {"Explode": 1}


def test_a_loop_counts_each_transition_taken(runs):
    assert runs["Tick"].transitions == {"Again": 3}
    assert runs["Again"].transitions == {"Tick": 2, "Done": 1}
    assert runs["Done"].terminal_exits == 1
    assert runs["Prepare"].retries == 0
    assert runs["Prepare"].entered_at is not None and runs["Done"].exited_at is not None
    assert runs["Prepare"].entered_at <= runs["Done"].exited_at


def test_a_history_cut_mid_task_shows_the_task_running(rehearsal):
    # Given the history up to LoadRoom's first failure (before its retry is scheduled)
    first_failure = next(e["id"] for e in rehearsal.events if e["type"] == "TaskFailed")
    partial = [e for e in rehearsal.events if e["id"] <= first_failure]

    # When analysed
    runs = {run.name: run for run in analyse(rehearsal.definition, partial)}

    # Then LoadRoom is still running, with one failure and no retry yet; later states unvisited
    assert runs["LoadRoom"].status == "running"
    assert runs["LoadRoom"].retries == 0
    assert len(runs["LoadRoom"].failures) == 1
    assert runs["Recover"].status == "not visited"


# ---- the page ----------------------------------------------------------------------------


def test_the_page_draws_every_state_marking_visited_and_unvisited(rehearsal, runs):
    # When drawn
    page = render_html(rehearsal, list(runs.values()))

    # Then every state has its box with its status, and the timings table lists it
    drawn = dict(
        (name, classes.split()[0])
        for classes, name in re.findall(r'<g class="state ([^"]+)" id="state-([^"]+)">', page)
    )
    assert drawn == {name: run.status.replace(" ", "-") for name, run in runs.items()}
    for name in runs:
        assert f">{name}</text>" in page
    assert '<g class="state not-visited" id="state-SkipRehearsal">' in page
    assert '<g class="state caught has-retries" id="state-LoadRoom">' in page
    assert "↻ 1" in page  # the retry badge
    assert "DynamoDB.ResourceNotFoundException" in page


def test_the_page_draws_the_path_taken_with_counts_and_dashed_catch_edges(rehearsal, runs):
    page = render_html(rehearsal, list(runs.values()))
    assert page.count('<g class="edge edge-taken edge-catch">') == 2  # LoadRoom and Recover
    assert page.count('<g class="edge edge-idle edge-catch">') == 0
    assert "<title>Again → Tick: $.count.n &lt; 3 (2\u00d7)</title>" in page
    assert "<title>Tick → Again: next (3\u00d7)</title>" in page
    assert "<title>Route → SkipRehearsal: default (0\u00d7)</title>" in page


def test_the_page_never_shows_secrets_and_stands_alone(rehearsal, runs):
    page = render_html(rehearsal, list(runs.values()))
    for secret in ("hunter2", "sk-in-a-string", "sk_us-west-2_PrepareSecret", "tok-prepare-123"):
        assert secret not in page
    assert MASK in page
    for external in ("<script", "<link", "src=", "url(http", "@import"):
        assert external not in page


def test_a_parent_page_links_and_includes_its_child_executions():
    # Given RoomLifecycle, which started two ShowLoop generations (the second failed)
    parent, children = load("room_lifecycle"), [load("room-7-g1"), load("room-7-g2")]

    # When analysed and drawn with its children
    runs = {run.name: run for run in analyse(parent.definition, parent.events)}
    page = render_html(parent, list(runs.values()), children)

    # Then RunShow names both children, and each child has its own linked section
    assert runs["RunShow"].children == [child.execution_arn for child in children]
    assert runs["RunShow"].entries == 2
    assert runs["RunShow"].status == "failed"
    assert [f.error for f in runs["RunShow"].failures] == ["States.TaskFailed"]
    assert runs["MoreShow"].transitions == {"RunShow": 1}
    assert runs["Teardown"].status == "not visited"
    for generation in ("g1", "g2"):
        anchor = f"exec-execution-ShowLoop-room-7-{generation}"
        assert f'<section class="execution" id="{anchor}">' in page
        assert f'href="#{anchor}"' in page
    # and no task token or password leaks, not even inside a JSON string in a cause
    assert "task-token" not in page
    assert "correct-horse" not in page


def test_a_child_generation_shows_its_loop_and_failure():
    child = {run.name: run for run in analyse(*_parts(load("room-7-g2")))}
    assert child["PlaySegment"].status == "failed"
    assert child["PlaySegment"].entries == 3
    assert [f.error for f in child["PlaySegment"].failures] == ["RenderHostLost"]
    assert child["Decide"].transitions == {"PlaySegment": 3}
    assert child["PlaySegment"].transitions == {"NextCue": 2}
    assert (
        child["PlaySegment"].duration_ms == 6025 + 6525 + 30025
    )  # scheduled..succeeded+exit; the last until the end


def _parts(record: ExecutionRecord) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    return record.definition, record.events


# ---- command line ------------------------------------------------------------------------


def test_main_writes_the_page_for_an_execution_arn(rehearsal, tmp_path, capsys):
    # When run as `python -m local.graph ARN -o FILE`
    out = tmp_path / "rehearsal.html"
    status = main([rehearsal.execution_arn, "-o", str(out), "--region", REGION])

    # Then the page is written and the summary printed
    assert status == 0
    page = out.read_text(encoding="utf-8")
    assert "<h1>rehearsal-1 " in page
    assert capsys.readouterr().out == (
        f"{out}: rehearsal-1 SUCCEEDED, 11 states visited, 0 child executions\n"
    )


def test_main_reports_an_unknown_execution(emulator, tmp_path, capsys):
    missing = "arn:aws:states:us-east-1:123456789012:execution:Rehearsal:nope"
    status = main([missing, "-o", str(tmp_path / "x.html"), "--region", REGION])
    assert status == 2
    assert "ExecutionDoesNotExist" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


def test_children_are_fetched_once_each(emulator, rehearsal):
    # Given a state that names the same child twice
    parent = StateRun(name="RunShow", type="Task", children=[rehearsal.execution_arn] * 2)

    # When the children are fetched / Then once
    fetched = fetch_children(emulator, [parent])
    assert [child.name for child in fetched] == ["rehearsal-1"]


# ---- pieces ------------------------------------------------------------------------------


def test_scrub_masks_secret_keys_at_any_depth_and_inside_json_strings():
    value = {
        "StreamKey": "sk_us-west-2_abc",
        "body": json.dumps({"taskToken": "AQB", "keep": 1}),
        "list": [{"clientSecret": 5}],
    }
    assert scrub(value) == {
        "StreamKey": MASK,
        "body": json.dumps(
            {"taskToken": MASK, "keep": 1}, separators=(",", ":"), ensure_ascii=False
        ),
        "list": [{"clientSecret": MASK}],
    }
    assert scrub_text("login password=abc, user=bob") == f"login password={MASK}, user=bob"
    assert scrub_text("key sk_us-west-2_Ab12 leaked") == f"key {MASK} leaked"


def test_choice_labels_read_like_conditions():
    assert choice_label({"Variable": "$.n", "NumericLessThanEquals": 3}) == "$.n <= 3"
    assert choice_label({"Variable": "$.a", "StringEquals": "done"}) == '$.a == "done"'
    assert choice_label({"Variable": "$.a", "IsPresent": False}) == "$.a absent"
    both = {
        "And": [
            {"Variable": "$.x", "BooleanEquals": True},
            {"Variable": "$.y", "NumericGreaterThanPath": "$.z"},
        ]
    }
    assert choice_label(both) == "$.x == true and $.y > $.z"


def test_layout_layers_forward_edges_down_and_loops_back_up():
    # Given the show loop (NextCue -> Decide -> PlaySegment -> NextCue)
    layout = layout_machine(load("room-7-g1").definition)
    nodes = layout.nodes

    # Then forward edges go down a layer or more; the loop's closing edge is a back edge
    for route in layout.routes:
        source, target = nodes[route.edge.source], nodes[route.edge.target]
        closes_loop = (route.edge.source, route.edge.target) == ("PlaySegment", "NextCue")
        assert route.back == closes_loop
        if not route.back:
            assert target.layer > source.layer
    # and no two boxes overlap
    boxes = [n for n in nodes.values() if n.kind != "waypoint"]
    for a in boxes:
        for b in boxes:
            if a is not b:
                apart_x = a.x + a.width <= b.x or b.x + b.width <= a.x
                apart_y = a.y + a.height <= b.y or b.y + b.height <= a.y
                assert apart_x or apart_y, (a.name, b.name)


# ---- run order, per-turn timings, data, history, causes ------------------------------------

SPEECH_CAUSE = json.dumps(
    {
        "errorMessage": "Polly refused the text: InvalidSsmlException: Invalid SSML request",
        "errorType": "SpeechFailed",
        "stackTrace": ['  File "/var/task/app.py", line 12, in lambda_handler'],
    }
)
# RoomLifecycle's shape: RunShow's Catch hands any show failure to ReplaceRenderHost, which
# replaces a lost host and re-raises any other error by name
SPEECH_FAILURE = {
    "StartAt": "RunShow",
    "States": {
        "RunShow": {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "NextCue",
                    "States": {
                        "NextCue": {"Type": "Fail", "Error": "SpeechFailed", "Cause": SPEECH_CAUSE}
                    },
                }
            ],
            "Catch": [
                {
                    "ErrorEquals": ["States.ALL"],
                    "ResultPath": "$.showFailure",
                    "Next": "ReplaceRenderHost",
                }
            ],
            "Next": "Done",
        },
        "ReplaceRenderHost": {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "ReRaise",
                    "States": {
                        "ReRaise": {"Type": "Fail", "Error": "SpeechFailed", "Cause": SPEECH_CAUSE}
                    },
                }
            ],
            "Catch": [
                {"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "Teardown"}
            ],
            "Next": "Done",
        },
        "Teardown": {"Type": "Pass", "Next": "RoomFailed"},
        "RoomFailed": {"Type": "Fail", "Error": "SpeechFailed", "Cause": SPEECH_CAUSE},
        "Done": {"Type": "Succeed"},
    },
}


@pytest.fixture(scope="module")
def speech_failure(emulator: Any) -> ExecutionRecord:
    machine = emulator.create_state_machine(
        name="SpeechFailure", definition=json.dumps(SPEECH_FAILURE), roleArn=ROLE
    )["stateMachineArn"]
    arn = emulator.start_execution(stateMachineArn=machine, name="speech-1", input="{}")[
        "executionArn"
    ]
    deadline = time.monotonic() + 20
    while emulator.describe_execution(executionArn=arn)["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return fetch_execution(emulator, arn)


def test_the_run_order_times_each_turn_of_a_loop_with_its_data(rehearsal):
    # Given the rehearsal, whose Tick state runs three turns of a loop
    runs = analyse(rehearsal.definition, rehearsal.events)
    steps = run_order(runs)
    # Then every state entry is listed once, in the order it happened
    assert [s.order for s in steps] == list(range(1, len(steps) + 1))
    assert steps[0].state == "Prepare"
    assert [s.turn for s in steps if s.state == "Tick"] == [1, 2, 3]
    # And each turn has its own timing and its own input and output
    ticks = [s for s in steps if s.state == "Tick"]
    assert all(t.exited_at is not None and t.duration_ms >= 0 for t in ticks)
    assert [json.loads(t.output or "{}")["count"]["n"] for t in ticks] == [1, 2, 3]
    # And the page lists them with dates in their time zone, and the whole history
    page = render_html(rehearsal, runs)
    assert page.count("<td>Tick</td>") == 3
    assert re.search(r"<dd>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC</dd>", page)
    assert f"Event history ({len(rehearsal.events)} events)" in page
    assert "<td>ExecutionStarted</td>" in page
    assert "hunter2" not in page


def test_a_speech_failure_passed_on_is_not_shown_as_a_render_host_replacement(speech_failure):
    # Given a run whose show failed on speech, handed on by ReplaceRenderHost
    runs = analyse(speech_failure.definition, speech_failure.events)
    [replace] = [s for s in run_order(runs) if s.state == "ReplaceRenderHost"]
    # Then ReplaceRenderHost is shown passing RunShow's error on, not failing on its own
    assert replace.came_from == "RunShow"
    assert replace.received is not None and replace.received.error == "SpeechFailed"
    assert replace.passed_on
    page = render_html(speech_failure, runs)
    assert (
        "<strong>SpeechFailed</strong> passed on from RunShow (not a failure of this state): "
        "Polly refused the text: InvalidSsmlException: Invalid SSML request"
    ) in page
    # And the failed run shows the human cause, the stack trace only in the raw cause
    assert "<p>Polly refused the text: InvalidSsmlException: Invalid SSML request</p>" in page
    assert page.index("/var/task/app.py") > page.index("raw cause")
