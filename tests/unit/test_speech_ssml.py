"""SSML: building from plain text, operator SSML validation, plain text for subtitles."""

import pytest

from livehost.errors import InvalidScript
from livehost.speech.model import SpeechRequest, Voice
from livehost.speech.ssml import build_ssml, plain_text, render_ssml, validate_ssml


def test_default_voice_gets_no_prosody_and_text_is_escaped():
    # Given text full of XML specials
    text = "Use <b> & \"quotes\" 'too'"
    # When it is built with the default voice
    ssml = build_ssml(text, Voice())
    # Then it is spoken literally, without a prosody tag
    assert ssml == ("<speak>Use &lt;b&gt; &amp; &quot;quotes&quot; &apos;too&apos;</speak>")
    assert plain_text(ssml) == text


def test_only_changed_settings_are_written_and_pitch_only_for_standard():
    # Given a voice with rate, pitch and volume changed
    voice = Voice(rate=85, pitch=-10, volume=3)
    # When built for neural and for standard voices
    neural = build_ssml("Hi", voice)
    standard = build_ssml("Hi", voice, engine="standard")
    # Then neural drops pitch (Polly rejects it there) and standard keeps it
    assert neural == '<speak><prosody rate="85%" volume="+3dB">Hi</prosody></speak>'
    assert standard == (
        '<speak><prosody rate="85%" pitch="-10%" volume="+3dB">Hi</prosody></speak>'
    )
    assert build_ssml("Hi", Voice(volume=-6)) == (
        '<speak><prosody volume="-6dB">Hi</prosody></speak>'
    )


def test_control_characters_become_spaces():
    assert build_ssml("a\x00b\x1fc", Voice()) == "<speak>a b c</speak>"


def test_rendered_offsets_map_ssml_bytes_back_to_the_text():
    # Given plain text with an escaped character and a non-ASCII one
    request = SpeechRequest(text="é & b", voice=Voice(rate=90))
    # When rendered
    rendered = render_ssml(request)
    ssml_bytes = rendered.ssml.encode()
    # Then each word's SSML bytes map back to its bytes in the text
    amp = ssml_bytes.index(b"&amp;")
    b_at = ssml_bytes.index(b"b<")
    assert rendered.ssml == '<speak><prosody rate="90%">é &amp; b</prosody></speak>'
    assert rendered.source_byte(ssml_bytes.index("é".encode())) == 0
    assert (rendered.source_byte(amp), rendered.source_byte(amp + 5)) == (3, 4)
    assert (rendered.source_byte(b_at), rendered.source_byte(b_at + 1)) == (5, 6)
    assert rendered.source_byte(len(ssml_bytes)) == 6


def test_operator_ssml_gets_the_voice_prosody_inside_speak():
    # Given operator SSML and a slower voice
    ssml = '<speak>Hi <break time="1s"/>there</speak>'
    # When rendered
    rendered = render_ssml(SpeechRequest(text=ssml, is_ssml=True, voice=Voice(rate=90)))
    # Then the content is wrapped and offsets still point into the operator's SSML
    assert (
        rendered.ssml == '<speak><prosody rate="90%">Hi <break time="1s"/>there</prosody></speak>'
    )
    there = rendered.ssml.index("there")
    assert rendered.source_byte(there) == ssml.index("there")


def test_valid_operator_ssml_is_returned_unchanged():
    ssml = (
        '<speak>Welcome! <amazon:effect name="drc"><prosody rate="90%" volume="+2dB">'
        'Our <sub alias="World Wide Web">WWW</sub> shop</prosody></amazon:effect>'
        '<break time="500ms"/><mark name="card"/><s>Buy now.</s></speak>'
    )
    assert validate_ssml(ssml) == ssml
    assert plain_text(ssml) == "Welcome! Our WWW shop Buy now."


@pytest.mark.parametrize(
    ("ssml", "engine", "message"),
    [
        ("Hello", "neural", "not well-formed XML"),
        ("<speak>Fish & chips</speak>", "neural", "write & as &amp;"),
        ("<voice>Hi</voice>", "neural", "the root element must be <speak>, not <voice>"),
        (
            "<speak><emphasis>Hi</emphasis></speak>",
            "neural",
            "column 8: <emphasis> is not supported by neural voices; remove it",
        ),
        (
            '<speak><prosody pitch="+5%">Hi</prosody></speak>',
            "neural",
            "<prosody pitch=...> is not supported by neural voices",
        ),
        (
            "<speak><audio src='x'/>Hi</speak>",
            "neural",
            "<audio> is not an SSML tag Polly supports",
        ),
        ('<speak><prosody rate="300%">Hi</prosody></speak>', "neural", "between 20% and 200%"),
        ('<speak><break time="12s"/>Hi</speak>', "neural", "longer than Polly's 10s maximum"),
        ("<speak><sub>WWW</sub></speak>", "neural", '<sub> needs attribute alias="..."'),
        ('<speak><break tim="1s"/>Hi</speak>', "neural", "<break> does not take attribute 'tim'"),
        ('<speak><break time="1s"/></speak>', "neural", "no text to speak"),
        (
            '<!DOCTYPE speak [<!ENTITY x "y">]><speak>&x;</speak>',
            "neural",
            "remove the <!DOCTYPE ...> declaration",
        ),
    ],
)
def test_invalid_operator_ssml_says_what_to_fix(ssml, engine, message):
    # When invalid SSML is validated
    with pytest.raises(InvalidScript) as raised:
        validate_ssml(ssml, engine=engine)
    # Then the message names the problem
    assert message in str(raised.value)
    assert str(raised.value).startswith("SSML")


def test_standard_voices_accept_emphasis_and_pitch():
    ssml = (
        '<speak><emphasis level="strong">Hi</emphasis> <prosody pitch="-5%">there</prosody></speak>'
    )
    assert validate_ssml(ssml, engine="standard") == ssml


def test_error_reports_line_and_column():
    with pytest.raises(InvalidScript, match=r"^SSML line 2, column 3: <emphasis>"):
        validate_ssml("<speak>\n  <emphasis>Hi</emphasis></speak>")
