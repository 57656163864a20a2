"""POST /api/v1/events/<id>/registrations and the registration by token (SPEC 5, 3, 8): the sign-up form's
rules and service, answered in JSON; Idempotency-Key; cancelling; no cookie, no CSRF."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from eventsapp.acting import Origin
from eventsapp.api.idempotency import IDEMPOTENCY_WINDOW, purge_expired_answers
from eventsapp.api.models import IdempotentAnswer
from eventsapp.audit.models import AuditEntry
from eventsapp.catalogue.models import EventStatus
from eventsapp.database import utcnow
from eventsapp.extensions import db
from eventsapp.registration.models import Registration, RegistrationStatus
from eventsapp.registration.services import SIGN_UP_MAILS_PER_ADDRESS_PER_HOUR

PERSON = {"name": "张伟", "email": "zhang.wei@example.com", "phone": "138 0013 8000",
          "organization": "上海申通地铁", "job_title": "质量经理", "consent": True}


def sign_up(client, event, body=None, **headers):
    return client.post(f"/api/v1/events/{event.id}/registrations", json=PERSON if body is None else body,
                       headers=headers)


def registrations(event) -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(select(Registration).where(Registration.event_id == event.id)
                                   .order_by(Registration.id)))


def test_a_sign_up_is_confirmed_with_its_token_and_mailed(client, make_event, outbox):
    event = make_event(capacity=1)
    answer = sign_up(client, event)
    assert answer.status_code == 201
    body = answer.get_json()
    [registration] = registrations(event)
    assert body["status"] == "confirmed" and body["waitlist_position"] is None
    assert body["token"] == registration.token and body["url"].endswith(f"/registrations/{registration.token}")
    assert answer.headers["Location"].endswith(f"/api/v1/registrations/{registration.token}")
    assert (registration.name, registration.email, registration.phone) == ("张伟", "zhang.wei@example.com",
                                                                           "+8613800138000")
    assert registration.shares_with_host is False  # the separate consent was not given
    [mail] = outbox("zhang.wei@example.com")
    assert mail.ics  # the confirmation, with its calendar file, as from the form
    assert "Set-Cookie" not in answer.headers and "Cookie" not in answer.headers.get("Vary", "")


def test_a_full_event_waitlists_with_the_place_in_line(client, make_event):
    event = make_event(capacity=1)
    assert sign_up(client, event).get_json()["status"] == "confirmed"
    second = sign_up(client, event, {**PERSON, "email": "li.na@example.com"}).get_json()
    third = sign_up(client, event, {**PERSON, "email": "wang.fang@example.com"}).get_json()
    assert (second["status"], second["waitlist_position"]) == ("waitlisted", 1)
    assert (third["status"], third["waitlist_position"]) == ("waitlisted", 2)


def test_a_full_event_without_a_waiting_list_is_a_409_full(client, make_event):
    event = make_event(capacity=1, waitlist_enabled=False)
    sign_up(client, event)
    answer = sign_up(client, event, {**PERSON, "email": "li.na@example.com"})
    assert answer.status_code == 409 and answer.get_json()["code"] == "full"


def test_the_same_address_twice_is_a_409_naming_the_email(client, make_event):
    event = make_event()
    sign_up(client, event)
    again = sign_up(client, event, {**PERSON, "email": "  Zhang.Wei@Example.COM "})
    assert again.status_code == 409
    body = again.get_json()
    assert body["code"] == "already_registered" and list(body["errors"]) == ["email"]
    assert len(registrations(event)) == 1


@pytest.mark.parametrize(("change", "field"), [
    ({"name": ""}, "name"), ({"name": "Visit www.spam.example"}, "name"), ({"name": "A" * 101}, "name"),
    ({"email": "not-an-address"}, "email"), ({"phone": "12345"}, "phone"), ({"phone": ""}, "phone"),
    ({"organization": ""}, "organization"), ({"job_title": "J" * 151}, "job_title"),
    ({"consent": False}, "consent"), ({"consent": "true"}, "consent"), ({"name": "Li\nLei"}, "name"),
    ({"name": "Li\x00Lei"}, "name"), ({"name": "\ud800"}, "name"), ({"email": 42}, "email"),
    ({"name": None}, "name"), ({"language": "fr"}, "language"),
])
def test_invalid_fields_are_a_422_naming_each_and_change_nothing(client, make_event, outbox, change, field):
    event = make_event()
    answer = sign_up(client, event, {**PERSON, **change})
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["code"] == "invalid" and field in body["errors"] and body["errors"][field][0]
    assert registrations(event) == [] and outbox() == []


def test_missing_fields_are_named_together_with_the_events_own(client, make_event):
    answer = sign_up(client, make_event(), {"name": "", "phone": ""}, **{"Accept-Language": "en"})
    assert answer.status_code == 422
    assert answer.get_json()["errors"] == {
        "name": ["Please enter your name."], "email": ["Please enter your e-mail address."],
        "consent": ["Please agree so that we can register you."], "phone": ["Please enter your mobile number."],
        "organization": ["Please enter your organization."]}


def test_a_closed_event_says_so_before_any_field(client, make_event, now):
    event = make_event(registration_closes_at=now - timedelta(minutes=1))
    assert sign_up(client, event, {"name": ""}).status_code == 410


@pytest.mark.parametrize("body", ["[]", '"text"', "null", "42"])
def test_a_body_that_is_no_object_is_named_body(client, make_event, body):
    answer = client.post(f"/api/v1/events/{make_event().id}/registrations", data=body, content_type="application/json")
    assert answer.status_code == 422 and list(answer.get_json()["errors"]) == ["body"]


def test_the_form_and_the_api_refuse_the_same_values_with_the_same_words(client, make_event):
    """One rule function per field (registration/sign_up_rules.py), called by both."""
    event = make_event()
    bad = {"name": "see https://spam.example", "email": "nope", "phone": "12345"}
    api = sign_up(client, event, {**PERSON, **bad}, **{"Accept-Language": "en"}).get_json()["errors"]
    page = client.post(f"/events/{event.id}/register?lang=en", data={**PERSON, **bad, "consent": "y"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    for field in bad:
        [message] = api[field]
        assert message.replace("'", "&#39;") in html, (field, message)


def test_an_event_that_asks_for_less_takes_less(client, make_event):
    event = make_event(phone_required=False, organization_required=False)
    answer = sign_up(client, event, {"name": "Li Lei", "email": "li.lei@example.com", "consent": True})
    assert answer.status_code == 201


def test_messages_follow_lang(client, make_event):
    event = make_event()
    answer = client.post(f"/api/v1/events/{event.id}/registrations?lang=zh", json={**PERSON, "name": ""})
    assert answer.get_json()["errors"]["name"] == ["请填写您的姓名。"]


@pytest.mark.parametrize(("setup", "status", "code"), [
    ({"registration_opens_at": "later"}, 403, "not_open"),
    ({"registration_closes_at": "earlier"}, 410, "closed"),
    ({"status": EventStatus.CANCELLED}, 410, "closed"),
    ({"starts_in": timedelta(hours=-1)}, 410, "closed"),
])
def test_a_closed_or_not_yet_open_event_refuses(client, make_event, now, setup, status, code):
    fields = dict(setup)
    if fields.get("registration_opens_at") == "later":
        fields["registration_opens_at"] = now + timedelta(days=1)
    if fields.get("registration_closes_at") == "earlier":
        fields["registration_closes_at"] = now - timedelta(minutes=1)
    event = make_event(**fields)
    answer = sign_up(client, event)
    assert (answer.status_code, answer.get_json()["code"]) == (status, code)
    assert registrations(event) == []


def test_unknown_and_draft_events_are_404(client, make_event):
    draft = make_event(status=EventStatus.DRAFT)
    assert sign_up(client, draft).status_code == 404
    missing = client.post("/api/v1/events/999999/registrations", json=PERSON)
    assert missing.status_code == 404 and missing.get_json()["code"] == "not_found"


def test_a_body_that_is_not_json_is_a_400_in_json(client, make_event):
    event = make_event()
    answer = client.post(f"/api/v1/events/{event.id}/registrations", data="name=Li",
                         content_type="application/json")
    assert answer.status_code == 400 and answer.is_json and answer.get_json()["code"] == "bad_request"
    plain = client.post(f"/api/v1/events/{event.id}/registrations", data="name=Li", content_type="text/plain")
    assert plain.status_code == 422 and list(plain.get_json()["errors"]) == ["body"]


def test_the_api_needs_no_csrf_token_and_ignores_a_signed_in_organizer(app, client, make_event, auth, now):
    """CSRF on, an organizer signed in on this client: the API reads no session, so the public window holds
    (an organizer may add people outside it on the attendee list, not here) and a sign-up is the
    attendee's own in the audit log."""
    auth.login()
    app.config["WTF_CSRF_ENABLED"] = True
    not_yet = make_event(registration_opens_at=now + timedelta(days=1))
    assert sign_up(client, not_yet).status_code == 403
    answer = sign_up(client, make_event())
    assert answer.status_code == 201
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.subject_type == "registration"))
    assert entry is not None and entry.origin == Origin.PUBLIC and entry.actor_id is None


