"""Answers to viewers' questions: retrieval over the room's knowledge entries, then a local
answerer (BM25 passages) or Bedrock (ConverseStream), both streaming spoken sentences."""

from livehost.answer.base import NO_ANSWER, Answerer
from livehost.answer.bedrock import BedrockAnswerer, sentences_from_events
from livehost.answer.local import LocalAnswerer
from livehost.answer.registry import ANSWERERS, answerer_for
from livehost.answer.retrieval import KnowledgeIndex, Scored
from livehost.text.sentences import SentenceStream, sentences_of

__all__ = [
    "ANSWERERS",
    "NO_ANSWER",
    "Answerer",
    "BedrockAnswerer",
    "KnowledgeIndex",
    "LocalAnswerer",
    "Scored",
    "SentenceStream",
    "answerer_for",
    "sentences_from_events",
    "sentences_of",
]
