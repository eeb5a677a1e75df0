"""Placing a state machine's states on a page: layered top to bottom from StartAt.

Layers come from the longest path over the forward edges (loops are found by a depth-first
walk from StartAt and drawn as back edges on the right). Within a layer, a state sits under
the mean of its predecessors. Parallel and Map states are boxes holding their branches'
own layouts, side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from local.graph.machine import START, Edge, Scope, inner_scopes, scope_of

NODE_W, NODE_H = 200, 66
MARKER = 30  # start and end circles
GAP_X, GAP_Y = 34, 62
PAD, HEADER = 16, 62  # inside Parallel / Map boxes
MARGIN, LANE = 16, 18
WAYPOINT_GAP = 6


@dataclass
class Node:
    """A box (or start/end marker) at ``x, y`` relative to its layout's top-left corner."""

    name: str
    kind: Literal["state", "start", "end", "waypoint"]
    width: float
    height: float
    layer: int = 0
    x: float = 0.0
    y: float = 0.0
    inner: list[Layout] = field(default_factory=list)
    inner_at: list[tuple[float, float]] = field(default_factory=list)  # relative to the box

    @property
    def center_x(self) -> float:
        return self.x + self.width / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass
class Route:
    """An edge and how to draw it: down to a later layer, or up a lane on the right."""

    edge: Edge
    back: bool = False
    lane_x: float = 0.0  # the vertical lane a back edge climbs, left or right of the nodes
    via: list[str] = field(default_factory=list)  # waypoints of an edge spanning layers


@dataclass
class Layout:
    """Nodes and routes of one scope, and the room they take."""

    nodes: dict[str, Node]
    routes: list[Route]
    width: float = 0.0
    height: float = 0.0


def layout_machine(definition: dict[str, Any]) -> Layout:
    """Lay out a whole state machine, with start and end markers."""
    return layout_scope(scope_of(definition, top_level=True), top_level=True)


def layout_scope(scope: Scope, *, top_level: bool) -> Layout:
    """Lay out one scope (the machine, a branch or an iterator)."""
    nodes = _sized_nodes(scope, top_level=top_level)
    edges = [edge for edge in scope.edges if edge.source in nodes and edge.target in nodes]
    root = START if top_level else scope.start_at
    order, back = _depth_first(root, list(nodes), edges)
    _assign_layers(nodes, order, [e for e in edges if (e.source, e.target) not in back])
    routes = [Route(e, (e.source, e.target) in back) for e in edges]
    hops = _add_waypoints(nodes, order, routes)
    _place(nodes, order, hops, back)
    layout = Layout(nodes=nodes, routes=routes)
    _size(layout)
    return layout


def _add_waypoints(nodes: dict[str, Node], order: list[str], routes: list[Route]) -> list[Edge]:
    """Give edges that skip layers a waypoint in each layer they cross, so that placing
    the waypoints like nodes keeps those edges clear of the boxes in between."""
    hops: list[Edge] = []
    for route in routes:
        edge = route.edge
        source, target = nodes[edge.source], nodes[edge.target]
        if route.back or target.layer - source.layer < 2:
            hops.append(edge)
            continue
        previous = edge.source
        for layer in range(source.layer + 1, target.layer):
            name = f"{edge.source}→{edge.target}#{layer}"
            nodes[name] = Node(name, "waypoint", 14, 0, layer=layer)
            order.insert(order.index(previous) + 1, name)
            route.via.append(name)
            hops.append(Edge(previous, name, edge.kind))
            previous = name
        hops.append(Edge(previous, edge.target, edge.kind))
    return hops


def _sized_nodes(scope: Scope, *, top_level: bool) -> dict[str, Node]:
    nodes: dict[str, Node] = {}
    if top_level:
        nodes[START] = Node(START, "start", MARKER, MARKER)
    for name, body in scope.states.items():
        branches = [layout_scope(inner, top_level=False) for inner in inner_scopes(body)]
        if not branches:
            nodes[name] = Node(name, "state", NODE_W, NODE_H)
            continue
        inner_width = sum(b.width for b in branches) + GAP_X * (len(branches) - 1)
        width = max(NODE_W, inner_width + 2 * PAD)
        left = (width - inner_width) / 2
        at: list[tuple[float, float]] = []
        for branch in branches:
            at.append((left, HEADER))
            left += branch.width + GAP_X
        height = HEADER + max(b.height for b in branches) + PAD / 2
        nodes[name] = Node(name, "state", width, height, inner=branches, inner_at=at)
    for edge in scope.edges:
        if edge.kind == "end":
            nodes[edge.target] = Node(edge.target, "end", MARKER, MARKER)
    return nodes


def _depth_first(
    root: str, names: list[str], edges: list[Edge]
) -> tuple[list[str], set[tuple[str, str]]]:
    """Topological order of the forward graph, and the edges that close loops."""
    successors: dict[str, list[str]] = {name: [] for name in names}
    for edge in edges:
        successors[edge.source].append(edge.target)
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    finished: list[str] = []
    back: set[tuple[str, str]] = set()
    for start in [root, *names]:
        if start in state or start not in successors:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        state[start] = 1
        while stack:
            name, index = stack.pop()
            if index < len(successors[name]):
                stack.append((name, index + 1))
                target = successors[name][index]
                if state.get(target) == 1:
                    back.add((name, target))
                elif target not in state:
                    state[target] = 1
                    stack.append((target, 0))
            else:
                state[name] = 2
                finished.append(name)
    return list(reversed(finished)), back


