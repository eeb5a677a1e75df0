"""Speech an operator can hear before going live: the speech library's asset (synthesized
once, as the show would synthesize it) as a WAV file a browser plays, behind a short-lived
presigned URL, with its marks.

The WAV lives beside the asset's PCM (``speech/<key>.wav``), so it is written once per asset
and goes with it under the bucket's lifecycle rule."""

from __future__ import annotations

import io
import wave
from typing import Any

from botocore.exceptions import ClientError

from livehost.models import Model
from livehost.protocol import SpeechRef
from livehost.speech.library import SpeechLibrary, parse_marks
from livehost.speech.model import SpeechMark, SpeechRequest

PREVIEW_URL_S = 900  # long enough to listen, short enough not to become a public link
WAV_TYPE = "audio/wav"


class HeardSpeech(Model):
    """Where to hear a preview, until when, and what it says when (Polly-format marks)."""

    audio_url: str
    content_type: str = WAV_TYPE
    expires_at: float
    duration_ms: int
    sample_rate: int
    engine: str
    marks: list[SpeechMark]


def wav_of(pcm: bytes, sample_rate: int) -> bytes:
    """16-bit mono PCM as a WAV file."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm)
    return out.getvalue()


def wav_key(ref: SpeechRef) -> str:
    """The WAV's key, beside the asset's PCM."""
    return ref.audio_key.removesuffix(".pcm") + ".wav"


def hear(
    library: SpeechLibrary,
    request: SpeechRequest,
    *,
    signer: Any,
    expires_s: int = PREVIEW_URL_S,
) -> HeardSpeech:
    """The speech of ``request`` as a presigned WAV URL (``signer``: an S3 client that signs
    with SigV4) and its marks. Synthesizes only on a miss of the speech library; writes the
    WAV only the first time it is heard."""
    ref = library.ensure(request)
    key = wav_key(ref)
    if _exists(library.s3, ref.bucket, key):
        marks_body = library.s3.get_object(Bucket=ref.bucket, Key=ref.marks_key)["Body"].read()
        marks = parse_marks(marks_body)
    else:
        speech = library.load(ref)
        library.s3.put_object(
            Bucket=ref.bucket,
            Key=key,
            Body=wav_of(speech.pcm, speech.sample_rate),
            ContentType=WAV_TYPE,
        )
        marks = speech.marks
    url = signer.generate_presigned_url(
        "get_object",
        Params={"Bucket": ref.bucket, "Key": key, "ResponseContentType": WAV_TYPE},
        ExpiresIn=expires_s,
    )
    return HeardSpeech(
        audio_url=url,
        expires_at=library.clock() + expires_s,
        duration_ms=ref.duration_ms,
        sample_rate=ref.sample_rate,
        engine=library.engine.name,
        marks=marks,
    )


def _exists(s3: Any, bucket: str, key: str) -> bool:
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True
