"""The staff's phone at the door (issue 13): the JSON contract of each outcome, a replayed nonce, malformed
input (4xx, never 500), who may use it, the search (name, last four digits, never an e-mail), walk-ins, and the
page without JavaScript."""
import json
import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventsapp.catalogue.models import EventStatus
from eventsapp.checkin.models import CheckInAttempt
from eventsapp.extensions import db
from eventsapp.registration.models import Registration, RegistrationStatus
from eventsapp.registration.services import Applicant, register

STAFF_NAME = "Li Lei"


def nonce() -> str:
    return uuid.uuid4().hex


def person(n: int, **fields) -> Applicant:
    fields.setdefault("phone", f"+86138001{n:05d}")
    return Applicant(name=fields.pop("name", f"Person {n}"), email=f"p{n}@example.com", organization="Acme Quality",
                     **fields)


@pytest.fixture(autouse=True)
def english(client):
    """Answers are read in English here (the page's Chinese is checked in the browser tests)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def door(make_event, now, auth):
    """A running event with two seats: one holder, one more holder, one on the waiting list; a signed-in
    organizer named Li Lei."""
    event = make_event(starts_at=now - timedelta(hours=1), capacity=2)
    seated = register(event.id, person(1, name="王小明"), now=now - timedelta(days=2))
    other_seat = register(event.id, person(2), now=now - timedelta(days=2))
    waiting = register(event.id, person(3), now=now - timedelta(days=2))
    db.session.commit()
    auth.login(name=STAFF_NAME)
    return event, seated, other_seat, waiting


def url(event, suffix: str = "") -> str:
    return f"/manage/events/{event.id}/check-in{suffix}"


def post(client, event, **body):
    body.setdefault("nonce", nonce())
    return client.post(url(event), json=body)


def fresh(registration) -> Registration:
    db.session.expire_all()
    return db.session.get(Registration, registration.id)


def test_a_code_checks_in_with_name_organization_status_in_the_answer(client, door):
    event, seated, _other, _waiting = door
    response = post(client, event, code=seated.checkin_code.lower(), attempted_at="2000-01-01T00:00:00Z")
    assert response.status_code == 200
    body = response.get_json()
    assert body["outcome"] == "checked_in" and body["replayed"] is False
    assert body["title"] == "Checked in" and "王小明" in body["message"]
    shown = body["registration"]
    assert (shown["name"], shown["organization"], shown["company"], shown["status"]) == \
        ("王小明", "Acme Quality", "", "checked_in")
    assert shown["checked_in_by"] == STAFF_NAME and shown["checked_in_at"]
    assert "email" not in shown and "p1@example.com" not in response.get_data(as_text=True)
    registration = fresh(seated)
    assert registration.status == RegistrationStatus.CHECKED_IN and registration.checked_in_by.name == STAFF_NAME


def test_a_second_scan_says_when_and_by_whom(client, door):
    event, seated, _other, _waiting = door
    post(client, event, code=seated.checkin_code)
    body = post(client, event, code=seated.checkin_code).get_json()
    assert body["outcome"] == "already_checked_in"
    assert re.fullmatch(rf"Already checked in at \d\d:\d\d by {STAFF_NAME}\.", body["message"])


def test_the_same_nonce_twice_is_one_attempt_with_the_same_answer(client, door):
    event, seated, _other, _waiting = door
    sent = nonce()
    first = post(client, event, code=seated.checkin_code, nonce=sent).get_json()
    again = post(client, event, code=seated.checkin_code, nonce=sent).get_json()
    assert again == {**first, "replayed": True}
    assert db.session.scalar(select(func.count(CheckInAttempt.id))) == 1


def test_refusals_are_answers_with_a_reason(client, door, make_event, now):
    event, _seated, other_seat, waiting = door
    elsewhere_event = make_event(starts_at=now - timedelta(hours=1))
    elsewhere = register(elsewhere_event.id, person(7), now=now - timedelta(days=1))
    db.session.commit()
    other_code = elsewhere.checkin_code
    refused = post(client, event, code=other_code)
    assert refused.status_code == 200
    assert refused.get_json()["outcome"] == "other_event" and refused.get_json()["registration"] is None
    assert "Person 7" not in refused.get_data(as_text=True)
    forged = post(client, event, code="ABCDE-FGHJK").get_json()
    assert (forged["outcome"], forged["registration"]) == ("unknown", None)
    assert "Unknown code" in forged["message"]
    by_search = post(client, event, registration_id=waiting.id).get_json()
    assert by_search["outcome"] == "waitlisted" and "waiting list" in by_search["message"]
    code = other_seat.checkin_code
    other_seat.status = RegistrationStatus.CANCELLED
    db.session.commit()
    cancelled = post(client, event, code=code).get_json()
    assert cancelled["outcome"] == "cancelled" and "cancelled" in cancelled["message"]
    assert fresh(elsewhere).status == RegistrationStatus.CONFIRMED


@pytest.mark.parametrize("body", [
    {},  # neither code nor person, nor nonce
    {"code": "ABCDEFGHJK"},  # no nonce
    {"code": "ABCDEFGHJK", "nonce": "short"},
    {"code": "ABCDEFGHJK", "nonce": "x" * 65},
    {"code": "ABCDEFGHJK", "nonce": "ab\u0000cdefghij"},
    {"nonce": "abcdefghijkl"},  # neither code nor person
    {"code": "ABCDEFGHJK", "registration_id": 1, "nonce": "abcdefghijkl"},
    {"code": "A" * 100_000, "nonce": "abcdefghijkl"},
    {"code": "ABC\u0000DEFGHJK", "nonce": "abcdefghijkl"},
    {"code": "\ud800", "nonce": "abcdefghijkl"},
    {"registration_id": "abc", "nonce": "abcdefghijkl"},
    {"registration_id": 10**30, "nonce": "abcdefghijkl"},
    {"registration_id": -1, "nonce": "abcdefghijkl"},
    {"code": "ABCDEFGHJK", "nonce": "abcdefghijkl", "attempted_at": "yesterday"},
    {"code": "ABCDEFGHJK", "nonce": "abcdefghijkl", "attempted_at": "2026-05-01T10:00:00"},  # no offset
    {"code": "ABCDEFGHJK", "nonce": "abcdefghijkl", "attempted_at": "0001-01-01T00:00:00+05:00"},
    {"code": "ABCDEFGHJK", "nonce": "abcdefghijkl", "attempted_at": "9" * 1000},
])
def test_malformed_attempts_are_422_with_the_field_and_change_nothing(client, door, body):
    event, _seated, _other, _waiting = door
    response = client.post(url(event), json=body)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    answer = response.get_json()
    assert answer["message"] and answer["errors"]
    assert db.session.scalar(select(func.count(CheckInAttempt.id))) == 0


@pytest.mark.parametrize("data", ["{", "[1, 2]", '"code"', '{"code": {"x": 1}, "nonce": "abcdefghijkl"}', "null"])
def test_a_body_that_is_not_a_json_object_is_a_400(client, door, data):
    event, _seated, _other, _waiting = door
    response = client.post(url(event), data=data, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["message"]


def test_a_nonce_sent_to_another_event_and_a_cancelled_event_are_409(client, door, make_event, now):
    event, seated, _other, _waiting = door
    sent = nonce()
    post(client, event, code=seated.checkin_code, nonce=sent)
    other = make_event(starts_at=now - timedelta(hours=1))
    assert post(client, other, code=seated.checkin_code, nonce=sent).status_code == 409
    other.status = EventStatus.CANCELLED
    db.session.commit()
    response = post(client, other, code="ABCDEFGHJK")
    assert response.status_code == 409 and "cancelled" in response.get_json()["message"]


def test_an_offline_scan_is_dated_when_it_was_made(client, door, now):
    event, seated, _other, _waiting = door
    scanned = now - timedelta(minutes=25)
    post(client, event, code=seated.checkin_code, attempted_at=scanned.isoformat().replace("+00:00", "Z"))
    assert fresh(seated).checked_in_at == scanned


def test_only_organizers_check_in(client, app, door, auth, make_company_member):
    event, seated, _other, _waiting = door
    auth.logout()
    assert client.get(url(event)).status_code == 302
    response = post(client, event, code=seated.checkin_code)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    auth.login_as(make_company_member())
    assert client.get(url(event)).status_code == 403
    refused = post(client, event, code=seated.checkin_code)
    assert refused.status_code == 403 and refused.get_json()["message"]
    assert client.get(url(event, "/search?q=Person"), headers={"Accept": "application/json"}).status_code == 403
    assert fresh(seated).status == RegistrationStatus.CONFIRMED


def test_an_event_that_does_not_exist_is_a_404_in_json(client, door):
    response = client.post("/manage/events/987654/check-in", json={"code": "ABCDEFGHJK", "nonce": nonce()})
    assert response.status_code == 404 and response.get_json()["message"]
    assert client.get("/manage/events/987654/check-in").status_code == 404


def search(client, event, term: str):
    response = client.get(url(event, "/search"), query_string={"q": term})
    assert response.status_code == 200
    return response.get_json()


def test_search_by_name_or_last_four_digits_never_shows_an_address_or_a_whole_number(client, door, make_event, now):
    event, seated, other_seat, _waiting = door
    elsewhere_event = make_event(starts_at=now - timedelta(hours=1))
    register(elsewhere_event.id, person(4, name="王小明"), now=now - timedelta(days=1))
    db.session.commit()
    by_name = search(client, event, "小明")
    assert [p["name"] for p in by_name["results"]] == ["王小明"]  # not the other event's 王小明
    assert by_name["results"][0]["can_check_in"] is True
    by_digits = search(client, event, seated.phone[-4:])
    assert [p["id"] for p in by_digits["results"]] == [seated.id]
    assert by_digits["results"][0]["phone_end"] == seated.phone[-4:]
    everyone = search(client, event, "Person")
    assert {p["name"]: p["status"] for p in everyone["results"]} == {"Person 2": "confirmed", "Person 3": "waitlisted"}
    raw = json.dumps([by_name, by_digits, everyone])
    assert "@" not in raw and seated.phone not in raw and seated.phone[-8:] not in raw
    assert search(client, event, "p1@example.com")["results"] == []  # an address finds nobody
    other_seat.status = RegistrationStatus.CANCELLED
    db.session.commit()
    assert [p["name"] for p in search(client, event, "Person")["results"]] == ["Person 3"]


def test_search_names_at_most_twenty_and_says_there_are_more(client, make_event, now, auth):
    event = make_event(starts_at=now - timedelta(hours=1), capacity=30)
    for n in range(25):
        register(event.id, person(n, name=f"Zhang {n:02d}"), now=now - timedelta(days=1))
    db.session.commit()
    auth.login()
    found = search(client, event, "zhang")
    assert len(found["results"]) == 20 and found["more"] is True
    assert search(client, event, "")["results"] == []
    assert search(client, event, "%")["results"] == []  # taken literally
    assert client.get(url(event, "/search"), query_string={"q": "a\u0000b"}).status_code in (400, 404)
    response = client.get(url(event, "/search"), query_string={"q": "a\nb"})
    assert response.status_code == 400 and response.get_json()["message"]


def walk_in_data(n: int = 9, **fields) -> dict:
    return {"name": f"Walker {n}", "email": f"walker{n}@example.com", "phone": "13900139000",
            "organization": "Door Ltd", "job_title": "Engineer", "submission_key": nonce(), **fields}


def walk_ins(event) -> str:
    return f"/manage/events/{event.id}/walk-ins"


def test_a_walk_in_takes_a_free_seat_is_checked_in_and_e_mailed_once(client, make_event, now, auth, outbox):
    event = make_event(starts_at=now - timedelta(minutes=30), capacity=2)
    auth.login(name=STAFF_NAME)
    data = walk_in_data()
    response = client.post(walk_ins(event), json=data)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert body["outcome"] == "checked_in" and body["registration"]["name"] == "Walker 9"
    again = client.post(walk_ins(event), json=data).get_json()  # the same Submit sent twice
    assert again["outcome"] == "checked_in" and again["replayed"] is True
    rows = db.session.scalars(select(Registration).where(Registration.event_id == event.id)).all()
    assert [(r.name, r.status, r.checked_in_by.name) for r in rows] == [("Walker 9", "checked_in", STAFF_NAME)]
    assert len(outbox("walker9@example.com")) == 1


def test_a_walk_in_is_refused_when_full_or_already_registered(client, make_event, now, auth):
    event = make_event(starts_at=now - timedelta(minutes=30), capacity=1, waitlist_enabled=True)
    register(event.id, person(1), now=now - timedelta(days=1))
    db.session.commit()
    auth.login()
    full = client.post(walk_ins(event), json=walk_in_data())
    assert full.status_code == 409 and "full" in full.get_json()["message"]
    event.capacity = 5
    db.session.commit()
    duplicate = client.post(walk_ins(event), json=walk_in_data(email="P1@example.com"))
    assert duplicate.status_code == 409 and duplicate.get_json()["errors"]["email"]
    bad = client.post(walk_ins(event), json=walk_in_data(name="", email="nope", submission_key=""))
    assert bad.status_code == 422 and {"name", "email", "submission_key"} <= set(bad.get_json()["errors"])
    assert db.session.scalar(select(func.count(Registration.id)).where(Registration.event_id == event.id)) == 1


def test_a_walk_in_by_the_plain_form_goes_back_to_the_page(client, make_event, now, auth):
    event = make_event(starts_at=now - timedelta(minutes=30), capacity=2)
    auth.login()
    response = client.post(walk_ins(event), data=walk_in_data())
    assert response.status_code == 302 and response.headers["Location"].endswith(url(event))
    assert "Walker 9 is registered and checked in" in client.get(url(event)).get_data(as_text=True)
    refused = client.post(walk_ins(event), data=walk_in_data(email="not an address"))
    assert refused.status_code == 422 and "looks incomplete" in refused.get_data(as_text=True)


def test_the_page_works_without_javascript(client, door):
    event, seated, _other, _waiting = door
    page = client.get(url(event))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="csrf-token"' in html and 'id="checkin-strings"' in html
    assert "0 of 2 checked in" in html and "<script>" not in html
    found = client.get(url(event), query_string={"q": "小明"}).get_data(as_text=True)
    assert "王小明" in found and f'name="registration_id" value="{seated.id}"' in found
    sent = re.search(r'name="nonce" type="hidden" value="([^"]+)"', html).group(1)
    answered = client.post(url(event), data={"code": seated.checkin_code, "nonce": sent})
    assert answered.status_code == 200 and "is checked in" in answered.get_data(as_text=True)
    assert "1 of 2 checked in" in answered.get_data(as_text=True)
    reloaded = client.post(url(event), data={"code": seated.checkin_code, "nonce": sent})  # the browser re-sends
    assert "is checked in" in reloaded.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CheckInAttempt.id))) == 1
    empty = client.post(url(event), data={"code": "", "nonce": nonce()})
    assert empty.status_code == 422 and "Type the code" in empty.get_data(as_text=True)


def test_the_event_page_links_to_check_in(client, door):
    event, _seated, _other, _waiting = door
    assert f'href="{url(event)}"' in client.get(f"/manage/events/{event.id}").get_data(as_text=True)
