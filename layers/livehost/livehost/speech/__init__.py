"""Speech: one interface, two engines (Polly, local espeak-ng), and a cache of assets."""

from livehost.speech.engines import SpeechEngine, engine_for, synthesize_long
from livehost.speech.model import VISEMES, Speech, SpeechMark, SpeechRequest, Voice
from livehost.speech.visemes import OPENNESS, openness, viseme_for

__all__ = [
    "OPENNESS",
    "VISEMES",
    "Speech",
    "SpeechEngine",
    "SpeechMark",
    "SpeechRequest",
    "Voice",
    "engine_for",
    "openness",
    "synthesize_long",
    "viseme_for",
]
