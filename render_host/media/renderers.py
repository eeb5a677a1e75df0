"""Renderer back-ends by name (a GPU engine registers here and is picked by config)."""

from __future__ import annotations

from collections.abc import Callable

from render_host.frame import Pictures, Renderer


def _avatar_2d(width: int, height: int, pictures: Pictures | None) -> Renderer:
    from render_host.media.avatar import AvatarRenderer

    return AvatarRenderer(width, height, pictures=pictures)


RENDERERS: dict[str, Callable[[int, int, Pictures | None], Renderer]] = {"avatar-2d": _avatar_2d}


def make_renderer(name: str, width: int, height: int, pictures: Pictures | None = None) -> Renderer:
    """The renderer ``name`` for a ``width`` x ``height`` stream; ``pictures``: the
    materials it may show (product images)."""
    try:
        factory = RENDERERS[name]
    except KeyError:
        raise ValueError(f"unknown renderer {name!r}; choose one of {sorted(RENDERERS)}") from None
    return factory(width, height, pictures)
