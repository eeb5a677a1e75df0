"""``livehost login``, ``token`` and ``smoke`` against the local cloud, the way a user runs them
after ``sam deploy``: the stack is found by name (DescribeStacks: API URL, user pool client,
viewer key), the operator made as the README says signs in through Cognito, and the smoke run
takes one room from creation to deletion through the API."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest
from pool_tokens import claims_of
from roomdriver import Rooms

from local.cli import main
from local.cloud import LocalCloud

pytestmark = pytest.mark.integration

TEMPORARY = "Temporary-Pass-123"
CHOSEN = "Chosen-Pass-4567"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LIVEHOST_HOME", str(tmp_path))
    return tmp_path


def make_operator(cloud: LocalCloud, email: str) -> None:
    """As the README's deploy section does it: a user with a temporary password, in the
    stack's operators group."""
    idp = cloud.client("cognito-idp")
    pool = cloud.outputs["UserPoolId"]
    idp.admin_create_user(
        UserPoolId=pool,
        Username=email,
        TemporaryPassword=TEMPORARY,
        UserAttributes=[{"Name": "email", "Value": email}],
        MessageAction="SUPPRESS",
    )
    idp.admin_add_user_to_group(UserPoolId=pool, Username=email, GroupName="operators")


def test_an_operator_signs_in_to_the_stack_by_name_and_keeps_the_session(
    cloud: LocalCloud,
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given an operator made with a temporary password
    make_operator(cloud, "ops@example.com")
    monkeypatch.setenv("LIVEHOST_PASSWORD", TEMPORARY)
    login = ["login", "--stack", "livehost", "--username", "ops@example.com"]

    # When they sign in without choosing a new password
    assert main(login) == 2
    # Then they are told how
    assert "pass --new-password" in capsys.readouterr().err

    # When they sign in choosing one
    monkeypatch.setenv("LIVEHOST_NEW_PASSWORD", CHOSEN)
    assert main([*login, "--new-password"]) == 0
    # Then the session is kept, for the user alone, with the stack's API from its outputs
    out = capsys.readouterr().out
    assert out.startswith("signed in to stack livehost (us-east-1) as ops@example.com")
    path = home / "sessions" / "livehost@us-east-1.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    saved = json.loads(path.read_text())
    assert saved["api_url"] == cloud.outputs["ApiUrl"]
    assert cloud.outputs["ApiUrl"] == f"{cloud.api.url}/v1"
    # And `livehost token` prints an ID token of the operators' group, for the stack's client
    assert main(["token", "--stack", "livehost"]) == 0
    token = capsys.readouterr().out.strip()
    claims = claims_of(token)
    assert (claims["aud"], claims["token_use"], claims["email"]) == (
        cloud.outputs["UserPoolClientId"],
        "id",
        "ops@example.com",
    )
    assert "operators" in claims["cognito:groups"]

    # When the token has expired
    path.write_text(json.dumps(saved | {"expires_at": 0}))
    assert main(["token", "--stack", "livehost"]) == 0
    capsys.readouterr()
    # Then it was refreshed with the refresh token, and the session says until when
    assert json.loads(path.read_text())["expires_at"] > 0

    # And the chosen password signs in from now on; a wrong one is refused by name
    monkeypatch.setenv("LIVEHOST_PASSWORD", CHOSEN)
    assert main(login) == 0
    monkeypatch.setenv("LIVEHOST_PASSWORD", "Wrong-Pass-000")
    assert main(login) == 2
    assert "ops@example.com cannot sign in" in capsys.readouterr().err


def test_a_stack_that_is_not_there_is_named(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["login", "--stack", "not-deployed", "--username", "x@example.com"]) == 2
    assert "no stack 'not-deployed' in us-east-1: deploy it" in capsys.readouterr().err
    assert main(["smoke", "--stack", "livehost"]) == 2  # nobody signed in
    assert "not signed in to stack 'livehost': run livehost login" in capsys.readouterr().err


def test_smoke_runs_a_room_through_the_stack_and_leaves_nothing(
    cloud: LocalCloud,
    rooms: Rooms,
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given a signed-in operator
    make_operator(cloud, "smoke@example.com")
    monkeypatch.setenv("LIVEHOST_PASSWORD", TEMPORARY)
    monkeypatch.setenv("LIVEHOST_NEW_PASSWORD", CHOSEN)
    assert (
        main(["login", "--stack", "livehost", "--username", "smoke@example.com", "--new-password"])
        == 0
    )
    capsys.readouterr()

    # When the smoke command runs against the stack
    assert main(["smoke", "--stack", "livehost", "--live-timeout", "120"]) == 0, capsys.readouterr()

    # Then every step passed, each with its time, in order
    out = capsys.readouterr().out
    passed = re.findall(r"^\[ *[\d.]+ s\] (.+): ok \([\d.]+ s\)$", out, re.M)
    assert passed == [
        "viewer API key",
        "create room",
        "save script",
        "start",
        "wait for LIVE",
        "playback serves HLS",
        "ask a question",
        "stop",
        "wait for ENDED",
        "delete room",
        "nothing left",
    ]
    assert re.search(r"smoke passed in [\d.]+ s$", out.strip())
    # And nothing of the room is left anywhere
    assert rooms.leaks() == {"instances": 0, "channels": 0, "queues": 0, "processes": 0}