class TestIdempotencyKey:
    def test_a_retry_gets_the_first_answer_and_no_second_registration(self, client, make_event, outbox):
        event = make_event()
        first = sign_up(client, event, **{"Idempotency-Key": "5f0c6f9e-retry-0123456789abcdef"})
        retry = sign_up(client, event, **{"Idempotency-Key": "5f0c6f9e-retry-0123456789abcdef"})
        assert first.status_code == retry.status_code == 201
        assert retry.get_json() == first.get_json() and retry.headers["Idempotent-Replayed"] == "true"
        assert len(registrations(event)) == 1 and len(outbox()) == 1

    def test_a_refusal_is_not_kept_but_decided_again(self, client, make_event):
        event = make_event(capacity=1, waitlist_enabled=False)
        sign_up(client, event, {**PERSON, "email": "first@example.com"})
        assert sign_up(client, event, **{"Idempotency-Key": "full-once-0123456789abcdef"}).status_code == 409
        event.capacity = 5
        db.session.commit()
        again = sign_up(client, event, **{"Idempotency-Key": "full-once-0123456789abcdef"})
        assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers

    def test_a_key_sent_again_after_a_day_with_another_person_registers_that_person(self, client, make_event,
                                                                                     now, monkeypatch):
        import eventsapp.api.registration_routes as routes

        event = make_event()
        first = sign_up(client, event, **{"Idempotency-Key": "order-1-0123456789abcdef"}).get_json()
        monkeypatch.setattr(routes, "utcnow", lambda: now + IDEMPOTENCY_WINDOW + timedelta(hours=1))
        other = sign_up(client, event, {**PERSON, "email": "li.na@example.com"},
                        **{"Idempotency-Key": "order-1-0123456789abcdef"})
        assert other.status_code == 201 and other.get_json()["token"] != first["token"]
        assert [r.email for r in registrations(event)] == ["zhang.wei@example.com", "li.na@example.com"]

    def test_the_same_key_with_another_body_is_refused(self, client, make_event):
        event = make_event()
        sign_up(client, event, **{"Idempotency-Key": "k-1-0123456789abcdef"})
        other = sign_up(client, event, {**PERSON, "email": "li.na@example.com"},
                        **{"Idempotency-Key": "k-1-0123456789abcdef"})
        assert other.status_code == 422 and other.get_json()["code"] == "idempotency_key_reused"
        assert len(registrations(event)) == 1

    def test_a_key_is_for_one_event(self, client, make_event):
        one, two = make_event(), make_event()
        assert sign_up(client, one, **{"Idempotency-Key": "k-2-0123456789abcdef"}).status_code == 201
        assert sign_up(client, two, **{"Idempotency-Key": "k-2-0123456789abcdef"}).status_code == 201

    def test_a_body_that_is_not_json_with_a_key_is_refused_like_without(self, client, make_event):
        event = make_event()
        key = {"Idempotency-Key": "plain-0123456789abcdef"}
        url = f"/api/v1/events/{event.id}/registrations"
        plain = client.post(url, data="x", content_type="text/plain", headers=key)
        assert plain.status_code == 422 and list(plain.get_json()["errors"]) == ["body"]
        empty = client.post(url, data="", content_type="application/json", headers=key)
        assert empty.status_code == 400 and empty.get_json()["code"] == "bad_request"

    @pytest.mark.parametrize("key", ["", "short-key", "x" * 256, "has space 0123456789", "中文0123456789abcdef"])
    def test_a_malformed_key_is_a_400(self, client, make_event, key):
        event = make_event()
        answer = sign_up(client, event, **{"Idempotency-Key": key})
        assert answer.status_code == 400 and answer.get_json()["code"] == "bad_idempotency_key"
        assert registrations(event) == []

    def test_answers_are_kept_24_hours_then_purged(self, client, make_event, now, app_ctx):
        event = make_event()
        sign_up(client, event, **{"Idempotency-Key": "k-3-0123456789abcdef"})
        assert purge_expired_answers(now=now + IDEMPOTENCY_WINDOW - timedelta(minutes=1)) == 0
        assert purge_expired_answers(now=now + IDEMPOTENCY_WINDOW + timedelta(minutes=1)) == 1
        assert db.session.scalar(select(IdempotentAnswer)) is None

    def test_a_key_sent_again_after_the_window_is_a_new_sign_up(self, client, make_event, app_ctx):
        """No worker purged the old answer: the sign-up forgets it before storing its own (no savepoint)."""
        event = make_event()
        key = {"Idempotency-Key": "k-4-0123456789abcdef"}
        first = sign_up(client, event, **key).get_json()["token"]
        db.session.execute(update(IdempotentAnswer).values(created_at=utcnow() - IDEMPOTENCY_WINDOW))
        db.session.commit()
        again = sign_up(client, event, {**PERSON, "email": "li.na@example.com"}, **key)
        assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
        assert again.get_json()["token"] != first and len(registrations(event)) == 2
        [kept] = db.session.scalars(select(IdempotentAnswer)).all()
        assert again.get_json()["token"] in kept.body

    def test_a_sign_up_forgets_its_own_expired_key_alone(self, client, make_event, app_ctx):
        """Another key's expired answer stays for the worker's purge: a sign-up waiting for its event's lock
        must hold no row that sign-ups for other events would wait for."""
        event = make_event()
        sign_up(client, event, **{"Idempotency-Key": "old-0123456789abcdef"})
        db.session.execute(update(IdempotentAnswer).values(created_at=utcnow() - IDEMPOTENCY_WINDOW))
        db.session.commit()
        assert sign_up(client, event, {**PERSON, "email": "li.na@example.com"},
                       **{"Idempotency-Key": "new-0123456789abcdef"}).status_code == 201
        assert len(db.session.scalars(select(IdempotentAnswer)).all()) == 2
        assert purge_expired_answers(now=utcnow()) == 1

    def test_the_answer_is_kept_under_the_seat_lock_in_one_insert(self, client, make_event, count_queries):
        """A seat, then a place in line: the same statements (the place is the decision's, not counted again)."""
        path = f"/api/v1/events/{make_event(capacity=1).id}/registrations"
        for n, (status, position) in enumerate((("confirmed", None), ("waitlisted", 1))):
            with count_queries() as statements:
                response = client.post(path, json={**PERSON, "email": f"person{n}@example.com"},
                                       headers={"Idempotency-Key": f"k-5-0123456789abcdef-{n}"})
            assert (response.status_code, response.get_json()["status"]) == (201, status)
            assert response.get_json()["waitlist_position"] == position
            locked = next(i for i, s in enumerate(statements) if "FOR UPDATE" in s or s.startswith("UPDATE event"))
            after_lock = [" ".join(s.split()[:3]) for s in statements[locked + 1:]
                          if not s.startswith("SELECT event.")]
            assert after_lock == ["SELECT (SELECT count(registration.id)", "INSERT INTO registration",
                                  "INSERT INTO audit_entry", "INSERT INTO outbox_message",
                                  "INSERT INTO idempotent_answer"]
            assert not any("SAVEPOINT" in s for s in statements)


