"""The render host's playout: script and interaction queues on the stream clock.

Pure logic (no I/O, no threads). ``Clip.from_speech`` prepares speech when a command arrives;
``Playout.next_frame()`` is called once per frame and returns a ``Tick``."""

from render_host.playout.clip import Clip, ClipSentence, ClipWord
from render_host.playout.engine import Playout, PlayoutConfig, Tick
from render_host.playout.events import Played, PlayoutEvent, segment_played, to_protocol_event

__all__ = [
    "Clip",
    "ClipSentence",
    "ClipWord",
    "Played",
    "Playout",
    "PlayoutConfig",
    "PlayoutEvent",
    "Tick",
    "segment_played",
    "to_protocol_event",
]
