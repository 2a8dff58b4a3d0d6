"""Opening hours from HSDS schedules: the wording in English and French, and open-now consistent with the
hours whatever the week, the moment or the time of year (``carepath/directory/hours.py``, no database)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carepath.directory.hours import DAY, DAYS, WEEK, Schedule, describe, long_date, time_text, weekly

TORONTO = ZoneInfo("America/Toronto")
NB = "\u00a0"
WEEKDAYS = Schedule(freq="WEEKLY", byday="MO,TU,WE,TH,FR", opens_at="08:30", closes_at="17:00")
EVENINGS = Schedule(freq="WEEKLY", byday="TU,TH", opens_at="17:00", closes_at="20:00")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in Toronto in the week of Monday 14 September 2026 (``day`` 0 is that Monday)."""
    return dt.datetime(2026, 9, 14 + day, hour, minute, tzinfo=TORONTO)


def lines(*schedules: Schedule, language: str = "en") -> list[str]:
    return list(describe(schedules, at(0, 12), language).lines)


def test_weekday_hours_read_as_one_line_in_english_and_french():
    assert lines(WEEKDAYS) == [f"Monday to Friday, 8:30{NB}a.m. to 5:00{NB}p.m."]
    assert lines(WEEKDAYS, language="fr") == [f"Du lundi au vendredi, de 8{NB}h{NB}30 à 17{NB}h"]


def test_days_apart_are_listed_and_runs_of_three_or_more_are_ranges():
    some = Schedule(byday="MO,WE,FR", opens_at="09:00", closes_at="12:00")
    assert lines(some) == [f"Monday, Wednesday and Friday, 9:00{NB}a.m. to noon"]
    assert lines(some, language="fr") == [f"Le lundi, le mercredi et le vendredi, de 9{NB}h à midi"]
    mixed = Schedule(byday="MO,TU,WE,FR", opens_at="13:00", closes_at="16:30")
    assert lines(mixed) == [f"Monday to Wednesday and Friday, 1:00{NB}p.m. to 4:30{NB}p.m."]
    assert lines(mixed, language="fr") == [f"Du lundi au mercredi et le vendredi, de 13{NB}h à 16{NB}h{NB}30"]
    assert lines(Schedule(byday="TU", opens_at="10:00", closes_at="12:00"), language="fr") == [
        f"Le mardi, de 10{NB}h à midi"
    ]


def test_schedules_keep_their_own_lines_and_a_day_s_hours_go_together():
    assert lines(WEEKDAYS, EVENINGS) == [
        f"Monday to Friday, 8:30{NB}a.m. to 5:00{NB}p.m.",
        f"Tuesday and Thursday, 5:00{NB}p.m. to 8:00{NB}p.m.",
    ]
    morning = Schedule(byday="SA,SU", opens_at="09:00", closes_at="12:00")
    afternoon = Schedule(byday="SA,SU", opens_at="13:00", closes_at="17:00")
    assert lines(afternoon, morning) == [
        f"Saturday and Sunday, 9:00{NB}a.m. to noon and 1:00{NB}p.m. to 5:00{NB}p.m."
    ]
    assert lines(afternoon, morning, language="fr") == [
        f"Le samedi et le dimanche, de 9{NB}h à midi et de 13{NB}h à 17{NB}h"
    ]
    # The same hours on days given by two schedules: one line.
    assert lines(
        Schedule(byday="MO", opens_at="09:00", closes_at="17:00"),
        Schedule(byday="TU", opens_at="09:00", closes_at="17:00"),
    ) == [f"Monday and Tuesday, 9:00{NB}a.m. to 5:00{NB}p.m."]