class TestByToken:
    def test_the_state_of_a_registration(self, client, make_event):
        event = make_event(capacity=1)
        sign_up(client, event)
        token = sign_up(client, event, {**PERSON, "email": "li.na@example.com"}).get_json()["token"]
        body = client.get(f"/api/v1/registrations/{token}").get_json()
        assert (body["status"], body["waitlist_position"], body["event_id"]) == ("waitlisted", 1, event.id)
        assert "email" not in body and "phone" not in body and "name" not in body

    def test_cancelling_promotes_the_waiting_list(self, client, make_event, outbox):
        event = make_event(capacity=1)
        token = sign_up(client, event).get_json()["token"]
        sign_up(client, event, {**PERSON, "email": "li.na@example.com"})
        answer = client.delete(f"/api/v1/registrations/{token}")
        assert answer.status_code == 200 and answer.get_json()["status"] == "cancelled"
        statuses = [(r.email, r.status) for r in registrations(event)]
        assert statuses == [("zhang.wei@example.com", RegistrationStatus.CANCELLED),
                            ("li.na@example.com", RegistrationStatus.CONFIRMED)]
        assert [m.recipient for m in outbox()][-2:] == ["zhang.wei@example.com", "li.na@example.com"]
        again = client.delete(f"/api/v1/registrations/{token}")
        assert again.status_code == 200 and len(outbox()) == 4  # cancelling twice tells nobody twice

    def test_too_many_mails_to_one_address_is_a_429_with_retry_after(self, client, make_event):
        answers = []
        for _ in range(SIGN_UP_MAILS_PER_ADDRESS_PER_HOUR + 1):
            event = make_event()
            answers.append(sign_up(client, event))
        assert [a.status_code for a in answers] == [201] * SIGN_UP_MAILS_PER_ADDRESS_PER_HOUR + [429]
        assert answers[-1].get_json()["code"] == "too_many_mails" and answers[-1].headers["Retry-After"] == "3600"

    def test_too_late_to_cancel_is_a_409(self, client, make_event, now):
        event = make_event()
        token = sign_up(client, event).get_json()["token"]
        event.starts_at, event.ends_at = now - timedelta(minutes=5), now + timedelta(hours=2)
        db.session.commit()
        answer = client.delete(f"/api/v1/registrations/{token}")
        assert answer.status_code == 409 and answer.get_json()["code"] == "not_allowed_now"

    @pytest.mark.parametrize("token", ["nope", "x" * 43, "%00"])
    def test_an_unknown_token_is_a_404(self, client, token):
        assert client.get(f"/api/v1/registrations/{token}").status_code == 404
        assert client.delete(f"/api/v1/registrations/{token}").status_code == 404


