"""Amazon Polly engine: SSML in, 16-bit PCM and Polly speech marks out.

Each request is two SynthesizeSpeech calls with the same voice and SSML: one for PCM audio,
one for JSON-lines speech marks (sentence, word, viseme). Retries are botocore's alone (the
client's standard retry mode, ``livehost.aws.CLIENT_CONFIG``); throttling that outlasts them
is raised as ``SpeechThrottled``, which the workflows retry by name, and any other refusal is
``SpeechFailed``. No loop here: one throttled segment costs at most
(botocore's attempts) x (the workflow's attempts) calls."""

from __future__ import annotations

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

    ``client`` is a boto3 Polly client (created by the caller, lazily, with the retry mode
    that is the only retry layer below the workflow)."""

    max_chars = MAX_BILLED_CHARS

    def __init__(self, client: Any, engine: str = "neural", sample_rate: int = 16000) -> None:
        if sample_rate not in (8000, 16000):
            raise ValueError("Polly PCM comes at 8000 or 16000 Hz")
        self.client = client
        self.engine = engine
        self.sample_rate = sample_rate
        self.name = f"polly/{engine}@{sample_rate}"

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
        """One SynthesizeSpeech call (botocore retries it); returns the stream's bytes."""
        try:
            response = self.client.synthesize_speech(**params)
            return bytes(response["AudioStream"].read())
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code", ""))
            status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
            if code in THROTTLING_CODES or status >= 500:
                attempts = exc.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
                raise SpeechThrottled(
                    f"Polly kept refusing ({code or status}) after {attempts + 1} attempts"
                ) from exc
            message = error.get("Message", "")
            raise SpeechFailed(f"Polly refused the text: {code}: {message}") from exc
        except BotoCoreError as exc:
            raise SpeechFailed(f"Polly could not be reached: {exc}") from exc


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
