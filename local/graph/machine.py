"""Reading an Amazon States Language definition: its states, their scopes and their edges."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

EdgeKind = Literal["next", "choice", "default", "catch", "start", "end"]
START = "(start)"
END = "(end)"


@dataclass(frozen=True)
class StateInfo:
    """One state of a definition, wherever it is nested."""

    name: str
    type: str
    parent: str | None  # the enclosing Parallel or Map state, None at top level
    body: dict[str, Any]


@dataclass(frozen=True)
class Edge:
    """A way control can move from one state to another."""

    source: str
    target: str
    kind: EdgeKind
    label: str = ""


@dataclass
class Scope:
    """One list of states run together: the machine, a Parallel branch or a Map iterator."""

    start_at: str
    states: dict[str, dict[str, Any]]
    edges: list[Edge] = field(default_factory=list)


def catalogue(definition: dict[str, Any]) -> dict[str, StateInfo]:
    """Every state in the definition, top level first, inner states after their parent."""
    found: dict[str, StateInfo] = {}

    def walk(states: dict[str, dict[str, Any]], parent: str | None) -> None:
        for name, body in states.items():
            found[name] = StateInfo(name, str(body.get("Type", "?")), parent, body)
            for inner in inner_scopes(body):
                walk(inner.states, name)

    walk(definition.get("States", {}), None)
    return found


def inner_scopes(body: dict[str, Any]) -> list[Scope]:
    """The branches of a Parallel state or the iterator of a Map state (else nothing)."""
    if body.get("Type") == "Parallel":
        return [scope_of(branch, top_level=False) for branch in body.get("Branches", [])]
    if body.get("Type") == "Map":
        processor = body.get("ItemProcessor") or body.get("Iterator")
        return [scope_of(processor, top_level=False)] if processor else []
    return []


def scope_of(machine: dict[str, Any], *, top_level: bool) -> Scope:
    """A scope with its edges; the top level also gets start and end markers."""
    states: dict[str, dict[str, Any]] = machine.get("States", {})
    scope = Scope(start_at=str(machine.get("StartAt", "")), states=states)
    if top_level:
        scope.edges.append(Edge(START, scope.start_at, "start"))
    for name, body in states.items():
        scope.edges.extend(_edges_of(name, body, top_level=top_level))
    return scope


def _edges_of(name: str, body: dict[str, Any], *, top_level: bool) -> list[Edge]:
    edges: list[Edge] = []
    if "Next" in body:
        edges.append(Edge(name, body["Next"], "next"))
    for rule in body.get("Choices", []):
        if "Next" in rule:
            edges.append(Edge(name, rule["Next"], "choice", choice_label(rule)))
    if "Default" in body:
        edges.append(Edge(name, body["Default"], "default", "default"))
    for catcher in body.get("Catch", []):
        errors = ", ".join(catcher.get("ErrorEquals", []))
        edges.append(Edge(name, catcher["Next"], "catch", errors))
    ends = body.get("End") or body.get("Type") in ("Succeed", "Fail")
    if top_level and ends:
        edges.append(Edge(name, end_of(name), "end"))
    return _merged(edges)


def end_of(name: str) -> str:
    """The end marker drawn under a terminal state (one each, so no edge crosses the page)."""
    return f"{END} {name}"


def _merged(edges: list[Edge]) -> list[Edge]:
    """One edge per (target, kind); labels of rules leading to the same place are joined."""
    merged: dict[tuple[str, str], Edge] = {}
    for edge in edges:
        key = (edge.target, edge.kind)
        if key in merged and edge.label:
            old = merged[key]
            merged[key] = Edge(old.source, old.target, old.kind, f"{old.label} | {edge.label}")
        elif key not in merged:
            merged[key] = edge
    return list(merged.values())


# Longest suffix first: "LessThanEquals" must not read as "Equals".
_COMPARATORS = {
    "GreaterThanEquals": ">=",
    "LessThanEquals": "<=",
    "GreaterThan": ">",
    "LessThan": "<",
    "Equals": "==",
    "Matches": "~",
}


def choice_label(rule: dict[str, Any]) -> str:
    """A short human reading of a Choice rule, e.g. ``$.mode == "play"``."""
    for combinator in ("And", "Or"):
        if combinator in rule:
            return f" {combinator.lower()} ".join(choice_label(inner) for inner in rule[combinator])
    if "Not" in rule:
        return f"not ({choice_label(rule['Not'])})"
    variable = str(rule.get("Variable", "?"))
    for key, value in rule.items():
        if key in ("Variable", "Next"):
            continue
        if key == "IsPresent":
            return f"{variable} {'present' if value else 'absent'}"
        if key.startswith("Is"):
            return f"{variable} is {key[2:].lower()}" + ("" if value else " (false)")
        for suffix, symbol in _COMPARATORS.items():
            if key.endswith(suffix) or key.endswith(f"{suffix}Path"):
                shown = value if key.endswith("Path") else _literal(value)
                return f"{variable} {symbol} {shown}"
    return "rule"


def _literal(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value).lower()
