"""Speech: one interface, two engines (Polly, local espeak-ng), and a cache of assets."""

from livehost.speech.model import VISEMES, Speech, SpeechMark, SpeechRequest, Voice

__all__ = ["VISEMES", "Speech", "SpeechMark", "SpeechRequest", "Voice"]
