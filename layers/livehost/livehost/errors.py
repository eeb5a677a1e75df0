"""Named errors. A class name here is the contract with the state machines' ErrorEquals:
a handler that raises ``RenderHostLost`` fails its state with error ``RenderHostLost``."""


class LiveHostError(Exception):
    """Base of every named LiveHost error."""


class RoomNotFound(LiveHostError):
    """The room id names no room in the table."""


class RoomAlreadyRunning(LiveHostError):
    """A start was asked for a room that is starting or live."""


class RunSkipped(LiveHostError):
    """A scheduled start found the room running: the run was skipped (in its timeline)."""


class RoomNotLive(LiveHostError):
    """The request needs a live room."""


class RoomStopRequested(LiveHostError):
    """The operator asked the room to stop while it was being set up."""


class InvalidScript(LiveHostError):
    """The script cannot be played as written; the message says what to fix."""


class VoiceNotAvailable(InvalidScript):
    """A voice the speech engine does not have, or one that does not speak the language."""


class NoCapacity(LiveHostError):
    """No instance type in the room's list had capacity."""


class RenderHostLost(LiveHostError):
    """The render host stopped answering."""


class ChannelFailed(LiveHostError):
    """IVS refused to create or start the room's channel."""


class StreamFailed(LiveHostError):
    """The render host could not start the stream."""


class SpeechThrottled(LiveHostError):
    """The speech engine kept throttling after retries."""


class SpeechFailed(LiveHostError):
    """The speech engine refused the text."""


class AnswerFailed(LiveHostError):
    """The answer could not be generated."""


class QuestionRejected(LiveHostError):
    """The question was screened out (blocked, duplicate or rate-limited)."""


def named(name: str, cause: str) -> LiveHostError:
    """An error whose class name is ``name`` (so a workflow's ErrorEquals matches it)."""
    known = globals().get(name)
    if isinstance(known, type) and issubclass(known, LiveHostError):
        return known(cause)
    return type(name, (LiveHostError,), {})(cause)
