"""SPEC 3.1–3.2 under a rush: parallel HTTP requests, each on its own connection, against a real server.

Runs on SQLite and, in CI's second pass, on PostgreSQL (the case that matters with several processes).
"""
import pytest
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.registration.models import Registration, RegistrationStatus
from tests.registration.helpers import fire_together, post

SIGN_UPS = 200
SEATS = 50


@pytest.fixture
def live_server(serve_app, database_url):
    # Enough connections for every request thread on PostgreSQL (SQLite serializes writers anyway).
    pool = {"pool_size": 40, "max_overflow": 40, "pool_timeout": 60} if database_url.startswith("postgres") else {}
    return serve_app(SQLALCHEMY_ENGINE_OPTIONS=pool).url


def sign_up_data(i: int) -> dict:
    return {"name": f"Rusher {i}", "email": f"rusher{i}@example.com", "phone": "13800138000",
            "organization": "Rush Ltd", "consent": "y"}


def fetch_registrations(event_id: int) -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(select(Registration).where(Registration.event_id == event_id)
                                   .order_by(Registration.id)))


def test_a_rush_never_oversells_and_waitlists_in_arrival_order(live_server, make_event, app_ctx):
    event = make_event(capacity=SEATS)
    url = f"{live_server}/events/{event.id}/register"
    codes = fire_together([lambda i=i: post(url, sign_up_data(i)) for i in range(SIGN_UPS)])
    assert codes == [302] * SIGN_UPS  # every request answered, none failed
    rows = fetch_registrations(event.id)
    assert len(rows) == SIGN_UPS and len({r.email for r in rows}) == SIGN_UPS
    statuses = [r.status for r in rows]  # in id order, which is the order the seat lock was taken
    assert statuses == [RegistrationStatus.CONFIRMED] * SEATS + [RegistrationStatus.WAITLISTED] * (SIGN_UPS - SEATS)
    waiting = [r for r in rows if r.status == RegistrationStatus.WAITLISTED]
    assert [r.waitlist_position() for r in waiting[:3]] == [1, 2, 3]


def test_the_same_person_rushing_gets_one_registration(live_server, make_event, app_ctx):
    event = make_event(capacity=SEATS)
    url = f"{live_server}/events/{event.id}/register"
    codes = fire_together([lambda: post(url, sign_up_data(0)) for _ in range(20)])
    assert codes.count(302) == 1 and codes.count(409) == 19
    assert len(fetch_registrations(event.id)) == 1


def test_parallel_cancellations_promote_exactly_as_many_in_waitlist_order(live_server, make_event, app_ctx):
    event = make_event(capacity=20)
    url = f"{live_server}/events/{event.id}/register"
    for i in range(40):
        assert post(url, sign_up_data(i)) == 302
    rows = fetch_registrations(event.id)
    leaving = [r.token for r in rows if r.status == RegistrationStatus.CONFIRMED][:10]
    codes = fire_together([lambda t=t: post(f"{live_server}/registrations/{t}/cancel", {}) for t in leaving])
    assert codes == [302] * 10
    rows = fetch_registrations(event.id)
    promoted = [r for r in rows if r.promoted_at is not None]
    assert len(promoted) == 10
    assert [r.id for r in promoted] == [r.id for r in rows[20:30]]  # the first ten in line, nobody else
    assert sum(r.status == RegistrationStatus.CONFIRMED for r in rows) == 20
    assert [r.waitlist_position() for r in rows[30:]] == list(range(1, 11))
