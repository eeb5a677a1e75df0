"""Checks operator-written SSML against what Amazon Polly accepts, before it is stored or sent.

Polly rejects unsupported tags with an error at synthesis time, in the middle of a live show;
this module rejects them when the script is written, with a message that says what to fix.
Tags are read with expat *without* namespace processing, so Polly's undeclared ``amazon:``
prefix parses as written."""

from __future__ import annotations

import re
from xml.parsers import expat

from livehost.errors import InvalidScript

PollyEngineName = str  # "neural" | "standard" | "long-form" | "generative"

# Tag -> attributes it may carry (Polly's SSML reference).
_ATTRIBUTES: dict[str, frozenset[str]] = {
    "speak": frozenset({"xml:lang", "version", "xmlns", "xmlns:amazon", "xmlns:xsi"}),
    "break": frozenset({"time", "strength"}),
    "lang": frozenset({"xml:lang", "onlangfailure"}),
    "mark": frozenset({"name"}),
    "p": frozenset(),
    "s": frozenset(),
    "phoneme": frozenset({"alphabet", "ph"}),
    "prosody": frozenset({"rate", "volume", "pitch", "amazon:max-duration"}),
    "say-as": frozenset({"interpret-as", "format", "detail"}),
    "sub": frozenset({"alias"}),
    "w": frozenset({"role"}),
    "emphasis": frozenset({"level"}),
    "amazon:domain": frozenset({"name"}),
    "amazon:effect": frozenset({"name", "phonation", "vocal-tract-length"}),
    "amazon:auto-breaths": frozenset({"volume", "frequency", "duration"}),
    "amazon:breath": frozenset({"volume", "duration"}),
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    "mark": ("name",),
    "phoneme": ("alphabet", "ph"),
    "say-as": ("interpret-as",),
    "sub": ("alias",),
}
# Only standard voices have these (Polly's "Supported SSML tags" table).
_STANDARD_ONLY_TAGS = frozenset({"emphasis", "amazon:auto-breaths", "amazon:breath"})
_STANDARD_ONLY_ATTRIBUTES = {
    "prosody": frozenset({"pitch", "amazon:max-duration"}),
    "amazon:effect": frozenset({"phonation", "vocal-tract-length"}),
}

_RATE = re.compile(r"^(x-slow|slow|medium|fast|x-fast|\d{1,3}%)$")
_VOLUME = re.compile(r"^(default|silent|x-soft|soft|medium|loud|x-loud|[+-]\d+(\.\d+)?dB)$")
_PITCH = re.compile(r"^(default|x-low|low|medium|high|x-high|[+-]\d+(\.\d+)?%)$")
_BREAK_TIME = re.compile(r"^(\d+(\.\d+)?)(ms|s)$")
MAX_BREAK_MS = 10_000


def _check_values(tag: str, attrs: dict[str, str]) -> str | None:
    """What is wrong with an attribute value, or None."""
    if tag == "prosody":
        if not attrs:
            return '<prosody> needs rate="..%", volume="..dB" or pitch="..%"'
        if "rate" in attrs:
            if not _RATE.match(attrs["rate"]):
                return f'rate="{attrs["rate"]}" must be x-slow..x-fast or a percentage like 90%'
            if attrs["rate"].endswith("%") and not 20 <= int(attrs["rate"][:-1]) <= 200:
                return f'rate="{attrs["rate"]}" must be between 20% and 200%'
        if "volume" in attrs and not _VOLUME.match(attrs["volume"]):
            return f'volume="{attrs["volume"]}" must be x-soft..x-loud or like +3dB / -6dB'
        if "pitch" in attrs and not _PITCH.match(attrs["pitch"]):
            return f'pitch="{attrs["pitch"]}" must be x-low..x-high or like +5% / -10%'
    if tag == "break" and "time" in attrs:
        found = _BREAK_TIME.match(attrs["time"])
        if not found:
            return f'<break time="{attrs["time"]}"> must be like 500ms or 2s'
        ms = float(found.group(1)) * (1 if found.group(3) == "ms" else 1000)
        if ms > MAX_BREAK_MS:
            return f'<break time="{attrs["time"]}"> is longer than Polly\'s 10s maximum'
    return None


