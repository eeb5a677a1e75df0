"""SSML for Polly: built from plain text with a voice's prosody, checked when operators write
it, and read back as plain text for subtitles.

Prosody choice: neural (and long-form, generative) voices accept ``<prosody rate volume>`` but
reject ``pitch`` and do not support ``<emphasis>``. ``build_ssml`` therefore writes only the
settings that differ from the defaults, and writes ``pitch`` only for the ``standard`` engine;
on neural voices a pitch setting is dropped (the local espeak engine still honours it)."""

from __future__ import annotations

import re
from typing import NamedTuple

from livehost.speech.model import SpeechRequest, Voice
from livehost.speech.ssml_rules import PollyEngineName, plain_text_of, validate_ssml

__all__ = [
    "SsmlText",
    "build_ssml",
    "plain_text",
    "prosody_attributes",
    "render_ssml",
    "validate_ssml",
]

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"}
# Characters XML 1.0 forbids; Polly would reject the request: spoken as a space instead.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPEAK_OPEN = re.compile(r"<speak(\s[^>]*)?>")
DEFAULT_VOICE = Voice()


class SsmlText(NamedTuple):
    """SSML to send, and for each of its UTF-8 bytes the byte offset in the request text.

    Polly's word and sentence marks point into the SSML it was sent; ``source_byte`` turns them
    back into offsets in the text the operator wrote."""

    ssml: str
    source_offsets: list[int]

    def source_byte(self, ssml_byte: int) -> int:
        """The request-text byte offset for a byte offset in ``ssml`` (clamped to its ends)."""
        index = min(max(ssml_byte, 0), len(self.source_offsets) - 1)
        return self.source_offsets[index]


def prosody_attributes(voice: Voice, *, engine: PollyEngineName = "neural") -> dict[str, str]:
    """``<prosody>`` attributes for the settings that differ from the defaults."""
    attributes: dict[str, str] = {}
    if voice.rate != DEFAULT_VOICE.rate:
        attributes["rate"] = f"{voice.rate}%"
    if voice.pitch != DEFAULT_VOICE.pitch and engine == "standard":
        attributes["pitch"] = f"{voice.pitch:+d}%"
    if voice.volume != DEFAULT_VOICE.volume:
        attributes["volume"] = f"{voice.volume:+d}dB"
    return attributes


def _prosody_tags(voice: Voice, engine: PollyEngineName) -> tuple[str, str]:
    attributes = prosody_attributes(voice, engine=engine)
    if not attributes:
        return "", ""
    written = " ".join(f'{name}="{value}"' for name, value in attributes.items())
    return f"<prosody {written}>", "</prosody>"


def _escaped(text: str) -> tuple[str, list[int]]:
    """Text escaped for XML, and the source byte offset of each escaped byte (plus the end)."""
    pieces: list[str] = []
    offsets: list[int] = []
    source = 0
    for char in _FORBIDDEN.sub(" ", text):
        piece = _ESCAPES.get(char, char)
        pieces.append(piece)
        offsets.extend([source] * len(piece.encode()))
        source += len(char.encode())
    offsets.append(source)
    return "".join(pieces), offsets


def build_ssml(text: str, voice: Voice, *, engine: PollyEngineName = "neural") -> str:
    """``<speak>`` SSML that speaks ``text`` literally (``<``, ``&`` and quotes are spoken, never
    interpreted), wrapped in ``<prosody>`` only for settings that differ from the defaults."""
    return render_ssml(SpeechRequest(text=text, voice=voice), engine=engine).ssml


def render_ssml(request: SpeechRequest, *, engine: PollyEngineName = "neural") -> SsmlText:
    """The SSML to send Polly for a request, with offsets back into the request text.

    Plain text is escaped; operator SSML is validated and its content wrapped in the voice's
    ``<prosody>`` (so stage rate/volume changes apply to SSML segments too)."""
    opening, closing = _prosody_tags(request.voice, engine)
    if not request.is_ssml:
        body, body_offsets = _escaped(request.text)
        head = f"<speak>{opening}"
        offsets = [0] * len(head.encode()) + body_offsets[:-1]
        offsets += [body_offsets[-1]] * (len(f"{closing}</speak>".encode()) + 1)
        return SsmlText(f"{head}{body}{closing}</speak>", offsets)
    ssml = validate_ssml(request.text, engine=engine)
    found = _SPEAK_OPEN.search(ssml)
    close_at = ssml.rfind("</speak>")
    if not opening or found is None or close_at < found.end():
        return SsmlText(ssml, list(range(len(ssml.encode()) + 1)))
    open_at = len(ssml[: found.end()].encode())
    end_at = len(ssml[:close_at].encode())
    total = len(ssml.encode())
    offsets = list(range(open_at)) + [open_at] * len(opening.encode())
    offsets += list(range(open_at, end_at)) + [end_at] * len(closing.encode())
    offsets += list(range(end_at, total + 1))
    wrapped = (
        ssml[: found.end()] + opening + ssml[found.end() : close_at] + closing + ssml[close_at:]
    )
    return SsmlText(wrapped, offsets)


def plain_text(ssml: str) -> str:
    """What the SSML says, as plain text for subtitles (tags dropped, entities decoded,
    whitespace collapsed). Raises ``InvalidScript`` if it is not well-formed XML."""
    return plain_text_of(ssml)
