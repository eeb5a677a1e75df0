"""The playout engine: two queues (script, interaction) played on the stream clock.

Pure logic: the agent calls ``next_frame()`` once per video frame (30 fps) and gets the frame
state, exactly one frame of audio (1600 stereo samples at 48 kHz) and what happened. Commands
go in between frames. Every item starts on a frame boundary; a cut or an ending mid-frame is
padded with silence, so audio stays continuous (frames x 1600 samples, no gaps, no overlap)."""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from livehost.models import InsertMode, Product, Stage, StopMode
from livehost.protocol import Cue, Insert, PlaySegment
from render_host.frame import FPS, SAMPLES_PER_FRAME, FrameState
from render_host.playout.clip import FADE_SAMPLES, SAMPLES_PER_MS, Clip
from render_host.playout.entry import Entry, EntryKind
from render_host.playout.events import Played, PlayoutEvent, PlayoutEventType
from render_host.playout.stage import StageState


@dataclass(frozen=True)
class PlayoutConfig:
    """Playout settings (one place, filled from the agent's settings)."""

    viseme_lead_ms: int = 60  # show each viseme this early: the mouth otherwise trails audio
    insert_timeout_frames: int = 3 * FPS  # idle wait for an open answer's next sentence
    # NOW cuts at the next word boundary if one comes within this; otherwise at the quietest
    # point before then, faded out (the word is said again when the sentence resumes)
    now_cut_within_ms: int = 150
    # ... and within this once the insert's speech is here (it starts on the next frame)
    now_cut_ready_within_ms: int = 33
    gesture_frames: int = round(1.2 * FPS)
    # command ids kept for idempotency: a redelivery comes within minutes; 2,000 commands is
    # hours of show, and a bound a week-long show reaches early (then memory stays flat)
    remembered_commands: int = 2_000


@dataclass
class Tick:
    """One frame of output: what to draw, one frame of audio, and what happened."""

    state: FrameState
    audio: np.ndarray  # int16 (1600, 2)
    events: list[PlayoutEvent] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)  # command ids fully played
    played: list[Played] = field(default_factory=list)  # timings of the same commands
    cues: list[Cue] = field(default_factory=list)  # cues of segments that began (not resumed)


