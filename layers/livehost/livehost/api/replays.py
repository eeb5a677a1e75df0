"""Operator routes: a room's past runs and their replays (livehost.replays)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import Field

from livehost.api.errors import ReplayNotReady, RunNotFound
from livehost.api.params import Deps, RoomId, answers
from livehost.models import Model, RunRecord
from livehost.replays import replay_playlist, thumbnail_url

router = Router()
TAGS = ["runs"]
RunNumber = Annotated[int, Path(alias="run", ge=1, description="the run's number (1, 2, ...)")]
HLS = "application/vnd.apple.mpegurl"


class ReplayView(Model):
    """Where a run's replay stands, and where to play it."""

    status: Literal["NONE", "RECORDING", "READY", "FAILED"]
    duration_s: float | None = Field(default=None, description="what was recorded, seconds")
    url: str | None = Field(
        default=None, description="the replay's HLS playlist (GET it with the operator's token)"
    )
    thumbnail_url: str | None = Field(
        default=None, description="a JPEG of the run's last moments (presigned for an hour)"
    )


class RunView(Model):
    """One run of a room."""

    run: int
    started_at: float = Field(description="unix seconds")
    ended_at: float | None = None
    duration_s: float | None = Field(default=None, description="from start to end of the run")
    outcome: Literal["RUNNING", "ENDED", "FAILED"]
    error: str | None = None
    cause: str | None = None
    replay: ReplayView

    @classmethod
    def of(cls, room_id: str, record: RunRecord, s3: Any = None) -> RunView:
        """The run as operators see it; with ``s3``, its thumbnail presigned."""
        ended = [r for r in record.recordings if r.status == "ENDED"]
        if ended:
            replay = ReplayView(
                status="READY",
                duration_s=round(sum(r.duration_s or 0 for r in ended), 3),
                url=f"/rooms/{room_id}/runs/{record.run}/replay",
                thumbnail_url=thumbnail_url(s3, ended[-1]) if s3 is not None else None,
            )
        elif any(r.status == "RECORDING" for r in record.recordings):
            replay = ReplayView(status="RECORDING")
        else:
            replay = ReplayView(status="FAILED" if record.recordings else "NONE")
        return cls(
            run=record.run,
            started_at=record.started_at,
            ended_at=record.ended_at,
            duration_s=round(record.ended_at - record.started_at, 3) if record.ended_at else None,
            outcome=record.outcome,
            error=record.error,
            cause=record.cause,
            replay=replay,
        )


class RunList(Model):
    room_id: str
    runs: list[RunView] = Field(description="oldest first")


@router.get(
    "/rooms/<roomId>/runs",
    summary="A room's runs: start, end, outcome, replay",
    operation_id="listRuns",
    tags=TAGS,
    responses=answers(200, "The room's runs, oldest first", 404),
)
def list_runs(room_id: RoomId, deps: Deps) -> RunList:
    deps.store.get_room(room_id)
    runs = deps.store.runs(room_id)
    return RunList(room_id=room_id, runs=[RunView.of(room_id, r, deps.s3) for r in runs])


@router.get(
    "/rooms/<roomId>/runs/<run>",
    summary="One run of a room",
    operation_id="getRun",
    tags=TAGS,
    responses=answers(200, "The run", 404),
)
def get_run(room_id: RoomId, run: RunNumber, deps: Deps) -> RunView:
    return RunView.of(room_id, _run(deps, room_id, run), deps.s3)


@router.get(
    "/rooms/<roomId>/runs/<run>/replay",
    summary="A run's replay: an HLS playlist whose segments are presigned for an hour",
    operation_id="getReplay",
    tags=TAGS,
    responses={
        **answers(200, "The replay's HLS media playlist", 404, 409, 410),
        200: {"description": "HLS media playlist", "content": {HLS: {}}},
    },
)
def get_replay(room_id: RoomId, run: RunNumber, deps: Deps) -> Response[str]:
    record = _run(deps, room_id, run)
    ended = [r for r in record.recordings if r.status == "ENDED"]
    if not ended:
        raise ReplayNotReady(
            f"room {room_id!r} run {run} has no replay yet: its recording is "
            f"{RunView.of(room_id, record).replay.status.lower()}"
        )
    body = replay_playlist(deps.s3, ended)
    return Response(status_code=200, content_type=HLS, body=body)


def _run(deps: Deps, room_id: str, run: int) -> RunRecord:
    deps.store.get_room(room_id)
    found = [r for r in deps.store.runs(room_id) if r.run == run]
    if not found:
        raise RunNotFound(f"room {room_id!r} has had no run {run}")
    return found[0]
