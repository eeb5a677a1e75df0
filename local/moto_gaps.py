"""Every work-around for the AWS emulator (moto 5.2.5, server mode), in one place.

Each gap is listed in shared/reference/local-emulation.md and has a test in
tests/integration/test_moto_gaps.py that fails if moto's behaviour changes under it.

1. Lambda needs Docker: ``LambdaFunction.invoke`` is replaced by an in-process call of the
   real handler, with the function's own environment (per thread), its own Powertools log
   keys (function name, request and correlation ids: the functions' loggers share one
   formatter in one process) and the Python runtime's error shape, so Retry/Catch match the
   exception's class name.
2. IVS has no stream keys, StopStream, GetStream or PutMetadata, an ingest endpoint that
   resolves nowhere and a playback URL that plays nothing: filled in here, with the endpoint
   pointing at the local ingest and the playback URL at its HLS (``local.playback``, which also
   places PutMetadata's timed metadata on the stream clock). Keys rotate as in IVS: one per
   channel (CreateStreamKey refuses a second), DeleteChannel deletes the channel's keys, and a
   new key keeps the channel's playback URL.
3. RunInstances/TerminateInstances start and stop nothing: hooks let the instance
   supervisor start and stop a real render host process; an instance whose user data powers
   it off is stopped or terminated, as its InstanceInitiatedShutdownBehavior says
   (``power_off``: ``livehost bake`` waits for its instance to stop).
4. CloudFormation ignores DefinitionSubstitutions, and skips some resource types: the
   template is fixed up before deployment (see ``resolve_definition_substitutions``).
5. CloudFormation creates state machines in the plain Step Functions backend, while the API
   (with the interpreter on) reads the interpreter's backend: created there instead.
6. The ``states:startExecution`` integration hands ASL's PascalCase parameters
   (``StateMachineArn``, ``Name``, ``Input``) to boto3, which wants camelCase, and returns
   boto3's camelCase where ASL reads PascalCase (``ExecutionArn``, ``Output``): renamed.
7. SQS -> Lambda event source mappings deliver records with empty ``messageAttributes``:
   no work-around here; LiveHost's messages carry everything in their body (``run`` included).
8. CloudFormation skips ``AWS::CloudWatch::Alarm``, ``AWS::S3::BucketPolicy`` and
   ``AWS::ApiGateway::Account``: they are taken out of the template and created through their
   own APIs once the stack exists (``create_skipped``), references resolved from the stack.
9. DynamoDB's Query on a table's key walks and sorts every item of the table
   (``Table.all_items``) before it keeps the partition asked for: each Query costs the whole
   table, and a room's Queries slow down as its timeline grows (10-30 ms a call in a long
   run, with the GIL held). Answered from the partition alone, the sort key's condition
   tested first (as moto tests it) so that only the items in range are sorted and
   compared: same items, same order.
10. The interpreter makes a boto3 client per task: one per service, shared.
11. The interpreter parses a definition for every execution: parsed once.
12. DynamoDB conditional writes are not atomic across concurrent requests (the condition is
    checked, then the item written, with no lock): every write takes one lock.
13. Lambda environments: every function's every invocation ran one module instance, and
    Powertools' resolver keeps the current request on a class; concurrent API requests read
    one another's. Each invocation now leases an environment of its own (a module loaded
    on its own, as a cold start does) and the resolver's request is the invocation's own;
    the REST API's function runs in environment processes (``local.environments``), behind
    the gateway's own process (``local.gateway_process``).
14. DynamoDB results go through moto's generic serializer (6-20 ms an item, GIL held); an
    item operation's result is already wire JSON and is sent as it is.
15. The interpreter keeps every thread it ever started in a module-level list: it keeps the
    live ones only.
16. CloudFormation keeps a resource whose ``Condition`` is false as a None entry, and
   DescribeStackResource then fails with a 500 for every resource of the stack: resources and
   outputs whose condition is false are taken out of the template before it is deployed
   (``drop_false_conditions``), as CloudFormation leaves them out.
17. Cognito's InitiateAuth does not check the app client's ``ExplicitAuthFlows``: a flow the
   client does not allow still signs in. Nothing to work around; a unit test holds the
   template's console client to the flow the console uses (USER_PASSWORD_AUTH).
18. CloudFormation takes a ``CommaDelimitedList`` parameter's Default as one string, so
   ``Fn::Join`` over it joins its characters (a value passed at deploy is split): every list
   parameter not passed is passed with its Default (``list_parameter_defaults``).
19. A long poll on a FIFO queue spins (holding the interpreter lock) while the messages
    it sees belong to groups in flight, and a deletion wakes nobody: it waits, and wakes on
    a send or a deletion.
20. SQS SendMessage reads every attribute of the queue to check one message, and three of
    them count the queue's messages (each a walk over all of them, reading the clock for
    each): a send costs the queue's length, so a queue with a backlog slows every sender.
    The counts read as 0 while a message is sent (nothing in a send reads them);
    GetQueueAttributes counts as before.
21. The server finds the service of every request by listing moto's package folder on disk
    and matching hundreds of URL patterns, under one lock for all requests: the answer per
    host is kept.
22. Lambda's GetLayerVersion answers ``Content.Location`` with ``s3://`` (nothing to read the
    layer from); AWS answers a presigned URL of the layer's zip: here a presigned URL of the
    layer's object in the emulator's S3 (``install_layer_locations``), from which the render
    host's bootstrap reads its code.
    And CloudFormation's ``Ref`` of a layer version is the Python object (``Fn::Sub`` writes
    its repr), where AWS gives the version's ARN: it is the ARN.
23. AWS's public SSM parameters (``/aws/service/...``, e.g. the current Ubuntu image) do not
    exist in the emulator, so a template parameter typed ``AWS::SSM::Parameter::Value<...>``
    cannot resolve its default: the local cloud puts each such default in before deploying,
    pointing at one of the emulator's images (``put_public_parameters``).
24. The emulator serves no REST API (``local/api_gateway.py`` does, on its own port), so the
    stack's ``ApiUrl`` output names an ``execute-api`` host that resolves nowhere: the output
    names the local gateway once it is up (``set_stack_output``), so a client that reads the
    stack's outputs (``livehost login``, ``livehost smoke``) reaches the API as it would in AWS.
25. IVS has no recording configurations (CreateRecordingConfiguration and its kin are
    unknown actions), and CloudFormation skips ``AWS::IVS::RecordingConfiguration``: they are
    kept here (an id derived from the name, so the template's references to one can be
    resolved before the stack is deployed, and it is created once the bucket it names exists),
    and a channel keeps the ARN it is given. Recording itself is ``local.recorder``'s: it
    writes IVS's layout into the emulated bucket and puts IVS's EventBridge events. Unlike
    IVS, each publish is one recording (no reconnect window).
26. EventBridge rules deliver to CloudWatch Logs, SQS and other buses, and raise
    NotImplementedError for a Lambda target: a Lambda target is invoked (asynchronously, as
    EventBridge does) with the event as EventBridge sends it (``time`` in ISO 8601).
27. EventBridge Scheduler stores schedules but never fires them, and CloudFormation skips
    ``AWS::Scheduler::ScheduleGroup``: the group is made through the Scheduler API before the
    stack (``local.unsupported``), and ``local.scheduler`` fires due schedules' targets.
28. IVS Chat does not exist (every call: 404 "Not yet implemented"): ``local.chat`` stands in
    on loopback, its control plane reached through boto3's per-service endpoint variable
    (``AWS_ENDPOINT_URL_IVSCHAT``) and its messaging WebSocket through the stack's
    ``ChatMessagingEndpoint`` parameter; each message is reviewed by the deployed review
    handler through this emulator's Lambda (gap 1). What of the protocol it covers is in
    ``local/chat.py``'s docstring.
29. DynamoDB TTL and S3 lifecycle expiration delete nothing: an item whose TTL attribute is
    past and an object past its rule's days stay for ever, so a 24/7 room's table and bucket
    only grow. ``local.expiry.ExpirySweeper`` (started by the local cloud) deletes them
    through the public APIs, as the services do. CloudFormation also drops a table's
    ``TimeToLiveSpecification`` and a bucket's ``LifecycleConfiguration``: both are put on
    once the stack exists (``apply_expiry_settings``).
30. Step Functions keeps every closed execution (its history, state and interpreter) for the
    life of the process; AWS keeps them 90 days, outside the account's memory. A 24/7 room
    closes a ShowLoop generation every few hundred segments and an AnswerQuestion per
    question, so the emulator grew without bound (about 6 KB per history event): each state
    machine keeps every running execution and its newest closed ones, up to
    ``KEPT_CLOSED_EXECUTIONS`` of them and ``KEPT_HISTORY_EVENTS`` history events (always
    the newest ``ALWAYS_KEPT``, whatever their size: a generation may hold 9,000 events).
31. A callback task with ``HeartbeatSeconds`` sends its message before it sets up its
    heartbeat, and its wait only looks at the answer after a heartbeat: an answer that comes
    in between (an agent answering at once, as it does for a segment it already played) is
    never seen, and the task fails with a heartbeat timeout. The wait looks at the answer
    first, and after every wait.
32. DescribeStacks lists a ``CommaDelimitedList`` parameter as its Python list's repr
    (``['c7g.large', 'c6g.large']``), where CloudFormation gives the comma-separated text a
    client reads (``livehost bake`` reads the stack's first render host type): joined with
    commas again (``install_list_parameters_as_text``).
33. S3 keeps every object's bytes in the emulator's memory (up to 5 MB an object, then in an
    open temporary file): a room's replays (gap 25) are its stream, so a 24/7 local cloud
    grew by its bitrate, about 100 MB per 1,000 soak segments. Bytes past ``SPILL_BYTES``
    go to a file of their own under the local cloud's folder, opened for each read or write
    and deleted with the object (``install_objects_on_disk``).
34. SQS remembers the receipt handle of every message ever deleted from a queue (so that a
    delete repeated with it is answered): a 24/7 room deletes a command and its events every
    segment, about 1 KB a segment, for ever. A queue remembers the newest
    ``KEPT_DELETED_RECEIPTS`` (``install_recent_deleted_receipts``).
35. SendTaskHeartbeat, SendTaskSuccess and SendTaskFailure look for the token in every
    running execution's callbacks, and an execution whose worker has not yet built its
    environment (one started a moment before) has none to look in: the call fails with a
    500 (``AttributeError``), and the agent's heartbeat is lost. An execution without an
    environment yet holds no token, so the search passes it by
    (``install_callback_search_past_starting_executions``).
36. Every instance of every moto model ever made is appended to its class's
    ``instances_tracked`` list (for the emulator's dashboard and its reset), and never
    dropped: each DynamoDB item put or updated, each copy of an item a Query or Scan answers
    with, each SQS message, each S3 object even once deleted. That was the local
    cloud's growth in a 24/7 room (about 150 KB a segment: the expiry sweeper's Scan copies
    every item of the table every 30 s). A class tracks its live instances only, by weak
    reference (``install_live_model_instances``).
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import datetime
import hashlib
import importlib.util
import json
import logging
import os
import re
import secrets
import sys
import threading
import time
import traceback
import uuid
import weakref
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

MOTO_VERSION = "5.2.5"

# What the installed patches act on. Installing again (a second local cloud in the same
# process) only points them at the new objects: moto's classes are wrapped once.
_current: dict[str, Any] = {}
_installed: set[str] = set()


def _install_once(name: str) -> bool:
    """True the first time ``name`` is installed in this process."""
    if name in _installed:
        return False
    _installed.add(name)
    return True


# ---- 1. Lambda, in process ---------------------------------------------------------------

_invocation_env: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "livehost_invocation_env", default=None
)


class InvocationEnviron(MutableMapping[str, str]):
    """``os.environ`` for a process that runs many Lambda functions on many threads: each
    invocation sees its own function's variables over the process's, and writes stay with it."""

    def __init__(self, base: MutableMapping[str, str]) -> None:
        self.base = base

    def _layer(self) -> dict[str, str] | None:
        return _invocation_env.get()

    def __getitem__(self, key: str) -> str:
        layer = self._layer()
        if layer is not None and key in layer:
            return layer[key]
        return self.base[key]

    def __setitem__(self, key: str, value: str) -> None:
        layer = self._layer()
        if layer is not None:
            layer[key] = value
        else:
            self.base[key] = value

    def __delitem__(self, key: str) -> None:
        layer = self._layer()
        if layer is not None:
            layer.pop(key, None)
        else:
            del self.base[key]

    def __iter__(self) -> Iterator[str]:
        layer = self._layer() or {}
        yield from layer
        yield from (k for k in self.base if k not in layer)

    def __len__(self) -> int:
        return len(set(self.base) | set(self._layer() or {}))

    def copy(self) -> dict[str, str]:
        return dict(self)


@dataclass
class LambdaContext:
    """The parts of the Lambda context object that handlers and Powertools read."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int = 512
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    deadline: float = 0.0
    log_group_name: str = ""
    log_stream_name: str = ""

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.time()) * 1000))


