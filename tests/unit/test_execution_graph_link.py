"""Where the console links a run's execution graph: the room keeps its run's execution ARN
(BeginRun stores it), the site's config says where graphs are (the Step Functions console in
AWS), and the local site draws one at /executions/<arn>."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from livehost_table import create_livehost_table
from moto import mock_aws

from livehost.lifecycle import begin_run
from livehost.models import Room, Script, Segment
from livehost.store import RoomStore
from local.website import LOCAL_EXECUTION_GRAPH, StaticSite, site_config

ARN = "arn:aws:states:eu-west-1:123456789012:execution:RoomLifecycle:show-20261205t070000000-1"


@pytest.fixture
def store() -> Iterator[RoomStore]:
    with mock_aws():
        table = create_livehost_table(boto3.resource("dynamodb", region_name="us-east-1"))
        store = RoomStore(table)
        store.create_room(Room(room_id="show", name="Show"))
        store.put_script("show", Script(segments=[Segment(segment_id="s1", text="Hi.")]))
        yield store


def test_a_run_keeps_its_execution_arn_on_the_room(store: RoomStore) -> None:
    # When BeginRun claims a run for the execution ARN
    begin_run(store, "show", "show-20261205t070000000-1", execution_arn=ARN)
    # Then the room names that execution
    assert store.get_room("show").execution_arn == ARN


def test_a_run_without_an_arn_forgets_the_last_runs(store: RoomStore) -> None:
    # Given a room whose first run was claimed with its ARN and has ended
    store.begin_run("show", execution_arn=ARN)
    store.update_room("show", phase="ENDED")
    # When the next run is claimed without one
    room = store.begin_run("show")
    # Then the room links no execution rather than the last run's
    assert (room.run, room.execution_arn) == (2, None)


def test_the_config_points_at_the_step_functions_console_unless_told() -> None:
    # Given the config a deployment gets, and the local one
    aws = site_config(region="eu-west-1", user_pool_id="p", client_id="c", viewer_api_key="k")
    local = site_config(
        region="us-east-1",
        user_pool_id="p",
        client_id="c",
        viewer_api_key="k",
        execution_graph=LOCAL_EXECUTION_GRAPH,
    )
    # Then each says where a run's graph is, as a template of the region and the ARN
    assert aws["executionGraphUrl"] == (
        "https://{region}.console.aws.amazon.com/states/home?region={region}"
        "#/v2/executions/details/{executionArn}"
    )
    assert local["executionGraphUrl"] == "/executions/{executionArn}"


def test_the_local_site_draws_an_execution_and_names_one_it_cannot(tmp_path: Path) -> None:
    # Given a site that draws executions (here: a page naming the ARN; refusing others)
    def draw(arn: str) -> str:
        if arn != ARN:
            raise ValueError(f"no execution {arn}")
        return f"<h1>{arn}</h1>"

    site = StaticSite({"apiBase": "/v1"}, tmp_path, executions=draw)
    # When the link's path is asked for, as the browser sends it, and an unknown one
    drawn = site.get(f"/executions/{ARN.replace(':', '%3A')}")
    unknown = site.get("/executions/arn:aws:states:eu-west-1:1:execution:X:y")
    # Then the page, as HTML; and 404 saying why
    assert drawn == (
        200,
        {"Content-Type": "text/html", "Cache-Control": "no-cache"},
        f"<h1>{ARN}</h1>".encode(),
    )
    assert unknown[0::2] == (404, b"no execution arn:aws:states:eu-west-1:1:execution:X:y\n")
    # And a site that draws none leaves the path to the API (as CloudFront would)
    assert StaticSite({}, tmp_path).get(f"/executions/{ARN}") is None
    assert json.loads(site.get("/config.json")[2]) == {"apiBase": "/v1"}