def test_round_the_clock_and_past_midnight():
    always = Schedule(freq="WEEKLY", byday="MO,TU,WE,TH,FR,SA,SU", opens_at="00:00", closes_at="23:59")
    assert lines(always) == ["Open 24 hours a day, 7 days a week"]
    assert lines(always, language="fr") == [f"Ouvert 24{NB}h sur 24, 7{NB}jours sur 7"]
    found = describe([always], at(2, 3), "en").open_now
    assert found is not None and found.open and found.detail == "24 hours a day, 7 days a week"
    weekend = Schedule(byday="SA,SU", opens_at="00:00", closes_at="00:00")
    assert lines(weekend) == ["Saturday and Sunday, 24 hours a day"]
    late = Schedule(byday="FR", opens_at="20:00", closes_at="02:00")
    assert lines(late) == [f"Friday, 8:00{NB}p.m. to 2:00{NB}a.m."]
    assert describe([late], at(5, 1, 30), "en").open_now.sentence == f"Open now, until 2:00{NB}a.m."
    assert describe([late], at(4, 21), "en").open_now.sentence == f"Open now, until tomorrow at 2:00{NB}a.m."
    until_midnight = Schedule(byday="MO", opens_at="18:00", closes_at="24:00")
    assert (
        describe([until_midnight], at(0, 19), "fr").open_now.sentence == "Ouvert maintenant, jusqu’à minuit"
    )


def test_open_now_says_until_when_and_closed_says_when_it_opens():
    hours = [WEEKDAYS, EVENINGS]
    assert describe(hours, at(0, 10), "en").open_now.sentence == f"Open now, until 5:00{NB}p.m."
    assert describe(hours, at(0, 10), "fr").open_now.sentence == f"Ouvert maintenant, jusqu’à 17{NB}h"
    assert describe(hours, at(1, 18), "en").open_now.sentence == f"Open now, until 8:00{NB}p.m."  # evenings
    assert describe(hours, at(0, 7), "en").open_now.sentence == f"Closed now · opens today at 8:30{NB}a.m."
    assert (
        describe(hours, at(0, 18), "en").open_now.sentence == f"Closed now · opens tomorrow at 8:30{NB}a.m."
    )
    assert (
        describe(hours, at(0, 18), "fr").open_now.sentence
        == f"Fermé maintenant · ouvre demain à 8{NB}h{NB}30"
    )
    friday = describe(hours, at(4, 17), "en").open_now  # closes at 17:00: closed at 17:00
    assert friday.sentence == f"Closed now · opens Monday at 8:30{NB}a.m."
    assert friday.status == "Closed now" and friday.detail == f"opens Monday at 8:30{NB}a.m."
    assert (
        describe(hours, at(5, 12), "fr").open_now.sentence == f"Fermé maintenant · ouvre lundi à 8{NB}h{NB}30"
    )
    nights = [Schedule(byday="TU,SU", opens_at="00:00", closes_at="06:00")]
    assert describe(nights, at(0, 22), "en").open_now.detail == "opens at midnight"
    assert describe(nights, at(0, 22), "fr").open_now.detail == "ouvre à minuit"
    assert describe(nights, at(2, 8), "en").open_now.detail == f"opens Sunday at 12:00{NB}a.m."
    assert describe(nights, at(2, 8), "fr").open_now.detail == f"ouvre dimanche à 0{NB}h"
    mondays = [Schedule(byday="MO", opens_at="09:00", closes_at="12:00")]
    assert describe(mondays, at(0, 13), "en").open_now.detail == f"opens next Monday at 9:00{NB}a.m."
    assert describe(mondays, at(0, 13), "fr").open_now.detail == f"ouvre lundi prochain à 9{NB}h"