class HandlerRegistry:
    """Where each deployed function's code lives locally, and its execution environments.

    As in Lambda, an environment (here: the handler's module, loaded on its own, its init
    code run once) serves one invocation at a time; a concurrent invocation gets an idle
    environment or a new one, so a handler never sees two invocations at once."""

    def __init__(self, log_path: Path | None = None, *, echo: bool = True) -> None:
        self.log_path = log_path  # the functions' log lines (CloudWatch Logs, in AWS)
        self.echo = echo  # also print them where they went before (False: the file only)
        self.code_dirs: dict[str, Path] = {}  # S3 key of the packaged code -> source folder
        self._idle: dict[tuple[Path, str], list[ModuleType]] = {}
        self._lock = threading.Lock()
        self.invocations: list[tuple[str, float]] = []
        # (function, seconds, memory MB) per finished invocation: Lambda's GB-seconds
        self.billed: list[tuple[str, float, int]] = []

    @contextlib.contextmanager
    def environment(self, code_dir: Path, handler: str) -> Iterator[Callable[[Any, Any], Any]]:
        """The handler of an environment that is this invocation's until it returns."""
        module_name, function_name = handler.rsplit(".", 1)
        key = (code_dir, module_name)
        with self._lock:
            idle = self._idle.setdefault(key, [])
            module = idle.pop() if idle else None
        if module is None:  # a cold start
            module = self._load(code_dir, module_name)
            with self._lock:
                self._keep_logs()
        try:
            yield getattr(module, function_name)
        finally:
            with self._lock:
                idle.append(module)

    @staticmethod
    def _load(code_dir: Path, module_name: str) -> ModuleType:
        path = code_dir / f"{module_name.replace('.', '/')}.py"
        spec = importlib.util.spec_from_file_location(
            f"functions.{code_dir.name}.{module_name}", path
        )
        if spec is None or spec.loader is None:
            raise ImportError(f"no handler module at {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    def _keep_logs(self) -> None:
        """Tee what the functions' loggers print into ``log_path``."""
        if self.log_path is None:
            return
        for logger in logging.Logger.manager.loggerDict.values():
            for handler in getattr(logger, "handlers", []):
                # exactly StreamHandler: what Powertools adds (not a test runner's capture)
                if type(handler) is logging.StreamHandler and not isinstance(handler.stream, _Tee):
                    stream = handler.stream
                    if isinstance(stream, _InvocationStdout):
                        stream = stream.original  # the tee writes the file itself
                    stream = stream if self.echo else None
                    handler.setStream(_Tee(stream, self.log_path))  # type: ignore[arg-type]


class _InvocationStdout:
    """``sys.stdout`` for a process that runs Lambda handlers on its threads: what a handler
    prints during an invocation (Powertools Metrics' EMF lines) goes where Lambda sends it,
    the function log (``lambda.log``, CloudWatch Logs in AWS), echoed only if the registry
    echoes; everything else goes to the real stdout."""

    def __init__(self, original: Any) -> None:
        self.original = original
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        registry: HandlerRegistry | None = _current.get("registry")
        if _invocation_env.get() is None or registry is None or registry.log_path is None:
            return int(self.original.write(text))
        with self._lock, open(registry.log_path, "a", encoding="utf-8") as log:
            log.write(text)
        if registry.echo:
            self.original.write(text)
        return len(text)

    def flush(self) -> None:
        self.original.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.original, name)


class _Tee:
    """A stream that appends to a file and writes to another stream (if any)."""

    def __init__(self, stream: Any, path: Path) -> None:
        self.stream, self.path = stream, path
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock, open(self.path, "a", encoding="utf-8") as log:
            log.write(text)
        if self.stream is None:
            return len(text)
        try:
            return int(self.stream.write(text))
        except ValueError:  # the original stream was closed (a test's capture): keep the file
            return len(text)

    def flush(self) -> None:
        with contextlib.suppress(ValueError, AttributeError):
            self.stream.flush()


def install_lambda_dispatch(registry: HandlerRegistry, base_env: dict[str, str]) -> None:
    """Make moto's Lambda run the real handlers in this process."""
    from moto.awslambda.models import LambdaFunction

    _current["registry"], _current["base_env"] = registry, base_env
    if not _install_once("lambda"):
        return

    if not isinstance(os.environ, InvocationEnviron):
        os.environ = InvocationEnviron(os.environ)  # type: ignore[assignment]  # noqa: B003
    if not isinstance(sys.stdout, _InvocationStdout):
        sys.stdout = _InvocationStdout(sys.stdout)

    log_keys = _own_log_keys()

    def invoke(self: Any, body: str, request_headers: Any, response_headers: Any) -> bytes:
        registry: HandlerRegistry = _current["registry"]
        base_env: dict[str, str] = _current["base_env"]
        code_dir = registry.code_dirs.get(self.code.get("S3Key", ""))
        if code_dir is None:
            raise RuntimeError(f"function {self.function_name} has no local code to run")
        event = json.loads(body) if body else {}
        env = function_env(self, base_env)
        context = LambdaContext(
            function_name=self.function_name,
            invoked_function_arn=self.function_arn,
            memory_limit_in_mb=int(self.memory_size),
            deadline=time.time() + float(self.timeout),
        )
        token = _invocation_env.set(env)
        keys_token = log_keys.set({})  # this invocation's log keys (see _own_log_keys)
        registry.invocations.append((self.function_name, time.time()))
        began = time.perf_counter()
        try:
            with registry.environment(code_dir, self.handler) as handler:
                result = handler(event, context)
            payload = json.dumps(result)
        except Exception as exc:  # the runtime's shape, so ASL Catch matches the class name
            response_headers["x-amz-function-error"] = "Unhandled"
            payload = json.dumps(
                {
                    "errorMessage": str(exc),
                    "errorType": type(exc).__name__,
                    "stackTrace": traceback.format_tb(exc.__traceback__)[-5:],
                }
            )
        finally:
            log_keys.reset(keys_token)
            _invocation_env.reset(token)
            took = time.perf_counter() - began
            registry.billed.append((self.function_name, took, int(self.memory_size)))
        return payload.encode()

    LambdaFunction.invoke = invoke  # type: ignore[method-assign]
    _invocation_router_state()


