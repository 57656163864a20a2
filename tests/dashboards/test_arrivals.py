"""Check-ins over time on the event dashboard (issue 13): per quarter hour from the start, local time at the
venue, and the late arrivals (15 minutes or more after the start), from one aggregate query."""
from datetime import UTC, datetime, timedelta

import pytest

from eventsapp.dashboards import queries
from eventsapp.extensions import db
from eventsapp.registration.models import Registration, RegistrationStatus
from tests.catalogue.helpers import page_of
from tests.dashboards.helpers import bars, svg_of, table_of

S = RegistrationStatus
START = datetime(2026, 12, 1, 6, tzinfo=UTC)  # 14:00 in Shanghai


@pytest.fixture
def event(make_event):
    event = make_event(starts_at=START, ends_at=START + timedelta(hours=3), capacity=20)
    arrivals = [-20, -5, 0, 3, 14.99, 15, 16, 40]  # minutes after the start
    for n, minutes in enumerate(arrivals):
        db.session.add(Registration(event=event, name=f"人{n}", email=f"p{n}@example.com", status=S.CHECKED_IN,
                                    checked_in_at=START + timedelta(minutes=minutes)))
    db.session.add(Registration(event=event, name="没来", email="absent@example.com", status=S.CONFIRMED))
    db.session.commit()
    return event


def test_check_ins_per_quarter_hour_since_the_start(event):
    # 13:40 and 13:55 before; 14:00, 14:03, 14:14:59 in the first quarter; 14:15, 14:16; 14:40.
    assert queries.check_ins_per_period(event) == {-2: 1, -1: 1, 0: 3, 1: 2, 2: 1}


def test_the_dashboard_draws_them_in_local_time_with_the_late_arrivals(client, auth, event):
    auth.login()
    page = page_of(client.get(f"/manage/events/{event.id}/dashboard?lang=en"))
    assert table_of(page, "chart-arrivals") == [["13:30", "1", "1"], ["13:45", "1", "2"], ["14:00", "3", "5"],
                                                ["14:15", "2", "7"], ["14:30", "1", "8"]]
    assert [float(b.get("data-value")) for b in bars(svg_of(page, "chart-arrivals"))] == [1, 1, 3, 2, 1]
    assert "8 people checked in, 3 of them 15 minutes or more after the start (37.5%)" in page
    assert "Late arrivals (15 min or more after the start)" in page
    chinese = page_of(client.get(f"/manage/events/{event.id}/dashboard?lang=zh"))
    assert "每刻钟签到人数" in chinese and "迟到" in chinese


def test_before_anyone_checks_in_the_chart_says_so(client, auth, make_event):
    event = make_event()
    auth.login()
    page = page_of(client.get(f"/manage/events/{event.id}/dashboard?lang=en"))
    assert "Nobody has checked in yet." in page and bars(svg_of(page, "chart-arrivals")) == []
    assert "Late arrivals" not in page
