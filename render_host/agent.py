"""The render host agent: ``startup() -> main_loop() -> shutdown()``.

It long-polls the room's FIFO command queue and hands each message to the worker of its
lane (script, control, answers: the queue's message groups), so a backlog of answers never
delays the next segment or an operator's stop. Each worker validates its commands with the
shared protocol, plays speech through the live playout, answers workflow callbacks
(heartbeating while they are open) and deletes what it has handled. A malformed command is
rejected with a reason and moved to the dead-letter queue; the stream goes on."""

from __future__ import annotations

import json
import logging
import queue
import signal
import socket
import threading
import time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from livehost import aws
from livehost.models import ShowVisual, StopMode
from livehost.protocol import (
    LANES,
    Capabilities,
    Command,
    CommandRejected,
    Health,
    Hello,
    HostReady,
    Insert,
    Lane,
    MaterialRef,
    PauseScript,
    PlaySegment,
    ResumeScript,
    SetStage,
    StartStream,
    StopStream,
    StreamEvent,
    StreamStarted,
    parse_command,
)
from render_host.callbacks import TaskCallbacks
from render_host.config import AgentConfig
from render_host.frame import RESOLUTIONS
from render_host.live import LivePlayout, VisemeTrack
from render_host.logs import SecretFilter
from render_host.materials import MaterialAssets
from render_host.materials.mix import MaterialMix
from render_host.media.publisher import Publisher
from render_host.media.renderers import make_renderer
from render_host.media.streamer import ConnectionEvent, HealthSnapshot, Streamer
from render_host.playout import PlayoutConfig, Tick, segment_played, to_protocol_event
from render_host.reporter import EventReporter
from render_host.speech import SpeechAssets

log = logging.getLogger("render_host.agent")


