"""What every answerer is: a question in, spoken sentences out, as soon as each is ready."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from livehost.languages import LANGUAGES

# Said when the knowledge base has nothing on the question: polite, short, no guessing (each
# room language has its own: livehost.languages).
NO_ANSWER = LANGUAGES["en-US"].no_answer


class Answerer(Protocol):
    """Answers a viewer's question with 1-3 short sentences, streamed one by one."""

    def answer(self, question: str, *, product_id: str | None = None) -> Iterator[str]:
        """Sentences of the answer, each yielded as soon as it is complete. ``product_id``
        names the product on screen, which the question most likely refers to."""
        ...
