"""The local Lambda environments (``local.environments``): a pool stopped while an invocation
is in flight fails that invocation plainly and starts nothing new; a busy pool grows without
making an invocation wait out a cold start; a handler that does not load fails plainly."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from local.environments import EnvironmentPool, FunctionSpec

HANDLER = """
import os
import time

time.sleep(float(os.environ.get("LOAD_S", "0")))  # the cold start's import


def lambda_handler(event, context):
    time.sleep(event["sleep"])
    return {"slept": event["sleep"]}
"""


def sleepers(code_dir: Path, source: str = HANDLER, load_s: float = 0) -> EnvironmentPool:
    (code_dir / "app.py").write_text(source)
    spec = FunctionSpec(
        name="sleeper",
        arn="arn:aws:lambda:us-east-1:123456789012:function:sleeper",
        code_dir=code_dir,
        handler="app.lambda_handler",
        env={"LOAD_S": str(load_s)},
    )
    return EnvironmentPool(spec, code_dir / "lambda.log", max_environments=2)


@pytest.fixture
def pool(tmp_path: Path) -> EnvironmentPool:
    return sleepers(tmp_path)


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


def test_a_busy_pool_grows_but_an_invocation_takes_the_first_environment_free(
    tmp_path: Path,
) -> None:
    # Given a pool of at most two whose handler takes a second to load, one environment warm
    pool = sleepers(tmp_path, load_s=1.0)
    try:
        assert pool.invoke("sleeper", '{"sleep": 0}') == (b'{"slept": 0}', False)
        # When an invocation of 0.3 s holds it and another comes
        holder = threading.Thread(target=pool.invoke, args=("sleeper", '{"sleep": 0.3}'))
        holder.start()
        time.sleep(0.05)
        asked = time.monotonic()
        answer = pool.invoke("sleeper", '{"sleep": 0}')
        waited = time.monotonic() - asked
        holder.join()
        # Then a second environment started, yet the invocation took the first one once free
        assert answer == (b'{"slept": 0}', False)
        assert 0.2 < waited < 0.8
        assert (pool.started, pool.used) == (2, 1)
    finally:
        pool.stop()


def test_a_handler_that_does_not_load_fails_the_invocation_plainly(tmp_path: Path) -> None:
    # Given a handler whose module raises as it is imported
    pool = sleepers(tmp_path, source="raise ImportError('no such module: pydantic')\n")
    try:
        # When invoked / Then the invocation fails, saying the environment exited loading
        with pytest.raises(RuntimeError, match="exited while loading"):
            pool.invoke("sleeper", '{"sleep": 0}')
    finally:
        pool.stop()