class Agent:
    def __init__(self, config: AgentConfig, clients: dict[str, Any] | None = None) -> None:
        self.config = config
        self.boot = config.boot()
        clients = clients or {}
        self.sqs = clients.get("sqs") or aws.client("sqs")
        self.ivs = clients.get("ivs") or aws.client("ivs")
        self.callbacks = TaskCallbacks(clients.get("stepfunctions") or aws.client("stepfunctions"))
        self.assets = SpeechAssets(clients.get("s3") or aws.client("s3"))
        self.materials = MaterialAssets(
            clients.get("s3") or aws.client("s3"), folder=_materials_folder(config.workdir)
        )
        self.mix = MaterialMix(self.materials)
        self.reporter = EventReporter(
            self.sqs, self.boot.events_queue_url, self.boot.room_id, self.boot.run
        )
        self.playout = LivePlayout(
            PlayoutConfig(
                viseme_lead_ms=config.viseme_lead_ms,
                now_cut_within_ms=config.now_cut_within_ms,
                now_cut_ready_within_ms=config.now_cut_ready_within_ms,
            ),
            on_tick=self._ticks_put,
            track=VisemeTrack(config.viseme_track) if config.viseme_track else None,
            mix=self.mix,
        )
        self.secrets = SecretFilter()
        self.streamer: Streamer | None = None
        self.should_exit = threading.Event()
        self._ticks: queue.Queue[Tick | None] = queue.Queue()
        self._segments: dict[str, PlaySegment] = {}
        self._start_command: StartStream | None = None
        self._channel_arn: str | None = None
        self._announced: set[str] = set()
        self._stop_command: StopStream | None = None
        self._stopped = False  # a StopStream came: later script and answers are dropped
        self._lanes: dict[Lane, queue.Queue[dict[str, Any] | None]] = {
            lane: queue.Queue() for lane in LANES
        }
        self._threads: list[threading.Thread] = []

    # ---- lifecycle -----------------------------------------------------------------------

    def run(self) -> None:
        self.startup()
        try:
            self.main_loop()
        finally:
            self.shutdown()

    def startup(self) -> None:
        logging.getLogger().addFilter(self.secrets)
        for handler in logging.getLogger().handlers:
            handler.addFilter(self.secrets)
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, lambda *_: self.should_exit.set())
            signal.signal(signal.SIGINT, lambda *_: self.should_exit.set())
        self.reporter.start()
        threads = [
            threading.Thread(target=self._handle_ticks, name="ticks", daemon=True),
            threading.Thread(target=self._heartbeats, name="heartbeats", daemon=True),
            *(
                threading.Thread(target=self._work_lane, args=(lane,), name=f"lane-{lane}")
                for lane in LANES
            ),
        ]
        for thread in threads:
            thread.daemon = True
            thread.start()
        self._threads.extend(threads)
        log.info("agent for room %s run %s up", self.boot.room_id, self.boot.run)

    def main_loop(self) -> None:
        while not self.should_exit.is_set():
            try:
                reply = self.sqs.receive_message(
                    QueueUrl=self.boot.command_queue_url,
                    MaxNumberOfMessages=10,
                    WaitTimeSeconds=self.config.poll_wait_s,
                    AttributeNames=["All"],
                )
            except Exception as exc:
                if self._queue_gone(exc):
                    log.info("command queue deleted: the room is over")
                    return
                log.warning("receive failed (%s); retrying", type(exc).__name__)
                self.should_exit.wait(1.0)
                continue
            for message in reply.get("Messages", []):
                self._lanes[_lane(message)].put(message)

    def _work_lane(self, lane: Lane) -> None:
        """Handle one lane's messages in order, deleting each once handled (SQS holds back
        the rest of the lane's group meanwhile, so the lane's order is kept)."""
        inbox = self._lanes[lane]
        while (message := inbox.get()) is not None:
            try:
                self.handle(message)
            finally:
                self._delete(message)

    def _delete(self, message: dict[str, Any]) -> None:
        try:
            self.sqs.delete_message(
                QueueUrl=self.boot.command_queue_url, ReceiptHandle=message["ReceiptHandle"]
            )
        except Exception as exc:  # the queue is gone (room over) or the message came back
            log.warning("could not delete a command: %s", type(exc).__name__)

    def shutdown(self) -> None:
        for inbox in self._lanes.values():
            inbox.put(None)
        if self.streamer:
            self.streamer.stop(self.config.shutdown_grace_s)  # it reports "stopped" (once)
            self._close_viseme_track()
            self.streamer = None
        self.callbacks.fail_all("RenderHostLost", "the render host agent shut down")
        self._ticks.put(None)
        self.reporter.close()
        log.info("agent for room %s down", self.boot.room_id)

    # ---- commands ------------------------------------------------------------------------

    def handle(self, message: dict[str, Any]) -> None:
        try:
            command = parse_command(message["Body"])
        except ValidationError as exc:
            self.reject(message, _reason(exc))
            return
        if command.room_id != self.boot.room_id:
            self.reject(
                message,
                f"command for room {command.room_id!r} on room {self.boot.room_id!r}'s queue",
            )
            return
        try:
            self.dispatch(command)
        except Exception as exc:
            log.exception("command %s failed", command.type)
            self.callbacks.wait(command.command_id, command.task_token)
            self.callbacks.fail(
                command.command_id, "RenderHostError", f"{type(exc).__name__}: {exc}"
            )

    def dispatch(self, command: Command) -> None:
        match command:
            case PlaySegment():
                if self.callbacks.wait(command.command_id, command.task_token):
                    return  # played already: answered at once
                if self._stopped:  # the show is over: it never plays, unless it came ahead
                    if command.command_id not in self._segments:  # and the stop kept it
                        self.callbacks.succeed(command.command_id, {"stopped": True})
                    return
                self._queue_segment(command)  # queued already if it came ahead
                for ahead in command.ahead():  # now: each starts the frame the one before ends
                    self._queue_segment(ahead)
            case Insert():
                if self._stopped:
                    return
                if command.closes:  # no more sentences
                    self.playout.close_answer(command.insert_id)
                    return
                if command.opens:  # make room, the sentences are coming
                    self.playout.open_insert(command)
                    return
                clip = self.assets.clip(command.speech, command.cue.text, kept=False)
                self.playout.insert(command, clip)
            case StartStream():
                self.start_stream(command)
            case StopStream():
                self.stop_stream(command)
            case SetStage():
                visual = command.stage.visual
                self._load(command.command_id, "stage", command.materials, visual)
                self.playout.set_stage(command.stage)
            case PauseScript():
                self.playout.pause()
            case ResumeScript():
                self.playout.resume()
            case Hello():
                self.callbacks.wait(command.command_id, command.task_token)
                capabilities = Capabilities(
                    host=f"{socket.gethostname()} {self.config.instance_id} ({self.config.instance_type})",
                    renderer=self.boot.renderer,
                    resolutions=list(RESOLUTIONS),
                    encoder="libx264+aac/flv",
                    agent_version=self.config.agent_version,
                )
                self.callbacks.succeed(command.command_id, capabilities.wire())
                self.reporter.report(HostReady(**self.reporter.stamp(), capabilities=capabilities))

    def _queue_segment(self, command: PlaySegment) -> None:
        """Queue a script segment once (it comes as a look-ahead, then with its own token)."""
        command_id = command.command_id
        if command_id in self._segments or self.callbacks.wait(command_id, None):
            return  # queued or played already
        clip = self.assets.clip(command.speech, command.cue.text)
        self._load_materials(command)
        self._segments[command_id] = command
        if not self.playout.play_segment(command, clip):
            self._segments.pop(command_id, None)  # it played meanwhile

    def reject(self, message: dict[str, Any], reason: str) -> None:
        """A command that cannot be understood: say why, keep it in the DLQ, carry on."""
        log.warning("rejected message %s: %s", message.get("MessageId"), reason)
        self.reporter.report(
            CommandRejected(
                **self.reporter.stamp(), message_id=message.get("MessageId", "?"), reason=reason
            )
        )
        if self.boot.dead_letter_queue_url:
            self.sqs.send_message(
                QueueUrl=self.boot.dead_letter_queue_url,
                MessageBody=message["Body"],
                MessageGroupId=self.boot.room_id,
                MessageDeduplicationId=message.get("MessageId", str(time.time())),
                MessageAttributes={"reason": {"DataType": "String", "StringValue": reason[:1000]}},
            )

    def _load_materials(self, command: PlaySegment) -> None:
        """Prepare what the cue shows before it is queued. One that is gone or unreadable
        is reported as a rejected cue; the segment plays with the presenter instead."""
        where = f"cue of segment {command.segment_id!r}"
        self._load(command.command_id, where, command.cue.materials, command.cue.visual)

    def _load(
        self, command_id: str, where: str, refs: list[MaterialRef], visual: ShowVisual | None
    ) -> None:
        for ref in refs:
            layout = visual.layout if visual and visual.material == ref.material_id else "full"
            try:
                self.materials.load(ref, layout)
            except Exception as exc:
                reason = f"{where}: {exc}; the presenter is shown instead"
                log.warning("%s", reason)
                self.reporter.report(
                    CommandRejected(**self.reporter.stamp(), message_id=command_id, reason=reason)
                )

    # ---- the stream ----------------------------------------------------------------------

    def start_stream(self, command: StartStream) -> None:
        if self.callbacks.wait(command.command_id, command.task_token):
            return
        if self.streamer is not None:
            return  # already starting or streaming: this token is answered with the first
        stream_key = self.ivs.get_stream_key(arn=command.stream_key_arn)["streamKey"]
        key, self._channel_arn = stream_key["value"], stream_key["channelArn"]
        self.secrets.add(key)
        url = (
            f"{self.config.ingest_scheme}://{command.ingest_endpoint}:{self.config.ingest_port}"
            f"/{self.config.ingest_app}/{key}"
        )
        width, height = RESOLUTIONS[command.resolution]
        self.materials.resize(width, height)
        ca_file, timeout = self.config.ingest_ca_file, self.config.ingest_rw_timeout_s
        self._start_command = command
        self.streamer = Streamer(
            make_renderer(self.boot.renderer, width, height, self.materials),
            self.playout,
            lambda: Publisher(url, ca_file=ca_file, rw_timeout_s=timeout),
            on_first_keyframe=self._first_keyframe,
            on_connection=self._connection,
            on_health=self._health,
            health_interval_s=self.config.health_every_s,
            video_kbps=self.config.video_kbps,
            threads=self.config.encoder_threads,
        )
        self.streamer.start()
        deadline = threading.Timer(
            self.config.first_keyframe_timeout_s, self._start_deadline, [command]
        )
        deadline.daemon = True  # a pending deadline must not keep an ended agent alive
        deadline.start()

    def stop_stream(self, command: StopStream) -> None:
        if self.callbacks.wait(command.command_id, command.task_token):
            return
        self._stopped = True
        for dropped in self.playout.stop(command.mode):
            self._segments.pop(dropped, None)
            self.callbacks.succeed(dropped, {"stopped": True})
        starting = self._start_command
        if starting and starting.command_id in self.callbacks.waiting():
            # the operator stopped the room before its stream was up: an end, not a failure
            self.callbacks.fail(
                starting.command_id,
                "RoomStopRequested",
                "the operator stopped the room while its stream was starting",
            )
        self._stop_command = command
        if command.mode == StopMode.NOW or self.playout.is_idle():
            self._close_stream(command)
        # graceful: _handle_ticks closes the stream once the playout is idle

    def _close_stream(self, command: StopStream) -> None:
        self._stop_command = None
        streamer, self.streamer = self.streamer, None
        if streamer:
            streamer.stop(self.config.shutdown_grace_s)  # it reports "stopped" (once)
            self._close_viseme_track()
        self.callbacks.succeed(command.command_id, {"stopped": True, "mode": command.mode.value})
        if command.task_token:
            # the workflow's own StopStream is the run's last command: once it is answered
            # (and shutdown has flushed the events) the agent exits instead of polling until
            # its instance is terminated. An operator's stop only cuts the stream.
            log.info("stream stopped and reported: the agent exits")
            self.should_exit.set()

    def _close_viseme_track(self) -> None:
        if self.playout.track is not None:
            self.playout.track.close()

    def _first_keyframe(self, ms: int) -> None:
        command = self._start_command
        if command:
            resolution = command.resolution
            self.callbacks.succeed(
                command.command_id,
                StreamStarted(first_keyframe_ms=ms, resolution=resolution).wire(),
            )

    def _start_deadline(self, command: StartStream) -> None:
        if command.command_id in self.callbacks.waiting():
            self.callbacks.fail(
                command.command_id,
                "StreamFailed",
                f"no keyframe reached the ingest within {self.config.first_keyframe_timeout_s:.0f} s",
            )

    def _connection(self, event: ConnectionEvent) -> None:
        command = self._start_command
        if event.state == "refused" and command and command.command_id in self.callbacks.waiting():
            self.callbacks.fail(
                command.command_id, "StreamFailed", self.secrets.scrub(event.detail or "refused")
            )
        state = event.state if event.state != "refused" else "dropped"
        self.reporter.report(
            StreamEvent(
                **self.reporter.stamp(),
                stream_ms=event.frame * 1000 // 30,
                state=state,
                gap_ms=event.gap_ms,
                detail=self.secrets.scrub(event.detail) if event.detail else None,
            )
        )

    def _health(self, snapshot: HealthSnapshot) -> None:
        self.reporter.report(Health(**self.reporter.stamp(), health=snapshot.stream_health()))

    # ---- what the playout reports ---------------------------------------------------------

    def _ticks_put(self, tick: Tick) -> None:
        self._ticks.put(tick)

    def _handle_ticks(self) -> None:
        while (tick := self._ticks.get()) is not None:
            for event in tick.events:
                if event.type == "SegmentStarted":
                    self._announce_product(event.fields["loop"], event.fields["index"])
                stamp = self.reporter.stamp()
                self.reporter.report(to_protocol_event(event, **stamp))  # type: ignore[arg-type]
            for played in tick.played:
                segment = self._segments.pop(played.command_id, None)
                self._announced.discard(played.command_id)
                if segment is not None:
                    self.callbacks.succeed(
                        played.command_id, segment_played(segment, played).wire()
                    )
            stop = self._stop_command
            if stop is not None and self.playout.is_idle():
                self._close_stream(stop)

    def _announce_product(self, loop: int, index: int) -> None:
        """Send the segment's product card to viewers as IVS timed metadata (in sync with the
        video); at most one per segment start, far under IVS's 5 per second."""
        segment = next(
            (c for c in self._segments.values() if (c.loop, c.index) == (loop, index)), None
        )
        if segment is None or segment.cue.product is None or self._channel_arn is None:
            return
        if segment.command_id in self._announced:  # resumed after an insert: shown already
            return
        self._announced.add(segment.command_id)
        card = {"type": "product", **segment.cue.product.wire()}
        try:
            self.ivs.put_metadata(channelArn=self._channel_arn, metadata=json.dumps(card)[:1024])
        except Exception as exc:  # viewers miss one card; the stream goes on
            log.warning("product card not sent: %s", type(exc).__name__)

    def _heartbeats(self) -> None:
        while not self.should_exit.wait(self.config.heartbeat_every_s):
            self.callbacks.heartbeat()

    @staticmethod
    def _queue_gone(exc: Exception) -> bool:
        code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
        return "NonExistentQueue" in code or code == "QueueDoesNotExist"


def _materials_folder(workdir: Path) -> Path | None:
    """Prepared clips and beds under the agent's working folder (a temporary one if that
    cannot be written)."""
    folder = workdir / "materials"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


def _lane(message: dict[str, Any]) -> Lane:
    """The lane a message came in (its message group); anything else goes with control,
    where a malformed command is rejected."""
    group = message.get("Attributes", {}).get("MessageGroupId")
    return next((lane for lane in LANES if lane == group), "control")


def _reason(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "body"
    return f"not a valid command ({exc.error_count()} problem(s)); first at {where}: {first['msg']}"
