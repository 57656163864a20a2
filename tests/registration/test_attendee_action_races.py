"""Moving someone to the front of the waiting list while people cancel and sign up, in parallel HTTP
requests (the case that matters is PostgreSQL with several processes): never more seats taken than the
capacity, and the person moved is either seated already or next in line, whatever the order."""
import pytest
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.registration import services
from eventsapp.registration.models import Registration, RegistrationStatus
from eventsapp.registration.services import Applicant
from tests.registration.helpers import fire_together, logged_in, post

PASSWORD = "correct horse battery"  # the factories' password
CAPACITY, WAITING, LEAVING = 5, 10, 3


@pytest.fixture
def live_server(serve_app, database_url):
    pool = {"pool_size": 40, "max_overflow": 40, "pool_timeout": 60} if database_url.startswith("postgres") else {}
    return serve_app(SQLALCHEMY_ENGINE_OPTIONS=pool).url


def test_moving_to_the_front_while_people_cancel(live_server, make_event, make_user, app_ctx, now):
    event = make_event(capacity=CAPACITY)
    people = [services.register(event.id, Applicant(name=f"P{i}", email=f"p{i}@example.com"), now=now)
              for i in range(CAPACITY + WAITING)]
    db.session.commit()
    seated, waiting = people[:CAPACITY], people[CAPACITY:]
    moved = waiting[-1]
    organizer = make_user()
    moving = logged_in(live_server, organizer.email, PASSWORD)
    # Read before the threads start: they run outside the test's app context.
    move_url = f"{live_server}/manage/events/{event.id}/registrations/{moved.id}/move-to-front"
    sign_up_url = f"{live_server}/events/{event.id}/register"
    leaving = [person.token for person in seated[:LEAVING]]
    calls = [lambda: post(move_url, {}, moving)]
    calls += [lambda token=token: post(f"{live_server}/registrations/{token}/cancel", {}) for token in leaving]
    calls += [lambda i=i: post(sign_up_url,
                               {"name": f"Late {i}", "email": f"late{i}@example.com", "phone": "13800138000",
                                "organization": "Late Ltd", "consent": "y"}) for i in range(3)]
    codes = fire_together(calls)
    assert codes == [302] * len(calls)  # the move, the cancellations and the sign-ups all answered
    db.session.expire_all()
    rows = list(db.session.scalars(select(Registration).where(Registration.event_id == event.id)))
    confirmed = [r for r in rows if r.status == RegistrationStatus.CONFIRMED]
    assert len(confirmed) == CAPACITY
    moved_now = db.session.get(Registration, moved.id)
    assert moved_now.status == RegistrationStatus.CONFIRMED or moved_now.waitlist_position() == 1
    promoted = {r.id for r in confirmed} - {r.id for r in seated} - {moved.id}
    in_order = [r.id for r in waiting if r.id != moved.id]
    assert promoted == set(in_order[:len(promoted)])  # the others keep first come, first served
    positions = sorted(r.waitlist_position() for r in rows if r.status == RegistrationStatus.WAITLISTED)
    assert positions == list(range(1, len(positions) + 1))
