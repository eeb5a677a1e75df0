"""The debugging page: one self-contained HTML file per execution (and its children)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from html import escape

from local.graph.analysis import Failure, Iteration, StateRun, analyse, run_order
from local.graph.causes import human_cause
from local.graph.history import ExecutionRecord
from local.graph.layout import layout_machine
from local.graph.machine import catalogue
from local.graph.scrub import pretty_json, scrub_text
from local.graph.style import CSS
from local.graph.svg import render_svg


def render_html(
    record: ExecutionRecord,
    runs: list[StateRun],
    children: Sequence[ExecutionRecord] = (),
) -> str:
    """One HTML page (inline CSS and SVG only) showing the execution and its children.

    Every input, output, error cause and failure shown is scrubbed of secrets first.
    """
    anchors = {child.execution_arn: _anchor(child) for child in children}
    anchors[record.execution_arn] = _anchor(record)
    sections = [_section(record, runs, anchors, heading="h1")]
    if children:
        sections.append('<h2 class="children-title">Child executions</h2>')
        for child in children:
            child_runs = analyse(child.definition, child.events)
            sections.append(_section(child, child_runs, anchors, heading="h2"))
    title = escape(f"{record.name} · {record.state_machine_name}")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{CSS}</style></head><body><main>"
        + "".join(sections)
        + "</main></body></html>"
    )


def _section(
    record: ExecutionRecord, runs: list[StateRun], anchors: dict[str, str], heading: str
) -> str:
    by_name = {run.name: run for run in runs}
    resources = {
        name: _short_resource(str(info.body.get("Resource", "")))
        for name, info in catalogue(record.definition).items()
        if info.type == "Task"
    }
    svg = render_svg(layout_machine(record.definition), by_name, resources)
    return (
        f'<section class="execution" id="{anchors[record.execution_arn]}">'
        + _header(record, runs, heading)
        + _error(record)
        + f'<div class="graph-frame">{svg}</div>'
        + _LEGEND
        + _table(_in_run_order(runs), anchors)
        + _steps(runs)
        + _history(record)
        + _data("Input", record.input)
        + _data("Output", record.output)
        + "</section>"
    )


def _header(record: ExecutionRecord, runs: list[StateRun], heading: str) -> str:
    visited = sum(1 for run in runs if run.entries)
    facts = [
        ("State machine", record.state_machine_name),
        ("Started", _date(record.start_date)),
        ("Stopped", _date(record.stop_date) if record.stop_date else "—"),
        ("Duration", _duration(record)),
        ("States visited", f"{visited} of {len(runs)}"),
        ("Transitions", str(sum(run.entries for run in runs))),
        ("History events", str(len(record.events))),
    ]
    items = "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(v)}</dd></div>" for k, v in facts)
    status = record.status.lower()
    return (
        f'<header><{heading}>{escape(record.name)} <span class="pill status-{escape(status)}">'
        f"{escape(record.status)}</span></{heading}>"
        f'<p class="arn">{escape(record.execution_arn)}</p><dl class="facts">{items}</dl></header>'
    )


def _error(record: ExecutionRecord) -> str:
    if not record.error and not record.cause:
        return ""
    return (
        f'<div class="callout"><strong>{escape(scrub_text(record.error or "Error"))}</strong>'
        f"<p>{escape(human_cause(record.cause))}</p>"
        f"<details><summary>raw cause</summary><pre>{escape(pretty_json(record.cause))}</pre>"
        "</details></div>"
    )


_LEGEND = (
    '<ul class="legend">'
    '<li><span class="swatch succeeded"></span>succeeded</li>'
    '<li><span class="swatch caught"></span>failed, caught</li>'
    '<li><span class="swatch failed"></span>failed</li>'
    '<li><span class="swatch running"></span>running</li>'
    '<li><span class="swatch not-visited"></span>not visited</li>'
    '<li><span class="badge-sample retry">↻ n</span>retries</li>'
    '<li><span class="line bold"></span>path taken (\u00d7count)</li>'
    '<li><span class="line dashed"></span>Catch</li></ul>'
)


def _table(runs: list[StateRun], anchors: dict[str, str]) -> str:
    longest = max((run.duration_ms for run in runs), default=0) or 1
    rows = []
    for run in runs:
        average = run.duration_ms // run.entries if run.entries else 0
        bar = f'<span class="bar" style="width:{100 * run.duration_ms / longest:.1f}%"></span>'
        name = ("↳ " if run.parent else "") + run.name
        rows.append(
            f'<tr class="{run.status.replace(" ", "-")}">'
            f'<td class="state-name{" inner" if run.parent else ""}">{escape(name)}</td>'
            f"<td>{escape(run.type)}</td>"
            f'<td><span class="pill status-{run.status.replace(" ", "-")}">{run.status}</span></td>'
            f'<td class="num">{run.entries}</td>'
            f'<td class="num{" warn" if run.retries else ""}">{run.retries}</td>'
            f'<td class="num">{run.duration_ms:,}</td><td class="num">{average:,}</td>'
            f'<td class="bar-cell">{bar}</td>'
            f"<td>{_time(run.entered_at)}</td><td>{_time(run.exited_at)}</td>"
            f"<td>{_notes(run, anchors)}</td></tr>"
        )
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            "State", "Type", "Status", "Entered", "Retries", "Total ms", "Avg ms", "",
            "First entered", "Last exited", "Failures · children",
        )
    )  # fmt: skip
    return (
        f'<table class="runs"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _in_run_order(runs: list[StateRun]) -> list[StateRun]:
    """States by when they were first entered; those never entered last, as defined."""
    return sorted(runs, key=lambda run: (run.entered_at is None, run.entered_at or 0))


def _notes(run: StateRun, anchors: dict[str, str]) -> str:
    notes = []
    passed_on = {f.error for it in run.iterations if it.passed_on for f in it.failures}
    for failure in _distinct(run):
        cause = pretty_json(failure.cause) if failure.cause else ""
        detail = f"<pre>{escape(cause)}</pre>" if cause else ""
        label = "passed on " if failure.error in passed_on else ""
        notes.append(
            f'<details class="failure"><summary>✕ {label}{escape(scrub_text(failure.error))}: '
            f"{escape(human_cause(failure.cause))}</summary>{detail}</details>"
        )
    for arn in run.children:
        child = escape(arn.rsplit(":", 1)[-1])
        if arn in anchors:
            notes.append(f'<a class="child" href="#{anchors[arn]}">▸ {child}</a>')
        else:
            notes.append(f'<span class="child" title="{escape(arn)}">▸ {child}</span>')
    return "".join(notes)


def _distinct(run: StateRun) -> list[Failure]:
    seen: dict[str, Failure] = {}
    for failure in run.failures:
        seen.setdefault(failure.error, failure)
    return list(seen.values())


def _steps(runs: list[StateRun]) -> str:
    """Every state entry in run order: its turn (loops), timing, input and output."""
    rows = []
    for step in run_order(runs):
        rows.append(
            f'<tr class="{step.status.replace(" ", "-")}"><td class="num">{step.order}</td>'
            f'<td>{escape(step.state)}</td><td class="num">{step.turn}</td>'
            f'<td>{_time(step.entered_at)}</td><td class="num">{step.duration_ms:,}</td>'
            f'<td><span class="pill status-{step.status.replace(" ", "-")}">{step.status}'
            f"</span></td><td>{_step_failure(step)}</td>"
            f"<td>{_data('in', step.input)}{_data('out', step.output)}</td></tr>"
        )
    head = "".join(
        f"<th>{h}</th>"
        for h in ("#", "State", "Turn", "Entered", "ms", "Status", "Error · cause", "Data")
    )
    return (
        '<details class="steps" open><summary>Run order: every state entry, each turn of a '
        f"loop timed on its own ({len(rows)})</summary>"
        f'<table class="runs"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
        "</table></details>"
    )


def _step_failure(step: Iteration) -> str:
    if not step.failures:
        return ""
    failure = step.failures[-1]
    error = escape(scrub_text(failure.error))
    if step.passed_on and step.came_from:
        # e.g. ReplaceRenderHost re-raising a speech failure: nothing was replaced
        return (
            f"<strong>{error}</strong> passed on from {escape(step.came_from)} (not a failure "
            f"of this state): {escape(human_cause(failure.cause))}"
        )
    return f"<strong>{error}</strong>: {escape(human_cause(failure.cause))}"


def _history(record: ExecutionRecord) -> str:
    """The raw event history, as the console lists it (details scrubbed)."""
    rows = []
    for event in record.events:
        details = next(
            (v for k, v in event.items() if k.endswith("EventDetails") and isinstance(v, dict)),
            {},
        )
        summary = {k: v for k, v in details.items() if k not in ("input", "output")}
        shown = pretty_json(json.dumps(summary, default=str)) if summary else ""
        moment = event["timestamp"]
        stamp = _time(moment) if isinstance(moment, datetime) else escape(str(moment))
        rows.append(
            f'<tr><td class="num">{event["id"]}</td>'
            f'<td class="num">{event.get("previousEventId", "")}</td>'
            f"<td>{stamp}</td><td>{escape(str(event['type']))}</td>"
            f"<td><code>{escape(shown)}</code></td></tr>"
        )
    head = "".join(f"<th>{h}</th>" for h in ("id", "prev", "time", "type", "details"))
    return (
        f'<details class="history"><summary>Event history ({len(rows)} events)</summary>'
        f'<table class="runs"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
        "</table></details>"
    )


def _data(label: str, text: str | None) -> str:
    if text is None:
        return ""
    shown = pretty_json(text)
    return (
        f'<details class="data"><summary>{label} <small>({len(text.encode()):,} bytes)</small></summary>'
        f"<pre>{escape(shown)}</pre></details>"
    )


def _anchor(record: ExecutionRecord) -> str:
    return "exec-" + re.sub(r"[^A-Za-z0-9_-]+", "-", record.execution_arn.split(":", 5)[-1])


def _short_resource(resource: str) -> str:
    if resource.startswith("arn:aws:states:::"):
        return resource.removeprefix("arn:aws:states:::")
    if ":function:" in resource:
        return "lambda:" + resource.rsplit(":function:", 1)[-1].split(":")[0]
    return resource.rsplit(":", 1)[-1]


def _time(moment: datetime | None) -> str:
    """A time of day with its zone (the history's own, UTC from AWS)."""
    if moment is None:
        return "—"
    return moment.strftime("%H:%M:%S.%f")[:-3] + " " + _zone(moment)


def _date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + " " + _zone(moment)


def _zone(moment: datetime) -> str:
    offset = moment.utcoffset()
    if offset is None:
        return "(no zone)"
    return "UTC" if not offset else moment.strftime("UTC%z")


def _duration(record: ExecutionRecord) -> str:
    if record.stop_date is None:
        return "running"
    ms = round((record.stop_date - record.start_date).total_seconds() * 1000)
    return f"{ms:,} ms" if ms < 10_000 else f"{ms / 1000:,.1f} s"
