"""Opening hours from HSDS schedules, as people read them, and whether a service is open at a given moment.

Plain Python (no Django): pages build ``Schedule`` values from the directory's rows and call ``describe`` with
the moment and the page's language ("en" or "fr"); the wording of both languages is here, with the Canadian
conventions of each (*8:30 a.m. to 5:00 p.m.*; *de 8 h 30 à 17 h*).

What is read as hours: weekly recurrences (``freq`` WEEKLY, DAILY, or none, every week) with days (``byday``,
plain ``MO``..``SU``) and an opening and closing time. A closing time at or before the opening time runs past
midnight (``20:00`` to ``02:00``); ``23:59`` and ``24:00`` close at midnight; equal times are 24 hours. Times
are wall-clock times in the site's time zone (the schedule's ``timezone`` offset is not used: directories set
it unevenly, and a fixed offset would be an hour off for half the year). Anything else (monthly, every other
week, some weeks or days of the year only, a count of occurrences, days with an ordinal such as ``1MO``, times
that do not read) shows its description, and then whether the service is open now is not answered. A schedule
that reads as weekly hours shows as the lines made from it, not its description; its notes show too. Schedules
outside their ``valid_from``/``valid_to`` (or ``dtstart``/``until``) dates are left out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY = 24 * 60
WEEK = 7 * DAY
SITE_ZONE = "America/Toronto"

TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?\s*(?:[zZ]|[+-]\d{2}:?\d{2})?\s*$")

NBSP = "\u00a0"

WEEKDAY_NAMES = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
}
MONTH_NAMES = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
}
# The wording, by language. French follows the Canadian public service (OQLF, Canada.ca): "du lundi au
# vendredi, de 8 h 30 à 17 h", non-breaking spaces in times, the typographic apostrophe.
WORDS = {
    "en": {
        "every-day": "Every day",
        "range": "{first} to {last}",
        "single": "{day}",
        "and": " and ",
        "interval": "{opens} to {closes}",
        "all-day": "24 hours a day",
        "always": "Open 24 hours a day, 7 days a week",
        "line": "{days}, {hours}",
        "open": "Open now",
        "closed": "Closed now",
        "open-sentence": "{status}, {detail}",
        "closed-sentence": "{status} · {detail}",
        "open-always": "24 hours a day, 7 days a week",
        "until": "until {time}",
        "until-midnight": "until midnight",
        "until-tomorrow": "until tomorrow at {time}",
        "until-day": "until {day} at {time}",
        "opens-today": "opens today at {time}",
        "opens-tomorrow": "opens tomorrow at {time}",
        "opens-day": "opens {day} at {time}",
        "opens-next-week": "opens next {day} at {time}",
        "opens-midnight": "opens at midnight",
        "noon": "noon",
        "midnight": "midnight",
        "day-start": f"12:00{NBSP}a.m.",
    },
    "fr": {
        "every-day": "Tous les jours",
        "range": "du {first} au {last}",
        "single": "le {day}",
        "and": " et ",
        "interval": "de {opens} à {closes}",
        "all-day": f"24{NBSP}h sur 24",
        "always": f"Ouvert 24{NBSP}h sur 24, 7{NBSP}jours sur 7",
        "line": "{days}, {hours}",
        "open": "Ouvert maintenant",
        "closed": "Fermé maintenant",
        "open-sentence": "{status}, {detail}",
        "closed-sentence": "{status} · {detail}",
        "open-always": f"24{NBSP}h sur 24, 7{NBSP}jours sur 7",
        "until": "jusqu’à {time}",
        "until-midnight": "jusqu’à minuit",
        "until-tomorrow": "jusqu’à demain à {time}",
        "until-day": "jusqu’à {day} à {time}",
        "opens-today": "ouvre aujourd’hui à {time}",
        "opens-tomorrow": "ouvre demain à {time}",
        "opens-day": "ouvre {day} à {time}",
        "opens-next-week": "ouvre {day} prochain à {time}",
        "opens-midnight": "ouvre à minuit",
        "noon": "midi",
        "midnight": "minuit",
        "day-start": f"0{NBSP}h",
    },
}


@dataclass(frozen=True)
class Schedule:
    """The fields of an HSDS schedule that say when, as stored (text in the page's language)."""

    freq: str | None = None
    interval: float | None = None
    byday: str | None = None
    byweekno: str | None = None
    bymonthday: str | None = None
    byyearday: str | None = None
    count: float | None = None
    opens_at: str | None = None
    closes_at: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    dtstart: str | None = None
    until: str | None = None
    description: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Weekly:
    """A weekly opening: on ``days`` (0 is Monday), from ``opens`` to ``closes`` minutes after midnight;
    ``closes`` is past ``DAY`` when it runs past midnight."""

    days: frozenset[int]
    opens: int
    closes: int


@dataclass(frozen=True)
class OpenNow:
    """Whether the service is open at the moment asked, in words: ``status`` for a badge ("Open now"),
    ``detail`` ("until 5:00 p.m.", "opens Tuesday at 8:30 a.m."). ``change_in`` is how many wall-clock
    minutes until it closes (when open) or opens (when closed); None when it never closes."""

    open: bool
    status: str
    detail: str
    sentence: str
    change_in: int | None


@dataclass(frozen=True)
class Hours:
    lines: tuple[str, ...]
    open_now: OpenNow | None  # None: the hours are not known well enough to say


def _minutes(value: str | None, *, closing: bool) -> int | None:
    match = TIME.match(value or "")
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        return None
    total = hour * 60 + minute
    if closing and total == DAY - 1:  # 23:59: until midnight
        return DAY
    return total


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip()[:10])
    except ValueError:
        return None


