"""``livehost cost``: a known room's estimate against a hand computation, to the cent."""

from __future__ import annotations

from pathlib import Path

import pytest

from livehost.models import Room, Script, Segment
from local.cli import main
from local.cost import MeasuredUsage, Prices, Show, Usage, estimate, load_prices, load_usage

ROOT = Path(__file__).resolve().parents[2]
PRICES = Prices(
    region="us-east-1",
    date="2026-11",
    source="test",
    ec2_per_hour={"c7g.large": 0.0725},
    ivs_input_per_hour={"BASIC": 0.2, "STANDARD": 2.0},
    ivs_output_per_viewer_hour={"480p": 0.0375, "720p": 0.075, "1080p": 0.15},
    step_functions_per_transition=0.000025,
    lambda_per_gb_second=0.0000133334,
    lambda_per_request=0.0000002,
    polly_neural_per_char=0.000016,
    bedrock_per_input_token=0.00000025,
    bedrock_per_output_token=0.00000125,
    dynamodb_per_write=0.000000625,
    dynamodb_per_read=0.000000125,
    sqs_per_request=0.0000005,
    s3_per_put=0.000005,
    s3_per_get=0.0000004,
)
USAGE = MeasuredUsage(
    measured="test",
    per_segment=Usage(
        transitions=3,
        lambda_gb_seconds=0.5,
        lambda_requests=2,
        dynamodb_reads=4,
        dynamodb_writes=3,
        sqs_requests=2,
        s3_gets=1,
        s3_puts=0,
    ),
    per_question=Usage(
        transitions=10,
        lambda_gb_seconds=2,
        lambda_requests=4,
        dynamodb_reads=6,
        dynamodb_writes=8,
        sqs_requests=5,
        s3_gets=2,
        s3_puts=1,
    ),
    spoken_chars_per_second=14.0,
    polly_chars_per_answer=300,
    bedrock_input_tokens_per_answer=1000,
    bedrock_output_tokens_per_answer=100,
    assumptions="test",
)


def test_a_known_room_costs_what_the_hand_computation_says() -> None:
    # Given a 720p room (BASIC channel) whose script is 2 x 70 characters with no pauses:
    # a 10 s loop, so 720 segments an hour; 10 viewers, 6 questions an hour, 10 hours a day
    room = Room(room_id="known", name="Known")
    script = Script(
        segments=[Segment(segment_id=f"s{i}", text="x" * 70, pause_after_ms=0) for i in range(2)]
    )
    show = Show(viewers=10, hours_per_day=10, questions_per_hour=6)

    # When it is estimated on a c7g.large
    result = estimate(
        room, script, instance_type="c7g.large", prices=PRICES, usage=USAGE, show=show
    )

    # Then each live hour, by hand:
    #   EC2 0.0725 + IVS in 0.2 + IVS out 10 x 0.075 = 0.75
    #   Step Functions (720x3 + 6x10) x 0.000025 = 0.0555
    #   Lambda (720x0.5 + 6x2) GB-s x 0.0000133334 + (720x2 + 6x4) x 0.0000002 = 0.005252825
    #   Bedrock 6 x (1000 x 0.00000025 + 100 x 0.00000125) = 0.00225
    #   Polly answers 6 x 300 x 0.000016 = 0.0288
    #   DynamoDB 2916 reads x 0.000000125 + 2208 writes x 0.000000625 = 0.0017445
    #   SQS 1470 x 0.0000005 = 0.000735; S3 732 gets x 0.0000004 + 6 puts x 0.000005 = 0.0003228
    #   = 1.117105125 an hour; 11.17 a day (10 h); a month 11.17105125 x 730/24 = 339.786142
    #   + the first loop's speech once, 140 x 0.000016 = 0.00224 -> 339.79
    assert [round(line.per_hour, 9) for line in result.lines] == [
        0.0725, 0.2, 0.75, 0.0555, 0.005252825, 0.00225, 0.0288, 0.0017445, 0.000735, 0.0003228
    ]  # fmt: skip
    assert round(result.per_hour, 9) == 1.117105125
    assert round(result.per_day, 2) == 11.17
    assert round(result.per_month, 2) == 339.79
    assert result.dominant().item == "IVS output"


def test_a_1080p_room_on_an_advanced_sd_channel_pays_480p_output() -> None:
    room = Room.model_validate(
        {
            "roomId": "sd-room",
            "name": "SD",
            "settings": {"resolution": "1080p", "channelType": "ADVANCED_SD"},
        }
    )
    script = Script(segments=[Segment(segment_id="s", text="x" * 14, pause_after_ms=0)])
    prices = PRICES.model_copy(update={"ivs_input_per_hour": {"ADVANCED_SD": 0.5}})
    show = Show(viewers=4, hours_per_day=24, questions_per_hour=0)
    result = estimate(
        room, script, instance_type="c7g.large", prices=prices, usage=USAGE, show=show
    )
    assert (result.lines[1].per_hour, result.lines[2].per_hour) == (0.5, 4 * 0.0375)
    assert result.lines[2].basis == "4 viewers at 480p"


def test_the_shipped_prices_and_usage_name_their_date_region_and_measurement() -> None:
    prices, usage = load_prices("us-east-1"), load_usage()
    assert (prices.region, prices.date) == ("us-east-1", "2026-11")
    assert usage.measured.endswith("(local cloud)")
    assert usage.per_segment.transitions > 0 and usage.per_question.lambda_gb_seconds > 0


def test_the_cli_prints_the_demo_rooms_table(capsys: pytest.CaptureFixture[str]) -> None:
    # When the demo room is costed from the command line
    code = main(["cost", "--room", str(ROOT / "events/demo-room.json"), "--viewers", "50"])
    # Then it prints the render host and channel the template and room choose, and the verdict
    out = capsys.readouterr().out
    assert code == 0
    assert "c7g.large" in out and "BASIC channel" in out and "50 viewers at 720p" in out
    assert "dominated by IVS output" in out


def test_a_region_without_prices_is_refused_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["cost", "--room", str(ROOT / "events/demo-room.json"), "--region", "mars-1"])
    assert code == 2
    assert "no prices for region 'mars-1'" in capsys.readouterr().err
