"""One accepted command in a playout queue: its clip and how far it has played."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from livehost.protocol import Cue, Insert, PlaySegment
from render_host.playout.clip import SAMPLES_PER_MS, Clip

EntryKind = Literal["segment", "insert"]


@dataclass(eq=False)
class Entry:
    """A segment or insert sentence. ``pos`` runs over the clip's samples and then over the
    segment's pause (silence); the entry is done when ``pos`` reaches ``length``."""

    command: PlaySegment | Insert
    clip: Clip
    pos: int = 0
    started_ms: int | None = None  # stream ms of its first frame, once it has started
    resume_char: int = 0
    next_sentence: int = 0  # the first sentence not yet reported in WordsSpoken
    now_cut: int | None = None  # where a waiting NOW insert stops it (decided per bound)
    now_cut_fades: bool = False  # that cut is inside a word: fade out into it
    turn_until: int | None = None  # a viewer's insert may not cut the script before this
    length: int = field(init=False)

    def __post_init__(self) -> None:
        pause = self.command.pause_after_ms if isinstance(self.command, PlaySegment) else 0
        self.length = self.clip.samples + pause * SAMPLES_PER_MS

    @property
    def kind(self) -> EntryKind:
        return "segment" if isinstance(self.command, PlaySegment) else "insert"

    @property
    def command_id(self) -> str:
        return self.command.command_id

    @property
    def cue(self) -> Cue:
        return self.command.cue

    @property
    def opens(self) -> bool:
        """An opening Insert: no speech of its own, it makes room for the sentences coming."""
        return isinstance(self.command, Insert) and self.command.opens

    @property
    def by_operator(self) -> bool:
        """An operator's line: it goes before viewers' answers."""
        return isinstance(self.command, Insert) and self.command.source == "operator"

    @property
    def started(self) -> bool:
        return self.started_ms is not None

    @property
    def ref(self) -> str:
        """The segment id or insert id: what WordsSpoken refers to."""
        command = self.command
        return command.segment_id if isinstance(command, PlaySegment) else command.insert_id

    def rewind_to_sentence_of(self, sample: int) -> None:
        """Go back to the start of the sentence being spoken at ``sample``."""
        index = self.clip.sentence_index_at(sample)
        sentence = self.clip.sentences[index]
        self.pos = sentence.sample
        self.resume_char = sentence.char_start
        self.next_sentence = index
        self.now_cut, self.now_cut_fades = None, False
        self.turn_until = None
