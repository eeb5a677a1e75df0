"""Screening a viewer's question before it is answered: empty, too long, blocked words,
per-viewer rate limit, near-duplicates of a question just asked in the room, and the room's
admission limit (how many questions may wait for or be in their answer at once).

Pure functions over models: the caller (``livehost.questions``, which makes the decision
atomic) reads the room's recent questions and the clock and passes them in. A rejected question gets a ``Verdict`` whose message tells the viewer what
happened. Markup or SSML in a question stays literal text: screening only normalises
whitespace and strips invisible characters; the speech layer escapes what is spoken."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Annotated, Literal

from pydantic import Field

from livehost.answer.text import bigrams
from livehost.models import ROOM_ID_PATTERN, Model
from livehost.text.blocklist import blocked
from livehost.text.scripts import CJK_RANGES

Reason = Literal["ok", "too_long", "empty", "blocked", "duplicate", "rate_limited", "busy"]

QUESTION_CHARS_LIMIT = 5000  # no policy may allow more; the API refuses more with a 4xx
# A small default moderation list, so no room starts with none: abuse and the commonest
# profanity. Rooms add their own (and their markets' languages) through the policy.
DEFAULT_BLOCKLIST = (
    "fuck",
    "fucking",
    "shit",
    "bitch",
    "asshole",
    "bastard",
    "cunt",
    "dickhead",
    "motherfucker",
    "slut",
    "whore",
    "retard",
    "kill yourself",
    "kys",
)

# Invisible characters that change how text displays but are never spoken: zero-width
# space, left-to-right / right-to-left marks, bidi embeddings and isolates, byte-order mark.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF]
)
_WORD = re.compile(r"\w+")
_CJK_RUN = re.compile(rf"([{CJK_RANGES}]+)")


class ScreeningPolicy(Model):
    """A room's rules for questions."""

    max_chars: int = Field(default=500, ge=1, le=QUESTION_CHARS_LIMIT)
    blocklist: list[str] = Field(
        default_factory=lambda: list(DEFAULT_BLOCKLIST),
        description="words or phrases, matched whole, any case (default: a short abuse list)",
    )
    duplicate_window_s: float = Field(default=120, ge=0)
    duplicate_similarity: float = Field(default=0.8, gt=0, le=1)
    per_viewer_limit: int = Field(default=3, ge=1)
    per_viewer_window_s: float = Field(default=60, gt=0)
    max_pending: int = Field(
        default=4,
        ge=1,
        le=50,
        description="questions waiting for or in their answer at once; more are told busy",
    )


class Question(Model):
    """A viewer's question as asked."""

    room_id: Annotated[str, Field(pattern=ROOM_ID_PATTERN)]
    viewer_id: Annotated[str, Field(min_length=1, max_length=128)]
    text: str = Field(max_length=20_000)
    asked_at: float = Field(description="unix time, seconds")


class RecentQuestion(Model):
    """A question asked in the same room a little earlier."""

    viewer_id: str
    text: str
    asked_at: float
    accepted: bool = True


class Verdict(Model):
    """Whether a question goes on to be answered, and what to tell the viewer."""

    accepted: bool
    reason: Reason
    message: str
    text: str = Field(description="the cleaned question, as it will be answered")


def clean_question(text: str) -> str:
    """The question with control and invisible characters removed and whitespace collapsed.
    Nothing that could be spoken is removed: ``<speak>`` stays literal text."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    visible = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) != "Cc"
    )
    return " ".join(visible.split())


def screen(
    question: Question,
    *,
    recent: list[RecentQuestion],
    now: float,
    policy: ScreeningPolicy,
    pending: int = 0,
) -> Verdict:
    """Decide whether a question is answered. Checks run cheapest first: the text
    (``screen_text``), rate limit (the viewer's accepted questions in the window), duplicate
    (an accepted question in the room within the window, by overlap of its terms), then admission
    (``pending`` questions already wait for or are in their answer)."""
    verdict = screen_text(question.text, policy)
    if not verdict.accepted:
        return verdict
    text, words = verdict.text, _overlap_terms(verdict.text)
    accepted = [r for r in recent if r.accepted]
    wait_s = _rate_limit_wait(question.viewer_id, accepted, now, policy)
    if wait_s is not None:
        return _reject(
            "rate_limited",
            f"You can ask {policy.per_viewer_limit} questions every "
            f"{_seconds(policy.per_viewer_window_s)} seconds; try again in {wait_s} seconds.",
            text,
        )
    for earlier in accepted:
        fresh = now - earlier.asked_at <= policy.duplicate_window_s
        if fresh and _similarity(words, _overlap_terms(clean_question(earlier.text))) >= (
            policy.duplicate_similarity
        ):
            return _reject(
                "duplicate",
                "Someone just asked that: the answer is on its way, so stay tuned!",
                text,
            )
    if pending >= policy.max_pending:
        return _reject(
            "busy",
            "The presenter has a queue of questions right now: please ask again in a minute.",
            text,
        )
    return verdict


def screen_text(text: str, policy: ScreeningPolicy) -> Verdict:
    """The checks that need nothing but the text: empty, too long, blocked."""
    text = clean_question(text)
    words = _words(text)
    if not words:
        return _reject("empty", "Your question is empty: type a question and send it again.", text)
    if len(text) > policy.max_chars:
        return _reject(
            "too_long",
            f"Your question is {len(text)} characters long; please keep it to "
            f"{policy.max_chars} characters or fewer.",
            text,
        )
    if blocked(text, policy.blocklist) is not None:
        return _reject("blocked", "Your question can't be answered on this stream.", text)
    return Verdict(
        accepted=True, reason="ok", message="Thanks! Your question is in the queue.", text=text
    )


def _reject(reason: Reason, message: str, text: str) -> Verdict:
    return Verdict(accepted=False, reason=reason, message=message, text=text)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _overlap_terms(text: str) -> list[str]:
    """What near-duplicates are compared on: the words, with CJK runs as character pairs
    (CJK text has no spaces: as one "word", two questions would share all or nothing)."""
    found: list[str] = []
    for word in _words(text):
        runs = _CJK_RUN.split(word)
        found += [part for part in runs[::2] if part]  # the text between CJK runs
        found += [pair for run in _CJK_RUN.findall(word) for pair in bigrams(run)]
    return found


def _similarity(first: list[str], second: list[str]) -> float:
    a, b = set(first), set(second)
    return len(a & b) / len(a | b) if a | b else 0.0


def _rate_limit_wait(
    viewer_id: str, accepted: list[RecentQuestion], now: float, policy: ScreeningPolicy
) -> int | None:
    """Whole seconds until the viewer may ask again, or None if they may ask now."""
    window = policy.per_viewer_window_s
    times = sorted(
        r.asked_at for r in accepted if r.viewer_id == viewer_id and now - r.asked_at < window
    )
    if len(times) < policy.per_viewer_limit:
        return None
    # The oldest question that keeps the viewer at the limit must leave the window first.
    frees_at = times[len(times) - policy.per_viewer_limit] + window
    return max(1, math.ceil(frees_at - now))


def _seconds(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)
