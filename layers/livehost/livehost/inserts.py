"""Speaking outside the script: an answer or an operator's line, sentence by sentence.

Each sentence is synthesized and sent to the render host as an ``Insert`` the moment it is
ready (no look-ahead: the first sentence's latency is what the viewer waits for); when the
sentences run out, one closing ``Insert`` without speech tells the playout the answer is
complete, so the script resumes at once instead of waiting for a sentence that never comes.
Text is always spoken as text: markup or SSML in it is read out, never interpreted."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from livehost.commands import send_command
from livehost.models import InsertMode
from livehost.protocol import Cue, Insert, InsertSource, SpeechRef
from livehost.speech.model import SpeechRequest, Voice


class SpeechSource(Protocol):
    """What ``speak`` needs of the speech library."""

    def ensure(self, request: SpeechRequest) -> SpeechRef: ...


@dataclass
class SpeakResult:
    """What was sent: the sentences in order and when each Insert left (unix seconds)."""

    insert_id: str
    sentences: list[str] = field(default_factory=list)
    sent_at: list[float] = field(default_factory=list)
    closed_at: float | None = None

    @property
    def command_ids(self) -> list[str]:
        """The command ids of the sentence Inserts, in order."""
        return [insert_command_id(self.insert_id, i) for i in range(len(self.sentences))]


def insert_command_id(insert_id: str, sequence: int) -> str:
    """The command id of an insert's sentence: a retry that resends a sentence already sent
    reuses its id, and the agent drops the repeat."""
    return f"{insert_id}-{sequence}"


def open_insert(
    sqs: Any,
    queue_url: str,
    *,
    room_id: str,
    insert_id: str,
    mode: InsertMode,
    source: InsertSource,
) -> str:
    """Send the opening Insert ``{insert_id}-open`` (no speech): the playout makes room at
    the mode's point now and holds for the sentences, so the wait for the cut is spent while
    the first sentence is still being written. Safe to send twice (one command id)."""
    command = Insert.opening(room_id=room_id, insert_id=insert_id, mode=mode, source=source)
    return send_command(sqs, queue_url, command)


def speak(
    *,
    library: SpeechSource,
    sqs: Any,
    room_id: str,
    queue_url: str,
    insert_id: str,
    sentences: Iterable[str],
    mode: InsertMode,
    source: InsertSource,
    voice: Voice,
    clock: Callable[[], float] = time.time,
    open_first: bool = True,
) -> SpeakResult:
    """Synthesize each sentence as the (streaming) iterable yields it and send it at once as
    Insert ``{insert_id}-{sequence}``; then send the closing Insert ``{insert_id}-end`` (no
    speech, ``final``, ``sequence`` = the number of sentences). Blank sentences are skipped.
    With ``open_first``, the opening Insert goes out before the first sentence is written
    (see ``open_insert``). A failure while speaking (e.g. ``SpeechThrottled``) after a
    sentence was sent still closes the insert before it propagates, so the playout never
    holds the script for a broken answer."""
    result = SpeakResult(insert_id=insert_id)
    if open_first:
        open_insert(sqs, queue_url, room_id=room_id, insert_id=insert_id, mode=mode, source=source)

    def close() -> None:
        sequence = len(result.sentences)
        command = Insert.closing(
            room_id=room_id, insert_id=insert_id, sequence=sequence, mode=mode, source=source
        )
        send_command(sqs, queue_url, command)
        result.closed_at = clock()

    try:
        for sentence in sentences:
            text = " ".join(sentence.split())
            if not text:
                continue
            ref = library.ensure(SpeechRequest(text=text, voice=voice))
            sequence = len(result.sentences)
            command = Insert(
                command_id=insert_command_id(insert_id, sequence),
                room_id=room_id,
                insert_id=insert_id,
                sequence=sequence,
                final=False,
                mode=mode,
                speech=ref,
                cue=Cue(text=text),
                source=source,
            )
            send_command(sqs, queue_url, command)
            result.sentences.append(text)
            result.sent_at.append(clock())
    except BaseException:
        if result.sentences:  # nothing sent: nothing is open, and a retry starts clean
            close()
        raise
    close()
    return result
