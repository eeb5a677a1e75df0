"""A viewer's question followed past its verdict (GET /rooms/{id}/questions/{questionId},
the viewer route): accepted, answering, answered with the answer, not answered and why,
rejected and why; nothing else of the room."""

from __future__ import annotations

import time
from typing import Any

from test_api_routes import Api, ask

from livehost.models import Phase, TimelineEntry
from livehost.qa import Answered, RecordInput, Screening, record_question

pytest_plugins = ["test_api_routes"]  # its fixture `api`: the handler in the emulator


def status_of(api: Api, room_id: str, question_id: str) -> tuple[int, Any]:
    return api.call(
        "GET",
        "/rooms/{roomId}/questions/{questionId}",
        sub=None,
        roomId=room_id,
        questionId=question_id,
    )


def public(qid: str, status: str, **fields: str) -> tuple[int, dict[str, Any]]:
    """A 200 with the question's public status: every field, null unless given."""
    nothing = {"answer": None, "reason": None, "message": None}
    return 200, {"questionId": qid, "status": status, **nothing, **fields}


def recorded(api: Api, question_id: str, text: str, answered: Answered) -> None:
    """What RecordQuestion writes when the answer ends."""
    screening = Screening(
        accepted=True, reason="ok", message="ok", text=text, mode="SENTENCE_END", opened=True
    )
    record_question(
        api.store,
        RecordInput(
            roomId="live",
            run=1,
            questionId=question_id,
            viewerId="v1",
            text=text,
            mode="SENTENCE_END",
            askedAt=time.time() - 5,
            screening=screening,
            answered=answered,
        ),
    )


def test_a_question_is_followed_from_accepted_to_answered_with_its_answer(api: Api) -> None:
    # Given a live room and a viewer's accepted question
    api.live("live")
    _, receipt = ask(api, "live", "How long does the battery last?")
    qid = receipt["questionId"]
    # Then it is accepted (its answer is being written)
    assert status_of(api, "live", qid) == public(qid, "accepted")
    # When the presenter starts speaking its answer (the render host's insert started)
    api.store.append_timeline(
        "live",
        1,
        TimelineEntry(at=time.time(), kind="insert_started", by="presenter", ref=qid),
    )
    # Then it is being answered
    assert status_of(api, "live", qid) == public(qid, "answering")
    # When the answer is recorded
    answer = "Eight hours on one charge. Thirty with the case."
    recorded(
        api,
        qid,
        "How long does the battery last?",
        Answered(sentences=answer.split(". "), answer=answer, closed_at=time.time()),
    )
    # Then it is answered, with the answer's text and nothing else
    assert status_of(api, "live", qid) == public(qid, "answered", answer=answer)


def test_an_answer_that_broke_off_is_not_answered_with_why(api: Api) -> None:
    # Given an accepted question whose answer broke off (the answerer failed mid-way)
    api.live("live")
    _, receipt = ask(api, "live", "Is it waterproof?")
    qid = receipt["questionId"]
    failure = {"Error": "ModelTimeout", "Cause": "the model took too long"}
    recorded(
        api,
        qid,
        "Is it waterproof?",
        Answered(sentences=["It is rated"], answer="It is rated", failure=failure),
    )
    # Then it is not answered, in words (the cause stays with the operator)
    assert status_of(api, "live", qid) == public(
        qid,
        "not_answered",
        reason="ModelTimeout",
        message="The presenter could not answer it this time.",
    )


def test_a_question_left_waiting_when_the_show_ends_is_not_answered(api: Api) -> None:
    # Given an accepted question, and the room stopped before its answer
    api.live("live")
    _, receipt = ask(api, "live", "What colours are there?")
    api.store.set_phase("live", Phase.ENDED)
    # Then it is not answered: the show ended
    status, body = status_of(api, "live", receipt["questionId"])
    assert (status, body["status"], body["reason"], body["message"]) == (
        200,
        "not_answered",
        "ShowEnded",
        "The show ended before the answer.",
    )


def test_a_rejected_question_says_why(api: Api) -> None:
    # Given a question the room's policy blocks
    api.live("live")
    api.call("PUT", "/rooms/{roomId}/screening", {"blocklist": ["scam"]}, roomId="live")
    _, receipt = ask(api, "live", "Is this a scam?")
    # Then its status is rejected, with the reason the viewer was told
    assert status_of(api, "live", receipt["questionId"]) == public(
        receipt["questionId"],
        "rejected",
        reason="blocked",
        message="Your question can't be answered on this stream.",
    )


def test_an_unknown_question_is_404_naming_it(api: Api) -> None:
    # Given a live room
    api.live("live")
    # When a viewer asks for a question nobody asked
    status, body = status_of(api, "live", "live-q-0000000000000000")
    # Then 404, naming it
    assert (status, body["message"]) == (
        404,
        "room 'live' has no question 'live-q-0000000000000000' in its current run "
        "(or it was asked more than 10 minutes ago)",
    )
