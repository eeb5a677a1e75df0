"""The local answerer: answers from the best-matching knowledge entry, no model needed.

Used by the local cloud and tests in place of Bedrock. It says a short lead-in (in the
index's language, as its "no answer" line), then the
one or two sentences of the best entry that share the most (rare) words with the question;
when no entry is relevant enough it says so instead of guessing."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from livehost.answer.retrieval import KnowledgeIndex
from livehost.answer.text import terms
from livehost.languages import language
from livehost.text.sentences import sentences_of

LEAD_IN = language("en-US").lead_in
MIN_SCORE = 1.0  # BM25; a match on a word most entries share scores well below this
# in a knowledge base of a few entries, one match on a word only one entry has (worth its
# idf in an entry of average length) passes too, with room for a longer entry
DISTINCTIVE_SHARE = 0.8


class LocalAnswerer:
    """Answers from a knowledge index. ``first_sentence_delay_s`` (slept through ``sleep``
    before the first sentence) simulates a model's time to first sentence in benchmarks."""

    def __init__(
        self,
        index: KnowledgeIndex,
        first_sentence_delay_s: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
        *,
        min_score: float = MIN_SCORE,
        max_facts: int = 2,
    ) -> None:
        self.index = index
        self.first_sentence_delay_s = first_sentence_delay_s
        self.min_score = min_score
        self.max_facts = max_facts
        self._sleep = sleep

    def answer(self, question: str, *, product_id: str | None = None) -> Iterator[str]:
        """A lead-in and the most relevant sentences of the best entry, or the language's
        "no answer" line."""
        lines = language(self.index.language)
        best = self.index.search(question, k=1, product_id=product_id)
        if self.first_sentence_delay_s > 0:
            self._sleep(self.first_sentence_delay_s)
        enough = min(self.min_score, DISTINCTIVE_SHARE * self.index.distinctive)
        if not best or best[0].score < enough:
            yield lines.no_answer
            return
        yield lines.lead_in
        yield from self.relevant_sentences(best[0].entry.text, question)

    def relevant_sentences(self, passage: str, question: str) -> list[str]:
        """Up to ``max_facts`` sentences of a passage that best match the question, in the
        passage's order; the passage's first sentence if none shares a word with it."""
        query = set(terms(question))
        sentences = list(sentences_of([passage]))
        weights = [sum(self.index.idf(t) for t in query & set(terms(s))) for s in sentences]
        ranked = sorted(
            (position for position, weight in enumerate(weights) if weight > 0),
            key=lambda position: (-weights[position], position),
        )
        chosen = sorted(ranked[: self.max_facts]) or [0]
        return [sentences[position] for position in chosen]
