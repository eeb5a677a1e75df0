"""The 2D presenter: ``AvatarRenderer`` draws a lip-synced host from cached YUV sprites.

``MOUTH_OPENNESS`` is the viseme -> openness table the renderer draws with; the lip-sync check
(render_host.checks.lipsync) predicts mouth openness from the same table."""

from render_host.media.avatar.mouth import MOUTH_OPENNESS, openness
from render_host.media.avatar.renderer import AvatarRenderer
from render_host.media.avatar.yuv import COLOR_RANGE, COLORSPACE

__all__ = ["COLORSPACE", "COLOR_RANGE", "MOUTH_OPENNESS", "AvatarRenderer", "openness"]
