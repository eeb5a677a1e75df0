"""LocalAnswerer and the answerer registry."""

from __future__ import annotations

import boto3
import pytest

from livehost.answer import (
    NO_ANSWER,
    BedrockAnswerer,
    KnowledgeIndex,
    LocalAnswerer,
    answerer_for,
)
from livehost.models import KnowledgeEntry

KNOWLEDGE = [
    KnowledgeEntry(
        entry_id="battery",
        title="Battery life",
        text="The Aura headphones play for 30 hours on one charge. "
        "The case is made of recycled aluminium. A 10-minute charge gives 5 hours.",
        product_id="aura",
    ),
    KnowledgeEntry(
        entry_id="shipping",
        title="Shipping",
        text="We ship to the US and Canada in 2 to 4 days. Orders ship from Denver. "
        "Shipping is free over $50.",
    ),
    KnowledgeEntry(
        entry_id="colours",
        title="Colours",
        text="The Aura headphones come in black, sand and sage green.",
        product_id="aura",
    ),
]


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_answer_is_grounded_on_the_best_entry():
    # Given a local answerer over the room's knowledge
    answerer = LocalAnswerer(KnowledgeIndex(KNOWLEDGE))

    # When a viewer asks about battery life
    sentences = list(answerer.answer("How many hours does the battery last?"))

    # Then it says a lead-in and the sentences holding the fact, in the entry's order
    assert sentences == [
        "Good question.",
        "The Aura headphones play for 30 hours on one charge.",
        "A 10-minute charge gives 5 hours.",
    ]


def test_only_the_most_relevant_sentences_are_said():
    # Given an entry with three sentences, two about the question
    answerer = LocalAnswerer(KnowledgeIndex(KNOWLEDGE), max_facts=1)

    # When asked about free shipping
    sentences = list(answerer.answer("Is shipping free?"))

    # Then the one sentence that has the fact is said
    assert sentences == ["Good question.", "Shipping is free over $50."]


def test_no_relevant_entry_gives_the_polite_fallback():
    # Given a local answerer / When asked something the knowledge base does not cover
    sentences = list(LocalAnswerer(KnowledgeIndex(KNOWLEDGE)).answer("Who won the match?"))

    # Then it says it does not know, and nothing else
    assert sentences == [NO_ANSWER]
    assert NO_ANSWER.startswith("I don't have that detail right now")


def test_a_weak_match_is_below_the_threshold():
    # Given "headphones" appears in most entries, so it says little about which one
    answerer = LocalAnswerer(KnowledgeIndex(KNOWLEDGE))

    # When a question matches only that word
    sentences = list(answerer.answer("Are the headphones nice?"))

    # Then the answerer does not guess
    assert sentences == [NO_ANSWER]


def test_the_first_sentence_waits_for_the_simulated_model_delay():
    # Given a simulated time to first sentence of 0.25 s
    sleeps = Sleeps()
    answerer = LocalAnswerer(KnowledgeIndex(KNOWLEDGE), first_sentence_delay_s=0.25, sleep=sleeps)

    # When an answer is asked for, then read
    sentences = answerer.answer("What colours are there?")
    before_reading = list(sleeps)
    first = next(sentences)

    # Then the delay is taken once, when the first sentence is read
    assert before_reading == []
    assert first == "Good question."
    assert list(sentences) == ["The Aura headphones come in black, sand and sage green."]
    assert sleeps == [0.25]


def test_registry_builds_each_answerer_by_name():
    # Given an index and a bedrock-runtime client
    index = KnowledgeIndex(KNOWLEDGE)
    client = boto3.client(
        "bedrock-runtime", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y"
    )

    # When each answerer is built by name
    local = answerer_for("local", index=index, first_sentence_delay_s=0.1)
    bedrock = answerer_for("bedrock", index=index, client=client, model_id="m", max_tokens=99)

    # Then each is the right kind, configured as asked
    assert isinstance(local, LocalAnswerer)
    assert local.first_sentence_delay_s == 0.1
    assert isinstance(bedrock, BedrockAnswerer)
    assert (bedrock.client, bedrock.model_id, bedrock.max_tokens) == (client, "m", 99)


def test_registry_says_what_is_wrong():
    # Given an index
    index = KnowledgeIndex(KNOWLEDGE)

    # When an unknown answerer, or bedrock without a client, is asked for / Then it says why
    with pytest.raises(ValueError, match=r"^unknown answerer 'gpt': choose one of bedrock, local$"):
        answerer_for("gpt", index=index)
    with pytest.raises(ValueError, match=r"needs a bedrock-runtime client and model_id"):
        answerer_for("bedrock", index=index, model_id="m")


def test_in_a_small_knowledge_base_one_telling_word_is_enough():
    # Given a room with two entries only (a word only one of them has is worth little in BM25)
    answerer = LocalAnswerer(KnowledgeIndex(KNOWLEDGE[:2]))

    # When a question shares one such word with an entry
    sentences = list(answerer.answer("How long does the battery last?"))

    # Then that entry answers, and a question sharing none still gets the fallback
    assert sentences[0] == "Good question."
    assert "30 hours" in " ".join(sentences)
    assert list(answerer.answer("Who won the match?")) == [NO_ANSWER]