def in_effect(schedule: Schedule, day: dt.date) -> bool:
    """Whether ``day`` is within the schedule's dates (a bound that does not read is no bound)."""
    starts = [d for d in (_date(schedule.valid_from), _date(schedule.dtstart)) if d is not None]
    ends = [d for d in (_date(schedule.valid_to), _date(schedule.until)) if d is not None]
    return all(day >= d for d in starts) and all(day <= d for d in ends)


def weekly(schedule: Schedule) -> Weekly | None:
    """The schedule as a weekly opening, or None when it is not one (or does not read)."""
    freq = (schedule.freq or "").strip().upper()
    if freq not in ("", "WEEKLY", "DAILY"):
        return None
    if schedule.interval not in (None, 1, 1.0) or schedule.count is not None:
        return None
    if any((value or "").strip() for value in (schedule.byweekno, schedule.bymonthday, schedule.byyearday)):
        return None
    if freq == "DAILY" and not (schedule.byday or "").strip():
        days = frozenset(range(7))
    else:
        codes = [code.strip().upper() for code in (schedule.byday or "").split(",") if code.strip()]
        if not codes or any(code not in DAYS for code in codes):
            return None
        days = frozenset(DAYS.index(code) for code in codes)
    opens = _minutes(schedule.opens_at, closing=False)
    closes = _minutes(schedule.closes_at, closing=True)
    if opens is None or closes is None or opens >= DAY:
        return None
    if closes <= opens:  # past midnight; equal times: 24 hours from the opening
        closes += DAY
    return Weekly(days=days, opens=opens, closes=closes)


def structured(schedule: Schedule) -> bool:
    """Whether the schedule tries to say when in fields (not only in its description)."""
    return any(
        (value or "").strip()
        for value in (schedule.freq, schedule.byday, schedule.opens_at, schedule.closes_at)
    )


# Times and dates in words


def time_text(minutes: int, language: str) -> str:
    """Minutes after midnight as a time: "8:30 a.m.", "noon", "8 h 30", "17 h", "midi", "minuit"."""
    words = WORDS[language]
    minutes %= DAY
    hour, minute = divmod(minutes, 60)
    if minutes == 0:
        return words["midnight"]
    if minutes == 12 * 60:
        return words["noon"]
    if language == "fr":
        return f"{hour}{NBSP}h" + (f"{NBSP}{minute:02d}" if minute else "")
    suffix = "a.m." if hour < 12 else "p.m."
    return f"{hour % 12 or 12}:{minute:02d}{NBSP}{suffix}"


def long_date(day: dt.date, language: str) -> str:
    """A date as people read it: "15 September 2026", "15 septembre 2026", "1er décembre 2026"."""
    number = "1er" if language == "fr" and day.day == 1 else str(day.day)
    return f"{number} {MONTH_NAMES[language][day.month - 1]} {day.year}"


