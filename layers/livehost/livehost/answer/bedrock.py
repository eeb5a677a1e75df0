"""Answers from Amazon Bedrock (ConverseStream), grounded on the room's knowledge entries.

The best entries go into the system prompt; the model's text deltas go through a
SentenceStream, so the first sentence reaches speech while the model is still writing.
Throttling before anything was said is retried once; a failure after a sentence was said is
not retried (the viewer would hear it twice) and ends in ``AnswerFailed``."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from livehost.answer.prompt import grounding_prompt
from livehost.answer.retrieval import KnowledgeIndex
from livehost.errors import AnswerFailed
from livehost.text.sentences import SentenceStream

# Error codes worth one more try: at the call (PascalCase) or inside the stream (camelCase).
RETRYABLE_CODES = frozenset(
    {
        "ThrottlingException",
        "throttlingException",
        "ServiceUnavailableException",
        "serviceUnavailableException",
        "ModelNotReadyException",
    }
)
_TRANSIENT = (ConnectionClosedError, EndpointConnectionError, ReadTimeoutError)


class BedrockAnswerer:
    """Streams a grounded answer from a Bedrock model. ``client`` is a ``bedrock-runtime``
    client (created by the caller); ``guardrail`` is passed as ``guardrailConfig``."""

    def __init__(
        self,
        client: Any,
        model_id: str,
        index: KnowledgeIndex,
        max_tokens: int = 300,
        guardrail: dict | None = None,
        *,
        temperature: float = 0.3,
        passages: int = 3,
        retry_delay_s: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.model_id = model_id
        self.index = index
        self.max_tokens = max_tokens
        self.guardrail = guardrail
        self.temperature = temperature
        self.passages = passages
        self.retry_delay_s = retry_delay_s
        self._sleep = sleep

    def request(self, question: str, *, product_id: str | None = None) -> dict[str, Any]:
        """The ConverseStream request for a question, grounded on the best entries."""
        passages = self.index.search(question, k=self.passages, product_id=product_id)
        request: dict[str, Any] = {
            "modelId": self.model_id,
            "messages": [{"role": "user", "content": [{"text": question}]}],
            "system": [{"text": grounding_prompt(passages, self.index.language)}],
            "inferenceConfig": {"maxTokens": self.max_tokens, "temperature": self.temperature},
        }
        if self.guardrail is not None:
            request["guardrailConfig"] = self.guardrail
        return request

    def answer(self, question: str, *, product_id: str | None = None) -> Iterator[str]:
        """Sentences of the model's answer, each yielded as soon as the model completes it.
        Raises ``AnswerFailed`` when Bedrock refuses, keeps throttling, or says nothing."""
        request = self.request(question, product_id=product_id)
        said = 0
        for attempt in (1, 2):
            try:
                for sentence in self._stream(request):
                    said += 1
                    yield sentence
                break
            except (ClientError, *_TRANSIENT) as exc:
                if said == 0 and attempt == 1 and _retryable(exc):
                    self._sleep(self.retry_delay_s)
                    continue
                raise AnswerFailed(_failure(exc, self.model_id, said)) from exc
        if said == 0:
            raise AnswerFailed(f"Bedrock model {self.model_id} returned no text to say")

    def _stream(self, request: dict[str, Any]) -> Iterator[str]:
        stream = self.client.converse_stream(**request).get("stream") or []
        try:
            yield from sentences_from_events(stream)
        finally:
            if callable(close := getattr(stream, "close", None)):
                close()  # an abandoned answer frees its connection


def sentences_from_events(events: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """Sentences from ConverseStream events as boto3 yields them (``messageStart``,
    ``contentBlockDelta``, ``messageStop``, ``metadata``). A sentence cut off by the token
    limit (``stopReason: max_tokens``) is dropped rather than spoken half-finished."""
    sentences = SentenceStream()
    stop_reason = None
    for event in events:
        if "contentBlockDelta" in event:
            text = event["contentBlockDelta"].get("delta", {}).get("text")
            if text:
                yield from sentences.feed(text)
        elif "messageStop" in event:
            stop_reason = event["messageStop"].get("stopReason")
    rest = sentences.flush()
    if rest is not None and stop_reason != "max_tokens":
        yield rest


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, ClientError):
        return exc.response.get("Error", {}).get("Code") in RETRYABLE_CODES
    return True  # a dropped or timed-out connection


def _failure(exc: Exception, model_id: str, said: int) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        reason = f"{error.get('Code', 'Unknown')}: {error.get('Message', '')}".rstrip(": ")
    else:
        reason = f"{type(exc).__name__}: {exc}"
    when = f"after {said} sentence(s)" if said else "before any sentence"
    retried = " (retried once)" if said == 0 and _retryable(exc) else ""
    return f"Bedrock model {model_id} failed {when}{retried}: {reason}"
