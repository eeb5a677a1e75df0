"""Answerers by name, as a room's settings or the local cloud choose them."""

from __future__ import annotations

from typing import Any

from livehost.answer.base import Answerer
from livehost.answer.bedrock import BedrockAnswerer
from livehost.answer.local import LocalAnswerer
from livehost.answer.retrieval import KnowledgeIndex

ANSWERERS = ("bedrock", "local")


def answerer_for(
    name: str,
    *,
    index: KnowledgeIndex,
    client: Any = None,
    model_id: str | None = None,
    **options: Any,
) -> Answerer:
    """The answerer called ``name`` over ``index``: "local" (BM25, no model) or "bedrock"
    (needs a ``bedrock-runtime`` ``client`` and a ``model_id``). ``options`` go to its
    constructor (e.g. ``first_sentence_delay_s``, ``guardrail``)."""
    if name == "local":
        return LocalAnswerer(index, **options)
    if name == "bedrock":
        if client is None or not model_id:
            raise ValueError("the 'bedrock' answerer needs a bedrock-runtime client and model_id")
        return BedrockAnswerer(client, model_id, index, **options)
    raise ValueError(f"unknown answerer {name!r}: choose one of {', '.join(ANSWERERS)}")
