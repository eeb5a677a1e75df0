"""Amazon Polly engine: SSML in, 16-bit PCM and Polly speech marks out.

Each request is two SynthesizeSpeech calls with the same voice and SSML: one for PCM audio,
one for JSON-lines speech marks (sentence, word, viseme). Throttling is retried with
exponential backoff, then raised as ``SpeechThrottled``; any other refusal is ``SpeechFailed``."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from livehost.errors import SpeechFailed, SpeechThrottled
from livehost.speech.model import Speech, SpeechMark, SpeechRequest
from livehost.speech.ssml import SsmlText, render_ssml

MARK_TYPES = ["sentence", "word", "viseme"]
MAX_BILLED_CHARS = 3000
THROTTLING_CODES = frozenset(
    {"ThrottlingException", "TooManyRequestsException", "Throttling", "RequestLimitExceeded"}
)


class PollyEngine:
    """Polly SynthesizeSpeech behind the ``SpeechEngine`` interface.

    ``client`` is a boto3 Polly client (created by the caller, lazily). ``sleep`` and ``jitter``
    are injectable so tests run without waiting: the n-th retry waits
    ``min(max_delay, base_delay * 2**n) * (0.5 + 0.5 * jitter())`` seconds."""

    max_chars = MAX_BILLED_CHARS

    def __init__(
        self,
        client: Any,
        engine: str = "neural",
        sample_rate: int = 16000,
        *,
        attempts: int = 5,
        base_delay: float = 0.2,
        max_delay: float = 5.0,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        if sample_rate not in (8000, 16000):
            raise ValueError("Polly PCM comes at 8000 or 16000 Hz")
        self.client = client
        self.engine = engine
        self.sample_rate = sample_rate
        self.name = f"polly/{engine}@{sample_rate}"
        self.attempts = attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.sleep = sleep
        self.jitter = jitter

    def synthesize(self, request: SpeechRequest) -> Speech:
        """Audio and marks for one request of at most 3000 billed characters."""
        rendered = render_ssml(request, engine=self.engine)
        common = {
            "Engine": self.engine,
            "Text": rendered.ssml,
            "TextType": "ssml",
            "VoiceId": request.voice.voice,
        }
        audio = self._call(OutputFormat="pcm", SampleRate=str(self.sample_rate), **common)
        marks = self._call(OutputFormat="json", SpeechMarkTypes=MARK_TYPES, **common)
        return Speech(
            pcm=audio,
            sample_rate=self.sample_rate,
            marks=_source_marks(marks, rendered, request.text),
        )

    def _call(self, **params: Any) -> bytes:
        """One SynthesizeSpeech call, retried while Polly throttles; returns the stream's bytes."""
        for attempt in range(self.attempts):
            try:
                response = self.client.synthesize_speech(**params)
                return bytes(response["AudioStream"].read())
            except ClientError as exc:
                error = exc.response.get("Error", {})
                code = str(error.get("Code", ""))
                status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
                if code not in THROTTLING_CODES and status < 500:
                    message = error.get("Message", "")
                    raise SpeechFailed(f"Polly refused the text: {code}: {message}") from exc
                if attempt == self.attempts - 1:
                    raise SpeechThrottled(
                        f"Polly kept throttling ({code or status}) after {self.attempts} attempts"
                    ) from exc
                delay = min(self.max_delay, self.base_delay * 2**attempt)
                self.sleep(delay * (0.5 + 0.5 * self.jitter()))
            except BotoCoreError as exc:
                raise SpeechFailed(f"Polly could not be reached: {exc}") from exc
        raise AssertionError("unreachable")  # pragma: no cover


def _source_marks(raw: bytes, rendered: SsmlText, text: str) -> list[SpeechMark]:
    """Polly's JSON-lines marks, with byte offsets moved from the SSML into the request text."""
    source = text.encode()
    marks: list[SpeechMark] = []
    for line in raw.decode().splitlines():
        if not line.strip():
            continue
        mark = SpeechMark.model_validate_json(line)
        if mark.start is not None and mark.end is not None and mark.type != "viseme":
            mark.start = rendered.source_byte(mark.start)
            mark.end = rendered.source_byte(mark.end)
            if mark.type in ("word", "sentence"):
                mark.value = source[mark.start : mark.end].decode(errors="replace")
        marks.append(mark)
    return marks