class _PerInvocation:
    """An attribute whose value belongs to the invocation (the thread) that set it."""

    def __init__(self, name: str) -> None:
        self.var: contextvars.ContextVar[Any] = contextvars.ContextVar(f"livehost_{name}")

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        try:
            return self.var.get()
        except LookupError:
            raise AttributeError("no invocation has set it in this thread") from None

    def __set__(self, obj: Any, value: Any) -> None:
        self.var.set(value)


def _invocation_router_state() -> None:
    """Powertools' REST resolver keeps the event being resolved on a class
    (``BaseRouter.current_event`` and ``lambda_context``): one per process, as a Lambda
    environment is. Every environment here shares one process, so concurrent invocations
    read one another's request (seen: 9% of responses under load carried another request's
    status). Each attribute becomes the invocation's own, on the class (a metaclass
    attribute) and on its instances alike."""
    import abc

    from aws_lambda_powertools.event_handler.api_gateway import BaseRouter

    if type(BaseRouter) is not abc.ABCMeta:
        return  # done already in this process

    class PerInvocationRouter(abc.ABCMeta):
        current_event = _PerInvocation("current_event")
        lambda_context = _PerInvocation("lambda_context")

    for name in ("current_event", "lambda_context"):
        type.__setattr__(BaseRouter, name, PerInvocationRouter.__dict__[name])
    BaseRouter.__class__ = PerInvocationRouter  # type: ignore[method-assign,assignment]


def function_env(function: Any, base_env: dict[str, str]) -> dict[str, str]:
    """The variables an invocation of ``function`` (moto's LambdaFunction) sees, over the
    local cloud's own: the template's, then the ones the Lambda runtime sets."""
    return {
        **base_env,
        # Lambda's variables are strings (a Number parameter's value included)
        **{k: str(v) for k, v in (function.environment_vars or {}).items()},
        "AWS_LAMBDA_FUNCTION_NAME": function.function_name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size),
        "AWS_REGION": function.region,
        "AWS_DEFAULT_REGION": function.region,
        # no X-Ray daemon here: Powertools Tracer's decorators run, sending nothing
        "POWERTOOLS_TRACE_DISABLED": "true",
    }


def function_spec(function_name: str, region: str = "us-east-1") -> Any:
    """What an environment process needs to run a deployed function (local.environments)."""
    from moto.awslambda.models import lambda_backends
    from moto.core import DEFAULT_ACCOUNT_ID

    from local.environments import FunctionSpec

    function = lambda_backends[DEFAULT_ACCOUNT_ID][region].get_function(function_name)
    registry: HandlerRegistry = _current["registry"]
    return FunctionSpec(
        name=function.function_name,
        arn=function.function_arn,
        code_dir=registry.code_dirs[function.code["S3Key"]],
        handler=str(function.handler),
        env=function_env(function, _current["base_env"]),
        memory_mb=int(function.memory_size),
        timeout_s=float(function.timeout),
    )


def _own_log_keys() -> contextvars.ContextVar[dict[str, Any]]:
    """In Lambda each function has a process of its own; here every function's Powertools
    ``Logger`` (one service name: one formatter) is shared, and the keys an invocation
    appends (function name, request id, correlation id, cold start) would land in the log
    lines of whichever function logs next. During an invocation, appended keys go to
    Powertools' per-context keys instead (formatted over the shared ones); the returned
    variable is what ``invoke`` sets afresh for each invocation."""
    from aws_lambda_powertools.logging import formatter

    cls = formatter.LambdaPowertoolsFormatter
    append, remove, current = cls.append_keys, cls.remove_keys, cls.get_current_keys

    def append_keys(self: Any, **keys: Any) -> None:
        if _invocation_env.get() is None:
            append(self, **keys)
        else:
            self.thread_safe_append_keys(**keys)

    def remove_keys(self: Any, keys: Any) -> None:
        keys = list(keys)
        if _invocation_env.get() is not None:
            self.thread_safe_remove_keys(keys)
        remove(self, keys)

    def get_current_keys(self: Any) -> dict[str, Any]:
        if _invocation_env.get() is None:
            return current(self)  # type: ignore[no-any-return]
        return {**current(self), **self.thread_safe_get_current_keys()}

    cls.append_keys = append_keys  # type: ignore[method-assign]
    cls.remove_keys = remove_keys  # type: ignore[method-assign]
    cls.get_current_keys = get_current_keys  # type: ignore[method-assign]
    return formatter.THREAD_LOCAL_KEYS


# ---- 2. IVS -----------------------------------------------------------------------------


@dataclass
class IvsFill:
    """What moto's IVS lacks, kept beside moto's channels."""

    ingest_endpoint: str = "localhost"
    stream_keys: dict[str, dict[str, Any]] = field(default_factory=dict)  # arn -> key
    channel_names: dict[str, str] = field(default_factory=dict)  # channel arn -> name
    keys_made: dict[str, int] = field(default_factory=dict)  # channel arn -> keys made for it
    key_numbers: dict[str, int] = field(default_factory=dict)  # key arn -> its number
    issued: list[str] = field(default_factory=list)  # every key value ever made (for leak scans)
    metadata: list[dict[str, Any]] = field(default_factory=list)
    fail_create_channel: str | None = None  # fault injection: the error message to refuse with
    playback: Any = None  # local.playback.LocalPlayback: playback URLs that play, timed metadata
    recording_configurations: dict[str, dict[str, Any]] = field(default_factory=dict)  # gap 25

    def recording_of(self, channel_arn: str) -> dict[str, Any] | None:
        """The recording configuration a channel records with (gap 25), if any."""
        from moto.ivs.models import ivs_backends

        region, account = channel_arn.split(":")[3:5]
        try:
            channel = ivs_backends[account][region].get_channel(channel_arn)
        except Exception:  # the channel is gone
            return None
        return self.recording_configurations.get(channel.get("recordingConfigurationArn") or "")

    def channel_of(self, stream: str) -> str | None:
        """The channel whose stream the ingest names ``stream`` (``<channel name>-r<n>``)."""
        name = stream.rsplit("-r", 1)[0]
        return next((arn for arn, n in self.channel_names.items() if n == name), None)

    def stream_name(self, key_value: str) -> str | None:
        """The stream a live key publishes (None for an unknown or revoked key): the channel's
        name and the key's number on it (``livehost-<room>-r<n>``: a room's channel gets a
        key a run), so the local ingest's files are named by room and run, never by key."""
        for key in list(self.stream_keys.values()):
            if key["value"] == key_value:
                name = self.channel_names.get(key["channelArn"])
                return f"{name}-r{self.key_numbers[key['arn']]}" if name else None
        return None

    def add_key(self, key: dict[str, Any]) -> str:
        """Keep a key made for a channel, numbered; its stream's name."""
        channel = key["channelArn"]
        self.keys_made[channel] = self.keys_made.get(channel, 0) + 1
        self.stream_keys[key["arn"]] = key
        self.key_numbers[key["arn"]] = self.keys_made[channel]
        self.issued.append(key["value"])
        return self.stream_name(key["value"]) or ""


