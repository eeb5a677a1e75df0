"""``livehost cost``: read the room, its script and the template's defaults; print the estimate."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import ValidationError
from samtranslator.yaml_helper import yaml_parse

from livehost.models import Room, Script
from local.cost import Show, default_instance_type, estimate, load_prices, load_usage, table

TEMPLATE = Path(__file__).resolve().parents[1] / "template.yaml"


def script_beside(room: Path) -> Path:
    """events/demo-room.json -> events/demo-script.json; rooms/x/room.json -> rooms/x/script.json"""
    if room.name == "room.json":
        return room.with_name("script.json")
    return room.with_name(room.name.replace("room", "script"))


def template_types() -> tuple[list[str], list[str]]:
    parameters = yaml_parse(TEMPLATE.read_text())["Parameters"]
    return tuple(  # type: ignore[return-value]
        parameters[name]["Default"].split(",")
        for name in ("RenderHostInstanceTypes", "RenderHostGpuInstanceTypes")
    )


def cost(args: argparse.Namespace) -> int:
    script_path = args.script or script_beside(args.room)
    try:
        room = Room.model_validate({"name": "room", **json.loads(args.room.read_text())})
        script = Script.model_validate_json(script_path.read_text())
        prices, usage = load_prices(args.region), load_usage()
        instance_type = default_instance_type(room, *template_types())
        if instance_type not in prices.ec2_per_hour:
            raise ValueError(f"no price for {instance_type} in {args.region}'s price file")
    except (OSError, ValidationError, ValueError) as exc:
        print(f"livehost cost: {exc}", file=sys.stderr)
        return 2
    show = Show(
        viewers=args.viewers,
        hours_per_day=args.hours_per_day,
        questions_per_hour=args.questions_per_hour,
    )
    result = estimate(
        room, script, instance_type=instance_type, prices=prices, usage=usage, show=show
    )
    print(
        f"room {room.room_id}: {len(script.segments)} segments, {show.viewers} viewers, "
        f"{show.questions_per_hour:g} questions an hour"
    )
    print(table(result, prices))
    print(f"usage per segment/question: {usage.measured}; assumed: {usage.assumptions}")
    return 0