def test_a_schedule_with_only_a_description_shows_it_and_open_now_is_not_answered():
    found = describe([Schedule(description="By appointment, most evenings.")], at(0, 12), "en")
    assert found.lines == ("By appointment, most evenings.",) and found.open_now is None
    monthly = Schedule(
        freq="MONTHLY", byday="1TU", opens_at="10:00", closes_at="12:00", description="First Tuesdays"
    )
    found = describe([WEEKDAYS, monthly], at(0, 12), "en")
    assert found.lines == (f"Monday to Friday, 8:30{NB}a.m. to 5:00{NB}p.m.", "First Tuesdays")
    assert found.open_now is None  # the monthly sessions are not read: open-now would be a guess
    noted = describe(
        [Schedule(**{**WEEKDAYS.__dict__, "notes": "Closed on statutory holidays."})], at(0, 12), "en"
    )
    assert noted.lines[-1] == "Closed on statutory holidays." and noted.open_now is not None
    assert describe([], at(0, 12), "en") == describe([Schedule()], at(0, 12), "en")
    assert describe([], at(0, 12), "en").lines == () and describe([], at(0, 12), "en").open_now is None


@pytest.mark.parametrize(
    "schedule",
    [
        Schedule(freq="WEEKLY", interval=2, byday="MO", opens_at="09:00", closes_at="10:00"),
        Schedule(freq="WEEKLY", byday="MO", byweekno="41,42", opens_at="09:00", closes_at="10:00"),
        Schedule(freq="WEEKLY", byday="MO", count=3, opens_at="09:00", closes_at="10:00"),
        Schedule(freq="WEEKLY", byday="XX", opens_at="09:00", closes_at="10:00"),
        Schedule(freq="WEEKLY", byday="MO", opens_at="9 am", closes_at="10:00"),
        Schedule(freq="WEEKLY", byday="MO", opens_at="25:00", closes_at="10:00"),
        Schedule(freq="WEEKLY", byday="", opens_at="09:00", closes_at="10:00"),
    ],
)
def test_what_does_not_read_as_weekly_hours_is_not_guessed(schedule):
    assert weekly(schedule) is None
    assert describe([schedule], at(0, 9, 30), "en").open_now is None


def test_times_with_seconds_or_an_offset_read_as_wall_clock_times():
    found = weekly(Schedule(freq="WEEKLY", byday="th,fr", opens_at="10:00:00", closes_at="18:00:00Z"))
    assert (
        found is not None and found.days == frozenset({3, 4}) and (found.opens, found.closes) == (600, 1080)
    )


def test_schedules_outside_their_dates_are_left_out():
    past = Schedule(byday="MO", opens_at="09:00", closes_at="17:00", valid_to="2026-09-01")
    future = Schedule(byday="TU", opens_at="09:00", closes_at="17:00", valid_from="2026-10-01")
    current = Schedule(
        byday="WE", opens_at="09:00", closes_at="17:00", valid_from="2026-09-01", until="2026-12-31"
    )
    assert lines(past, future, current) == [f"Wednesday, 9:00{NB}a.m. to 5:00{NB}p.m."]


def test_a_moment_in_another_zone_is_read_in_the_site_s_time_zone():
    moment = dt.datetime(2026, 9, 14, 21, 30, tzinfo=dt.UTC)  # 17:30 in Toronto (EDT)
    assert describe([WEEKDAYS], moment, "en").open_now.open is False
    assert describe([WEEKDAYS], moment, "en", zone="UTC").open_now.open is False
    assert describe([WEEKDAYS], moment.replace(hour=13), "en").open_now.open is True  # 9:00 in Toronto


def test_times_and_dates_in_words():
    assert [time_text(m, "en") for m in (0, 30, 12 * 60, 12 * 60 + 5, 17 * 60, DAY)] == [
        "midnight",
        f"12:30{NB}a.m.",
        "noon",
        f"12:05{NB}p.m.",
        f"5:00{NB}p.m.",
        "midnight",
    ]
    assert [time_text(m, "fr") for m in (0, 9 * 60 + 5, 12 * 60, 17 * 60)] == [
        "minuit",
        f"9{NB}h{NB}05",
        "midi",
        f"17{NB}h",
    ]
    assert long_date(dt.date(2026, 9, 15), "en") == "15 September 2026"
    assert long_date(dt.date(2026, 9, 15), "fr") == "15 septembre 2026"
    assert long_date(dt.date(2026, 12, 1), "fr") == "1er décembre 2026"
    assert long_date(dt.date(2026, 12, 1), "en") == "1 December 2026"