def install_ivs_fill(fill: IvsFill) -> None:
    from moto.core.responses import BaseResponse
    from moto.ivs import urls
    from moto.ivs.exceptions import ResourceNotFoundException
    from moto.ivs.models import IVSBackend
    from moto.ivs.responses import IVSResponse

    _current["ivs"] = fill
    if not _install_once("ivs"):
        return
    original_create = IVSBackend.create_channel
    original_delete = IVSBackend.delete_channel

    def create_channel(self: IVSBackend, *args: Any, **kwargs: Any) -> Any:
        fill: IvsFill = _current["ivs"]
        if fill.fail_create_channel:
            from moto.core.exceptions import JsonRESTError

            raise JsonRESTError("ServiceQuotaExceededException", fill.fail_create_channel)
        channel, key = original_create(self, *args, **kwargs)
        channel["ingestEndpoint"] = fill.ingest_endpoint
        fill.channel_names[channel["arn"]] = channel["name"]
        stream = fill.add_key(key)
        if fill.playback is not None:  # moto's playbackUrl is a placeholder that plays nothing
            channel_id = channel["arn"].rsplit("/", 1)[-1]
            channel["playbackUrl"] = fill.playback.playback_url(channel_id, stream)
        return channel, key

    def key_or_404(arn: str) -> dict[str, Any]:
        fill: IvsFill = _current["ivs"]
        if arn not in fill.stream_keys:
            raise ResourceNotFoundException(f"Resource: {arn} not found")
        return fill.stream_keys[arn]

    def body(self: BaseResponse) -> dict[str, Any]:
        return json.loads(self.body or "{}")

    def get_stream_key(self: IVSResponse) -> str:
        return json.dumps({"streamKey": key_or_404(body(self)["arn"])})

    def list_stream_keys(self: IVSResponse) -> str:
        fill: IvsFill = _current["ivs"]
        channel_arn = body(self)["channelArn"]
        self.ivs_backend.get_channel(channel_arn)  # 404 for an unknown channel
        keys = [
            {k: v for k, v in key.items() if k != "value"}
            for key in fill.stream_keys.values()
            if key["channelArn"] == channel_arn
        ]
        return json.dumps({"streamKeys": keys})

    def delete_stream_key(self: IVSResponse) -> str:
        fill: IvsFill = _current["ivs"]
        fill.stream_keys.pop(key_or_404(body(self)["arn"])["arn"])
        return "{}"

    def create_stream_key(self: IVSResponse) -> str:
        fill: IvsFill = _current["ivs"]
        request = body(self)
        channel_arn = request["channelArn"]
        self.ivs_backend.get_channel(channel_arn)  # 404 for an unknown channel
        if any(key["channelArn"] == channel_arn for key in fill.stream_keys.values()):
            from moto.core.exceptions import JsonRESTError

            raise JsonRESTError(
                "ServiceQuotaExceededException", "the channel has a stream key already"
            )
        region, account = channel_arn.split(":")[3:5]
        key = {
            "arn": f"arn:aws:ivs:{region}:{account}:stream-key/{secrets.token_hex(6)}",
            "channelArn": channel_arn,
            "tags": request.get("tags") or {},
            "value": f"sk_{region}_{secrets.token_urlsafe(32)}",
        }
        stream = fill.add_key(key)
        if fill.playback is not None:  # the same playback URL now plays the new key's stream
            fill.playback.playback_url(channel_arn.rsplit("/", 1)[-1], stream)
        return json.dumps({"streamKey": key})

    def delete_channel(self: IVSBackend, arn: str) -> None:
        fill: IvsFill = _current["ivs"]
        original_delete(self, arn)
        for key in [k for k in fill.stream_keys.values() if k["channelArn"] == arn]:
            fill.stream_keys.pop(key["arn"])
        if fill.playback is not None:
            fill.playback.forget(arn.rsplit("/", 1)[-1])

    def stop_stream(self: IVSResponse) -> str:
        self.ivs_backend.get_channel(body(self)["channelArn"])
        return "{}"

    def put_metadata(self: IVSResponse) -> str:
        fill: IvsFill = _current["ivs"]
        request = body(self)
        self.ivs_backend.get_channel(request["channelArn"])
        fill.metadata.append({**request, "at": time.time()})
        if fill.playback is not None:
            fill.playback.put_metadata(
                request["channelArn"].rsplit("/", 1)[-1], request["metadata"]
            )
        return "{}"

    def create_recording_configuration(self: IVSResponse) -> str:
        fill: IvsFill = _current["ivs"]
        request = body(self)
        region, account = self.region, self.current_account
        name = request.get("name", "")
        arn = local_recording_configuration_arn(name, region, account)
        fill.recording_configurations[arn] = {
            "arn": arn,
            "name": name,
            "destinationConfiguration": request["destinationConfiguration"],
            "recordingReconnectWindowSeconds": request.get("recordingReconnectWindowSeconds", 0),
            "state": "ACTIVE",
            "tags": request.get("tags") or {},
        }
        return json.dumps({"recordingConfiguration": fill.recording_configurations[arn]})

    def configuration_or_404(arn: str) -> dict[str, Any]:
        fill: IvsFill = _current["ivs"]
        if arn not in fill.recording_configurations:
            raise ResourceNotFoundException(f"Resource: {arn} not found")
        return fill.recording_configurations[arn]

    def get_recording_configuration(self: IVSResponse) -> str:
        return json.dumps({"recordingConfiguration": configuration_or_404(body(self)["arn"])})

    def delete_recording_configuration(self: IVSResponse) -> str:
        fill: IvsFill = _current["ivs"]
        fill.recording_configurations.pop(configuration_or_404(body(self)["arn"])["arn"])
        return "{}"

    IVSBackend.create_channel = create_channel  # type: ignore[method-assign]
    IVSBackend.delete_channel = delete_channel  # type: ignore[method-assign]
    for name, fn in {
        "create_recording_configuration": create_recording_configuration,
        "get_recording_configuration": get_recording_configuration,
        "delete_recording_configuration": delete_recording_configuration,
        "create_stream_key": create_stream_key,
        "get_stream_key": get_stream_key,
        "list_stream_keys": list_stream_keys,
        "delete_stream_key": delete_stream_key,
        "stop_stream": stop_stream,
        "put_metadata": put_metadata,
    }.items():
        setattr(IVSResponse, name, fn)
        action = "".join(part.title() for part in name.split("_"))
        urls.url_paths[f"{{0}}/{action}"] = IVSResponse.dispatch


def local_recording_configuration_arn(
    name: str, region: str = "us-east-1", account: str = "123456789012"
) -> str:
    """The ARN the local IVS gives a recording configuration named ``name`` (gap 25)."""
    digest = hashlib.sha256(name.encode()).hexdigest()[:12]
    return f"arn:aws:ivs:{region}:{account}:recording-configuration/{digest}"


def stand_in_recording_configurations(cfn: dict[str, Any], pseudo: dict[str, str]) -> list[str]:
    """Replace every reference to the template's recording configurations with the ARN the
    local IVS will give each (gap 25), so the stack deploys without them; they are created by
    ``create_skipped`` once their bucket exists. Returns their names."""
    names = {
        name: r["Properties"]["Name"]
        for name, r in cfn["Resources"].items()
        if r["Type"] == "AWS::IVS::RecordingConfiguration"
    }
    arns = {}
    for logical, spec in names.items():
        text = spec["Fn::Sub"] if isinstance(spec, dict) else spec
        for ref, value in pseudo.items():
            text = text.replace("${" + ref + "}", value)
        arns[logical] = local_recording_configuration_arn(text, pseudo["AWS::Region"])

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            if value.get("Fn::GetAtt", [None])[0] in arns or value.get("Ref") in arns:
                return arns[value.get("Ref") or value["Fn::GetAtt"][0]]
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    cfn["Resources"] = {
        name: r if name in arns else walk(r) for name, r in cfn["Resources"].items()
    }
    return list(arns)


# ---- 26. EventBridge rules with a Lambda target ---------------------------------------------


def install_events_to_lambda() -> None:
    from moto.awslambda.models import lambda_backends
    from moto.core.utils import iso_8601_datetime_without_milliseconds, utcfromtimestamp
    from moto.events.models import Rule
    from moto.utilities.arns import parse_arn

    if not _install_once("events-lambda"):
        return
    original = Rule.send_to_targets

    def send_to_targets(self: Rule, original_event: Any, transform_input: bool = True) -> None:
        lambdas = [t for t in self.targets if parse_arn(t["Arn"]).service == "lambda"]
        if lambdas and self.event_pattern.matches_event(original_event):
            event = dict(original_event)
            if isinstance(event.get("time"), int | float | str) and "T" not in str(event["time"]):
                event["time"] = iso_8601_datetime_without_milliseconds(
                    utcfromtimestamp(float(event["time"]))  # type: ignore[arg-type]
                )
            for target in lambdas:
                arn = parse_arn(target["Arn"])
                backend = lambda_backends[arn.account][arn.region]
                threading.Thread(
                    target=backend.invoke,
                    args=(target["Arn"], None, json.dumps(event), {}, {}),
                    name=f"events-{self.name}",
                    daemon=True,
                ).start()
        others = [t for t in self.targets if parse_arn(t["Arn"]).service != "lambda"]
        if others:
            kept, self.targets = self.targets, others
            try:
                original(self, original_event, transform_input)
            finally:
                self.targets = kept

    Rule.send_to_targets = send_to_targets  # type: ignore[method-assign]


# ---- 3. instances -----------------------------------------------------------------------


@dataclass
class InstanceHooks:
    on_run: Callable[[str, str, str], None]  # (instance id, instance type, user data)
    on_terminate: Callable[[str], None]
    unavailable_types: set[str] = field(default_factory=set)  # fault injection: no capacity


def install_instance_hooks(hooks: InstanceHooks) -> None:
    from moto.core.types import Base64EncodedString
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.models.instances import InstanceBackend

    _current["hooks"] = hooks
    if not _install_once("instances"):
        return
    original_run = InstanceBackend.run_instances
    original_terminate = InstanceBackend.terminate_instances

    def run_instances(
        self: Any, image_id: str, count: int, user_data: Any, *args: Any, **kwargs: Any
    ) -> Any:
        hooks: InstanceHooks = _current["hooks"]
        instance_type = kwargs.get("instance_type", "m1.small")
        if instance_type in hooks.unavailable_types:
            raise EC2ClientError(
                "InsufficientInstanceCapacity",
                f"We currently do not have sufficient {instance_type} capacity.",
            )
        reservation = original_run(self, image_id, count, user_data, *args, **kwargs)
        for instance in reservation.instances:
            data = (
                instance.user_data[0]
                if isinstance(instance.user_data, list)
                else instance.user_data
            )
            if data is None:
                text = ""
            elif isinstance(data, Base64EncodedString):
                text = data.decode()
            else:
                text = base64.b64decode(data).decode()
            _current.setdefault("instance_backends", {})[instance.id] = self
            hooks.on_run(instance.id, instance.instance_type, text)
        return reservation

    def terminate_instances(self: Any, instance_ids: list[str]) -> Any:
        result = original_terminate(self, instance_ids)
        for instance, _previous in result:
            _current["hooks"].on_terminate(instance.id)
        return result

    InstanceBackend.run_instances = run_instances  # type: ignore[method-assign]
    InstanceBackend.terminate_instances = terminate_instances  # type: ignore[method-assign]


def power_off(instance_id: str) -> None:
    """The instance's own ``poweroff``: stopped or terminated, as its
    InstanceInitiatedShutdownBehavior says (EC2's behaviour; moto has no guest to power off)."""
    backend = _current.get("instance_backends", {}).get(instance_id)
    if backend is None:
        return
    [instance] = backend.get_multi_instances_by_id([instance_id])
    if instance.instance_initiated_shutdown_behavior == "stop":
        backend.stop_instances([instance_id])
    else:
        backend.terminate_instances([instance_id])


