"""Which instance types a room's render host is launched on: CPU by default, GPU only for a
renderer that needs one, the room's own list above both."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from samtranslator.yaml_helper import yaml_parse

from livehost.errors import NoCapacity
from livehost.models import RoomSettings
from livehost.render_hosts import HostLaunch, instance_types_for
from livehost.renderers import RENDERER_NEEDS, RendererNeeds
from render_host.media.renderers import RENDERERS

ROOT = Path(__file__).resolve().parents[2]


def stack_launch(gpu_types: list[str] | None = None) -> HostLaunch:
    return HostLaunch(
        launch_template_id="lt-1",
        instance_types=["c7g.large", "c6g.large", "m7g.large"],
        gpu_instance_types=["g5g.xlarge"] if gpu_types is None else gpu_types,
        subnet_ids=[],
        command_dlq_arn="arn:aws:sqs:us-east-1:1:dlq",
        events_queue_url="q",
        region="us-east-1",
    )


@pytest.fixture
def gpu_renderer(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(RENDERER_NEEDS, "avatar-3d", RendererNeeds(gpu=True, why="test"))
    return "avatar-3d"


def test_a_default_room_runs_on_the_stacks_cpu_types() -> None:
    # Given a room with default settings
    settings = RoomSettings()
    # When its instance types are chosen
    types = instance_types_for(settings, stack_launch())
    # Then they are the stack's CPU types, in order
    assert settings.renderer == "avatar-2d"
    assert types == ["c7g.large", "c6g.large", "m7g.large"]


def test_a_renderer_that_needs_a_gpu_gets_the_gpu_types(gpu_renderer: str) -> None:
    settings = RoomSettings(renderer=gpu_renderer)
    assert instance_types_for(settings, stack_launch()) == ["g5g.xlarge"]


def test_the_rooms_own_types_win_over_both(gpu_renderer: str) -> None:
    settings = RoomSettings(renderer=gpu_renderer, instance_types=["c7g.xlarge"])
    assert instance_types_for(settings, stack_launch()) == ["c7g.xlarge"]


def test_a_gpu_renderer_on_a_stack_without_gpu_types_is_refused_by_name(
    gpu_renderer: str,
) -> None:
    with pytest.raises(NoCapacity, match=r"'avatar-3d' needs a GPU .* RenderHostGpuInstanceTypes"):
        instance_types_for(RoomSettings(renderer=gpu_renderer), stack_launch(gpu_types=[]))


def test_an_unknown_renderer_is_refused_when_the_room_is_saved() -> None:
    with pytest.raises(
        ValidationError, match=r"unknown renderer 'unreal'; choose one of \['avatar-2d'\]"
    ):
        RoomSettings(renderer="unreal")


def test_the_render_host_builds_every_renderer_the_lifecycle_knows() -> None:
    assert sorted(RENDERERS) == sorted(RENDERER_NEEDS)


def test_the_templates_defaults_are_arm64_cpu_then_arm64_gpu() -> None:
    # Given the template's parameters
    parameters = yaml_parse((ROOT / "template.yaml").read_text())["Parameters"]
    # Then the render host defaults to Graviton CPU types and keeps GPUs for GPU renderers
    assert parameters["RenderHostInstanceTypes"]["Default"] == "c7g.large,c6g.large,m7g.large"
    assert parameters["RenderHostGpuInstanceTypes"]["Default"] == "g5g.xlarge,g5g.2xlarge"
