"""The local cloud: the AWS emulator on loopback with the real template deployed into it,
the real handlers behind its Lambda, a real ingest, and real render host processes.

Usable in-process (tests: ``with LocalCloud(config) as cloud``) or as a background service
(``livehost local up``)."""

from __future__ import annotations

import gc
import json
import logging
import os
import socket
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from local import faults, moto_gaps
from local.chat import LocalChat
from local.deploy import deploy_stack, package, to_cloudformation
from local.expiry import ExpirySweeper
from local.gateway_process import GatewayProcess
from local.playback import LocalPlayback
from local.scheduler import LocalScheduler
from local.supervisor import InstanceSupervisor
from local.unsupported import handle_unsupported

log = logging.getLogger("livehost.local")

REPO_ROOT = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
EMULATOR_IMAGE = "ami-12c6146b"  # one of the emulator's own images: the stock image's stand-in
LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


class PortBusy(Exception):
    """A port the local cloud needs is taken."""


@dataclass
class LocalCloudConfig:
    workdir: Path
    root: Path = REPO_ROOT
    port: int = 0  # 0: any free loopback port
    stack_name: str = "livehost"
    with_ingest: bool = True
    parameters: dict[str, str] = field(
        default_factory=lambda: {
            "SpeechEngine": "espeak",
            "AnswerEngine": "local",
            # the local gateway serves web/ as CloudFront does (local.website)
            "WebHosting": "false",
        }
    )
    agent_env: dict[str, str] = field(default_factory=dict)
    echo_function_logs: bool = True  # False: the functions' log lines go to lambda.log only
    chat_review_budget_s: float = 0.2  # IVS Chat's wait for the review handler (local.chat)
    # latency added to each orchestration hop (Lambda, Step Functions state, SQS send), to
    # measure under production-like timings (local.faults); 0: none
    hop_delay_s: float = 0.0
    expiry_sweep_s: float = 30.0  # how often expired items and objects go (local.expiry)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_free(port: int, what: str) -> None:
    """PortBusy if something listens on ``port`` (connections in TIME_WAIT do not count: the
    server binds with SO_REUSEADDR too)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError as exc:
            raise PortBusy(
                f"port {port} ({what}) is in use: stop what holds it or pick another port"
            ) from exc


class LocalCloud:
    """One machine's whole LiveHost: emulator, stack, ingest, render hosts."""

    def __init__(self, config: LocalCloudConfig) -> None:
        self.config = config
        self.port = config.port or free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.registry = moto_gaps.HandlerRegistry(
            config.workdir / "lambda.log", echo=config.echo_function_logs
        )
        self.ivs = moto_gaps.IvsFill()
        self.supervisor: InstanceSupervisor | None = None
        self.hooks: moto_gaps.InstanceHooks | None = None
        self.ingest: Any = None
        self.recorder: Any = None  # local.recorder.LocalRecorder: IVS's auto-record to S3
        self.scheduler: Any = None  # local.scheduler.LocalScheduler: fires due schedules
        self.playback: LocalPlayback | None = None
        self.outputs: dict[str, str] = {}
        self.api: Any = None  # local.gateway_process.GatewayProcess once started
        self.chat: LocalChat | None = None
        self.expiry: ExpirySweeper | None = None
        self.notes: list[str] = []  # what the deployment created or substituted by hand
        self._server: Any = None

    # ---- lifecycle ------------------------------------------------------------------------

    def start(self) -> LocalCloud:
        ensure_free(self.port, "AWS emulator")
        self.config.workdir.mkdir(parents=True, exist_ok=True)
        try:
            self._start()
        except BaseException:
            self.stop()  # nothing half-started stays behind
            raise
        self._write_state()
        return self

    def _start(self) -> None:
        from moto.server import ThreadedMotoServer

        # IVS Chat first: its endpoints are configuration of the stack and of every client
        self.chat = LocalChat(
            lambda_endpoint=self.endpoint,
            region=REGION,
            review_timeout_s=self.config.chat_review_budget_s,
        ).start()
        self.config.parameters["ChatMessagingEndpoint"] = self.chat.messaging_url
        env = self.client_env()
        os.environ.update(env)
        moto_gaps.install_lambda_dispatch(self.registry, {**env, "MOTO_PORT": str(self.port)})
        moto_gaps.install_ivs_fill(self.ivs)
        moto_gaps.install_state_machines_in_interpreter()
        moto_gaps.install_start_execution_casing()
        moto_gaps.install_partition_query()
        moto_gaps.install_atomic_writes()
        moto_gaps.install_plain_dynamodb_results()
        moto_gaps.install_thread_list_pruning()
        moto_gaps.install_closed_execution_pruning()
        moto_gaps.install_early_callback_answers()
        moto_gaps.install_callback_search_past_starting_executions()
        moto_gaps.install_objects_on_disk(self.config.workdir / "objects")
        moto_gaps.install_recent_deleted_receipts()
        moto_gaps.install_live_model_instances()
        moto_gaps.install_fifo_long_poll()
        moto_gaps.install_uncounted_sends()
        moto_gaps.install_service_lookup_cache()
        moto_gaps.install_shared_interpreter_clients()
        moto_gaps.install_parsed_program_cache()
        moto_gaps.install_layer_locations(self.endpoint)
        moto_gaps.install_events_to_lambda()
        faults.install_hop_delay(self.config.hop_delay_s)
        moto_gaps.install_list_parameters_as_text()
        agent_env = {**env, **self.config.agent_env}
        if self.config.with_ingest:
            from local.ingest import LocalIngest
            from local.recorder import LocalRecorder

            self.recorder = LocalRecorder(self.ivs, self.client("s3"), self.client("events"))
            self.ingest = LocalIngest(
                self.config.workdir / "ingest",
                stream_names=self.ivs.stream_name,
                on_published=self.recorder.published,
                on_recorded=self.recorder.recorded,
            )
            self.ingest.start()
            self.ivs.ingest_endpoint = "localhost"
            self.playback = LocalPlayback(
                self.ingest.workdir / "hls", self.ingest.stream_time_ms
            ).start()
            self.ivs.playback = self.playback
            agent_env |= {
                "LIVEHOST_INGEST_PORT": str(self.ingest.ports["rtmps"]),
                "LIVEHOST_INGEST_CA_FILE": str(self.ingest.ca_file),
            }
        self.supervisor = InstanceSupervisor(
            self.config.workdir, agent_env, on_power_off=moto_gaps.power_off
        )
        self.hooks = moto_gaps.InstanceHooks(self.supervisor.on_run, self.supervisor.on_terminate)
        moto_gaps.install_instance_hooks(self.hooks)
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()
        self._configure_emulator()
        self.outputs = self.deploy()
        self.scheduler = LocalScheduler(
            self.client("scheduler"), self.client("stepfunctions")
        ).start()
        self.api = GatewayProcess.for_cloud(self).start()
        self.outputs["ApiUrl"] = f"{self.api.url}/{self.api.stage}"
        moto_gaps.set_stack_output(self.config.stack_name, "ApiUrl", self.outputs["ApiUrl"], REGION)
        self.expiry = ExpirySweeper(self.client, self.config.expiry_sweep_s).start()
        quiet_collector()

    def stop(self) -> None:
        """Stop every part, each even when one before it failed (then that first failure is
        raised once all are stopped: nothing is left running)."""
        failures: list[BaseException] = []

        def stopping(attribute: str, method: str = "stop", *, keep: bool = False) -> None:
            part = getattr(self, attribute)
            if part is None:
                return
            try:
                getattr(part, method)()
            except Exception as exc:
                log.exception("the local cloud's %s did not stop cleanly", attribute)
                failures.append(exc)
            if not keep:
                setattr(self, attribute, None)

        stopping("expiry")
        stopping("api")
        stopping("scheduler")
        stopping("supervisor", "stop_all", keep=True)
        stopping("playback")
        stopping("ingest")
        stopping("_server")
        stopping("chat")
        (self.config.workdir / "cloud.json").unlink(missing_ok=True)
        if failures:
            raise failures[0]

    def __enter__(self) -> LocalCloud:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- what users and tests need -------------------------------------------------------------

    def client_env(self) -> dict[str, str]:
        """The standard variables that point the AWS CLI and boto3 at this cloud (IVS Chat,
        which the emulator lacks, at the local chat: boto3's per-service endpoint variable)."""
        chat = {"AWS_ENDPOINT_URL_IVSCHAT": self.chat.control_url} if self.chat else {}
        return {
            **chat,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            **LOCAL_CREDENTIALS,
            "MOTO_PORT": str(self.port),
        }

    def client(self, service: str) -> Any:
        return boto3.client(  # type: ignore[call-overload]
            service,
            endpoint_url=self.chat.control_url
            if service == "ivschat" and self.chat
            else self.endpoint,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def table(self) -> Any:
        return boto3.resource(
            "dynamodb",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        ).Table(self.outputs["TableName"])

    def ingest_urls(self) -> dict[str, str] | None:
        if not self.ingest:
            return None
        return {
            "rtmp": self.ingest.rtmp_url,
            "rtmps": self.ingest.rtmps_url,
            "hls": self.ingest.hls_url,
            "recordings": str(self.ingest.recordings_dir),
        }

    def deploy(self) -> dict[str, str]:
        s3 = self.client("s3")
        template = package(self.config.root, s3, self.registry)
        cfn = to_cloudformation(template, self.config.parameters)
        self.notes = handle_unsupported(
            cfn,
            self.config.parameters,
            stack_name=self.config.stack_name,
            cognito_idp=self.client("cognito-idp"),
            apigateway=self.client("apigateway"),
            scheduler=self.client("scheduler"),
        )
        self.notes += moto_gaps.put_public_parameters(cfn, EMULATOR_IMAGE, REGION)
        dropped = moto_gaps.drop_false_conditions(cfn, self.config.parameters)
        self.notes += [f"{name}: left out (its Condition is false)" for name in dropped]
        pseudo = {
            "AWS::StackName": self.config.stack_name,
            "AWS::Region": REGION,
            "AWS::AccountId": "123456789012",
        }
        moto_gaps.stand_in_recording_configurations(cfn, pseudo)
        skipped = moto_gaps.take_skipped(cfn["Resources"])
        cloudformation = self.client("cloudformation")
        declared = self._declared(cfn, self.config.parameters)
        outputs = deploy_stack(cloudformation, self.config.stack_name, cfn, declared)
        deployed = cloudformation.describe_stack_resources(StackName=self.config.stack_name)
        physical = {
            r["LogicalResourceId"]: r.get("PhysicalResourceId", "")
            for r in deployed["StackResources"]
        }
        self.notes += moto_gaps.create_skipped(self.client, physical, skipped, pseudo=pseudo)
        defaults = {k: str(v.get("Default", "")) for k, v in cfn.get("Parameters", {}).items()}
        for name in moto_gaps.apply_expiry_settings(
            self.client, cfn["Resources"], physical, defaults | declared
        ):
            self.notes.append(f"{name}: TTL or lifecycle rules put on after deployment")
        return outputs

    @staticmethod
    def _declared(cfn: dict[str, Any], parameters: dict[str, str]) -> dict[str, str]:
        declared = {k: v for k, v in parameters.items() if k in cfn.get("Parameters", {})}
        return moto_gaps.list_parameter_defaults(cfn, declared)

    @property
    def lambda_log(self) -> Path:
        """Where the functions' log lines go (CloudWatch Logs, in AWS)."""
        return self.config.workdir / "lambda.log"

    def _configure_emulator(self) -> None:
        request = urllib.request.Request(
            f"{self.endpoint}/moto-api/config",
            data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(request, timeout=10).read()

    def _write_state(self) -> None:
        state = {
            "endpoint": self.endpoint,
            "port": self.port,
            "pid": os.getpid(),
            "outputs": self.outputs,
            "ingest": self.ingest_urls(),
            "chat": {"control": self.chat.control_url, "messaging": self.chat.messaging_url}
            if self.chat
            else None,
            "api": self._api_state() if self.api else None,
        }
        (self.config.workdir / "cloud.json").write_text(json.dumps(state, indent=2))

    def _api_state(self) -> dict[str, Any]:
        """The API, the console's and viewer's addresses, and a local operator to sign in as
        (made in the stack's user pool with a generated password: this machine's cloud only)."""
        token = self.api.issue_token("operator")
        username = "operator@livehost.local"
        return {
            "url": self.api.url,
            "apiKey": self.api.api_key,
            "console": f"{self.api.url}/console/",
            "viewer": f"{self.api.url}/viewer/?room=<roomId>",
            "operator": {"username": username, "password": self.api.password_of(username)},
            "operatorToken": token,  # an ID token, valid for the hour Cognito gives it
        }


def quiet_collector() -> None:
    """Keep the garbage collector from stalling the live room. The emulator is one process
    holding every service's state: a full collection walks all of it and stopped the world
    for up to 340 ms in ``bench/qa_latency.py``, long enough to be heard in a live answer.
    What exists once the stack is deployed lives as long as the cloud: it is frozen out of
    collection, and full collections come ten times less often."""
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 100)
