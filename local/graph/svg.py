"""Drawing a laid-out state machine as inline SVG, coloured by what the execution did."""

from __future__ import annotations

from html import escape

from local.graph.analysis import StateRun
from local.graph.layout import Layout, Node, Route
from local.graph.machine import START
from local.graph.scrub import scrub_text

_ARROWS = {"idle": "#b8bfca", "taken": "#1f2937", "catch": "#e8590c"}
_DEFS = "".join(
    f'<marker id="arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="10" '
    f'markerHeight="10" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
    f'fill="{colour}"/></marker>'
    for name, colour in _ARROWS.items()
)


def render_svg(layout: Layout, runs: dict[str, StateRun], resources: dict[str, str]) -> str:
    """The whole graph as one ``<svg>`` element (no external references)."""
    body = _draw_layout(layout, runs, resources)
    width, height = round(layout.width), round(layout.height)
    return (
        f'<svg class="graph" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img">'
        f"<defs>{_DEFS}</defs>{body}</svg>"
    )


def _draw_layout(layout: Layout, runs: dict[str, StateRun], resources: dict[str, str]) -> str:
    ports = _ports(layout)
    parts = [_draw_route(layout, route, runs, ports) for route in layout.routes]
    edges = [part for part in parts if "edge-taken" not in part]
    taken = [part for part in parts if "edge-taken" in part]  # bold edges above idle ones
    nodes = [_draw_node(node, runs, resources) for node in layout.nodes.values()]
    return "".join(edges + taken + nodes)


def _ports(layout: Layout) -> dict[tuple[str, str], tuple[float, float]]:
    """Where each forward edge leaves its source and reaches its target (spread along sides)."""
    ports: dict[tuple[str, str], tuple[float, float]] = {}
    forward = [r for r in layout.routes if not r.back]
    for node in layout.nodes.values():
        for side in ("out", "in"):
            if side == "out":
                mine = [r for r in forward if r.edge.source == node.name]
                mine.sort(key=lambda r: layout.nodes[(r.via or [r.edge.target])[0]].center_x)
            else:
                mine = [r for r in forward if r.edge.target == node.name]
                mine.sort(key=lambda r: layout.nodes[(r.via or [r.edge.source])[-1]].center_x)
            step = min(26.0, node.width / (len(mine) + 1))
            for index, route in enumerate(mine):
                x = node.center_x + (index - (len(mine) - 1) / 2) * step
                key = (route.edge.source, route.edge.target)
                source_x, target_x = ports.get(key, (x, x))
                ports[key] = (x, target_x) if side == "out" else (source_x, x)
    return ports


def _count(route: Route, runs: dict[str, StateRun]) -> int:
    edge = route.edge
    if edge.source == START:
        target = runs.get(edge.target)
        return 1 if target and target.entries else 0
    source = runs.get(edge.source)
    if source is None:
        return 0
    if edge.kind == "end":
        return source.terminal_exits
    if edge.kind == "catch" and not source.caught:
        return 0
    return source.transitions.get(edge.target, 0)