def install_list_parameters_as_text() -> None:
    """Gap 32: DescribeStacks' parameters as CloudFormation writes them (lists comma-joined)."""
    from moto.cloudformation.models import Stack

    if not _install_once("list_parameters_as_text"):
        return
    listed = Stack.parameter_list.fget  # type: ignore[attr-defined]

    def parameter_list(self: Any) -> list[dict[str, Any]]:
        return [
            {**p, "ParameterValue": ",".join(map(str, p["ParameterValue"]))}
            if isinstance(p["ParameterValue"], list)
            else p
            for p in listed(self)
        ]

    Stack.parameter_list = property(parameter_list)  # type: ignore[assignment,method-assign]


# ---- 4. template fix-ups ------------------------------------------------------------------


def resolve_definition_substitutions(resources: dict[str, Any]) -> None:
    """moto's CloudFormation leaves ``${...}`` in a state machine's definition. Resolve
    DefinitionSubstitutions as an ``Fn::Join`` of literal pieces and the substitution values:
    not ``Fn::Sub``, whose emulation (``string.Template``) turns ASL's ``$$.`` into ``$.``."""
    for resource in resources.values():
        if resource.get("Type") != "AWS::StepFunctions::StateMachine":
            continue
        props = resource["Properties"]
        substitutions = props.pop("DefinitionSubstitutions", None)
        if not substitutions:
            continue
        definition = props.pop("DefinitionString", None) or props.pop("Definition")
        if not isinstance(definition, str):
            definition = json.dumps(definition)
        pieces = re.split(r"\$\{([A-Za-z0-9_]+)\}", definition)
        joined: list[Any] = []
        for i, piece in enumerate(pieces):
            if i % 2 == 0:
                joined.append(piece)
            elif piece in substitutions:
                joined.append(substitutions[piece])
            else:
                raise ValueError(
                    f"definition names ${{{piece}}}, which DefinitionSubstitutions lacks"
                )
        props["DefinitionString"] = {"Fn::Join": ["", joined]}


# ---- 5. state machines from CloudFormation ------------------------------------------------