@pytest.mark.parametrize("body", ["[" * 50_000 + "]" * 50_000, '{"name": ' + "9" * 5000 + "}"])
def test_a_body_too_deep_or_too_long_a_number_is_a_400(client, make_event, body):
    event = make_event()
    for url in (f"/api/v1/events/{event.id}/registrations", f"/events/{event.id}/register"):
        answer = client.post(url, data=body, content_type="application/json")
        assert answer.status_code == 400, url
    assert registrations(event) == []


def test_the_openapi_document_names_the_idempotency_key_and_the_headers(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/events/{event_id}/registrations"]["post"]
    assert {"in": "header", "name": "Idempotency-Key"}.items() <= next(
        p for p in operation["parameters"] if p["name"] == "Idempotency-Key").items()
    assert {"Location", "Idempotent-Replayed"} <= set(operation["responses"]["201"]["headers"])
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    name = spec["components"]["schemas"]["RegistrationIn"]["properties"]["name"]
    assert name["maxLength"] == 100


def test_the_form_gives_one_message_for_a_line_break(client, make_event):
    """The field's rule refuses it (sign_up_rules.check_one_line); the form's own pass adds nothing more."""
    event = make_event()
    page = client.post(f"/events/{event.id}/register?lang=en", data={**PERSON, "name": "Li\nLei", "consent": "y"})
    text = page.get_data(as_text=True)
    assert page.status_code == 422
    assert text.count("This text contains characters that are not allowed.") == 1
    assert "must be one line" not in text
