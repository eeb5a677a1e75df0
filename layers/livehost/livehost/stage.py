"""What the render host can show: the one declaration of stage values. The API and the
script models accept only these (a wrong one is a 400 naming the valid ones, when the script
or stage is saved), ``GET /stage/options`` lists them, and the render host keys its drawing
tables by these same types (tests/unit/test_stage_options.py checks it draws every one)."""

from __future__ import annotations

from typing import Literal, get_args

Expression = Literal["neutral", "smile", "serious", "surprised"]
Gesture = Literal["none", "nod", "tilt"]
Scene = Literal["studio", "living-room", "neon"]
Camera = Literal["wide", "medium", "close"]

EXPRESSIONS: tuple[Expression, ...] = get_args(Expression)
GESTURES: tuple[Gesture, ...] = get_args(Gesture)
SCENES: tuple[Scene, ...] = get_args(Scene)
CAMERAS: tuple[Camera, ...] = get_args(Camera)
