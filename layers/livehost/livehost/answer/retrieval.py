"""BM25 retrieval over a room's knowledge entries.

A room's knowledge base is small (tens to a few hundred entries), so the index is built in
memory per answer: no service, no state. Scores are Okapi BM25 (k1=1.5, b=0.75) over the
entry's title (counted twice: titles name what an entry is about) and text. An entry for the
product on screen gets a boost, so "how much is it?" finds that product's price."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from livehost.answer.text import terms
from livehost.models import DEFAULT_LANGUAGE, KnowledgeEntry

K1 = 1.5
B = 0.75
TITLE_WEIGHT = 2
PRODUCT_BOOST = 1.5


class Scored(NamedTuple):
    """A knowledge entry and how well it matches a question (higher is better, > 0)."""

    entry: KnowledgeEntry
    score: float


class KnowledgeIndex:
    """An in-memory BM25 index of a room's knowledge entries; ``language`` is the room's
    (the answerers answer in it; terms work the same in every language)."""

    def __init__(self, entries: Sequence[KnowledgeEntry], language: str = DEFAULT_LANGUAGE) -> None:
        self.language = language
        self.entries: tuple[KnowledgeEntry, ...] = tuple(entries)
        self._frequencies = [Counter(_entry_terms(entry)) for entry in self.entries]
        self._lengths = [sum(counts.values()) for counts in self._frequencies]
        total = sum(self._lengths)
        self._average_length = total / len(self.entries) if self.entries else 0.0
        containing: Counter[str] = Counter()
        for counts in self._frequencies:
            containing.update(counts.keys())
        n = len(self.entries)
        self._idf = {
            term: math.log(1 + (n - df + 0.5) / (df + 0.5)) for term, df in containing.items()
        }

    @property
    def distinctive(self) -> float:
        """The idf of a term only one entry has: what one such match is worth. In a small
        knowledge base it is small (0.69 with two entries), though the match is telling."""
        n = len(self.entries)
        return math.log(1 + (n - 0.5) / 1.5) if n else 0.0

    def idf(self, term: str) -> float:
        """How rare a term is in this knowledge base (0 for a term no entry has)."""
        return self._idf.get(term, 0.0)

    def search(self, question: str, k: int = 3, *, product_id: str | None = None) -> list[Scored]:
        """The k best entries for a question, best first; entries that match nothing are left
        out. Ties keep the knowledge base's order, so results are deterministic."""
        query = set(terms(question))
        scored: list[tuple[float, int]] = []
        for position, counts in enumerate(self._frequencies):
            score = self._score(query, counts, self._lengths[position])
            if score <= 0:
                continue
            if product_id is not None and self.entries[position].product_id == product_id:
                score *= PRODUCT_BOOST
            scored.append((score, position))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [Scored(self.entries[position], score) for score, position in scored[:k]]

    def _score(self, query: set[str], counts: Counter[str], length: int) -> float:
        norm = K1 * (1 - B + B * length / self._average_length)
        score = 0.0
        for term in query:
            frequency = counts.get(term, 0)
            if frequency:
                score += self._idf[term] * frequency * (K1 + 1) / (frequency + norm)
        return score


def _entry_terms(entry: KnowledgeEntry) -> list[str]:
    return terms(entry.title) * TITLE_WEIGHT + terms(entry.text)
