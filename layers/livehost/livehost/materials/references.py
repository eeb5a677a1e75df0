"""Which materials a script names, and whether each can be used where it is named."""

from __future__ import annotations

from collections.abc import Callable

from livehost.errors import LiveHostError
from livehost.materials.model import Material
from livehost.models import Script, Stage

Finder = Callable[[str], Material | None]


class MaterialNotUsable(LiveHostError):
    """A stage change names a material that is missing, not ready or of the wrong kind."""


def stage_problems(stage: Stage, find: Finder) -> list[str]:
    """The same checks for an operator's stage change."""
    problems = []
    if stage.visual is not None:
        problems.extend(_problem("visual", stage.visual.material, ("clip", "image"), find))
    if stage.music is not None and stage.music.material is not None:
        problems.extend(_problem("music", stage.music.material, ("music",), find))
    return problems


def material_problems(script: Script, find: Finder) -> list[str]:
    """One line per material the script names that is missing, not ready or of the wrong
    kind, saying where it is named and what to do."""
    problems = []
    for index, product in enumerate(script.products):
        if product.image is None:
            continue
        where = f"products.{index} ({product.product_id!r}).image"
        problems.extend(_problem(where, product.image, ("image",), find))
    for index, segment in enumerate(script.segments):
        where = f"segments.{index} ({segment.segment_id!r})"
        if segment.visual is not None:
            problems.extend(
                _problem(f"{where}.visual", segment.visual.material, ("clip", "image"), find)
            )
        if segment.music is not None and segment.music.material is not None:
            problems.extend(_problem(f"{where}.music", segment.music.material, ("music",), find))
    return problems


def _problem(where: str, material_id: str, kinds: tuple[str, ...], find: Finder) -> list[str]:
    material = find(material_id)
    if material is None:
        return [f"{where}: no material {material_id!r} in the room's or the shared library"]
    if material.kind not in kinds:
        needed = " or ".join(_a(kind) for kind in kinds)
        return [f"{where}: material {material_id!r} is a {material.kind}; {needed} is needed"]
    if material.status != "ready":
        return [
            f"{where}: material {material_id!r} is {material.status}"
            + (f" ({material.reason})" if material.reason else ": check its upload first")
        ]
    return []


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"
