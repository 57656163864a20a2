"""Check-in under real parallel requests (issue 13), each on its own connection against a live server: two
staff scanning the same code at once, and one offline batch uploaded twice at once (two tabs, or a retry
racing the first upload). Runs on SQLite and on PostgreSQL (DATABASE_URL)."""
import json
import urllib.error
import urllib.request
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventsapp.checkin.models import CheckInAttempt
from eventsapp.extensions import db
from eventsapp.registration.models import Registration, RegistrationStatus
from eventsapp.registration.services import Applicant, register
from tests.registration.helpers import fire_together, logged_in

BATCH = 12
STAFF_PASSWORD = "staff at the door"


@pytest.fixture
def live_server(serve_app, database_url):
    pool = {"pool_size": 40, "max_overflow": 40, "pool_timeout": 60} if database_url.startswith("postgres") else {}
    return serve_app(SQLALCHEMY_ENGINE_OPTIONS=pool).url


@pytest.fixture
def running(make_event, now):
    event = make_event(starts_at=now - timedelta(hours=1), capacity=BATCH)
    people = [register(event.id, Applicant(name=f"Person {n}", email=f"p{n}@example.com"), now=now - timedelta(days=1))
              for n in range(BATCH)]
    db.session.commit()
    return event, people


def post_json(opener, url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Accept": "application/json"})
    try:
        with opener.open(request, timeout=120) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def staff(live_server, make_user, n: int):
    make_user(email=f"door{n}@example.com", name=f"Door {n}", password=STAFF_PASSWORD)
    return logged_in(live_server, f"door{n}@example.com", STAFF_PASSWORD)


def test_two_staff_scanning_the_same_code_at_once_give_one_check_in(live_server, running, make_user):
    event, people = running
    doors = [staff(live_server, make_user, n) for n in range(2)]
    url = f"{live_server}/manage/events/{event.id}/check-in"
    code = people[0].checkin_code
    answers = fire_together([lambda door=door: post_json(door, url, {"code": code, "nonce": uuid.uuid4().hex})
                             for door in doors])
    assert [status for status, _body in answers] == [200, 200]
    outcomes = sorted(body["outcome"] for _status, body in answers)
    assert outcomes == ["already_checked_in", "checked_in"]
    already = next(body for _status, body in answers if body["outcome"] == "already_checked_in")
    assert already["message"].startswith("Already checked in at") or already["message"].startswith("已于")
    db.session.expire_all()
    assert db.session.get(Registration, people[0].id).status == RegistrationStatus.CHECKED_IN
    assert db.session.scalar(select(func.count(CheckInAttempt.id))) == 2


def test_an_offline_batch_uploaded_twice_at_once_lands_once(live_server, running, make_user, now):
    event, people = running
    door = staff(live_server, make_user, 1)
    url = f"{live_server}/manage/events/{event.id}/check-in"
    scanned_at = (now - timedelta(minutes=20)).isoformat()
    batch = [{"code": person.checkin_code, "nonce": uuid.uuid4().hex, "attempted_at": scanned_at} for person in people]
    # The same batch twice, in parallel: every attempt sent by two uploads at the same moment.
    answers = fire_together([lambda body=body: post_json(door, url, body) for body in batch + batch])
    assert {status for status, _body in answers} == {200}
    by_nonce: dict[str, list[dict]] = {}
    for body, (_status, answer) in zip(batch + batch, answers, strict=True):
        by_nonce.setdefault(body["nonce"], []).append(answer)
    for pair in by_nonce.values():
        assert [answer["outcome"] for answer in pair] == ["checked_in", "checked_in"]  # the same answer twice
        assert sorted(answer["replayed"] for answer in pair) == [False, True]
    assert db.session.scalar(select(func.count(CheckInAttempt.id))) == BATCH
    db.session.expire_all()
    rows = db.session.scalars(select(Registration).where(Registration.event_id == event.id)).all()
    assert {row.status for row in rows} == {RegistrationStatus.CHECKED_IN}
    assert {row.checked_in_at for row in rows} == {now - timedelta(minutes=20)}
