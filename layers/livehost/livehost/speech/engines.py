"""The one speech-engine interface, the registry of engines, and long-text synthesis."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from livehost.errors import InvalidScript
from livehost.speech.model import Speech, SpeechRequest
from livehost.speech.split import join_speech_at, split_spans
from livehost.speech.ssml import plain_text

ENGINE_NAMES = ("polly", "espeak")


@runtime_checkable
class SpeechEngine(Protocol):
    """Turns one request of at most ``max_chars`` (billed) characters into audio and marks.

    ``name`` identifies the engine *and* the settings that change its output (it is part of the
    speech cache key). Word and sentence marks carry UTF-8 byte offsets into the request text."""

    name: str
    max_chars: int

    def synthesize(self, request: SpeechRequest) -> Speech: ...


def engine_for(name: str, **clients: Any) -> SpeechEngine:
    """The engine registered as ``name``: ``"polly"`` (needs ``polly=<boto3 Polly client>``;
    optional ``engine``, ``sample_rate``) or ``"espeak"`` (local, no clients)."""
    if name == "polly":
        from livehost.speech.polly import PollyEngine

        if "polly" not in clients:
            raise ValueError(
                'engine "polly" needs a Polly client: engine_for("polly", polly=client)'
            )
        polly = clients.pop("polly")
        return PollyEngine(polly, **clients)
    if name == "espeak":
        from livehost.speech.espeak import EspeakEngine

        return EspeakEngine()
    raise ValueError(f"unknown speech engine {name!r}; choose one of {', '.join(ENGINE_NAMES)}")


def synthesize_long(engine: SpeechEngine, request: SpeechRequest) -> Speech:
    """Synthesize text of any length: plain text is split at sentence boundaries into chunks
    under ``engine.max_chars`` and the chunks' speech joined (marks keep pointing into the
    whole request text). SSML is sent whole; over the limit it is an ``InvalidScript``."""
    if request.is_ssml:
        billed = len(plain_text(request.text))
        if billed > engine.max_chars:
            raise InvalidScript(
                f"SSML segment has {billed} spoken characters; {engine.name} takes at most "
                f"{engine.max_chars} per request: split it into shorter segments"
            )
        return engine.synthesize(request)
    spans = split_spans(request.text, engine.max_chars)
    if not spans:
        raise InvalidScript("the text has nothing to speak")
    parts = [
        engine.synthesize(request.model_copy(update={"text": request.text[start:end]}))
        for start, end in spans
    ]
    byte_starts = [len(request.text[:start].encode()) for start, _ in spans]
    return join_speech_at(parts, byte_starts)