def _join(items: Sequence[str], language: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + WORDS[language]["and"] + items[-1]


def days_text(days: Iterable[int], language: str) -> str:
    """Days of the week in words, Monday first: runs of three or more as a range ("Monday to Friday")."""
    chosen = sorted(set(days))
    words, names = WORDS[language], WEEKDAY_NAMES[language]
    if len(chosen) == 7:
        return words["every-day"]
    runs: list[list[int]] = []
    for day in chosen:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    items: list[str] = []
    for run in runs:
        if len(run) >= 3:
            items.append(words["range"].format(first=names[run[0]], last=names[run[-1]]))
        else:
            items.extend(words["single"].format(day=names[day]) for day in run)
    return _join(items, language)


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _intervals_text(intervals: Sequence[tuple[int, int]], language: str) -> str:
    words = WORDS[language]
    if any(closes - opens >= DAY for opens, closes in intervals):
        return words["all-day"]
    return _join(
        [
            words["interval"].format(opens=time_text(opens, language), closes=time_text(closes, language))
            for opens, closes in intervals
        ],
        language,
    )


def _merged(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def lines(openings: Sequence[Weekly], language: str) -> list[str]:
    """Weekly openings as lines: days with the same hours together, a day's hours together."""
    by_days: dict[frozenset[int], list[tuple[int, int]]] = {}
    for item in openings:
        by_days.setdefault(item.days, []).append((item.opens, item.closes))
    by_hours: dict[tuple[tuple[int, int], ...], set[int]] = {}
    for days, intervals in by_days.items():
        by_hours.setdefault(tuple(_merged(intervals)), set()).update(days)
    if len(by_hours) == 1:
        ((hours, every),) = by_hours.items()
        if len(every) == 7 and any(closes - opens >= DAY for opens, closes in hours):
            return [WORDS[language]["always"]]
    ordered = sorted(by_hours.items(), key=lambda item: (min(item[1]), item[0]))
    return [
        WORDS[language]["line"].format(
            days=_capitalized(days_text(days, language)), hours=_intervals_text(intervals, language)
        )
        for intervals, days in ordered
    ]


# Open now


def week_intervals(openings: Iterable[Weekly]) -> list[tuple[int, int]]:
    """The openings as merged minutes on a line three weeks long ([-WEEK, 2 * WEEK)), so that a moment of
    this week (0 is Monday at midnight) finds the opening it is in, and the next one, without wrapping."""
    spans = [
        (shift + day * DAY + item.opens, shift + day * DAY + item.closes)
        for item in openings
        for day in item.days
        for shift in (-WEEK, 0, WEEK)
    ]
    return _merged(spans)


def open_now(openings: Sequence[Weekly], moment: dt.datetime, language: str) -> OpenNow | None:
    """Whether the openings cover ``moment`` (read as wall-clock time where it is), in words."""
    if not openings:
        return None
    words, names = WORDS[language], WEEKDAY_NAMES[language]
    now = moment.weekday() * DAY + moment.hour * 60 + moment.minute
    spans = week_intervals(openings)
    current = next(((start, end) for start, end in spans if start <= now < end), None)
    if current is not None:
        start, end = current
        if end - start >= 2 * WEEK:  # open around the clock
            detail = words["open-always"]
            change_in = None
        else:
            detail = _until(now, end, words, names, language)
            change_in = end - now
        status = words["open"]
        sentence = words["open-sentence"].format(status=status, detail=detail)
        return OpenNow(True, status, detail, sentence, change_in)
    start = min(start for start, _end in spans if start > now)
    status = words["closed"]
    detail = _opens(now, start, words, names, language)
    sentence = words["closed-sentence"].format(status=status, detail=detail)
    return OpenNow(False, status, detail, sentence, start - now)


def _until(now: int, end: int, words: dict[str, str], names: Sequence[str], language: str) -> str:
    days_ahead = end // DAY - now // DAY
    time = time_text(end, language)
    if days_ahead == 0:
        return words["until"].format(time=time)
    if days_ahead == 1 and end % DAY == 0:
        return words["until-midnight"]
    if days_ahead == 1:
        return words["until-tomorrow"].format(time=time)
    return words["until-day"].format(day=names[(end // DAY) % 7], time=time)


def _opens(now: int, start: int, words: dict[str, str], names: Sequence[str], language: str) -> str:
    days_ahead = start // DAY - now // DAY
    time = time_text(start, language)
    if start % DAY == 0:  # "tomorrow at midnight" could be either end of tomorrow
        if days_ahead == 1:
            return words["opens-midnight"]
        time = words["day-start"]
    if days_ahead == 0:
        return words["opens-today"].format(time=time)
    if days_ahead == 1:
        return words["opens-tomorrow"].format(time=time)
    key = "opens-next-week" if days_ahead >= 7 else "opens-day"
    return words[key].format(day=names[(start // DAY) % 7], time=time)


def describe(
    schedules: Iterable[Schedule], moment: dt.datetime, language: str, zone: str = SITE_ZONE
) -> Hours:
    """The hours of a service: lines to show, and whether it is open at ``moment`` (an aware datetime, read
    in ``zone``). Open-now is answered only when the weekly hours are the whole story: a monthly or other
    schedule that does not read as weekly leaves it unknown (None)."""
    language = language if language in WORDS else "en"
    # Through UTC, so that a wall-clock time that never happened (2:30 on the night clocks go forward) reads as
    # the moment it stands for.
    local = moment.astimezone(dt.UTC).astimezone(ZoneInfo(zone)) if moment.tzinfo is not None else moment
    current = [s for s in schedules if in_effect(s, local.date())]
    openings: list[Weekly] = []
    other: list[str] = []
    unreadable = False
    for schedule in current:
        found = weekly(schedule)
        if found is not None:
            if found not in openings:
                openings.append(found)
        else:
            unreadable = unreadable or structured(schedule)
            if schedule.description.strip():
                other.append(schedule.description.strip())
    notes = [s.notes.strip() for s in current if s.notes.strip()]
    shown: list[str] = []
    for line in [*lines(openings, language), *other, *notes]:
        if line not in shown:
            shown.append(line)
    known = bool(openings) and not unreadable
    return Hours(lines=tuple(shown), open_now=open_now(openings, local, language) if known else None)
