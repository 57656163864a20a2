"""An event's dashboard (issue 12): sign-ups per local day and in total, seats and the waiting list over time,
attendance and no-shows after the event, top organizations, company seats; each chart agrees with its table,
and the page costs the same number of statements for no sign-ups as for many."""
from datetime import UTC, datetime, timedelta

import pytest

from eventsapp.dashboards import queries
from eventsapp.dashboards.reports import event_days
from eventsapp.extensions import db
from eventsapp.registration.delegations import QuotaTerms, grant_quota
from eventsapp.registration.models import Registration, RegistrationStatus
from tests.catalogue.helpers import page_of
from tests.dashboards.helpers import bars, svg_of, table_of

S = RegistrationStatus
counter = iter(range(1, 1_000_000))


def add(event, at: datetime, status=S.CONFIRMED, **fields) -> Registration:
    n = next(counter)
    fields.setdefault("seated_at", at if status in (S.CONFIRMED, S.CHECKED_IN) else None)
    fields.setdefault("waitlisted_at", at if status == S.WAITLISTED else None)
    registration = Registration(event=event, name=f"参会者{n}", email=f"person{n}@example.com", status=status,
                                created_at=at, **fields)
    db.session.add(registration)
    db.session.commit()
    return registration


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def march_event(make_event):
    """An event in Shanghai (UTC+8) on 20 March 2026, over."""
    return make_event(starts_at=utc(2026, 3, 20, 6), ends_at=utc(2026, 3, 20, 9), capacity=3)


def test_a_sign_up_at_23_30_local_time_counts_on_that_local_day(march_event):
    add(march_event, utc(2026, 3, 10, 15, 30))  # 23:30 in Shanghai, 10 March
    add(march_event, utc(2026, 3, 10, 16, 30))  # 00:30 in Shanghai, 11 March
    add(march_event, utc(2026, 3, 10, 15, 59, 59))
    per_day = queries.sign_ups_per_day(march_event)
    assert {day.isoformat(): n for day, n in per_day.items()} == {"2026-03-10": 2, "2026-03-11": 1}


@pytest.mark.parametrize("zone, instant, local_day", [
    ("Europe/Berlin", utc(2026, 3, 28, 22, 30), "2026-03-28"),  # 23:30 CET, the night before summer time
    ("Europe/Berlin", utc(2026, 3, 29, 22, 30), "2026-03-30"),  # 00:30 CEST, the day after
    ("America/New_York", utc(2026, 11, 2, 4, 30), "2026-11-01"),  # 23:30 EST, just after the change back
    ("Asia/Kathmandu", utc(2026, 3, 10, 18, 14), "2026-03-10"),  # 23:59 at UTC+5:45
    ("Asia/Kathmandu", utc(2026, 3, 10, 18, 15), "2026-03-11"),
])
def test_days_follow_the_event_zone_through_its_clock_changes(make_event, zone, instant, local_day):
    event = make_event(starts_at=utc(2026, 12, 1, 9), timezone=zone)
    add(event, instant)
    assert [day.isoformat() for day in queries.sign_ups_per_day(event)] == [local_day]


def test_seats_and_the_waiting_list_at_the_end_of_each_day(march_event):
    day = [utc(2026, 3, d, 2) for d in range(11, 16)]  # 10:00 in Shanghai, 11 to 15 March
    add(march_event, day[0], cancelled_at=day[2])  # seated on the 11th, cancelled on the 13th
    add(march_event, day[0])  # seated on the 11th
    promoted = add(march_event, day[1], S.WAITLISTED)  # waiting from the 12th ...
    promoted.seated_at = day[2]  # ... seated on the 13th
    add(march_event, day[1], S.CANCELLED, waitlisted_at=day[1], cancelled_at=day[1] + timedelta(hours=1))
    add(march_event, day[3], S.WAITLISTED)  # still waiting
    db.session.commit()

    days = event_days(march_event, now=utc(2026, 3, 15, 12))
    assert [(d.day.day, d.signed_up, d.total, d.seated, d.waiting) for d in days] == [
        (11, 2, 2, 2, 0), (12, 2, 4, 2, 1), (13, 0, 4, 2, 0), (14, 1, 5, 2, 1), (15, 0, 5, 2, 1)]


