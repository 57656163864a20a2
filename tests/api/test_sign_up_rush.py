"""The API and the form share one capacity (SPEC 3.1), under parallel requests to a real server; a retried
POST with one Idempotency-Key, sent many times at once, makes one registration. On SQLite here and on
PostgreSQL in CI's second run."""
import json
import urllib.error
import urllib.request

import pytest
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.registration.models import Registration, RegistrationStatus
from tests.registration.helpers import fire_together, post


@pytest.fixture
def live_server(serve_app, database_url):
    pool = {"pool_size": 40, "max_overflow": 40, "pool_timeout": 60} if database_url.startswith("postgres") else {}
    return serve_app(SQLALCHEMY_ENGINE_OPTIONS=pool).url


def api_post(url: str, body: dict, **headers) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def person(i: int) -> dict:
    return {"name": f"Rusher {i}", "email": f"rusher{i}@example.com", "phone": "13800138000",
            "organization": "Rush Ltd", "consent": True}


def rows(event_id: int) -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(select(Registration).where(Registration.event_id == event_id)
                                   .order_by(Registration.id)))


def test_the_form_and_the_api_race_for_the_last_seats_and_never_oversell(live_server, make_event, app_ctx):
    event = make_event(capacity=10, waitlist_enabled=False)
    api_url = f"{live_server}/api/v1/events/{event.id}/registrations"
    form_url = f"{live_server}/events/{event.id}/register"
    for i in range(7):  # three seats left
        assert api_post(api_url, person(i))[0] == 201
    form = {**person(100), "consent": "y"}
    calls = [lambda i=i: api_post(api_url, person(200 + i))[0] for i in range(15)]
    calls += [lambda i=i: post(form_url, {**form, "email": f"form{i}@example.com"}) for i in range(15)]
    answers = fire_together(calls)
    won = answers.count(201) + answers.count(302)
    assert won == 3 and answers.count(409) == 27  # the rest hear "full" (409) from either door
    confirmed = [r for r in rows(event.id) if r.status == RegistrationStatus.CONFIRMED]
    assert len(confirmed) == 10


def test_an_api_rush_waitlists_in_arrival_order(live_server, make_event, app_ctx):
    event = make_event(capacity=20)
    url = f"{live_server}/api/v1/events/{event.id}/registrations"
    answers = fire_together([lambda i=i: api_post(url, person(i)) for i in range(60)])
    assert [status for status, _body in answers] == [201] * 60
    registered = rows(event.id)
    assert [r.status for r in registered] == [RegistrationStatus.CONFIRMED] * 20 + [RegistrationStatus.WAITLISTED] * 40
    positions = {body["token"]: body["waitlist_position"] for _status, body in answers}
    assert [positions[r.token] for r in registered] == [None] * 20 + list(range(1, 41))  # as told, in line


def test_one_idempotency_key_sent_at_once_makes_one_registration(live_server, make_event, app_ctx):
    event = make_event(capacity=5)
    url = f"{live_server}/api/v1/events/{event.id}/registrations"
    answers = fire_together([lambda: api_post(url, person(1), **{"Idempotency-Key": "same-retry-0123456789abcdef"})
                             for _ in range(12)])
    assert {status for status, _body in answers} == {201}
    assert len({body["token"] for _status, body in answers}) == 1
    assert len(rows(event.id)) == 1