class Playout:
    """Plays script segments and inserts frame by frame. Not thread-safe: one caller."""

    def __init__(self, config: PlayoutConfig | None = None) -> None:
        self.config = config or PlayoutConfig()
        self._frame = 0
        self._script: deque[Entry] = deque()
        self._interaction: list[Entry] = []
        self._current: Entry | None = None
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._paused = False
        self._pause_held = False  # the script is actually held (ScriptPaused sent)
        self._pending: list[tuple[PlayoutEventType, dict[str, Any]]] = []
        self._pending_stages: list[Stage] = []
        self._stage = StageState(self.config.gesture_frames)
        self._open_answer: str | None = None
        self._parked_answer: str | None = None  # a viewer's answer an operator's line cut into
        self._script_owed = False  # a viewer's answer played since the script last spoke
        self._closed_answers: OrderedDict[str, None] = OrderedDict()
        self._hold_frames = 0
        self._lead = self.config.viseme_lead_ms * SAMPLES_PER_MS
        self._tick: Tick | None = None  # the tick being built

    # ---- commands (between frames) -----------------------------------------------------

    def play_segment(self, command: PlaySegment, clip: Clip) -> bool:
        """Queue a script segment (FIFO). False if its command id was already accepted."""
        if not self._accept(command.command_id):
            return False
        self._script.append(Entry(command, clip))
        return True

    def insert(self, command: Insert, clip: Clip) -> bool:
        """Queue an insert sentence; it lands per its mode. False for a repeated command id."""
        if not self._accept(command.command_id):
            return False
        self._queue_insert(Entry(command, clip))
        return True

    def _queue_insert(self, entry: Entry) -> None:
        """Inserts play in arrival order, except that an operator's line goes before every
        viewer's answer still waiting: the operator never waits behind content."""
        if entry.by_operator:
            waiting = [e for e in self._interaction if not e.by_operator and e is not self._current]
            if waiting:
                self._interaction.insert(self._interaction.index(waiting[0]), entry)
                return
        self._interaction.append(entry)

    def open_insert(self, command: Insert) -> bool:
        """An insert is on its way but its first sentence is not ready yet (the opening
        Insert, without speech): make room for it at its mode's point now, and hold, idle,
        for its sentences (up to ``insert_timeout_frames``). Ignored if its sentences are
        here already. False for a repeated command id."""
        if not self._accept(command.command_id):
            return False
        insert_id = command.insert_id
        here = self._queued_sentences(insert_id) or insert_id in (
            _insert_id(self._current),
            self._open_answer,
        )
        if not here and insert_id not in self._closed_answers:
            self._queue_insert(Entry(command, _NO_SPEECH))
        return True

    def close_answer(self, insert_id: str) -> None:
        """The answer ``insert_id`` has no more sentences (its closing Insert came): stop
        holding the script for it. If its last sentence is playing, the script resumes right
        after it; if sentences of it are still queued, they play and the last one closes it."""
        self._closed_answers[insert_id] = None
        while len(self._closed_answers) > self.config.remembered_commands:
            self._closed_answers.popitem(last=False)
        if self._open_answer == insert_id and not self._queued_sentences(
            insert_id, besides=self._current
        ):
            self._open_answer = None

    def pause(self) -> bool:
        """Operator takeover: hold the script at the next sentence boundary (inserts still
        play). False if already paused."""
        if self._paused:
            return False
        self._paused = True
        return True

    def resume(self) -> bool:
        """Let the script continue from the start of the held sentence. False if not paused."""
        if not self._paused:
            return False
        self._paused = False
        if self._pause_held:
            self._pause_held = False
            self._pending.append(("ScriptPaused", {"paused": False}))
        return True

    def set_stage(self, stage: Stage) -> None:
        """Change the stage from the next frame (voice, rate and pitch are only recorded)."""
        self._pending_stages.append(stage)

    def stop(self, mode: StopMode) -> list[str]:
        """Graceful: finish what plays now (and the script segment an insert interrupted),
        drop the rest (the segment queued ahead included). Now: drop everything at once.

        Returns the command ids dropped (they will never complete)."""
        keep: list[Entry] = []
        if mode == StopMode.GRACEFUL:
            started = [e for e in self._script if e.started]
            keep = [e for e in (self._current, *started) if e is not None]
        dropped = [e.command_id for e in [*self._script, *self._interaction] if e not in keep]
        self._script = deque(e for e in self._script if e in keep)
        self._interaction = [e for e in self._interaction if e in keep]
        self._open_answer = self._parked_answer = None
        self._script_owed = False
        if not keep and self._current is not None:
            self._current = None
            self._stage.cue_ended()
        return dropped

    # ---- what the agent can observe ----------------------------------------------------

    def current(self) -> tuple[EntryKind, str] | None:
        """What is playing: ("segment" | "insert", command id), or None."""
        entry = self._current
        return (entry.kind, entry.command_id) if entry is not None else None

    def script_backlog(self) -> list[str]:
        """Command ids of script segments accepted and not yet fully played, in order."""
        return [e.command_id for e in self._script]

    def is_idle(self) -> bool:
        """Nothing playing and nothing queued."""
        return self._current is None and not self._script and not self._interaction

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def stage(self) -> Stage:
        """The stage as set so far (voice, rate and pitch for future synthesis)."""
        return self._stage.settings

    @property
    def frame_index(self) -> int:
        """The index of the next frame."""
        return self._frame

    # ---- the frame clock ---------------------------------------------------------------

    def next_frame(self) -> Tick:
        """Produce frame ``frame_index``: always a frame, speech or idle."""
        index = self._frame
        tick = Tick(FrameState(index=index), np.zeros((SAMPLES_PER_FRAME, 2), np.int16))
        self._tick = tick
        for stage in self._pending_stages:
            self._stage.apply(stage)
            self._emit("StageChanged", stage=stage)
        self._pending_stages.clear()
        for kind, fields in self._pending:
            self._emit(kind, **fields)
        self._pending.clear()

        entry, cut = self._settle()
        limit = cut if cut is not None else (entry.length if entry else 0)
        if entry is not None:
            self._speak(entry, limit, tick)
        else:
            tick.state.product = self._held_product()
        self._stage.fill(tick.state)
        if entry is not None:
            self._after_speaking(entry, limit, cut)
        if self._paused and not self._pause_held and not self._script_speaking():
            self._pause_held = True  # from the end of this frame if a segment played in it
            held_after = entry is not None and entry.kind == "segment"
            self._emit("ScriptPaused", end=held_after, paused=True)

        self._frame += 1
        self._tick = None
        return tick

    def _settle(self) -> tuple[Entry | None, int | None]:
        """The entry that plays this frame and where it must stop early, if anywhere."""
        for _ in range(8):  # each pass ends or starts an entry; a few always suffice
            entry = self._current or self._select()
            if entry is None:
                return None, None
            cut = self._cut_point(entry)
            if cut is not None and cut <= entry.pos:
                self._end_at_cut(entry, cut, end_of_frame=False)
                continue
            return entry, cut
        return None, None

    def _select(self) -> Entry | None:
        """Start what plays next: an operator's line, the open answer's next sentence (or an
        idle hold for it), then an insert that may land now, then the script."""
        if self._open_answer is not None and not self._operator_waiting():
            following = [e for e in self._interaction if _insert_id(e) == self._open_answer]
            if following:
                return self._start(min(following, key=_sequence))
            if self._hold_frames < self.config.insert_timeout_frames:
                self._hold_frames += 1
                return None
            self._open_answer = None  # the rest of the answer is late: stop waiting
        in_progress = bool(self._script) and self._script[0].started
        if self._open_answer is not None and not self._parked_answer:  # an operator cuts in
            self._parked_answer, self._open_answer = self._open_answer, None
        # Viewers' answers take turns with the script: after one, the script speaks to the end
        # of a sentence before the next (a flood of questions never stops the show).
        owed = self._script_owed and in_progress and not self._paused
        for entry in sorted(self._interaction, key=lambda e: not e.by_operator):
            mode = entry.command.mode if isinstance(entry.command, Insert) else None
            if owed and not entry.by_operator:
                continue
            if not in_progress or self._paused or mode != InsertMode.APPEND:
                if entry.opens:  # room is made: hold for the insert's sentences
                    self._interaction.remove(entry)
                    if _insert_id(entry) not in self._closed_answers:
                        self._open_answer, self._hold_frames = _insert_id(entry), 0
                    return self._select()
                return self._start(entry)
        if self._script and not self._paused:
            if owed:
                self._script_owed = False
                turn = self._script[0]
                turn.turn_until = turn.clip.next_sentence_boundary(turn.pos + 1)
            return self._start(self._script[0])
        return None

    def _start(self, entry: Entry) -> Entry:
        command = entry.command
        ms = self._stream_ms()
        resumed = entry.started
        if isinstance(command, PlaySegment):
            self._emit(
                "SegmentStarted",
                segment_id=command.segment_id,
                loop=command.loop,
                index=command.index,
                text=command.cue.text,
                resumed_at_char=entry.resume_char if resumed else 0,
            )
        else:
            self._emit(
                "InsertStarted",
                insert_id=command.insert_id,
                sequence=command.sequence,
                mode=command.mode,
                text=command.cue.text,
                source=command.source,
            )
            self._open_answer = None if self._answer_ends(entry) else command.insert_id
            self._hold_frames = 0
        if not resumed:
            entry.started_ms = ms
            if isinstance(command, PlaySegment) and self._tick is not None:
                self._tick.cues.append(command.cue)
        self._stage.cue_started(entry.cue, fire_gesture=not resumed)
        self._current = entry
        return entry

    def _operator_waiting(self) -> bool:
        return any(e.by_operator and e is not self._current for e in self._interaction)

    def _cut_point(self, entry: Entry) -> int | None:
        """Where a playing script segment must stop for a waiting insert or a pause, and
        where a viewer's answer sentence must stop for an operator's NOW line."""
        if entry.kind != "segment":
            return self._operator_cut(entry)
        clip, pos = entry.clip, entry.pos
        modes = {e.command.mode for e in self._interaction if isinstance(e.command, Insert)}
        cut: int | None = None
        if InsertMode.NOW not in modes:
            entry.now_cut, entry.now_cut_fades = None, False
        if InsertMode.NOW in modes:
            self._decide_now_cut(entry)
            cut = entry.now_cut
        elif InsertMode.SENTENCE_END in modes:
            cut = clip.next_sentence_boundary(pos)
        if cut is not None and entry.turn_until is not None and not self._operator_now():
            cut = max(cut, entry.turn_until)  # the script's turn: to the end of its sentence
        if self._paused:
            held = clip.next_sentence_start(pos)
            if held is not None and (cut is None or held < cut):
                cut = held
        return cut

    def _operator_now(self) -> bool:
        return any(
            e.by_operator and isinstance(e.command, Insert) and e.command.mode == InsertMode.NOW
            for e in self._interaction
        )

    def _operator_cut(self, entry: Entry) -> int | None:
        """An operator's NOW line takes the air from a viewer's answer as it would from the
        script (the answer's sentence plays again from its start afterwards)."""
        now = any(
            e.by_operator and isinstance(e.command, Insert) and e.command.mode == InsertMode.NOW
            for e in self._interaction
            if e is not entry
        )
        if entry.by_operator or not now:
            entry.now_cut, entry.now_cut_fades = None, False
            return None
        self._decide_now_cut(entry, operator=True)
        return entry.now_cut

    def _decide_now_cut(self, entry: Entry, *, operator: bool = False) -> None:
        """Where a NOW insert stops this segment, with a bounded wait: the next word boundary
        if it comes within the bound, else the quietest point before then (faded). While the
        insert has only opened (its speech is still being written) the wait costs nothing
        and the bound is ``now_cut_within_ms``; once its speech is here, any wait delays it,
        and the bound shrinks to ``now_cut_ready_within_ms`` (a frame: the insert starts on
        the next one). Decided once per bound, so the wait never grows."""
        config, clip, pos = self.config, entry.clip, entry.pos
        ready = any(
            isinstance(e.command, Insert)
            and e.command.mode == InsertMode.NOW
            and not e.opens
            and (e.by_operator or not operator)
            for e in self._interaction
        )
        within_ms = config.now_cut_ready_within_ms if ready else config.now_cut_within_ms
        end = pos + within_ms * SAMPLES_PER_MS
        if entry.now_cut is not None and entry.now_cut <= end:
            return
        boundary = clip.next_word_boundary(pos)
        if boundary <= end:
            entry.now_cut, entry.now_cut_fades = boundary, False
        else:
            entry.now_cut, entry.now_cut_fades = clip.quietest_point(pos, end), True

    def _speak(self, entry: Entry, limit: int, tick: Tick) -> None:
        """Write this frame's audio and mouth/subtitle state; advance the entry."""
        clip, pos, state = entry.clip, entry.pos, tick.state
        n = min(SAMPLES_PER_FRAME, limit - pos)
        audible = min(n, clip.samples - pos)
        if audible > 0:
            tick.audio[:audible] = clip.pcm[pos : pos + audible]
            if entry.now_cut_fades and limit == entry.now_cut and limit - pos - FADE_SAMPLES < n:
                _fade_out(tick.audio[:audible], pos, limit)
            state.speaking = True
            ahead = pos + self._lead
            state.viseme = clip.viseme_at(ahead) if ahead < min(limit, clip.samples) else "sil"
            state.subtitle = clip.subtitle_at(pos)
        state.product = entry.cue.product or self._held_product()
        entry.pos = pos + n

    def _after_speaking(self, entry: Entry, limit: int, cut: int | None) -> None:
        sentences = entry.clip.sentences
        while entry.next_sentence < len(sentences):
            sentence = sentences[entry.next_sentence]
            if sentence.end_sample > entry.pos:
                break
            if sentence.words:
                self._emit("WordsSpoken", end=True, ref=entry.ref, words=list(sentence.words))
            entry.next_sentence += 1
        if entry.pos < limit:
            return
        if cut is not None:
            self._end_at_cut(entry, cut, end_of_frame=True)
        else:
            self._finish(entry, end_of_frame=True)

    def _end_at_cut(self, entry: Entry, cut: int, *, end_of_frame: bool) -> None:
        """Stop a segment at ``cut``: finished if its speech is all out, else suspended.
        An answer sentence cut for an operator's line waits to be played again from its
        start.

        ``end_of_frame``: it stopped after this frame's audio (else before it)."""
        if cut >= entry.clip.samples:
            self._finish(entry, end_of_frame=end_of_frame)  # the insert takes its pause
            return
        if entry.kind == "insert":
            entry.pos, entry.next_sentence = 0, 0
            entry.now_cut, entry.now_cut_fades = None, False
            self._current = None
            self._stage.cue_ended()
            return
        entry.rewind_to_sentence_of(cut)
        command = entry.command
        assert isinstance(command, PlaySegment)
        self._emit(
            "SegmentInterrupted",
            end=end_of_frame,
            segment_id=command.segment_id,
            resume_at_char=entry.resume_char,
        )
        self._current = None
        self._stage.cue_ended()

    def _finish(self, entry: Entry, *, end_of_frame: bool) -> None:
        command = entry.command
        if isinstance(command, PlaySegment):
            self._script.remove(entry)
            self._emit(
                "SegmentFinished",
                end=end_of_frame,
                segment_id=command.segment_id,
                loop=command.loop,
                index=command.index,
            )
        else:
            answer_over = self._answer_ends(entry)
            self._interaction.remove(entry)
            self._emit(
                "InsertFinished",
                end=end_of_frame,
                insert_id=command.insert_id,
                sequence=command.sequence,
                final=answer_over,
            )
            if command.final and self._open_answer == command.insert_id:
                self._open_answer = None
            if not entry.by_operator and self._open_answer != command.insert_id:
                self._script_owed = True  # the answer is over: the script's turn comes next
            if self._open_answer is None and not self._operator_waiting():
                self._open_answer, self._parked_answer = self._parked_answer, None
        tick = self._tick
        assert tick is not None and entry.started_ms is not None
        finished_ms = self._stream_ms(end=end_of_frame)
        tick.completed.append(entry.command_id)
        tick.played.append(Played(entry.command_id, entry.kind, entry.started_ms, finished_ms))
        self._current = None
        self._stage.cue_ended()

    # ---- helpers -----------------------------------------------------------------------

    def _accept(self, command_id: str) -> bool:
        if command_id in self._seen:
            return False
        self._seen[command_id] = None
        while len(self._seen) > self.config.remembered_commands:
            self._seen.popitem(last=False)
        return True

    def _queued_sentences(self, insert_id: str, besides: Entry | None = None) -> bool:
        return any(
            _insert_id(e) == insert_id and e is not besides and not e.opens
            for e in self._interaction
        )

    def _answer_ends(self, entry: Entry) -> bool:
        """Whether ``entry`` (an insert sentence) is its answer's last: marked final, or its
        answer was closed and no other sentence of it is queued."""
        command = entry.command
        assert isinstance(command, Insert)
        if command.final:
            return True
        closed = command.insert_id in self._closed_answers
        return closed and not self._queued_sentences(command.insert_id, besides=entry)

    def _script_speaking(self) -> bool:
        return self._current is not None and self._current.kind == "segment"

    def _held_product(self) -> Product | None:
        """A segment in progress keeps its product card up while inserts interrupt it."""
        if self._script and self._script[0].started:
            return self._script[0].cue.product
        return None

    def _stream_ms(self, end: bool = False) -> int:
        return (self._frame + (1 if end else 0)) * 1000 // FPS

    def _emit(self, kind: PlayoutEventType, end: bool = False, **fields: Any) -> None:
        tick = self._tick
        assert tick is not None
        tick.events.append(PlayoutEvent(kind, self._frame, self._stream_ms(end), fields))


def _insert_id(entry: Entry | None) -> str | None:
    return entry.command.insert_id if entry and isinstance(entry.command, Insert) else None


def _fade_out(audio: np.ndarray, pos: int, cut: int) -> None:
    """Fade ``audio`` (samples from ``pos`` on) linearly to silence at sample ``cut``."""
    samples = np.arange(pos, pos + len(audio))
    gain = np.clip((cut - samples) / FADE_SAMPLES, 0.0, 1.0)
    audio[:] = (audio * gain[:, None]).astype(np.int16)


_NO_SPEECH = Clip.from_marks("", np.zeros((0, 2), np.int16), [])


def _sequence(entry: Entry) -> int:
    return entry.command.sequence if isinstance(entry.command, Insert) else 0