# Open now, for any week of hours and any moment: compared with the minutes the hours cover, counted one by one.


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


schedules = st.lists(
    st.builds(
        lambda days, opens, closes: Schedule(
            freq="WEEKLY",
            byday=",".join(DAYS[d] for d in sorted(days)),
            opens_at=hhmm(opens),
            closes_at=hhmm(closes),
        ),
        st.sets(st.integers(0, 6), min_size=1),
        st.integers(0, DAY - 1),
        st.integers(0, DAY - 1),
    ),
    min_size=1,
    max_size=4,
)
moments = st.datetimes(  # hypothesis takes naive bounds (wall-clock times) and gives each moment the zone
    min_value=dt.datetime(2024, 1, 1, tzinfo=TORONTO).replace(tzinfo=None),
    max_value=dt.datetime(2030, 12, 31, tzinfo=TORONTO).replace(tzinfo=None),
    timezones=st.just(TORONTO),
)


def covered(week: list[Schedule]) -> set[int]:
    """The minutes of the week (0: Monday at midnight) the schedules cover, worked out the plain way from the
    fields: 23:59 closes at midnight, a closing time at or before the opening time is on the next day."""
    minutes: set[int] = set()
    for schedule in week:
        opens = int(schedule.opens_at[:2]) * 60 + int(schedule.opens_at[3:])
        closes = int(schedule.closes_at[:2]) * 60 + int(schedule.closes_at[3:])
        closes = DAY if closes == DAY - 1 else closes
        closes = closes + DAY if closes <= opens else closes
        for code in schedule.byday.split(","):
            start = DAYS.index(code) * DAY
            minutes.update((start + m) % WEEK for m in range(opens, closes))
    return minutes


def minute_of_week(moment: dt.datetime) -> int:
    local = moment.astimezone(dt.UTC).astimezone(TORONTO)  # 2:30 on the night clocks go forward is 3:30
    return local.weekday() * DAY + local.hour * 60 + local.minute


@settings(max_examples=300, deadline=None)
@given(week=schedules, moment=moments)
def test_open_now_agrees_with_the_hours_until_the_moment_it_changes(week, moment):
    found = describe(week, moment, "en").open_now
    assert found is not None
    open_minutes = covered(week)
    now = minute_of_week(moment)
    assert found.open == (now in open_minutes)
    assert found.status == ("Open now" if found.open else "Closed now")
    if found.change_in is None:  # never closes
        assert found.open and len(open_minutes) == WEEK
        return
    assert 0 < found.change_in <= WEEK
    # Open (or closed) for every minute until the change, and the other way at the change itself.
    assert all(((now + m) % WEEK in open_minutes) == found.open for m in range(found.change_in))
    assert ((now + found.change_in) % WEEK in open_minutes) != found.open


@settings(max_examples=200, deadline=None)
@given(week=schedules, moment=moments)
def test_open_now_reads_the_same_in_both_languages_and_every_zone_of_the_moment(week, moment):
    english = describe(week, moment, "en").open_now
    french = describe(week, moment, "fr").open_now
    in_utc = describe(week, moment.astimezone(dt.UTC), "en").open_now
    assert english is not None and french is not None
    assert (english.open, english.change_in) == (french.open, french.change_in)
    assert french.status == ("Ouvert maintenant" if english.open else "Fermé maintenant")
    assert in_utc == english


@settings(max_examples=200, deadline=None)
@given(week=schedules)
def test_every_day_with_hours_is_named_in_the_lines(week):
    english = describe(week, at(0, 12), "en").lines
    days = {d for s in week for d in weekly(s).days}
    names = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    text = " ".join(english)
    if len(days) == 7 and ("Every day" in text or "7 days a week" in text):
        return
    for day in days:
        in_range = any(
            f"{names[a]} to {names[b]}" in text for a in range(7) for b in range(a + 2, 7) if a <= day <= b
        )
        assert names[day] in text or in_range