def _assign_layers(nodes: dict[str, Node], order: list[str], forward: list[Edge]) -> None:
    for name in order:
        for edge in forward:
            if edge.source == name:
                target = nodes[edge.target]
                target.layer = max(target.layer, nodes[name].layer + 1)


def _place(
    nodes: dict[str, Node], order: list[str], edges: list[Edge], back: set[tuple[str, str]]
) -> None:
    layers: dict[int, list[Node]] = {}
    for name in order:
        layers.setdefault(nodes[name].layer, []).append(nodes[name])
    predecessors: dict[str, list[str]] = {name: [] for name in nodes}
    caught_from: dict[str, list[str]] = {name: [] for name in nodes}
    for edge in edges:
        if (edge.source, edge.target) not in back:
            chosen = caught_from if edge.kind == "catch" else predecessors
            chosen[edge.target].append(edge.source)
    for name, sources in caught_from.items():
        if not predecessors[name]:
            predecessors[name] = sources  # a handler reached only by Catch edges
    top = float(MARGIN)
    for layer in sorted(layers):
        row = layers[layer]
        desired = {node.name: _desired_center(node, predecessors, nodes) for node in row}
        handlers = {  # reached only by Catch: they go right of the main path
            node.name
            for node in row
            if node.kind != "waypoint"
            and caught_from[node.name]
            and not _plain_sources(node, edges)
        }
        for name in handlers:
            desired[name] += NODE_W
        row.sort(key=lambda node: desired[node.name])
        _pack(row, desired, handlers)
        height = max((node.height for node in row if node.kind != "waypoint"), default=0.0)
        for node in row:
            if node.kind == "waypoint":
                node.height = height  # the edge runs straight down through the row
            node.y = top + (height - node.height) / 2 if node.kind != "state" else top
        top += height + GAP_Y
    left = min(node.x for node in nodes.values())
    for node in nodes.values():
        node.x += MARGIN - left


def _plain_sources(node: Node, edges: list[Edge]) -> bool:
    return any(e.target == node.name and e.kind != "catch" for e in edges)


def _desired_center(
    node: Node, predecessors: dict[str, list[str]], nodes: dict[str, Node]
) -> float:
    placed = [nodes[p].center_x for p in predecessors[node.name] if nodes[p].layer < node.layer]
    return sum(placed) / len(placed) if placed else 0.0


def _pack(row: list[Node], desired: dict[str, float], handlers: set[str]) -> None:
    """States first: left to right without overlap, shifted so the main-path states sit
    where they want to be. Then waypoints, each at the free spot nearest its wish, so that
    edges skipping layers run in lanes beside the states instead of pushing them aside."""
    states = [node for node in row if node.kind != "waypoint"]
    right = float("-inf")
    for node in states:
        node.x = max(desired[node.name] - node.width / 2, right + GAP_X)
        right = node.x + node.width
    anchored = [node for node in states if node.name not in handlers] or states
    if anchored:
        shift = sum(desired[n.name] - n.center_x for n in anchored) / len(anchored)
        for node in states:
            node.x += shift
    taken = [(node.x - GAP_X / 2, node.x + node.width + GAP_X / 2) for node in states]
    for node in (node for node in row if node.kind == "waypoint"):
        node.x = _free_spot(desired[node.name] - node.width / 2, node.width, taken)
        taken.append((node.x - WAYPOINT_GAP, node.x + node.width + WAYPOINT_GAP))


def _free_spot(wish: float, width: float, taken: list[tuple[float, float]]) -> float:
    """The left edge nearest ``wish`` where ``width`` fits between the ``taken`` spans."""
    candidates = [wish] + [a - width for a, _ in taken] + [b for _, b in taken]

    def fits(left: float) -> bool:
        return all(left + width <= a or left >= b for a, b in taken)

    return min((c for c in candidates if fits(c)), key=lambda c: abs(c - wish))


def _size(layout: Layout) -> None:
    nodes = layout.nodes.values()
    layout.width = max(node.x + node.width for node in nodes) + MARGIN
    layout.height = max(node.bottom for node in nodes) + MARGIN
    middle = layout.width / 2
    lanes = {"left": 0, "right": 0}
    for route in layout.routes:
        if not route.back:
            continue
        source, target = layout.nodes[route.edge.source], layout.nodes[route.edge.target]
        low, high = sorted((source.layer, target.layer))
        between = [node for node in nodes if low <= node.layer <= high]
        if source.center_x < middle:  # climb on the side the loop starts from
            route.lane_x = min(n.x for n in between) - LANE * (lanes["left"] + 1.5)
            lanes["left"] += 1
        else:
            route.lane_x = max(n.x + n.width for n in between) + LANE * (lanes["right"] + 1.5)
            lanes["right"] += 1
        layout.width = max(layout.width, route.lane_x + MARGIN)
    shift = max(0.0, MARGIN - min((r.lane_x for r in layout.routes if r.back), default=MARGIN))
    for node in nodes:
        node.x += shift
    for route in layout.routes:
        route.lane_x += shift if route.back else 0.0
    layout.width += shift
