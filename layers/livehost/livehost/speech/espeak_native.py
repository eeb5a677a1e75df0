"""libespeak-ng (Debian ``libespeak-ng1``) through ctypes: synchronous synthesis into memory,
with phoneme (IPA), word and sentence events.

The library keeps global state and is not thread-safe: it is loaded and initialised once,
lazily, under ``_LOCK``. Its output also depends on history: the wave generator keeps static
state (pitch-flutter position, wave phase) from one utterance to the next, so the same text
spoken twice in one process gives different bytes. For deterministic speech this process
never synthesizes itself: each request runs in a child forked from the initialised library
(always the same starting state), which sends PCM and events back through a pipe (~20 ms)."""

from __future__ import annotations

import ctypes
import os
import pickle
import threading
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    Union,
    c_char,
    c_char_p,
    c_int,
    c_short,
    c_size_t,
    c_uint,
    c_void_p,
)
from dataclasses import dataclass, field

from livehost.errors import SpeechFailed

LIBRARY = "libespeak-ng.so.1"

AUDIO_OUTPUT_SYNCHRONOUS = 2
INITIALIZE_PHONEME_EVENTS = 0x0001
INITIALIZE_PHONEME_IPA = 0x0002
INITIALIZE_DONT_EXIT = 0x8000
CHARS_UTF8 = 1
SSML = 0x10
ENDPAUSE = 0x1000
POS_CHARACTER = 1

EVENT_LIST_TERMINATED = 0
EVENT_WORD = 1
EVENT_SENTENCE = 2
EVENT_END = 5
EVENT_MSG_TERMINATED = 6
EVENT_PHONEME = 7

# espeak_PARAMETER
RATE, VOLUME, PITCH, RANGE, PUNCTUATION, CAPITALS, WORDGAP = 1, 2, 3, 4, 5, 6, 7


class _EventId(Union):
    _fields_ = [("number", c_int), ("name", c_char_p), ("string", c_char * 8)]


class _Event(Structure):
    """espeak_EVENT (speak_lib.h, API revision 12)."""

    _fields_ = [
        ("type", c_int),
        ("unique_identifier", c_uint),
        ("text_position", c_int),  # 1-based character position in the input text
        ("length", c_int),
        ("audio_position", c_int),  # ms from the start of the audio
        ("sample", c_int),
        ("user_data", c_void_p),
        ("id", _EventId),
    ]


_CALLBACK = CFUNCTYPE(c_int, POINTER(c_short), c_int, POINTER(_Event))


@dataclass(frozen=True)
class Event:
    """One synthesis event: what it is, where in the text (0-based chars), when (ms)."""

    kind: int
    char: int
    length: int
    ms: int
    phoneme: str = ""


@dataclass
class Synthesis:
    """What one espeak_Synth call produced."""

    sample_rate: int
    pcm: bytearray = field(default_factory=bytearray)
    events: list[Event] = field(default_factory=list)


@dataclass(frozen=True)
class Settings:
    """espeak voice name and parameters (rate in words per minute, pitch 0..100,
    volume 0..200)."""

    voice: str
    rate: int
    pitch: int
    volume: int


_LOCK = threading.Lock()
_state: dict[str, object] = {}
_current: list[Synthesis] = []


def _on_synth(wav: ctypes._Pointer, samples: int, events: ctypes._Pointer) -> int:
    synthesis = _current[-1]
    if samples > 0:
        synthesis.pcm += ctypes.string_at(wav, samples * 2)
    index = 0
    while events[index].type != EVENT_LIST_TERMINATED:
        event = events[index]
        phoneme = ""
        if event.type == EVENT_PHONEME:
            phoneme = bytes(event.id.string).split(b"\0", 1)[0].decode(errors="ignore")
        synthesis.events.append(
            Event(event.type, event.text_position - 1, event.length, event.audio_position, phoneme)
        )
        index += 1
    return 0


def _library() -> tuple[ctypes.CDLL, int]:
    """The initialised library and its sample rate (caller holds ``_LOCK``)."""
    if "lib" not in _state:
        try:
            lib = ctypes.CDLL(LIBRARY)
        except OSError as exc:
            raise SpeechFailed(
                f"{LIBRARY} is missing: install Debian package libespeak-ng1"
            ) from exc
        lib.espeak_Initialize.argtypes = [c_int, c_int, c_char_p, c_int]
        lib.espeak_SetVoiceByName.argtypes = [c_char_p]
        lib.espeak_SetParameter.argtypes = [c_int, c_int, c_int]
        lib.espeak_Synth.argtypes = [
            c_char_p,
            c_size_t,
            c_uint,
            c_int,
            c_uint,
            c_uint,
            POINTER(c_uint),
            c_void_p,
        ]
        options = INITIALIZE_PHONEME_EVENTS | INITIALIZE_PHONEME_IPA | INITIALIZE_DONT_EXIT
        sample_rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, None, options)
        if sample_rate <= 0:
            raise SpeechFailed("espeak-ng could not start: is espeak-ng-data installed?")
        callback = _CALLBACK(_on_synth)
        lib.espeak_SetSynthCallback(callback)
        _state.update(lib=lib, sample_rate=sample_rate, callback=callback)  # keep callback alive
    return _state["lib"], int(_state["sample_rate"])  # type: ignore[return-value, call-overload]


def synthesize(text: str, settings: Settings, *, ssml: bool) -> Synthesis:
    """Speak ``text`` with ``settings``; PCM is 16-bit mono at the returned sample rate.

    Same text and settings give identical bytes and events, whatever was spoken before."""
    with _LOCK:
        lib, sample_rate = _library()
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: speak, report, exit without running any Python cleanup
            try:
                os.close(read_end)
                outcome: object = _speak(lib, sample_rate, text, settings, ssml)
            except BaseException as exc:  # everything goes back to the parent
                outcome = SpeechFailed(str(exc))
            try:
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(pickle.dumps(outcome))
            finally:
                os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        report = pipe.read()
    os.waitpid(pid, 0)
    if not report:
        raise SpeechFailed("espeak-ng stopped without speaking")
    result = pickle.loads(report)
    if isinstance(result, Exception):
        raise result
    assert isinstance(result, Synthesis)
    return result


def _speak(
    lib: ctypes.CDLL, sample_rate: int, text: str, settings: Settings, ssml: bool
) -> Synthesis:
    """One synthesis in this (forked) process."""
    if lib.espeak_SetVoiceByName(settings.voice.encode()) != 0:
        raise SpeechFailed(f"espeak-ng has no voice {settings.voice!r}")
    for parameter, value in (
        (RATE, settings.rate),
        (PITCH, settings.pitch),
        (VOLUME, settings.volume),
        (RANGE, 50),
        (PUNCTUATION, 0),
        (CAPITALS, 0),
        (WORDGAP, 0),
    ):
        lib.espeak_SetParameter(parameter, value, 0)
    _libc().srand(1)  # breathy variants draw noise from rand()
    encoded = text.encode()
    _current.append(Synthesis(sample_rate))
    flags = CHARS_UTF8 | ENDPAUSE | (SSML if ssml else 0)
    status = lib.espeak_Synth(encoded, len(encoded) + 1, 0, POS_CHARACTER, 0, flags, None, None)
    synthesis = _current.pop()
    if status != 0:
        raise SpeechFailed(f"espeak-ng refused the text (error {status})")
    return synthesis


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None)
