"""What a room costs per hour, day and month in AWS, from the template's choices, the room's
settings and its script. Prices are data (local/pricing/<region>.json, with their date);
what a segment and a question use is measured in the local cloud (local/pricing/usage.json,
written by ``python -m bench.cost_usage``). ``livehost cost`` prints the table."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from livehost.channel_types import CHANNEL_TYPES, HEIGHT
from livehost.models import Model, Room, Script
from livehost.renderers import needs_gpu

PRICING = Path(__file__).resolve().parent / "pricing"
HOURS_PER_MONTH = 730  # AWS's month for hourly prices
_TAG = re.compile(r"<[^>]+>")


class Prices(Model):
    region: str
    date: str
    source: str
    ec2_per_hour: dict[str, float]
    ivs_input_per_hour: dict[str, float]
    ivs_output_per_viewer_hour: dict[str, float]
    step_functions_per_transition: float
    lambda_per_gb_second: float
    lambda_per_request: float
    polly_neural_per_char: float
    bedrock_per_input_token: float
    bedrock_per_output_token: float
    dynamodb_per_write: float
    dynamodb_per_read: float
    sqs_per_request: float
    s3_per_put: float
    s3_per_get: float


class Usage(Model):
    """What one segment (or one question) uses, measured in the local cloud."""

    transitions: float
    lambda_gb_seconds: float
    lambda_requests: float
    dynamodb_reads: float
    dynamodb_writes: float
    sqs_requests: float
    s3_gets: float
    s3_puts: float


class MeasuredUsage(Model):
    measured: str
    per_segment: Usage
    per_question: Usage
    spoken_chars_per_second: float
    polly_chars_per_answer: int
    bedrock_input_tokens_per_answer: int
    bedrock_output_tokens_per_answer: int
    assumptions: str


@dataclass(frozen=True)
class Show:
    """How the room is watched: the inputs the template cannot know."""

    viewers: int
    hours_per_day: float
    questions_per_hour: float


@dataclass(frozen=True)
class CostLine:
    item: str
    per_hour: float
    basis: str


@dataclass(frozen=True)
class Estimate:
    lines: list[CostLine]
    one_off: list[CostLine]
    hours_per_day: float

    @property
    def per_hour(self) -> float:
        return sum(line.per_hour for line in self.lines)

    @property
    def per_day(self) -> float:
        return self.per_hour * self.hours_per_day

    @property
    def per_month(self) -> float:
        """Live hours of a 730-hour month, plus what is paid once (the first loop's speech)."""
        return self.per_day * HOURS_PER_MONTH / 24 + sum(line.per_hour for line in self.one_off)

    def dominant(self) -> CostLine:
        return max(self.lines, key=lambda line: line.per_hour)


def spoken_chars(script: Script) -> int:
    """Characters Polly bills for one pass of the script (SSML tags are not billed)."""
    return sum(len(_TAG.sub("", s.text or s.ssml or "")) for s in script.segments)


def delivered_resolution(channel_type: str, resolution: str) -> str:
    """The top rendition viewers get: a transcoding type caps it; BASIC passes the input."""
    cap = CHANNEL_TYPES[channel_type].delivers_up_to
    return cap if HEIGHT[cap] < HEIGHT[resolution] else resolution


def default_instance_type(room: Room, cpu_types: list[str], gpu_types: list[str]) -> str:
    """The first type the stack would try for this room (see livehost.render_hosts)."""
    if room.settings.instance_types:
        return room.settings.instance_types[0]
    return (gpu_types if needs_gpu(room.settings.renderer) else cpu_types)[0]


def estimate(
    room: Room,
    script: Script,
    *,
    instance_type: str,
    prices: Prices,
    usage: MeasuredUsage,
    show: Show,
) -> Estimate:
    """The room's cost lines per live hour, and what it pays once."""
    p, seg, q = prices, usage.per_segment, usage.per_question
    chars = spoken_chars(script)
    loop_s = chars / usage.spoken_chars_per_second + sum(
        s.pause_after_ms / 1000 for s in script.segments
    )
    segments = 3600 * len(script.segments) / loop_s
    questions = show.questions_per_hour
    channel = room.settings.chosen_channel_type()
    watched = delivered_resolution(channel, room.settings.resolution)

    def per(field: str) -> float:
        return segments * getattr(seg, field) + questions * getattr(q, field)

    def both(field: str) -> str:
        return (
            f"{segments:.0f} segments x {getattr(seg, field):g} + "
            f"{questions:g} questions x {getattr(q, field):g}"
        )

    lines = [
        CostLine("render host (EC2)", p.ec2_per_hour[instance_type], instance_type),
        CostLine("IVS input", p.ivs_input_per_hour[channel], f"{channel} channel"),
        CostLine(
            "IVS output",
            show.viewers * p.ivs_output_per_viewer_hour[watched],
            f"{show.viewers} viewers at {watched}",
        ),
        CostLine(
            "Step Functions",
            per("transitions") * p.step_functions_per_transition,
            f"transitions: {both('transitions')}",
        ),
        CostLine(
            "Lambda",
            per("lambda_gb_seconds") * p.lambda_per_gb_second
            + per("lambda_requests") * p.lambda_per_request,
            f"GB-s: {both('lambda_gb_seconds')}",
        ),
        CostLine(
            "Bedrock (answers)",
            questions
            * (
                usage.bedrock_input_tokens_per_answer * p.bedrock_per_input_token
                + usage.bedrock_output_tokens_per_answer * p.bedrock_per_output_token
            ),
            f"{usage.bedrock_input_tokens_per_answer} in + "
            f"{usage.bedrock_output_tokens_per_answer} out tokens per answer",
        ),
        CostLine(
            "Polly (answers)",
            questions * usage.polly_chars_per_answer * p.polly_neural_per_char,
            f"{usage.polly_chars_per_answer} characters per answer",
        ),
        CostLine(
            "DynamoDB",
            per("dynamodb_reads") * p.dynamodb_per_read
            + per("dynamodb_writes") * p.dynamodb_per_write,
            f"writes: {both('dynamodb_writes')}",
        ),
        CostLine("SQS", per("sqs_requests") * p.sqs_per_request, both("sqs_requests")),
        CostLine(
            "S3",
            per("s3_gets") * p.s3_per_get + per("s3_puts") * p.s3_per_put,
            f"gets: {both('s3_gets')}",
        ),
    ]
    first_loop = CostLine(
        "Polly (the script's first loop)",
        chars * p.polly_neural_per_char,
        f"{chars} characters, once: later loops replay the stored speech",
    )
    return Estimate(lines=lines, one_off=[first_loop], hours_per_day=show.hours_per_day)


def table(estimate: Estimate, prices: Prices) -> str:
    """The estimate as a text table: each line per hour, day and month, the total, what dominates."""
    days = HOURS_PER_MONTH / 24
    rows = [f"{'item':<34}{'per hour':>11}{'per day':>11}{'per month':>12}  basis"]
    for line in estimate.lines:
        day = line.per_hour * estimate.hours_per_day
        rows.append(
            f"{line.item:<34}{line.per_hour:>11.4f}{day:>11.2f}{day * days:>12.2f}  {line.basis}"
        )
    for line in estimate.one_off:
        rows.append(f"{line.item:<34}{'':>11}{'':>11}{line.per_hour:>12.2f}  {line.basis}")
    rows.append(
        f"{'total (USD)':<34}{estimate.per_hour:>11.4f}{estimate.per_day:>11.2f}"
        f"{estimate.per_month:>12.2f}  {estimate.hours_per_day:g} live hours a day"
    )
    top = estimate.dominant()
    rows.append(
        f"dominated by {top.item}: {top.per_hour / estimate.per_hour:.0%} of each live hour "
        f"(prices: {prices.region}, {prices.date})"
    )
    return "\n".join(rows)


def load_prices(region: str) -> Prices:
    path = PRICING / f"{region}.json"
    if not path.exists():
        known = sorted(p.stem for p in PRICING.glob("*-*-*.json"))
        raise ValueError(f"no prices for region {region!r} ({path}); there are: {known}")
    return Prices.model_validate_json(path.read_text())


def load_usage() -> MeasuredUsage:
    return MeasuredUsage.model_validate_json((PRICING / "usage.json").read_text())