def install_state_machines_in_interpreter() -> None:
    """CloudFormation's state machines go to the backend the interpreter runs."""
    from moto.stepfunctions.models import StateMachine
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    if not _install_once("state_machines"):
        return
    from moto.stepfunctions.utils import cfn_to_api_tags

    def create(
        cls: Any,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        properties = cloudformation_json["Properties"]
        backend = stepfunctions_parser_backends[account_id][region_name]
        return backend.create_state_machine(
            properties.get("StateMachineName", resource_name),
            properties.get("DefinitionString", ""),
            properties.get("RoleArn", ""),
            tags=cfn_to_api_tags(properties.get("Tags", [])),
            sm_type=properties.get("StateMachineType", "STANDARD"),
            loggingConfiguration=_camel(properties.get("LoggingConfiguration")),
        )

    StateMachine.create_from_cloudformation_json = classmethod(create)  # type: ignore[method-assign, assignment]


def _camel(value: Any) -> Any:
    """CloudFormation's PascalCase property tree in the API's camelCase."""
    if isinstance(value, dict):
        return {k[:1].lower() + k[1:]: _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


# ---- 6. states:startExecution parameters ----------------------------------------------------


def install_start_execution_casing() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_sfn as sfn_service,
    )

    if not _install_once("start_execution"):
        return
    service = sfn_service.StateTaskServiceSfn
    original = service._normalise_parameters

    def normalise(
        self: Any,
        parameters: dict,
        boto_service_name: str | None = None,
        service_action_name: str | None = None,
    ) -> None:
        original(self, parameters, boto_service_name, service_action_name)
        if service_action_name is None and self._get_boto_service_action() == "start_execution":
            for key in ("StateMachineArn", "Name", "Input", "TraceHeader"):
                if key in parameters:
                    parameters[key[0].lower() + key[1:]] = parameters.pop(key)

    original_response = service._normalise_response

    def normalise_response(
        self: Any,
        response: Any,
        boto_service_name: str | None = None,
        service_action_name: str | None = None,
    ) -> None:
        original_response(self, response, boto_service_name, service_action_name)
        action = service_action_name or self._get_boto_service_action()
        if action in ("start_execution", "describe_execution") and isinstance(response, dict):
            for key in list(response):
                if key[:1].islower():
                    response[key[0].upper() + key[1:]] = response.pop(key)

    service._normalise_parameters = normalise  # type: ignore[method-assign]
    service._normalise_response = normalise_response  # type: ignore[method-assign]


# ---- 8. alarms ----------------------------------------------------------------------------


SKIPPED_BY_CLOUDFORMATION = (
    "AWS::IVS::RecordingConfiguration",  # gap 25: created once its bucket exists
    "AWS::CloudWatch::Alarm",
    "AWS::S3::BucketPolicy",
    "AWS::ApiGateway::Account",
)


def take_skipped(resources: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Remove the template's resources the emulator's CloudFormation would skip:
    name -> (type, properties)."""
    taken = {
        name: (r["Type"], r.get("Properties", {}))
        for name, r in resources.items()
        if r["Type"] in SKIPPED_BY_CLOUDFORMATION
    }
    for name in taken:
        del resources[name]
    return taken


def create_skipped(
    client: Callable[[str], Any],
    stack_resources: dict[str, str],
    taken: dict[str, tuple[str, dict[str, Any]]],
    account: str = "123456789012",
    pseudo: dict[str, str] | None = None,
) -> list[str]:
    """Create ``taken`` through their APIs (``client(service)``), their Ref/GetAtt/Sub resolved
    from the deployed stack (``stack_resources``: logical id -> physical id). A note each."""

    def attribute(name: str, attr: str) -> str:
        physical = stack_resources[name]
        if attr == "QueueName":
            return physical.rstrip("/").rsplit("/", 1)[-1]
        if attr == "Arn" and not physical.startswith("arn:"):
            # a bucket's physical id is its name, a role's its name
            return (
                f"arn:aws:iam::{account}:role/{physical}"
                if name.endswith("Role")
                else f"arn:aws:s3:::{physical}"
            )
        if attr == "Arn":
            return physical
        raise ValueError(f"{name}.{attr} cannot be resolved by the local cloud")

    def sub(text: str) -> str:
        def piece(match: re.Match[str]) -> str:
            ref = match.group(1)
            if ref == "AWS::Partition":
                return "aws"
            if ref in (pseudo or {}):
                return (pseudo or {})[ref]
            if "." in ref:
                return attribute(*ref.split(".", 1))
            return stack_resources[ref]

        return re.sub(r"\$\{([^}]+)\}", piece, text)

    def resolve(value: Any) -> Any:
        if isinstance(value, dict) and "Ref" in value:
            return (pseudo or {}).get(value["Ref"]) or stack_resources[value["Ref"]]
        if isinstance(value, dict) and "Fn::GetAtt" in value:
            return attribute(*value["Fn::GetAtt"])
        if isinstance(value, dict) and "Fn::Sub" in value:
            return sub(value["Fn::Sub"])
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return value

    notes = []
    for name, (kind, props) in taken.items():
        resolved = resolve(props)
        if kind == "AWS::CloudWatch::Alarm":
            client("cloudwatch").put_metric_alarm(**{"AlarmName": name, **resolved})
            notes.append(f"{name} ({kind}): created through the CloudWatch API")
        elif kind == "AWS::S3::BucketPolicy":
            notes.append(_put_bucket_policy(client("s3"), name, resolved))
        elif kind == "AWS::IVS::RecordingConfiguration":
            client("ivs").create_recording_configuration(
                name=resolved["Name"],
                destinationConfiguration={
                    "s3": {"bucketName": resolved["DestinationConfiguration"]["S3"]["BucketName"]}
                },
                recordingReconnectWindowSeconds=resolved.get("RecordingReconnectWindowSeconds", 0),
            )
            notes.append(f"{name} ({kind}): created through the (local) IVS API (gap 25)")
        else:
            role = resolved["CloudWatchRoleArn"]
            operation = {"op": "replace", "path": "/cloudwatchRoleArn", "value": role}
            client("apigateway").update_account(patchOperations=[operation])
            notes.append(f"{name} ({kind}): the account's CloudWatch role set through apigateway")
    return notes


# ---- 16. resources whose Condition is false ------------------------------------------------


def drop_false_conditions(cfn: dict[str, Any], parameters: dict[str, str]) -> list[str]:
    """Take the resources and outputs whose condition is false out of ``cfn`` (in place);
    returns their names. Conditions may use Fn::Equals/Not/And/Or, Ref to a parameter and
    Condition; any other form raises ValueError rather than guess."""
    values = {
        name: parameters.get(name, spec.get("Default"))
        for name, spec in cfn.get("Parameters", {}).items()
    }
    conditions = cfn.get("Conditions", {})

    def value(spec: Any) -> Any:
        if isinstance(spec, dict) and set(spec) == {"Ref"} and spec["Ref"] in values:
            return values[spec["Ref"]]
        if isinstance(spec, str | int | bool):
            return str(spec)
        raise ValueError(f"cannot evaluate {spec!r} in a condition")

    def holds(spec: Any) -> bool:
        (kind, args), *_ = spec.items()
        match kind:
            case "Fn::Equals":
                return bool(value(args[0]) == value(args[1]))
            case "Fn::Not":
                return not holds(args[0])
            case "Fn::And":
                return all(holds(a) for a in args)
            case "Fn::Or":
                return any(holds(a) for a in args)
            case "Condition":
                return holds(conditions[args])
        raise ValueError(f"cannot evaluate {kind} in a condition")

    dropped = []
    for section in ("Resources", "Outputs"):
        entries = cfn.get(section, {})
        for name in [n for n, e in entries.items() if "Condition" in e]:
            if not holds(conditions[entries[name]["Condition"]]):
                del entries[name]
                dropped.append(name)
    return dropped


def _put_bucket_policy(s3: Any, name: str, resolved: dict[str, Any]) -> str:
    """Put the policy, less its TLS-only statements: the emulator speaks plain HTTP on
    loopback and enforces bucket policies, so they would refuse every request."""
    document = resolved["PolicyDocument"]
    kept = [s for s in document["Statement"] if "aws:SecureTransport" not in json.dumps(s)]
    left_out = len(document["Statement"]) - len(kept)
    bucket = resolved["Bucket"]
    if kept:
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({**document, "Statement": kept}))
    return (
        f"{name} (AWS::S3::BucketPolicy): {len(kept)} statement(s) put on {bucket} through the "
        f"S3 API; {left_out} TLS-only statement(s) left out (the emulator is plain HTTP)"
    )


# ---- 9. DynamoDB Query over one partition ----------------------------------------------

_query_partition = threading.local()  # the (table, hash key) this thread's Query reads


def install_partition_query() -> None:
    from moto.dynamodb.models.table import Table

    if not _install_once("partition_query"):
        return
    original_query, original_all_items = Table.query, Table.all_items

    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = kwargs["index_name"] if "index_name" in kwargs else (args[6:7] or [None])[0]
        on_table = hash_key is not None and index_name is None
        _query_partition.read = (
            (self, hash_key, _sort_key_test(self, args, kwargs)) if on_table else None
        )
        try:
            return original_query(self, hash_key, *args, **kwargs)
        finally:
            _query_partition.read = None

    def all_items(self: Any) -> list[Any]:
        read = getattr(_query_partition, "read", None)
        if read is None or read[0] is not self or not self.range_key_attr:
            return original_all_items(self)  # type: ignore[no-any-return]
        # a copy first (taken whole, under the interpreter's lock): a write on another
        # request's thread may change the partition while the condition is tested
        items, test = list(self.items.get(read[1], {}).values()), read[2]
        if test is not None:  # the sort key condition, applied first (moto applies it again)
            items = [item for item in items if test(item.range_key)]
        return sorted(items, key=lambda item: item.range_key)

    Table.query = query  # type: ignore[method-assign]
    Table.all_items = all_items  # type: ignore[method-assign]


def _sort_key_test(table: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """The Query's condition on the table's sort key, as moto itself tests it (None when
    there is none, or when it names several key attributes)."""
    from moto.dynamodb.comparisons import get_comparison_func

    comparison = kwargs.get("range_comparison", args[0] if args else None)
    values = kwargs.get("range_objs", args[1] if len(args) > 1 else None)
    conditions = kwargs.get("range_key_conditions")
    if not comparison or not values or (conditions and len(conditions) > 1):
        return None
    if conditions and conditions[0][0] != table.range_key_attr:
        return None
    compare = get_comparison_func(comparison)
    if compare is None:
        return None
    wanted = [value.cast_value for value in values]
    return lambda key: key is not None and compare(key.cast_value, *wanted)


# ---- 12. conditional writes are atomic ------------------------------------------------------


def install_atomic_writes() -> None:
    """DynamoDB applies a conditional write atomically; moto checks the condition and then
    writes, with nothing between them to stop another request's thread. One lock around
    every write makes check-and-write one step again (the emulator holds the GIL for the
    whole of a write anyway, so nothing runs slower)."""
    from moto.dynamodb.models import DynamoDBBackend

    if not _install_once("atomic_writes"):
        return
    lock = threading.RLock()

    def atomic(method: Callable[..., Any]) -> Callable[..., Any]:
        def write(self: Any, *args: Any, **kwargs: Any) -> Any:
            with lock:
                return method(self, *args, **kwargs)

        return write

    for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
        setattr(DynamoDBBackend, name, atomic(getattr(DynamoDBBackend, name)))


# ---- 14. DynamoDB item results go out as the JSON they already are --------------------------


def install_plain_dynamodb_results() -> None:
    """moto answers every DynamoDB call through its generic shape-walking serializer, which
    picks each attribute of the result through layers of aliases: 6-20 ms for one item
    (more than the operation itself), with the GIL held. An item operation's result is
    already the wire's JSON (``DynamoResult``: attribute values as ``{"S": ...}``): it is
    sent as it is, keeping only the members of the operation's output (as the serializer
    does), binary values base64 as on the wire. Anything else (errors, table descriptions
    with dates) still goes through the serializer."""
    from moto.dynamodb.responses import DynamoHandler, DynamoResult

    if not _install_once("plain_dynamodb_results"):
        return
    serialized = DynamoHandler.serialized

    def plain(self: Any, action_result: Any) -> Any:
        result = action_result.result
        if not isinstance(action_result, DynamoResult) or not isinstance(result, dict):
            return serialized(self, action_result)
        from moto.core.utils import get_service_model

        operation = get_service_model("dynamodb").operation_model(self._get_action())
        members = operation.output_shape.members if operation.output_shape else {}
        try:
            body = json.dumps({k: v for k, v in result.items() if k in members}, default=_b64)
        except TypeError:
            return serialized(self, action_result)
        headers = {"Content-Type": "application/x-amz-json-1.0", **self.response_headers}
        return 200, headers, body

    DynamoHandler.serialized = plain  # type: ignore[method-assign]


def _b64(value: Any) -> str:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(type(value).__name__)


# ---- 15. the interpreter's list of threads forgets finished ones --------------------------------

_THREAD_LIST_USERS = (  # the interpreter's modules that append every thread they start
    "moto.stepfunctions.parser.utils",
    "moto.stepfunctions.parser.asl.component.program.program",
    "moto.stepfunctions.parser.asl.component.test_state.program.test_state_program",
    "moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration.inline_iteration_component",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_callback",
    "moto.stepfunctions.parser.asl.component.state.exec.state_parallel.branch_worker",
)


class _LiveThreads(list):  # type: ignore[type-arg]
    """A list of threads that drops the finished ones as new ones are added."""

    def append(self, thread: Any) -> None:
        if len(self) >= 64:
            self[:] = [t for t in self if t.is_alive()]
        super().append(thread)


def install_thread_list_pruning() -> None:
    """The interpreter appends every thread it starts (one per execution, per callback wait,
    per parallel branch) to a module-level list and never removes one: each finished
    Thread object (and what it holds) stays for the life of the process, so a 24/7 room
    or a question flood grows the emulator without bound. The list keeps live threads only."""
    import importlib

    if not _install_once("thread_list"):
        return
    live = _LiveThreads()
    for name in _THREAD_LIST_USERS:
        module = importlib.import_module(name)
        live.extend(module.TMP_THREADS)
        module.TMP_THREADS = live  # type: ignore[attr-defined]


# ---- 19. a long poll on a FIFO queue waits instead of spinning ------------------------------


def install_fifo_long_poll() -> None:
    """moto's long-polling ReceiveMessage waits on ``Queue.wait_for_messages``, which returns
    at once while any message is visible. On a FIFO queue whose visible messages all belong
    to groups with a message in flight (a render host working a lane), nothing can be
    delivered, so the receive spins for its whole wait, holding the interpreter lock, and
    it never sees the group freed: it decided which groups are in flight when it began. The
    room's workflows and functions slowed to a crawl while answers were queued, and each
    answer sentence waited a whole poll behind the one before. The long poll is now a loop of
    moto's own immediate receives, sleeping between them until a message is sent or deleted
    (or its second is up, for messages whose visibility times out)."""
    from moto.sqs.models import Queue, SQSBackend

    if not _install_once("fifo_long_poll"):
        return
    receive_message, delete_message = SQSBackend.receive_message, Queue.delete_message

    def long_poll(
        self: Any, queue_name: str, count: int, wait_seconds_timeout: int, *args: Any, **kwargs: Any
    ) -> Any:
        queue = self.get_queue(queue_name)
        deadline = time.time() + (wait_seconds_timeout or 0)
        while True:
            with queue._messages_lock:
                seen = queue._livehost_changes = getattr(queue, "_livehost_changes", 0)
            found = receive_message(self, queue_name, count, 0, *args, **kwargs)
            left = deadline - time.time()
            if found or left <= 0:
                return found
            with queue._messages_lock:  # a send or a deletion since the look wakes it at once
                if queue._livehost_changes == seen:
                    queue._messages_lock.wait(min(left, 1.0))

    def add_message(self: Any, message: Any) -> None:
        add(self, message)
        _changed(self)

    def delete_and_wake(self: Any, receipt_handle: str) -> None:
        delete_message(self, receipt_handle)
        _changed(self)

    def _changed(queue: Any) -> None:
        with queue._messages_lock:
            queue._livehost_changes = getattr(queue, "_livehost_changes", 0) + 1
            queue._messages_lock.notify_all()

    add = Queue.add_message
    SQSBackend.receive_message = long_poll  # type: ignore[method-assign]
    Queue.add_message = add_message  # type: ignore[method-assign]
    Queue.delete_message = delete_and_wake  # type: ignore[method-assign]


# ---- 20. a send does not count the queue ------------------------------------------------------

_sending = threading.local()
_QUEUE_COUNTS = (
    "approximate_number_of_messages",
    "approximate_number_of_messages_delayed",
    "approximate_number_of_messages_not_visible",
)


def install_uncounted_sends() -> None:
    """While a message is sent (validated, deduplicated, handed to an event source mapping),
    the queue's message counts read as 0: nothing in a send uses them, and counting walks
    every message in the queue."""
    from moto.sqs.models import Queue, SQSBackend

    if not _install_once("uncounted_sends"):
        return

    def uncounted(count: Any) -> property:
        def read(queue: Any) -> int:
            return 0 if getattr(_sending, "depth", 0) else count.fget(queue)

        return property(read)

    def sending(send: Callable[..., Any]) -> Callable[..., Any]:
        def send_uncounted(*args: Any, **kwargs: Any) -> Any:
            _sending.depth = getattr(_sending, "depth", 0) + 1
            try:
                return send(*args, **kwargs)
            finally:
                _sending.depth -= 1

        return send_uncounted

    for name in _QUEUE_COUNTS:
        setattr(Queue, name, uncounted(getattr(Queue, name)))
    SQSBackend.send_message = sending(SQSBackend.send_message)  # type: ignore[method-assign]
    SQSBackend.send_message_batch = sending(SQSBackend.send_message_batch)  # type: ignore[method-assign]


# ---- 21. the server finds a host's service once ---------------------------------------------


def install_service_lookup_cache() -> None:
    """``DomainDispatcherApplication.get_backend_for_host`` depends on the host alone (moto's
    modules and URL patterns are fixed once the server runs): each host's answer is kept."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    if not _install_once("service_lookup_cache"):
        return
    find = DomainDispatcherApplication.get_backend_for_host

    def get_backend_for_host(self: Any, host: str | None) -> Any:
        found: dict[str | None, Any] = self.__dict__.setdefault("_livehost_backends", {})
        if host not in found:  # get_application calls this under the dispatcher's lock
            found[host] = find(self, host)
        return found[host]

    DomainDispatcherApplication.get_backend_for_host = get_backend_for_host  # type: ignore[method-assign]


# ---- 10. one boto3 client per service for the interpreter -----------------------------------

_INTERPRETER_CLIENT_USERS = (  # the interpreter's modules that make clients for LiveHost's tasks
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.lambda_eval_utils",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sqs",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sfn",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_dynamodb",
)


def install_shared_interpreter_clients() -> None:
    import importlib

    from moto.stepfunctions.parser.asl.utils import boto_client

    if not _install_once("interpreter_clients"):
        return
    make = boto_client.boto_client_for
    clients: dict[tuple[str, str], Any] = {}
    lock = threading.Lock()

    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        # moto's factory ignores the credentials (every client signs with the same test keys)
        with lock:
            client = clients.get((region, service))
            if client is None:
                client = clients[(region, service)] = make(region=region, service=service)
            return client

    boto_client.boto_client_for = boto_client_for
    for name in _INTERPRETER_CLIENT_USERS:
        importlib.import_module(name).boto_client_for = boto_client_for  # type: ignore[attr-defined]


# ---- 11. each definition parsed once ---------------------------------------------------------


def install_parsed_program_cache() -> None:
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
    from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

    if not _install_once("parsed_programs"):
        return
    programs: dict[str, Any] = {}
    lock = threading.Lock()

    def entrypoint(self: Any) -> Any:
        definition = self._evaluation_details.state_machine_details.definition
        with lock:
            program = programs.get(definition)
            if program is None:
                program = AmazonStateLanguageParser.parse(definition)[0]
                _fix_heap_keys(program, set())
                programs[definition] = program
        return program

    ExecutionWorker._get_evaluation_entrypoint = entrypoint  # type: ignore[method-assign]


def _fix_heap_keys(component: Any, seen: set[int]) -> None:
    """Give every component its heap key now: the key (where an execution keeps, e.g., a
    retrier's attempt count) is made lazily, which races once the program is shared."""
    from moto.stepfunctions.parser.asl.component.eval_component import EvalComponent

    if id(component) in seen:
        return
    seen.add(id(component))
    if isinstance(component, dict):
        children: Any = component.values()
    elif isinstance(component, list | tuple | set | frozenset):
        children = component
    elif type(component).__module__.startswith("moto.") and hasattr(component, "__dict__"):
        if isinstance(component, EvalComponent):
            _ = component.heap_key
        children = vars(component).values()
    else:
        return
    for child in children:
        _fix_heap_keys(child, seen)


# ---- 18. a list parameter's default is split like a passed value ----------------------------


def list_parameter_defaults(cfn: dict[str, Any], parameters: dict[str, str]) -> dict[str, str]:
    """``parameters`` plus the Default of every CommaDelimitedList parameter not in it."""
    defaults = {
        name: str(spec["Default"])
        for name, spec in cfn.get("Parameters", {}).items()
        if spec.get("Type") == "CommaDelimitedList" and "Default" in spec and name not in parameters
    }
    return {**parameters, **defaults}


# ---- 22. a layer version's location is a URL that serves its zip -----------------------------


def install_layer_locations(endpoint: str) -> None:
    """``Content.Location`` of GetLayerVersion: the layer's object in the emulator's S3."""
    from moto.awslambda.models import LayerVersion

    _current["layer_endpoint"] = endpoint
    if not _install_once("layer_locations"):
        return
    original = LayerVersion.get_layer_version

    def get_layer_version(self: Any) -> dict[str, Any]:
        version: dict[str, Any] = original(self)
        bucket, key = self.content.get("S3Bucket"), self.content.get("S3Key")
        if bucket and key:
            version["Content"]["Location"] = _presigner().generate_presigned_url(
                "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=600
            )
        return version

    LayerVersion.get_layer_version = get_layer_version  # type: ignore[method-assign]
    LayerVersion.physical_resource_id = property(lambda self: self.arn)  # type: ignore[attr-defined]


def _presigner() -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=_current["layer_endpoint"],
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


# ---- 23. AWS's public parameters, as the template's defaults name them ----------------------------


def put_public_parameters(cfn: dict[str, Any], image_id: str, region: str) -> list[str]:
    """Put each ``/aws/service/...`` default of an SSM-typed image parameter into the emulator's
    Parameter Store (its API refuses ``/aws/`` names, as AWS does: written to its backend),
    naming ``image_id``; returns what it put in."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ssm.models import Parameter, ssm_backends

    store = ssm_backends[DEFAULT_ACCOUNT_ID][region]._parameters
    put = []
    for name, parameter in cfn.get("Parameters", {}).items():
        default = parameter.get("Default", "")
        typed = parameter.get("Type", "").startswith("AWS::SSM::Parameter::Value<AWS::EC2::Image")
        if typed and default.startswith("/aws/service/") and not store.get(default):
            store[default].append(
                Parameter(  # type: ignore[abstract]
                    account_id=DEFAULT_ACCOUNT_ID,
                    name=default,
                    value=image_id,
                    parameter_type="String",
                    description=None,
                    allowed_pattern=None,
                    keyid=None,
                    last_modified_date=datetime.datetime.now(datetime.UTC),
                    version=1,
                    data_type="aws:ec2:image",
                )
            )
            put.append(f"{name}: public parameter {default} stands for {image_id}")
    return put


# ---- 24. the stack's API URL names the local gateway ------------------------------------------


def set_stack_output(stack_name: str, key: str, value: str, region: str) -> None:
    """Make DescribeStacks answer ``value`` for the stack's output ``key``."""
    from moto.cloudformation.models import cloudformation_backends
    from moto.core import DEFAULT_ACCOUNT_ID

    stacks = cloudformation_backends[DEFAULT_ACCOUNT_ID][region].stacks.values()
    [stack] = [s for s in stacks if s.name == stack_name and s.status != "DELETE_COMPLETE"]
    output = stack.output_map[key]
    if output is None:
        raise KeyError(f"stack {stack_name} has no output {key}")
    output.value = value


# ---- 29. a bucket's lifecycle rules, dropped by CloudFormation ---------------------------------


def apply_expiry_settings(
    client: Callable[[str], Any],
    resources: dict[str, Any],
    physical: dict[str, str],
    parameters: dict[str, str],
) -> list[str]:
    """Put each template table's ``TimeToLiveSpecification`` and each bucket's
    ``LifecycleConfiguration`` on the deployed resource (the emulator's CloudFormation drops
    both), a rule's days given by a parameter (``Ref``) taken from ``parameters``; the
    resources done."""
    done = []
    dynamodb, s3 = client("dynamodb"), client("s3")
    for name, resource in resources.items():
        ttl = (resource.get("Properties") or {}).get("TimeToLiveSpecification")
        if resource.get("Type") == "AWS::DynamoDB::Table" and ttl and physical.get(name):
            dynamodb.update_time_to_live(
                TableName=physical[name],
                TimeToLiveSpecification={
                    "Enabled": bool(ttl.get("Enabled", True)),
                    "AttributeName": ttl["AttributeName"],
                },
            )
            done.append(name)
        rules = (resource.get("Properties") or {}).get("LifecycleConfiguration", {}).get("Rules")
        if resource.get("Type") != "AWS::S3::Bucket" or not rules or not physical.get(name):
            continue
        s3.put_bucket_lifecycle_configuration(
            Bucket=physical[name],
            LifecycleConfiguration={"Rules": [_lifecycle_rule(r, parameters) for r in rules]},
        )
        done.append(name)
    return done


def _lifecycle_rule(rule: dict[str, Any], parameters: dict[str, str]) -> dict[str, Any]:
    """A CloudFormation lifecycle rule in the S3 API's shape."""

    def days(value: Any) -> int:
        return int(parameters[value["Ref"]] if isinstance(value, dict) else value)

    shaped: dict[str, Any] = {
        "ID": rule.get("Id", "rule"),
        "Status": rule.get("Status", "Enabled"),
        "Filter": {"Prefix": rule.get("Prefix", "")},
    }
    if "ExpirationInDays" in rule:
        shaped["Expiration"] = {"Days": days(rule["ExpirationInDays"])}
    if "AbortIncompleteMultipartUpload" in rule:
        after = rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"]
        shaped["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": days(after)}
    return shaped


# ---- 30. closed executions are forgotten past the newest few hundred ---------------------------

KEPT_CLOSED_EXECUTIONS = 200
KEPT_HISTORY_EVENTS = 5_000  # per state machine: about 30 MB of the emulator's memory
ALWAYS_KEPT = 2


def install_closed_execution_pruning() -> None:
    """Each start of an execution forgets its state machine's oldest closed executions
    beyond what ``kept_executions`` keeps (running ones are always kept)."""
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    if not _install_once("closed_executions"):
        return
    start = StepFunctionsParserBackend.start_execution

    def start_execution(self: Any, state_machine_arn: str, *args: Any, **kwargs: Any) -> Any:
        execution = start(self, state_machine_arn, *args, **kwargs)
        for machine in self.state_machines:
            if machine.arn == state_machine_arn:
                machine.executions[:] = kept_executions(machine.executions)
        return execution

    StepFunctionsParserBackend.start_execution = start_execution  # type: ignore[method-assign]


def kept_executions(executions: list[Any]) -> list[Any]:
    """``executions`` without the oldest closed ones: the newest closed ones are kept while
    they number at most ``KEPT_CLOSED_EXECUTIONS`` and hold at most ``KEPT_HISTORY_EVENTS``
    history events together (the newest ``ALWAYS_KEPT`` whatever they hold); in order."""
    closed = sorted(
        (e for e in executions if e.stop_date is not None), key=lambda e: e.stop_date, reverse=True
    )
    kept, events = set(), 0
    for n, execution in enumerate(closed):
        events += _history_events(execution)
        if n >= ALWAYS_KEPT and (n >= KEPT_CLOSED_EXECUTIONS or events > KEPT_HISTORY_EVENTS):
            break
        kept.add(id(execution))
    if len(kept) == len(closed):
        return executions
    return [e for e in executions if e.stop_date is None or id(e) in kept]


def _history_events(execution: Any) -> int:
    worker = getattr(execution, "exec_worker", None)
    manager = getattr(getattr(worker, "env", None), "event_manager", None)
    return len(getattr(manager, "_history_event_list", ()))


# ---- 31. a callback answered before its heartbeat wait began is seen ---------------------------


def install_early_callback_answers() -> None:
    """The heartbeat wait of a callback task checks for the answer before each wait and
    after it, so an answer that arrived before the wait began completes the task."""
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_callback as callback_task,
    )
    from moto.stepfunctions.parser.asl.eval.callback.callback import HeartbeatTimedOut

    if not _install_once("early_callback_answers"):
        return

    def wait(self: Any, env: Any, callback_endpoint: Any, heartbeat_endpoint: Any) -> Any:
        outcome = callback_endpoint.get_outcome()
        while env.is_running() and outcome is None:
            received = heartbeat_endpoint.clear_and_wait()
            outcome = callback_endpoint.get_outcome()
            if outcome is None and not received and env.is_running():
                outcome = HeartbeatTimedOut()
        return outcome

    callback_task.StateTaskServiceCallback._wait_for_task_token_heartbeat = wait  # type: ignore[method-assign]