def _draw_route(
    layout: Layout,
    route: Route,
    runs: dict[str, StateRun],
    ports: dict[tuple[str, str], tuple[float, float]],
) -> str:
    source, target = layout.nodes[route.edge.source], layout.nodes[route.edge.target]
    count = _count(route, runs)
    tx = target.center_x
    if route.back:
        path, label_at = _back_path(source, target, route.lane_x)
    else:
        sx, tx = ports[(route.edge.source, route.edge.target)]
        points = [(sx, source.bottom)]
        for name in route.via:
            waypoint = layout.nodes[name]
            points += [(waypoint.center_x, waypoint.y), (waypoint.center_x, waypoint.bottom)]
        points.append((tx, target.y))
        path, label_at = _forward_path(points)
    catch = route.edge.kind == "catch"
    state = "taken" if count else "idle"
    arrow = "catch" if catch and count else state
    classes = f"edge edge-{state}" + (" edge-catch" if catch else "")
    title = escape(
        f"{route.edge.source} → {route.edge.target}: {route.edge.label or route.edge.kind}"
    )
    if route.back:
        rule_at = (route.lane_x + 6, label_at[1] + 16)
    elif route.edge.kind == "catch":  # many catches share a handler: label at the source
        catches = [
            r for r in layout.routes if r.edge.source == source.name and r.edge.kind == "catch"
        ]
        below = source.bottom + 14 + 12 * catches.index(route)
        rule_at = (ports[(route.edge.source, route.edge.target)][0] + 6, below)
    else:
        rule_at = (tx + 6, target.y - 12)
    label = _edge_label(route.edge.label, count, label_at, rule_at, catch)
    return (
        f'<g class="{classes}"><title>{title} ({count}\u00d7)</title>'
        f'<path d="{path}" marker-end="url(#arrow-{arrow})"/>{label}</g>'
    )


def _forward_path(points: list[tuple[float, float]]) -> tuple[str, tuple[float, float]]:
    """Smooth vertical curves between rows, straight lines through waypoint rows."""
    (x0, y0), (x1, y1) = points[0], points[1]
    path = f"M{x0:.1f},{y0:.1f}"
    for index in range(0, len(points) - 1, 2):
        (ax, ay), (bx, by) = points[index], points[index + 1]
        bend = max(22.0, (by - ay) / 2)
        if index:
            path += f" L{ax:.1f},{ay:.1f}"
        path += f" C{ax:.1f},{ay + bend:.1f} {bx:.1f},{by - bend:.1f} {bx:.1f},{by:.1f}"
    return path, ((x0 + x1) / 2, (y0 + y1) / 2)


def _back_path(source: Node, target: Node, lane: float) -> tuple[str, tuple[float, float]]:
    right = lane > source.center_x
    sx = source.x + source.width if right else source.x
    tx = target.x + target.width if right else target.x
    sy, ty = source.y + source.height * 0.62, target.y + target.height * 0.38
    r = 9.0 if right else -9.0
    path = (
        f"M{sx:.1f},{sy:.1f} L{lane - r:.1f},{sy:.1f} Q{lane:.1f},{sy:.1f} {lane:.1f},{sy - 9:.1f} "
        f"L{lane:.1f},{ty + 9:.1f} Q{lane:.1f},{ty:.1f} {lane - r:.1f},{ty:.1f} L{tx:.1f},{ty:.1f}"
    )
    return path, (lane, (sy + ty) / 2)


def _edge_label(
    rule: str, count: int, at: tuple[float, float], rule_at: tuple[float, float], catch: bool
) -> str:
    """A count pill mid-edge; the rule (choice condition, caught errors) near the target."""
    x, y = at
    parts = []
    if count:
        text = f"\u00d7{count}"
        width = 12 + 7.2 * len(text)
        kind = "count-catch" if catch else "count"
        parts.append(
            f'<rect class="{kind}" x="{x - width / 2:.1f}" y="{y - 9:.1f}" width="{width:.1f}" '
            f'height="18" rx="9"/><text class="count-text" x="{x:.1f}" y="{y + 4:.1f}">{text}</text>'
        )
    if rule and (rule != "default" or not count):
        shown = rule if len(rule) <= 30 else rule[:29] + "…"
        rx, ry = rule_at
        parts.append(f'<text class="rule" x="{rx:.1f}" y="{ry:.1f}">{escape(shown)}</text>')
    return "".join(parts)