def test_the_charts_agree_with_their_tables(client, auth, march_event):
    for d, n in ((11, 2), (12, 0), (13, 5)):
        for _ in range(n):
            add(march_event, utc(2026, 3, d, 3), S.CHECKED_IN if n == 5 else S.CONFIRMED, organization=" 申通地铁 ")
    auth.login()
    page = page_of(client.get(f"/manage/events/{march_event.id}/dashboard?lang=en"))

    days = table_of(page, "chart-sign-ups")  # up to the event's day, the 20th
    assert days[:3] == [["Mar 11, 2026", "2", "2"], ["Mar 12, 2026", "0", "2"], ["Mar 13, 2026", "5", "7"]]
    assert len(days) == 10 and days[-1] == ["Mar 20, 2026", "0", "7"]
    columns = bars(svg_of(page, "chart-sign-ups"))
    assert [float(c.get("data-value")) for c in columns] == [2, 0, 5] + [0] * 7
    assert float(columns[2].get("height")) == pytest.approx(2.5 * float(columns[0].get("height")), rel=0.01)
    assert [row[1:] for row in table_of(page, "chart-over-time")] == [["2", "2", "0"], ["2", "2", "0"],
                                                                      ["7", "7", "0"]] + [["7", "7", "0"]] * 7
    assert table_of(page, "chart-organizations") == [["申通地铁", "7"]]
    assert [float(b.get("data-value")) for b in bars(svg_of(page, "chart-organizations"))] == [7]


def test_no_shows_are_shown_once_the_event_is_over(client, auth, make_event, now):
    over = make_event(starts_in=timedelta(days=-2), capacity=10)
    coming = make_event(starts_in=timedelta(days=2), capacity=10)
    for event in (over, coming):
        for status in (S.CHECKED_IN, S.CHECKED_IN, S.CHECKED_IN, S.CONFIRMED, S.CANCELLED):
            add(event, now - timedelta(days=5), status)
    auth.login()
    page = page_of(client.get(f"/manage/events/{over.id}/dashboard?lang=en"))
    assert table_of(page, "chart-attendance") == [["Checked in", "3", "75%"], ["No-shows", "1", "25%"]]
    assert [float(b.get("data-value")) for b in bars(svg_of(page, "chart-attendance"))] == [3, 1]

    page = page_of(client.get(f"/manage/events/{coming.id}/dashboard?lang=en"))
    assert 'id="chart-attendance"' not in page and "No-shows" not in page
    assert "Check-ins and no-shows are shown after the event" in page


def test_company_seats_are_drawn_per_company(client, auth, make_event, make_company, now):
    event = make_event(capacity=20)
    delegation = grant_quota(event, make_company(name_en="Shentong Metro"), QuotaTerms(quota=4), actor=None, now=now)
    db.session.commit()
    add(event, now, S.CONFIRMED, delegation_id=delegation.id)
    add(event, now, S.INVITED, delegation_id=delegation.id)
    auth.login()
    page = page_of(client.get(f"/manage/events/{event.id}/dashboard?lang=en"))
    assert table_of(page, "chart-delegations") == [["Shentong Metro", "4", "2", "1", "0"]]
    svg = svg_of(page, "chart-delegations")
    assert [[float(b.get("data-value")) for b in bars(svg, series)] for series in range(3)] == [[4], [1], [0]]


def test_an_event_nobody_signed_up_for_shows_empty_charts(client, auth, make_event):
    event = make_event()
    auth.login()
    for lang, empty in (("en", "No sign-ups yet."), ("zh", "还没有人报名。")):
        response = client.get(f"/manage/events/{event.id}/dashboard?lang={lang}")
        assert response.status_code == 200
        page = page_of(response)
        assert empty in page and bars(svg_of(page, "chart-sign-ups")) == []


def test_dates_and_titles_follow_the_language(client, auth, march_event):
    add(march_event, utc(2026, 3, 11, 3))
    auth.login()
    english = page_of(client.get(f"/manage/events/{march_event.id}/dashboard?lang=en"))
    chinese = page_of(client.get(f"/manage/events/{march_event.id}/dashboard?lang=zh"))
    assert "Sign-ups per day" in english and ">Mar 11<" in english
    assert "每日报名" in chinese and ">3月11日<" in chinese and "2026年3月11日" in chinese


def test_the_number_of_statements_does_not_grow_with_the_sign_ups(client, auth, make_event, make_company, now,
                                                                  count_queries):
    quiet, busy = make_event(starts_in=timedelta(days=-1)), make_event(starts_in=timedelta(days=-1), capacity=100)
    for event in (quiet, busy):
        grant_quota(event, make_company(), QuotaTerms(quota=2), actor=None, now=now - timedelta(days=9))
    db.session.commit()
    rows = [Registration(event=busy, name=f"人{n}", email=f"p{n}@example.com", organization=f"单位{n % 7}",
                         status=(S.CHECKED_IN, S.CONFIRMED, S.WAITLISTED, S.CANCELLED)[n % 4],
                         created_at=now - timedelta(days=10, hours=n), seated_at=now - timedelta(days=9, hours=n),
                         waitlisted_at=now - timedelta(days=10, hours=n) if n % 4 == 2 else None,
                         cancelled_at=now - timedelta(days=3) if n % 4 == 3 else None) for n in range(150)]
    db.session.add_all(rows)
    db.session.commit()
    auth.login()
    counted = {}
    for event in (quiet, busy):
        with count_queries() as statements:
            assert client.get(f"/manage/events/{event.id}/dashboard").status_code == 200
        counted[event.id] = len(statements)
    assert counted[quiet.id] == counted[busy.id] <= 12, counted
