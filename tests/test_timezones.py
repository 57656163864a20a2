"""The wall-clock rule: a local time exists once, never (clocks jump forward) or twice (clocks go back)."""
from datetime import UTC, datetime, timedelta

import pytest

from eventsapp.timezones import LocalTime, check_local_time, local_to_utc, offset_label, utc_to_local

HOUR = timedelta(hours=1)


def test_berlin_spring_forward_leaves_a_gap():
    check = check_local_time(datetime(2027, 3, 28, 2, 30), "Europe/Berlin")
    assert check.kind is LocalTime.NONEXISTENT
    assert check.offsets == (1 * HOUR, 2 * HOUR) and check.summer_time == (False, True)
    assert check.clocks_change == (datetime(2027, 3, 28, 2, 0), datetime(2027, 3, 28, 3, 0))


def test_berlin_autumn_hour_happens_twice():
    check = check_local_time(datetime(2027, 10, 31, 2, 30), "Europe/Berlin")
    assert check.kind is LocalTime.AMBIGUOUS
    assert check.offsets == (2 * HOUR, 1 * HOUR) and check.summer_time == (True, False)
    assert check.clocks_change == (datetime(2027, 10, 31, 3, 0), datetime(2027, 10, 31, 2, 0))


@pytest.mark.parametrize("wall_clock, kind, offsets, change", [
    (datetime(2027, 3, 14, 2, 30), LocalTime.NONEXISTENT, (-5 * HOUR, -4 * HOUR), ("02:00", "03:00")),
    (datetime(2027, 11, 7, 1, 30), LocalTime.AMBIGUOUS, (-4 * HOUR, -5 * HOUR), ("02:00", "01:00")),
    (datetime(2027, 11, 7, 2, 30), LocalTime.UNIQUE, (-5 * HOUR, -5 * HOUR), None),
])
def test_new_york(wall_clock, kind, offsets, change):
    check = check_local_time(wall_clock, "America/New_York")
    assert check.kind is kind and check.offsets == offsets
    assert (check.clocks_change and tuple(t.strftime("%H:%M") for t in check.clocks_change)) == change


@pytest.mark.parametrize("wall_clock", [datetime(2027, 3, 28, 2, 30), datetime(2027, 10, 31, 2, 30),
                                        datetime(2027, 1, 1, 0, 0)])
def test_shanghai_has_no_clock_changes(wall_clock):
    check = check_local_time(wall_clock, "Asia/Shanghai")
    assert check.kind is LocalTime.UNIQUE and check.clocks_change is None
    assert check.offsets == (8 * HOUR, 8 * HOUR) and check.summer_time == (False, False)


def test_half_hour_change_of_lord_howe():
    check = check_local_time(datetime(2027, 10, 3, 2, 15), "Australia/Lord_Howe")
    assert check.kind is LocalTime.NONEXISTENT
    assert [t.strftime("%H:%M") for t in check.clocks_change or ()] == ["02:00", "02:30"]


def test_an_ordinary_berlin_time_is_unique():
    assert check_local_time(datetime(2027, 10, 31, 3, 30), "Europe/Berlin").kind is LocalTime.UNIQUE


def test_fold_picks_the_occurrence_and_utc_to_local_keeps_it():
    first = local_to_utc(datetime(2027, 10, 31, 2, 30), "Europe/Berlin")
    second = local_to_utc(datetime(2027, 10, 31, 2, 30, fold=1), "Europe/Berlin")
    assert (first, second) == (datetime(2027, 10, 31, 0, 30, tzinfo=UTC), datetime(2027, 10, 31, 1, 30, tzinfo=UTC))
    assert [utc_to_local(moment, "Europe/Berlin").fold for moment in (first, second)] == [0, 1]


def test_every_instant_around_a_change_comes_back_from_its_wall_clock_time():
    start = datetime(2027, 10, 30, 23, 0, tzinfo=UTC)
    for minutes in range(0, 240, 5):
        moment = start + timedelta(minutes=minutes)
        assert local_to_utc(utc_to_local(moment, "Europe/Berlin"), "Europe/Berlin") == moment


@pytest.mark.parametrize("offset, label", [(8 * HOUR, "UTC+8"), (-timedelta(hours=3, minutes=30), "UTC-3:30"),
                                           (timedelta(hours=5, minutes=45), "UTC+5:45"), (timedelta(0), "UTC+0")])
def test_offset_label(offset, label):
    assert offset_label(offset) == label
