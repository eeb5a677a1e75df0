"""events/functions/: one sample event per function (``sam local invoke -e``), made from the
models the handlers validate with; a model change without regenerating them fails here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_lambda_powertools.utilities.parser.models import APIGatewayProxyEventModel, SqsModel
from samtranslator.yaml_helper import yaml_parse

from livehost.chat_review import ChatMessageReview
from livehost.protocol import parse_event
from livehost.qa import AnswerInput, RecordInput
from livehost.states import QuestionInput, RoomRef, RunRef, ShowFailure, TeardownInput
from local.sample_events import FOLDER, SAMPLES, render

ROOT = Path(__file__).resolve().parents[2]
INPUT_MODELS = {
    "BeginRunFunction": RoomRef,
    "ProvisionFunction": RunRef,
    "OpenChannelFunction": RunRef,
    "ReplaceRenderHostFunction": ShowFailure,
    "TeardownFunction": TeardownInput,
    "ScreenQuestionFunction": QuestionInput,
    "AnswerFunction": AnswerInput,
    "RecordQuestionFunction": RecordInput,
}


def test_every_function_of_the_template_has_a_sample_event() -> None:
    resources = yaml_parse((ROOT / "template.yaml").read_text())["Resources"]
    functions = sorted(n for n, r in resources.items() if r["Type"] == "AWS::Serverless::Function")
    assert sorted(SAMPLES) == functions
    assert sorted(p.stem for p in FOLDER.glob("*.json")) == functions


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_the_committed_sample_is_what_the_models_make_now(name: str) -> None:
    assert (FOLDER / f"{name}.json").read_text() == render(name), (
        "events/functions is out of date: run `.venv/bin/python -m local.sample_events`"
    )


@pytest.mark.parametrize("name", sorted(INPUT_MODELS))
def test_each_workflow_sample_is_valid_input_for_its_handler(name: str) -> None:
    event = json.loads((FOLDER / f"{name}.json").read_text())
    assert INPUT_MODELS[name].model_validate(event).room_id == "demo-showcase"


def test_the_api_and_queue_samples_have_their_services_shapes() -> None:
    api = json.loads((FOLDER / "ApiFunction.json").read_text())
    assert APIGatewayProxyEventModel.model_validate(api).path == "/rooms/demo-showcase"
    batch = SqsModel.model_validate(json.loads((FOLDER / "RoomEventsFunction.json").read_text()))
    [record] = batch.Records
    assert parse_event(record.body).type == "SegmentStarted"
    chat = ChatMessageReview.model_validate(
        json.loads((FOLDER / "ChatReviewFunction.json").read_text())
    )
    assert (chat.sender.attributes["roomId"], chat.message_id) == ("demo-showcase", "Bxe5L3hPfjVQ")
