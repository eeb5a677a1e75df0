"""Faults the local cloud injects by configuration (``LocalCloudConfig.hop_delay_s``), to
measure LiveHost under production-like orchestration timings: latency added to each
orchestration hop, that is each Lambda invocation, each Step Functions state entered and each
SQS message sent. Zero (the default) adds nothing. Production code is untouched: the delays
sit in the emulator's request handling."""

from __future__ import annotations

import time
from typing import Any

_delay = {"s": 0.0}
_installed: list[bool] = []


def hop_delay_s() -> float:
    return _delay["s"]


def install_hop_delay(seconds: float) -> None:
    """Add ``seconds`` to every Lambda invocation, state entered and SQS send of this process's
    emulator (installed once; a later call only changes the delay)."""
    _delay["s"] = max(0.0, seconds)
    if _installed or seconds <= 0:
        return
    _installed.append(True)
    from moto.awslambda.models import LambdaFunction
    from moto.sqs.models import SQSBackend
    from moto.stepfunctions.parser.asl.component.state.state import CommonStateField

    def delayed(method: Any) -> Any:
        def hop(*args: Any, **kwargs: Any) -> Any:
            if _delay["s"]:
                time.sleep(_delay["s"])
            return method(*args, **kwargs)

        return hop

    LambdaFunction.invoke = delayed(LambdaFunction.invoke)  # type: ignore[method-assign]
    SQSBackend.send_message = delayed(SQSBackend.send_message)  # type: ignore[method-assign]
    CommonStateField._eval_body = delayed(CommonStateField._eval_body)  # type: ignore[method-assign]