# ---- 33. an object's bytes on disk -----------------------------------------------------------

SPILL_BYTES = 256 * 1024  # objects larger than this keep their bytes in a file


class ObjectBytes:
    """The part of a file moto uses for an object's bytes (seek, read, write, truncate,
    close): in memory while small, past ``SPILL_BYTES`` in a file of its own under
    ``folder``, with no descriptor held between calls."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._memory = bytearray()
        self._path: Path | None = None
        self._position = 0
        self.closed = False

    def seek(self, position: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._position}.get(whence)
        self._position = (self._size() if base is None else base) + position  # 2: from the end
        return self._position

    def tell(self) -> int:
        return self._position

    def read(self, size: int = -1) -> bytes:
        if self.closed:
            raise ValueError("the object's bytes are gone (it was deleted)")
        if self._path is None:
            end = len(self._memory) if size < 0 else self._position + size
            data = bytes(self._memory[self._position : end])
        else:
            with self._path.open("rb") as file:
                file.seek(self._position)
                data = file.read(size)
        self._position += len(data)
        return data

    def write(self, data: bytes) -> int:
        if self.closed:
            raise ValueError("the object's bytes are gone (it was deleted)")
        if self._path is None and self._position + len(data) > SPILL_BYTES:
            self._folder.mkdir(parents=True, exist_ok=True)
            self._path = self._folder / uuid.uuid4().hex
            self._path.write_bytes(bytes(self._memory))
            self._memory = bytearray()
        if self._path is None:
            self._memory[self._position : self._position + len(data)] = data
        else:
            with self._path.open("r+b") as file:
                file.seek(self._position)
                file.write(data)
        self._position += len(data)
        return len(data)

    def truncate(self, size: int | None = None) -> int:
        size = self._position if size is None else size
        if self._path is None:
            del self._memory[size:]
        else:
            with self._path.open("r+b") as file:
                file.truncate(size)
        return size

    def close(self) -> None:
        if self._path is not None:
            self._path.unlink(missing_ok=True)
        self._memory = bytearray()
        self.closed = True

    def _size(self) -> int:
        return len(self._memory) if self._path is None else self._path.stat().st_size


def install_objects_on_disk(folder: Path) -> None:
    """Every object made from now on keeps its bytes in an ``ObjectBytes`` under ``folder``."""
    import tempfile as real_tempfile
    from types import SimpleNamespace

    import moto.s3.models as s3_models

    _current["object_folder"] = folder
    if not _install_once("objects_on_disk"):
        return

    def spooled(*args: Any, **kwargs: Any) -> ObjectBytes:
        return ObjectBytes(_current["object_folder"])

    s3_models.tempfile = SimpleNamespace(  # type: ignore[assignment]
        **{**vars(real_tempfile), "SpooledTemporaryFile": spooled}
    )


# ---- 34. a queue remembers the receipts of its newest deleted messages ------------------------

KEPT_DELETED_RECEIPTS = 10_000


class RecentReceipts:
    """What a queue does with the receipt handles of deleted messages (``in`` and
    ``update``), remembering the newest ``kept`` only."""

    def __init__(self, kept: int) -> None:
        self._kept = kept
        self._handles: dict[str, None] = {}  # in the order they came

    def __contains__(self, handle: object) -> bool:
        return handle in self._handles

    def __len__(self) -> int:
        return len(self._handles)

    def update(self, handles: Any) -> None:
        for handle in handles:
            self._handles[handle] = None
        while len(self._handles) > self._kept:
            del self._handles[next(iter(self._handles))]


def install_recent_deleted_receipts() -> None:
    """Every queue made from now on keeps a ``RecentReceipts`` of ``KEPT_DELETED_RECEIPTS``."""
    from moto.sqs.models import Queue

    if not _install_once("recent_deleted_receipts"):
        return
    made = Queue.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        made(self, *args, **kwargs)
        self.deleted_messages = RecentReceipts(KEPT_DELETED_RECEIPTS)

    Queue.__init__ = init  # type: ignore[method-assign]


# ---- 35. a task-token call passes by an execution that is still starting ------------------------


def install_callback_search_past_starting_executions() -> None:
    """The executions a task-token call (or a map run lookup) searches are those whose
    interpreter has built its environment: one that has not holds no token yet."""
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    if not _install_once("callback_search_past_starting_executions"):
        return
    listed = StepFunctionsParserBackend._get_executions

    def get_executions(self: Any, execution_status: Any = None) -> list[Any]:
        return [
            execution
            for execution in listed(self, execution_status)
            if getattr(getattr(execution, "exec_worker", None), "env", None) is not None
        ]

    StepFunctionsParserBackend._get_executions = get_executions  # type: ignore[method-assign]


# ---- 36. a model class tracks its live instances only ---------------------------------------


class LiveInstances:
    """What a moto model class's ``instances_tracked`` is used as (``append``, iteration,
    ``len``), holding its instances by weak reference: an instance nothing else holds goes.
    An instance that cannot be weakly referenced is held, as moto holds every one."""

    def __init__(self, instances: Any = ()) -> None:
        self._live: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()
        self._held: list[Any] = []
        for instance in instances:
            self.append(instance)

    def append(self, instance: Any) -> None:
        try:
            self._live[id(instance)] = instance
        except TypeError:
            self._held.append(instance)

    def _instances(self) -> list[Any]:
        while True:
            try:
                return list(self._live.values()) + self._held
            except RuntimeError:  # an instance went while they were read: read again
                continue

    def __iter__(self) -> Iterator[Any]:
        return iter(self._instances())

    def __len__(self) -> int:
        return len(self._instances())


def install_live_model_instances() -> None:
    """Each model instance made from now on is tracked in its class's ``LiveInstances``
    (what the class tracked before is carried over into it)."""
    from moto.core.common_models import BaseModel

    if not _install_once("live_model_instances"):
        return

    def new(cls: Any, *args: Any, **kwargs: Any) -> Any:
        instance = super(BaseModel, cls).__new__(cls)
        tracked = cls.__dict__.get("instances_tracked")
        if not isinstance(tracked, LiveInstances):
            tracked = LiveInstances(tracked or ())
            cls.instances_tracked = tracked
        tracked.append(instance)
        return instance

    BaseModel.__new__ = new  # type: ignore[method-assign,assignment]