def _check_element(tag: str, attrs: dict[str, str], depth: int, engine: str) -> str | None:
    """What is wrong with one start tag, or None."""
    if depth == 0 and tag != "speak":
        return f"the root element must be <speak>, not <{tag}>"
    if depth > 0 and tag == "speak":
        return "<speak> may appear only once, as the root"
    if tag not in _ATTRIBUTES:
        known = ", ".join(f"<{name}>" for name in sorted(_ATTRIBUTES))
        return f"<{tag}> is not an SSML tag Polly supports; use one of {known}"
    if engine != "standard" and tag in _STANDARD_ONLY_TAGS:
        return f"<{tag}> is not supported by {engine} voices; remove it"
    unknown = sorted(set(attrs) - _ATTRIBUTES[tag])
    if unknown:
        return f"<{tag}> does not take attribute {unknown[0]!r}"
    if engine != "standard":
        refused = sorted(set(attrs) & _STANDARD_ONLY_ATTRIBUTES.get(tag, frozenset()))
        if refused:
            return f"<{tag} {refused[0]}=...> is not supported by {engine} voices; remove it"
    missing = [name for name in _REQUIRED.get(tag, ()) if name not in attrs]
    if missing:
        return f'<{tag}> needs attribute {missing[0]}="..."'
    return _check_values(tag, attrs)


def validate_ssml(ssml: str, *, engine: PollyEngineName = "neural") -> str:
    """Check operator-written SSML for Polly's ``engine``; return it unchanged if it is valid.

    Raises ``InvalidScript`` whose message names the line, column and what to fix."""
    parser = expat.ParserCreate()
    stack: list[str] = []
    problem: list[str] = []

    def fail(message: str) -> None:
        problem.append(
            f"SSML line {parser.CurrentLineNumber}, column {parser.CurrentColumnNumber + 1}: {message}"
        )
        raise _Stop

    def start(tag: str, attrs: dict[str, str]) -> None:
        message = _check_element(tag, attrs, len(stack), engine)
        if message:
            fail(message)
        stack.append(tag)

    def doctype(*_: object) -> None:
        fail("remove the <!DOCTYPE ...> declaration")

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: stack.pop()
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    _parse(parser, ssml)
    if problem:
        raise InvalidScript(problem[0])
    if not plain_text_of(ssml).strip():
        raise InvalidScript("SSML has no text to speak inside <speak>")
    return ssml


class _Stop(Exception):
    """Ends parsing at the first problem."""


def _parse(parser: expat.XMLParserType, ssml: str) -> None:
    try:
        parser.Parse(ssml, True)
    except _Stop:
        return
    except expat.ExpatError as exc:
        reason = expat.errors.messages[exc.code]
        hint = " (write & as &amp; and < as &lt; in text)" if "token" in reason else ""
        message = (
            f"SSML line {exc.lineno}, column {exc.offset + 1}: not well-formed XML: {reason}{hint}"
        )
        raise InvalidScript(message) from exc


def plain_text_of(ssml: str) -> str:
    """The words a listener hears written out (``<sub>`` shows its written text), whitespace
    collapsed: for subtitles and the timeline. Raises ``InvalidScript`` on malformed XML."""
    parser = expat.ParserCreate()
    parts: list[str] = []
    parser.CharacterDataHandler = parts.append
    # Sentence and paragraph edges separate words even without whitespace in the source.
    parser.StartElementHandler = lambda tag, attrs: parts.append(" ") if tag in ("s", "p") else None
    parser.EndElementHandler = lambda tag: parts.append(" ") if tag in ("s", "p") else None
    _parse(parser, ssml)
    return " ".join("".join(parts).split())
