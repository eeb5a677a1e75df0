"""The local Lambda environments (``local.environments``): a pool stopped while an invocation
is in flight fails that invocation plainly and starts nothing new."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from local.environments import EnvironmentPool, FunctionSpec

HANDLER = """
import time


def lambda_handler(event, context):
    time.sleep(event["sleep"])
    return {"slept": event["sleep"]}
"""


@pytest.fixture
def pool(tmp_path: Path) -> EnvironmentPool:
    (tmp_path / "app.py").write_text(HANDLER)
    spec = FunctionSpec(
        name="sleeper",
        arn="arn:aws:lambda:us-east-1:123456789012:function:sleeper",
        code_dir=tmp_path,
        handler="app.lambda_handler",
        env={},
    )
    return EnvironmentPool(spec, tmp_path / "lambda.log", max_environments=2)


def test_an_invocation_returns_the_handlers_result(pool: EnvironmentPool) -> None:
    # Given a pool / When a function is invoked / Then its result comes back as Invoke's payload
    try:
        assert pool.invoke("sleeper", '{"sleep": 0}') == (b'{"slept": 0}', False)
    finally:
        pool.stop()


def test_a_pool_stopped_mid_invocation_fails_it_plainly_and_starts_nothing_new(
    pool: EnvironmentPool,
) -> None:
    # Given an invocation in flight
    failures: list[BaseException] = []

    def invoke() -> None:
        try:
            pool.invoke("sleeper", '{"sleep": 60}')
        except BaseException as exc:  # what it raised is the assertion
            failures.append(exc)

    caller = threading.Thread(target=invoke)
    caller.start()
    while pool.started == 0:
        time.sleep(0.01)
    time.sleep(0.3)
    # When the pool stops
    pool.stop()
    caller.join(timeout=30)
    # Then the invocation failed with the environment's exit, and a new one is refused
    assert [type(f) for f in failures] == [RuntimeError], failures
    assert "exited" in str(failures[0])
    with pytest.raises(RuntimeError, match="stopped"):
        pool.invoke("sleeper", '{"sleep": 0}')
    assert pool.started == 1
