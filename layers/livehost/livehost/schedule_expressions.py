"""EventBridge Scheduler's schedule expressions, checked before a schedule is made, so a bad
one is a 400 naming what to fix rather than a Scheduler error later:

    at(2026-12-24T18:00:00)            once, in the schedule's time zone
    rate(30 minutes)                   every 30 minutes (minute, hour or day; singular for 1)
    cron(0 18 ? * MON-FRI *)           minutes hours day-of-month month day-of-week year

As in Scheduler, a cron gives ``?`` in day-of-month or day-of-week (one of them) and takes
``L``, ``W`` and ``#`` there. ``Cron.fires_at`` says whether a minute is one of the cron's (the
local cloud's Scheduler stand-in fires by it; ``L``, ``W`` and ``#`` it cannot evaluate)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class BadSchedule(ValueError):
    """A schedule that cannot be made; the message says what to fix."""


MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]  # 1-7, as Scheduler counts them
FIELDS = (  # name, lowest, highest, names
    ("minutes", 0, 59, None),
    ("hours", 0, 23, None),
    ("day-of-month", 1, 31, None),
    ("month", 1, 12, MONTHS),
    ("day-of-week", 1, 7, DAYS),
    ("year", 1970, 2199, None),
)
RATE_UNITS = {"minute": 60, "hour": 3600, "day": 86400}


def time_zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (BadSchedule naming it if there is none)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise BadSchedule(
            f"timezone {name!r} is not an IANA time zone (e.g. 'Europe/Paris', 'UTC')"
        ) from exc


def one_time(expression: str, zone: ZoneInfo) -> datetime | None:
    """The moment of an ``at(...)`` expression (aware, in ``zone``); None for another kind."""
    found = re.fullmatch(r"at\((.*)\)", expression.strip())
    if not found:
        return None
    try:
        moment = datetime.strptime(found.group(1), "%Y-%m-%dT%H:%M:%S")
    except ValueError as exc:
        raise BadSchedule(
            f"{expression!r}: write a one-time schedule as at(yyyy-mm-ddThh:mm:ss)"
        ) from exc
    return moment.replace(tzinfo=zone)


def rate_seconds(expression: str) -> int | None:
    """The period of a ``rate(...)`` expression in seconds; None for another kind."""
    found = re.fullmatch(r"rate\((.*)\)", expression.strip())
    if not found:
        return None
    parts = found.group(1).split()
    if len(parts) != 2 or not parts[0].isdigit() or int(parts[0]) < 1:
        raise BadSchedule(f"{expression!r}: write a rate as rate(<n> minutes|hours|days)")
    value, unit = int(parts[0]), parts[1]
    wanted = unit.rstrip("s") if value != 1 else unit
    if wanted not in RATE_UNITS or (value == 1) != (unit == wanted):
        form = "minute, hour or day" if value == 1 else "minutes, hours or days"
        raise BadSchedule(f"{expression!r}: the unit of rate({value} ...) is one of {form}")
    return value * RATE_UNITS[wanted]


@dataclass(frozen=True)
class Cron:
    """A parsed ``cron(...)``: the values each field allows (None: any, or not evaluable)."""

    fields: tuple[frozenset[int] | None, ...]
    evaluable: bool

    def fires_at(self, minute: datetime) -> bool:
        """Whether the cron fires at ``minute`` (a local time of the schedule's zone)."""
        day_of_week = (minute.isoweekday() % 7) + 1  # SUN=1 ... SAT=7
        values = (minute.minute, minute.hour, minute.day, minute.month, day_of_week, minute.year)
        return self.evaluable and all(
            allowed is None or value in allowed
            for allowed, value in zip(self.fields, values, strict=True)
        )

    def next_after(self, after: datetime, horizon_days: int = 366) -> datetime | None:
        """The first minute after ``after`` at which the cron fires (None within the horizon)."""
        minute = after.replace(second=0, microsecond=0) + timedelta(minutes=1)
        for _ in range(horizon_days * 24 * 60):
            if self.fires_at(minute):
                return minute
            minute += timedelta(minutes=1)
        return None


def cron(expression: str) -> Cron | None:
    """A ``cron(...)`` expression parsed; None for another kind."""
    found = re.fullmatch(r"cron\((.*)\)", expression.strip())
    if not found:
        return None
    parts = found.group(1).split()
    if len(parts) != 6:
        raise BadSchedule(
            f"{expression!r}: a cron has 6 fields (minutes hours day-of-month month "
            f"day-of-week year), not {len(parts)}"
        )
    if (parts[2] == "?") == (parts[4] == "?"):
        raise BadSchedule(
            f"{expression!r}: give '?' in exactly one of day-of-month and day-of-week"
        )
    fields: list[frozenset[int] | None] = []
    evaluable = True
    for text, (name, low, high, names) in zip(parts, FIELDS, strict=True):
        if name in ("day-of-month", "day-of-week") and re.search(r"[LW#]", text):
            _check_special(expression, name, text)
            fields.append(None)
            evaluable = False
            continue
        fields.append(_field(expression, name, text, low, high, names))
    return Cron(fields=tuple(fields), evaluable=evaluable)


def check_expression(expression: str, zone: ZoneInfo, now: datetime) -> None:
    """BadSchedule unless ``expression`` is a valid at/rate/cron whose (next) time is ahead."""
    moment = one_time(expression, zone)
    if moment is not None:
        if moment <= now:
            shown = moment.strftime("%Y-%m-%dT%H:%M:%S")
            raise BadSchedule(f"{expression!r}: {shown} {zone.key} is in the past")
        return
    if rate_seconds(expression) is not None or cron(expression) is not None:
        return
    raise BadSchedule(
        f"{expression!r}: write at(yyyy-mm-ddThh:mm:ss), rate(<n> <unit>) or cron(<6 fields>)"
    )


def _field(
    expression: str, name: str, text: str, low: int, high: int, names: list[str] | None
) -> frozenset[int] | None:
    if text in ("*", "?"):
        return None
    allowed: set[int] = set()
    for part in text.split(","):
        found = re.fullmatch(r"(\*|[0-9A-Z]+)(?:-([0-9A-Z]+))?(?:/([0-9]+))?", part.upper())
        if not found:
            raise BadSchedule(f"{expression!r}: {name} {text!r} is not a cron field")
        start, end, step = found.groups()
        first = low if start == "*" else _value(expression, name, start, low, high, names)
        last = high if start == "*" or (step and not end) else first
        if end:
            last = _value(expression, name, end, low, high, names)
        if last < first or (step and int(step) < 1):
            raise BadSchedule(f"{expression!r}: {name} {part!r} is an empty range")
        allowed.update(range(first, last + 1, int(step or 1)))
    return frozenset(allowed)


def _value(
    expression: str, name: str, text: str, low: int, high: int, names: list[str] | None
) -> int:
    if names and text in names:
        return names.index(text) + 1
    if not text.isdigit() or not low <= int(text) <= high:
        named = f" or {names[0]}-{names[-1]}" if names else ""
        raise BadSchedule(f"{expression!r}: {name} takes {low}-{high}{named}, not {text!r}")
    return int(text)


def _check_special(expression: str, name: str, text: str) -> None:
    patterns = {
        "day-of-month": r"L|LW|([1-9]|[12][0-9]|3[01])W",
        "day-of-week": r"L|[1-7]L|(SUN|MON|TUE|WED|THU|FRI|SAT)L|[1-7]#[1-5]|[A-Z]{3}#[1-5]",
    }
    if not re.fullmatch(patterns[name], text.upper()):
        raise BadSchedule(f"{expression!r}: {name} {text!r} is not a cron field")
