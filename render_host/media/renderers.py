"""Renderer back-ends by name (a GPU engine registers here and is picked by config)."""

from __future__ import annotations

from collections.abc import Callable

from render_host.frame import Renderer


def _avatar_2d(width: int, height: int) -> Renderer:
    from render_host.media.avatar import AvatarRenderer

    return AvatarRenderer(width, height)


RENDERERS: dict[str, Callable[[int, int], Renderer]] = {"avatar-2d": _avatar_2d}


def make_renderer(name: str, width: int, height: int) -> Renderer:
    try:
        factory = RENDERERS[name]
    except KeyError:
        raise ValueError(f"unknown renderer {name!r}; choose one of {sorted(RENDERERS)}") from None
    return factory(width, height)
