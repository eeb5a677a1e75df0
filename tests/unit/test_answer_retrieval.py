"""KnowledgeIndex: BM25 over a room's knowledge entries."""

from __future__ import annotations

import math

import pytest

from livehost.answer import KnowledgeIndex
from livehost.answer.text import terms
from livehost.models import KnowledgeEntry

KNOWLEDGE = [
    KnowledgeEntry(
        entry_id="battery",
        title="Battery life",
        text="The Aura headphones play for 30 hours on one charge. "
        "A 10-minute charge gives 5 hours. They charge over USB-C.",
        product_id="aura",
    ),
    KnowledgeEntry(
        entry_id="shipping",
        title="Shipping",
        text="We ship to the US and Canada in 2 to 4 days. Shipping is free over $50.",
    ),
    KnowledgeEntry(
        entry_id="returns",
        title="Returns",
        text="You can return the headphones within 30 days for a full refund.",
    ),
    KnowledgeEntry(
        entry_id="colours",
        title="Colours",
        text="The Aura headphones come in black, sand and sage green.",
        product_id="aura",
    ),
    KnowledgeEntry(
        entry_id="water",
        title="Water resistance",
        text="The headphones are rated IPX4: sweat and rain are fine, swimming is not.",
        product_id="aura",
    ),
    KnowledgeEntry(
        entry_id="aura-price", title="Aura price", text="The Aura costs $129.", product_id="aura"
    ),
    KnowledgeEntry(
        entry_id="lumen-price", title="Lumen price", text="The Lumen costs $89.", product_id="lumen"
    ),
]


@pytest.mark.parametrize(
    ("question", "top"),
    [
        ("How long does the battery last?", "battery"),
        ("Do you ship to Canada?", "shipping"),
        ("Can I send them back for a refund?", "returns"),
        ("Which colors? Is there a green one?", "colours"),
        ("Can I go swimming with them?", "water"),
        ("How fast is charging?", "battery"),
    ],
)
def test_the_best_entry_comes_first(question: str, top: str):
    # Given an index of the room's knowledge
    index = KnowledgeIndex(KNOWLEDGE)

    # When a question is searched
    results = index.search(question)

    # Then the entry that answers it is first
    assert results[0].entry.entry_id == top


def test_ranking_and_scores_are_exact():
    # Given an index / When a question matching several entries is searched
    results = KnowledgeIndex(KNOWLEDGE).search("Do the headphones come in sage green?", k=3)

    # Then the ranking is exact, best first
    assert [r.entry.entry_id for r in results] == ["colours", "returns", "water"]
    assert results[0].score > results[1].score > results[2].score > 0


def test_the_score_is_okapi_bm25_with_the_title_counted_twice():
    # Given two entries: "warranty warranty two year" (4 terms) and "ship ship free" (3)
    index = KnowledgeIndex(
        [
            KnowledgeEntry(entry_id="warranty", title="Warranty", text="Two years."),
            KnowledgeEntry(entry_id="shipping", title="Shipping", text="Free."),
        ]
    )

    # When a one-term question is searched
    results = index.search("Warranty?")

    # Then the score is idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average))
    idf = math.log(1 + (2 - 1 + 0.5) / (1 + 0.5))
    expected = idf * 2 * 2.5 / (2 + 1.5 * (1 - 0.75 + 0.75 * 4 / 3.5))
    assert [r.entry.entry_id for r in results] == ["warranty"]
    assert results[0].score == pytest.approx(expected, rel=1e-12)
    assert round(expected, 6) == 0.946738


def test_an_unrelated_question_matches_nothing():
    # Given an index / When a question shares no term with any entry / Then nothing is found
    assert KnowledgeIndex(KNOWLEDGE).search("Who won the football match yesterday?") == []


def test_ties_keep_the_knowledge_base_order():
    # Given two entries that score the same
    twins = [
        KnowledgeEntry(entry_id="b", title="Warranty", text="Two years."),
        KnowledgeEntry(entry_id="a", title="Warranty", text="Two years."),
    ]

    # When searched
    results = KnowledgeIndex(twins).search("warranty?")

    # Then they come in the order they were given
    assert [r.entry.entry_id for r in results] == ["b", "a"]
    assert results[0].score == results[1].score


def test_the_product_on_screen_wins_an_ambiguous_question():
    # Given two products' prices
    index = KnowledgeIndex(KNOWLEDGE)

    # When "what's the price?" is asked while each product is on screen
    on_lumen = index.search("What's the price?", k=1, product_id="lumen")
    on_aura = index.search("What's the price?", k=1, product_id="aura")

    # Then the product on screen's price is first
    assert [r.entry.entry_id for r in on_lumen] == ["lumen-price"]
    assert [r.entry.entry_id for r in on_aura] == ["aura-price"]


def test_k_limits_the_results():
    # Given an index / When three results are asked for a broad question / Then three come back
    assert len(KnowledgeIndex(KNOWLEDGE).search("headphones aura", k=3)) == 3


def test_an_empty_knowledge_base_finds_nothing():
    # Given no entries / When searched / Then nothing is found (and nothing breaks)
    assert KnowledgeIndex([]).search("battery") == []


def test_terms_drop_stopwords_and_stem_lightly():
    # Given a text / When turned into terms / Then forms of a word share one term
    assert terms("The batteries, charging and charged; it ships, isn't shipping $19.99") == [
        "battery",
        "charg",
        "charg",
        "ship",
        "ship",
        "19.99",
    ]
