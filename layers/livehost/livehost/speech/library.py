"""The speech library: each (engine, voice, settings, text) is synthesized once, stored in S3,
and found again through a DynamoDB item, so a looping script costs one synthesis per segment.

Item: ``pk = "SPEECH#<key>"``, ``sk = "ASSET"``, ``ref`` (the SpeechRef as JSON), ``engine``,
``createdAt`` and ``expiresAt`` (epoch seconds, the table's TTL attribute). Objects:
``speech/<key>.pcm`` (16-bit mono PCM) and ``speech/<key>.marks.jsonl`` (Polly-format marks).
The bucket's lifecycle rule must keep objects longer than the items' TTL."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from livehost.protocol import SpeechRef
from livehost.speech.engines import SpeechEngine, synthesize_long
from livehost.speech.model import Speech, SpeechMark, SpeechRequest
from livehost.store import speech_asset_key

KEY_VERSION = "speech-v1"  # bump when the stored format changes: old assets stop matching
DAY_SECONDS = 86_400


def speech_key(engine_name: str, request: SpeechRequest) -> str:
    """The cache key: sha256 over the engine, the voice settings, SSML-or-not and the text."""
    identity = {
        "version": KEY_VERSION,
        "engine": engine_name,
        "voice": request.voice.wire(),
        "ssml": request.is_ssml,
        "text": request.text,
    }
    canonical = json.dumps(identity, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def marks_jsonl(marks: list[SpeechMark]) -> bytes:
    """Marks as Polly writes them: one JSON object per line."""
    return "".join(mark.model_dump_json(exclude_none=True) + "\n" for mark in marks).encode()


def parse_marks(body: bytes) -> list[SpeechMark]:
    """Marks from JSON lines (Polly's format)."""
    return [SpeechMark.model_validate_json(line) for line in body.decode().splitlines() if line]


class SpeechLibrary:
    """Synthesized speech in S3 with an index in DynamoDB; ``synth_calls`` counts syntheses.

    ``s3`` is a boto3 S3 client and ``table`` a boto3 DynamoDB Table resource (``pk``/``sk``
    string keys, TTL on ``expiresAt``); both are created by the caller."""

    def __init__(
        self,
        engine: SpeechEngine,
        s3: Any,
        bucket: str,
        table: Any,
        ttl_days: int = 30,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.s3 = s3
        self.bucket = bucket
        self.table = table
        self.ttl_seconds = ttl_days * DAY_SECONDS
        self.clock = clock
        self.synth_calls = 0

    def ensure(self, request: SpeechRequest) -> SpeechRef:
        """The stored speech for ``request``, synthesizing and storing it only on a miss."""
        key = speech_key(self.engine.name, request)
        item_key = speech_asset_key(key)
        now = int(self.clock())
        item = self.table.get_item(Key=item_key, ConsistentRead=True).get("Item")
        if item is not None and int(item["expiresAt"]) > now:
            self._refresh(item_key, int(item["expiresAt"]), now)
            return SpeechRef.model_validate_json(str(item["ref"]))
        speech = synthesize_long(self.engine, request)
        self.synth_calls += 1
        ref = SpeechRef(
            bucket=self.bucket,
            audio_key=f"speech/{key}.pcm",
            marks_key=f"speech/{key}.marks.jsonl",
            sample_rate=speech.sample_rate,
            duration_ms=speech.duration_ms,
        )
        self.s3.put_object(
            Bucket=self.bucket,
            Key=ref.audio_key,
            Body=speech.pcm,
            ContentType="application/octet-stream",
            Metadata={"sample-rate": str(speech.sample_rate), "format": "s16le-mono"},
        )
        self.s3.put_object(
            Bucket=self.bucket,
            Key=ref.marks_key,
            Body=marks_jsonl(speech.marks),
            ContentType="application/x-ndjson",
        )
        self.table.put_item(
            Item={
                **item_key,
                "ref": json.dumps(ref.wire(), sort_keys=True),
                "engine": self.engine.name,
                "createdAt": now,
                "expiresAt": now + self.ttl_seconds,
            }
        )
        return ref

    def _refresh(self, item_key: dict[str, str], expires_at: int, now: int) -> None:
        """Push the expiry out again once less than half the TTL is left (one write per half
        TTL at most, not one per hit)."""
        if expires_at - now < self.ttl_seconds // 2:
            self.table.update_item(
                Key=item_key,
                UpdateExpression="SET expiresAt = :expires",
                ExpressionAttributeValues={":expires": now + self.ttl_seconds},
            )

    def load(self, ref: SpeechRef) -> Speech:
        """The audio and marks a ref points to."""
        audio = self.s3.get_object(Bucket=ref.bucket, Key=ref.audio_key)["Body"].read()
        marks = self.s3.get_object(Bucket=ref.bucket, Key=ref.marks_key)["Body"].read()
        return Speech(pcm=audio, sample_rate=ref.sample_rate, marks=parse_marks(marks))
