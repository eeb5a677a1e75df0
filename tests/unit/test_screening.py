"""Screening viewers' questions: each reason, with exact verdicts."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from livehost.screening import (
    DEFAULT_BLOCKLIST,
    Question,
    RecentQuestion,
    ScreeningPolicy,
    Verdict,
    clean_question,
    screen,
)

NOW = 1_800_000_000.0
POLICY = ScreeningPolicy(blocklist=["scam", "free money"])


def ask(text: str, viewer: str = "viewer-1") -> Question:
    return Question(room_id="demo-room", viewer_id=viewer, text=text, asked_at=NOW)


def earlier(text: str, seconds_ago: float, viewer: str = "viewer-2", accepted: bool = True):
    return RecentQuestion(
        viewer_id=viewer, text=text, asked_at=NOW - seconds_ago, accepted=accepted
    )


def test_a_fair_question_is_accepted_clean():
    # Given a question with messy whitespace / When screened
    verdict = screen(
        ask("  How long\n does the\tbattery last? "), recent=[], now=NOW, policy=POLICY
    )

    # Then it is accepted, cleaned
    assert verdict == Verdict(
        accepted=True,
        reason="ok",
        message="Thanks! Your question is in the queue.",
        text="How long does the battery last?",
    )


@pytest.mark.parametrize("text", ["", "   \n\t ", "???", "\x00\x07"])
def test_a_question_with_nothing_to_answer_is_empty(text: str):
    # Given nothing but blanks, punctuation or control characters / When screened
    verdict = screen(ask(text), recent=[], now=NOW, policy=POLICY)

    # Then it is rejected as empty
    assert (verdict.accepted, verdict.reason) == (False, "empty")
    assert verdict.message == "Your question is empty: type a question and send it again."


def test_a_long_question_is_too_long():
    # Given a 20-character limit and a 21-character question
    policy = ScreeningPolicy(max_chars=20)
    text = "Is it waterproof, eh?"

    # When screened
    verdict = screen(ask(text), recent=[], now=NOW, policy=policy)

    # Then it is rejected, saying the limit
    assert len(text) == 21
    assert (verdict.accepted, verdict.reason) == (False, "too_long")
    assert verdict.message == (
        "Your question is 21 characters long; please keep it to 20 characters or fewer."
    )


def test_exactly_the_limit_is_fine():
    # Given a 20-character limit / When a 20-character question is screened / Then it passes
    verdict = screen(
        ask("Is it waterproof, e?"), recent=[], now=NOW, policy=ScreeningPolicy(max_chars=20)
    )
    assert verdict.reason == "ok"


@pytest.mark.parametrize(
    "text",
    [
        "Is this a scam?",
        "Is this a SCAM?",
        "is this a 5c@m",
        "Where is the FREE   money?",
        "fr33 m0ney please",
    ],
)
def test_blocked_words_and_phrases_are_rejected_in_any_case_or_leet(text: str):
    # Given a blocklist of "scam" and "free money" / When screened
    verdict = screen(ask(text), recent=[], now=NOW, policy=POLICY)

    # Then it is rejected without repeating the word
    assert verdict == Verdict(
        accepted=False,
        reason="blocked",
        message="Your question can't be answered on this stream.",
        text=clean_question(text),
    )


@pytest.mark.parametrize("text", ["Are these scampi-proof?", "Is it free? How much money back?"])
def test_blocklist_matches_whole_words_only(text: str):
    # Given a blocked word inside another word, or a phrase's words apart / When screened
    verdict = screen(ask(text), recent=[], now=NOW, policy=POLICY)

    # Then it passes
    assert verdict.reason == "ok"


def test_a_near_duplicate_of_a_recent_question_is_rejected():
    # Given another viewer asked nearly the same a minute ago
    recent = [earlier("How long does the battery last", seconds_ago=60)]

    # When screened
    verdict = screen(ask("how long does the BATTERY last??"), recent=recent, now=NOW, policy=POLICY)

    # Then it is a duplicate, and the viewer is told the answer is coming
    assert (verdict.accepted, verdict.reason) == (False, "duplicate")
    assert verdict.message == "Someone just asked that: the answer is on its way, so stay tuned!"


@pytest.mark.parametrize(
    ("recent", "reason"),
    [
        # 6 shared words of 7: Jaccard 0.857 >= 0.8
        ([earlier("How long does the battery last really", 10)], "duplicate"),
        # 6 shared of 8: 0.75 < 0.8
        ([earlier("How long does the battery last on calls", 10)], "ok"),
        # the same question, but outside the 120 s window
        ([earlier("How long does the battery last", 121)], "ok"),
        # the same question, but it was rejected earlier
        ([earlier("How long does the battery last", 10, accepted=False)], "ok"),
    ],
)
def test_duplicates_need_similarity_and_recency(recent: list[RecentQuestion], reason: str):
    # Given an earlier question / When a similar one is screened / Then the verdict is exact
    verdict = screen(ask("How long does the battery last?"), recent=recent, now=NOW, policy=POLICY)
    assert verdict.reason == reason


def test_a_viewer_over_the_limit_is_told_when_to_ask_again():
    # Given the viewer asked 3 accepted questions in the last minute (50, 30 and 10 s ago)
    recent = [
        earlier("What colours are there?", 50, viewer="viewer-1"),
        earlier("Is it waterproof?", 30, viewer="viewer-1"),
        earlier("Do you ship to Canada?", 10, viewer="viewer-1"),
    ]

    # When they ask a fourth
    verdict = screen(ask("What does it weigh?"), recent=recent, now=NOW, policy=POLICY)

    # Then it is rate-limited until the oldest leaves the 60 s window, in 10 s
    assert verdict == Verdict(
        accepted=False,
        reason="rate_limited",
        message="You can ask 3 questions every 60 seconds; try again in 10 seconds.",
        text="What does it weigh?",
    )


@pytest.mark.parametrize(
    "recent",
    [
        # others' questions do not count
        [earlier(f"Question number {n}?", 5, viewer="viewer-2") for n in range(5)],
        # one of the three left the window 61 s ago
        [
            earlier("What colours are there?", 61, viewer="viewer-1"),
            earlier("Is it waterproof?", 30, viewer="viewer-1"),
            earlier("Do you ship to Canada?", 10, viewer="viewer-1"),
        ],
        # a rejected question does not use up the viewer's allowance
        [
            earlier("What colours are there?", 50, viewer="viewer-1"),
            earlier("Is it waterproof?", 30, viewer="viewer-1"),
            earlier("Is this a scam?", 10, viewer="viewer-1", accepted=False),
        ],
    ],
)
def test_the_rate_limit_counts_only_the_viewers_accepted_questions_in_the_window(recent):
    # Given earlier questions / When the viewer asks / Then they are not rate-limited
    verdict = screen(ask("What does it weigh?"), recent=recent, now=NOW, policy=POLICY)
    assert verdict.reason == "ok"


def test_clean_question_strips_invisible_characters_and_keeps_markup_literal():
    # Given a question with controls, a bidi override, a zero-width space and SSML
    text = 'Is\x00 it <speak><break time="10s"/></speak>\u202e\u200b good?\r\n\u00a0 Yes & no'

    # When cleaned
    cleaned = clean_question(text)

    # Then only the invisible characters are gone; markup stays as literal text
    assert cleaned == 'Is it <speak><break time="10s"/></speak> good? Yes & no'


def test_clean_question_keeps_spoken_characters():
    # Given accents, emoji and other scripts / When cleaned / Then they stay
    assert clean_question("Café 👍  ¿Envían a México? 日本") == "Café 👍 ¿Envían a México? 日本"


def test_policy_crosses_boundaries_in_camel_case():
    # Given a policy from a room's settings JSON
    policy = ScreeningPolicy.model_validate({"maxChars": 300, "perViewerLimit": 5})

    # When sent back / Then it is camelCase, with defaults filled
    assert policy.wire() == {
        "maxChars": 300,
        "blocklist": list(DEFAULT_BLOCKLIST),
        "duplicateWindowS": 120.0,
        "duplicateSimilarity": 0.8,
        "perViewerLimit": 5,
        "perViewerWindowS": 60.0,
        "maxPending": 4,
    }


def test_a_question_needs_a_valid_room_and_viewer():
    # Given a bad room id / When a question is built / Then it is refused
    with pytest.raises(ValidationError):
        Question(room_id="Bad Room!", viewer_id="v", text="hi", asked_at=NOW)