def _draw_node(node: Node, runs: dict[str, StateRun], resources: dict[str, str]) -> str:
    if node.kind == "waypoint":
        return ""
    if node.kind == "start":
        r = node.width / 2
        return (
            f'<g class="marker"><title>start</title><circle cx="{node.center_x:.1f}" '
            f'cy="{node.y + r:.1f}" r="{r - 3:.1f}"/></g>'
        )
    if node.kind == "end":
        r = node.width / 2
        cx, cy = node.center_x, node.y + r
        return (
            f'<g class="marker end"><title>end</title><circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r - 3:.1f}"/>'
            f'<circle class="inner" cx="{cx:.1f}" cy="{cy:.1f}" r="{r - 8:.1f}"/></g>'
        )
    run = runs.get(node.name)
    status = run.status if run else "not visited"
    state_class = status.replace(" ", "-")
    retry_class = " has-retries" if run and run.retries else ""
    parts = [
        f'<g class="state {state_class}{retry_class}" id="state-{escape(node.name)}">',
        f"<title>{escape(_tooltip(node.name, run))}</title>",
        f'<rect class="box" x="{node.x:.1f}" y="{node.y:.1f}" width="{node.width:.1f}" '
        f'height="{node.height:.1f}" rx="10"/>',
    ]
    parts.extend(_node_text(node, run, resources.get(node.name, "")))
    parts.extend(_badges(node, run))
    for inner, (dx, dy) in zip(node.inner, node.inner_at, strict=True):
        parts.append(
            f'<g transform="translate({node.x + dx:.1f},{node.y + dy:.1f})">'
            f'<rect class="branch" x="0" y="0" width="{inner.width:.1f}" height="{inner.height:.1f}" rx="8"/>'
            f"{_draw_layout(inner, runs, resources)}</g>"
        )
    parts.append("</g>")
    return "".join(parts)


def _node_text(node: Node, run: StateRun | None, resource: str) -> list[str]:
    x = node.x + 14
    limit = int((node.width - 28) / 7.4)
    name = node.name if len(node.name) <= limit else node.name[: limit - 1] + "…"
    kind = (run.type if run else "?") + (f" · {resource}" if resource else "")
    kind = kind if len(kind) <= limit + 6 else kind[: limit + 5] + "…"
    timing = (
        f"{run.entries}\u00d7 · {_ms(run.duration_ms)}" if run and run.entries else "not visited"
    )
    return [
        f'<text class="name" x="{x:.1f}" y="{node.y + 23:.1f}">{escape(name)}</text>',
        f'<text class="kind" x="{x:.1f}" y="{node.y + 40:.1f}">{escape(kind)}</text>',
        f'<text class="timing" x="{x:.1f}" y="{node.y + 57:.1f}">{escape(timing)}</text>',
    ]


def _badges(node: Node, run: StateRun | None) -> list[str]:
    if run is None:
        return []
    badges: list[tuple[str, str]] = []
    if run.retries:
        badges.append(("retry", f"↻ {run.retries}"))
    if run.failures:
        badges.append(("fail", f"✕ {len(run.failures)}"))
    if run.caught:
        badges.append(("caught", "caught"))
    parts = []
    right = node.x + node.width - 8
    for kind, text in reversed(badges):
        width = 14 + 7.0 * len(text)
        left = right - width
        parts.append(
            f'<g class="badge badge-{kind}"><rect x="{left:.1f}" y="{node.y - 9:.1f}" '
            f'width="{width:.1f}" height="18" rx="9"/><text x="{left + width / 2:.1f}" '
            f'y="{node.y + 4:.1f}">{escape(text)}</text></g>'
        )
        right = left - 5
    return parts


def _tooltip(name: str, run: StateRun | None) -> str:
    if run is None or not run.entries:
        return f"{name}: not visited"
    lines = [f"{name}: {run.status}, {run.entries}\u00d7 entered, {_ms(run.duration_ms)}"]
    if run.retries:
        lines.append(f"{run.retries} retr{'y' if run.retries == 1 else 'ies'}")
    lines.extend(f"✕ {scrub_text(failure.error)}" for failure in run.failures[:5])
    return "\n".join(lines)


def _ms(value: int) -> str:
    return f"{value:,} ms" if value < 10_000 else f"{value / 1000:,.1f} s"
