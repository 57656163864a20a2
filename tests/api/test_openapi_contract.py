"""The API keeps the contract its own document states (/api/v1/openapi.json).

Generated requests (schemathesis, through the WSGI app, no network): no answer is a 5xx, and each has a
documented status, content type and body. Every (method, path, status) the document names is produced by a
scenario here, its body checked against the documented schema: a status documented without a scenario fails.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
import schemathesis
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import TestResponse

from eventsapp import create_app
from eventsapp.api import SPEC_PATH
from eventsapp.catalogue.details import RoomDetails
from eventsapp.catalogue.models import EventStatus
from eventsapp.config import TestConfig
from eventsapp.extensions import db, limiter
from eventsapp.registration.models import Registration, RegistrationStatus

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Reproducible in CI (derandomize, no example database) and quick: 50 requests per operation.
GENERATED = settings(max_examples=50, deadline=None, derandomize=True, database=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@dataclass(frozen=True)
class Seeded:
    """Ids and tokens of the rows every test here starts with."""

    campaign: str
    open_event: int  # sign-up open, an agenda with speakers, a co-host
    not_yet_open: int
    closed: int  # the sign-up window has ended
    cancelled: int
    draft: int
    full: int  # one seat, taken; no waiting list
    started: int
    confirmed: str  # a token on open_event
    checked_in: str  # a token on open_event
    too_late: str  # a confirmed registration's token on the started event
    limited_client: Callable[..., FlaskClient]

    @property
    def event_ids(self) -> list[int]:
        return [self.open_event, self.not_yet_open, self.closed, self.cancelled, self.draft, self.full, self.started]

    @property
    def tokens(self) -> list[str]:
        return [self.confirmed, self.checked_in, self.too_late]


def registration(event, email: str, status: RegistrationStatus = RegistrationStatus.CONFIRMED, **fields) -> str:
    made = Registration(event=event, name="Li Lei", email=email, status=status, **fields)
    db.session.add(made)
    db.session.commit()
    return made.token


@pytest.fixture
def limited_client(database_url, app):
    """`limited_client(**config)`: a client of the app with rate limits on (counted in memory)."""
    made = []

    def make(**config) -> FlaskClient:
        limited = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=True,
                             RATELIMIT_STORAGE_URI="memory://", **config)
        limited.test_client_class = app.test_client_class
        limiter.reset()
        made.append(limited)
        return limited.test_client()

    yield make
    if made:
        limiter.reset()  # the limiter is one object shared by every app of the run
    for limited in made:
        with limited.app_context():
            db.engine.dispose()


@pytest.fixture
def seeded(make_event, make_session, make_campaign, make_organization, make_venue, limited_client, now) -> Seeded:
    campaign = make_campaign(slug="contract-2026")
    venue = make_venue(rooms=("Hall A", RoomDetails("二号厅", "Hall B")), latitude=31.23, longitude=121.47)
    open_event = make_event(campaign=campaign, venue=venue, description_en="Talks and a tour", capacity=5)
    co_host = make_organization(name_en="Co-host", name_zh="协办单位")
    open_event.co_hosts.append(co_host)
    make_session(open_event, speakers=[("王芳", "总经理", "振华重工")], room=venue.rooms[0], abstract_en="Why")
    make_session(open_event, offset_minutes=45, title_en="Tour")
    not_yet_open = make_event(campaign=campaign, registration_opens_at=now + timedelta(days=1))
    closed = make_event(campaign=campaign, registration_closes_at=now - timedelta(hours=1))
    cancelled = make_event(campaign=campaign, status=EventStatus.CANCELLED, cancellation_reason_en="Flooded")
    draft = make_event(campaign=campaign, status=EventStatus.DRAFT)
    full = make_event(campaign=campaign, capacity=1, waitlist_enabled=False)
    started = make_event(campaign=campaign, starts_in=-timedelta(hours=1))
    registration(full, "first@example.com")
    return Seeded(
        campaign=campaign.slug, open_event=open_event.id, not_yet_open=not_yet_open.id, closed=closed.id,
        cancelled=cancelled.id, draft=draft.id, full=full.id, started=started.id,
        confirmed=registration(open_event, "seated@example.com"),
        checked_in=registration(open_event, "arrived@example.com", RegistrationStatus.CHECKED_IN,
                                checked_in_at=now),
        too_late=registration(started, "late@example.com"),
        limited_client=limited_client)


def person(local_part: str, shares: bool, language: str) -> dict:
    """A sign-up body that passes every field rule, so that generated requests also reach the seat rule."""
    return {"name": "张伟", "email": f"{local_part}@example.com", "phone": "138 0013 8000",
            "organization": "Shentong Metro", "job_title": "Engineer", "consent": True,
            "shares_with_host": shares, "language": language}


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi(SPEC_PATH, app)


# --- every documented answer (the operations are also those generated requests are made for) -------------

CAMPAIGNS, EVENTS, EVENT = "/api/v1/campaigns", "/api/v1/events", "/api/v1/events/{event_id}"
SIGN_UP, REGISTRATION = "/api/v1/events/{event_id}/registrations", "/api/v1/registrations/{token}"
MISSING_ID = 2**31 - 1
Answers = TestResponse | list[TestResponse]


def revalidated(client: FlaskClient, url: str) -> TestResponse:
    first = client.get(url)
    assert first.status_code == 200
    return client.get(url, headers={"If-None-Match": first.headers["ETag"]})


def sign_up(client: FlaskClient, event_id: int, local_part: str = "zhang.wei", **changes) -> TestResponse:
    body = {**person(local_part, shares=False, language="en"), **changes}
    return client.post(f"/api/v1/events/{event_id}/registrations", json=body)


def two_sign_ups(client: FlaskClient, seeded: Seeded) -> TestResponse:
    assert sign_up(client, seeded.open_event).status_code == 201
    return sign_up(client, seeded.open_event, local_part="ZHANG.WEI")


def reused_key(client: FlaskClient, seeded: Seeded) -> TestResponse:
    url, key = f"/api/v1/events/{seeded.open_event}/registrations", {"Idempotency-Key": "order-17-0123456789abcdef"}
    assert client.post(url, json=person("li.lei", False, "en"), headers=key).status_code == 201
    return client.post(url, json=person("han.meimei", False, "en"), headers=key)


def rate_limited(client: FlaskClient, seeded: Seeded) -> TestResponse:
    limited = seeded.limited_client(API_SIGNUP_RATE_LIMIT="1 per minute")
    assert sign_up(limited, seeded.open_event).status_code == 201
    answer = sign_up(limited, seeded.open_event, local_part="li.lei")
    assert answer.get_json()["code"] == "rate_limited" and int(answer.headers["Retry-After"]) > 0
    return answer


def mailed_too_often(client: FlaskClient, seeded: Seeded) -> TestResponse:
    """Signing up and cancelling over and over mails the person each time, until the hour's quota."""
    for _ in range(5):
        signed_up = sign_up(client, seeded.open_event, "again")
        assert signed_up.status_code == 201
        assert client.delete(f"/api/v1/registrations/{signed_up.get_json()['token']}").status_code == 200
    answer = sign_up(client, seeded.open_event, "again")
    assert answer.get_json()["code"] == "too_many_mails"
    return answer


def cancelled_after(client: FlaskClient, seeded: Seeded) -> TestResponse:
    assert client.delete(f"/api/v1/registrations/{seeded.confirmed}").status_code == 200
    return client.get(f"/api/v1/registrations/{seeded.confirmed}")


SCENARIOS: dict[tuple[str, str, int], Callable[[FlaskClient, Seeded], Answers]] = {
    ("GET", CAMPAIGNS, 200): lambda client, seeded: [client.get(CAMPAIGNS), client.get(f"{CAMPAIGNS}?per_page=1")],
    ("GET", CAMPAIGNS, 304): lambda client, seeded: revalidated(client, f"{CAMPAIGNS}?lang=en"),
    ("GET", CAMPAIGNS, 422): lambda client, seeded: [client.get(f"{CAMPAIGNS}?per_page=101"),
                                                     client.get(f"{CAMPAIGNS}?lang=fr")],
    ("GET", EVENTS, 200): lambda client, seeded: [client.get(f"{EVENTS}?campaign={seeded.campaign}&lang=en"),
                                                  client.get(f"{EVENTS}?per_page=2&page=2")],
    ("GET", EVENTS, 304): lambda client, seeded: revalidated(client, f"{EVENTS}?per_page=3"),
    ("GET", EVENTS, 422): lambda client, seeded: [client.get(f"{EVENTS}?from=yesterday"),
                                                  client.get(f"{EVENTS}?host=0")],
    ("GET", EVENT, 200): lambda client, seeded: [client.get(f"{EVENTS}/{event_id}?lang=en") for event_id in (
        seeded.open_event, seeded.not_yet_open, seeded.closed, seeded.cancelled, seeded.full, seeded.started)],
    ("GET", EVENT, 304): lambda client, seeded: revalidated(client, f"{EVENTS}/{seeded.open_event}"),
    ("GET", EVENT, 404): lambda client, seeded: [client.get(f"{EVENTS}/{seeded.draft}"),
                                                 client.get(f"{EVENTS}/{MISSING_ID}"), client.get(f"{EVENTS}/abc")],
    ("GET", EVENT, 422): lambda client, seeded: client.get(f"{EVENTS}/{seeded.open_event}?lang=fr"),
    ("POST", SIGN_UP, 201): lambda client, seeded: [sign_up(client, seeded.open_event),
                                                    sign_up(client, seeded.open_event, "li.lei", language="zh",
                                                            shares_with_host=True)],
    ("POST", SIGN_UP, 400): lambda client, seeded: [
        client.post(f"{EVENTS}/{seeded.open_event}/registrations", data="{", content_type="application/json"),
        client.post(f"{EVENTS}/{seeded.open_event}/registrations", json=person("li.lei", False, "en"),
                    headers={"Idempotency-Key": "not visible ASCII"})],
    ("POST", SIGN_UP, 403): lambda client, seeded: sign_up(client, seeded.not_yet_open),
    ("POST", SIGN_UP, 404): lambda client, seeded: [sign_up(client, seeded.draft), sign_up(client, MISSING_ID)],
    ("POST", SIGN_UP, 409): lambda client, seeded: [two_sign_ups(client, seeded), sign_up(client, seeded.full)],
    ("POST", SIGN_UP, 410): lambda client, seeded: [sign_up(client, event_id) for event_id in (
        seeded.closed, seeded.cancelled, seeded.started)],
    ("POST", SIGN_UP, 422): lambda client, seeded: [sign_up(client, seeded.open_event, consent=False),
                                                    sign_up(client, seeded.open_event, phone=""),
                                                    sign_up(client, seeded.open_event, email="no at sign"),
                                                    reused_key(client, seeded)],
    ("POST", SIGN_UP, 429): lambda client, seeded: [rate_limited(client, seeded), mailed_too_often(client, seeded)],
    ("GET", REGISTRATION, 200): lambda client, seeded: [client.get(f"/api/v1/registrations/{token}") for token in (
        seeded.confirmed, seeded.checked_in)] + [cancelled_after(client, seeded)],
    ("GET", REGISTRATION, 304): lambda client, seeded: revalidated(client, f"/api/v1/registrations/{seeded.confirmed}"),
    ("GET", REGISTRATION, 404): lambda client, seeded: client.get("/api/v1/registrations/not-a-token"),
    ("DELETE", REGISTRATION, 200): lambda client, seeded: [client.delete(f"/api/v1/registrations/{seeded.confirmed}")
                                                           for _ in range(2)],  # the second: already cancelled
    ("DELETE", REGISTRATION, 404): lambda client, seeded: client.delete("/api/v1/registrations/not-a-token"),
    ("DELETE", REGISTRATION, 409): lambda client, seeded: [client.delete(f"/api/v1/registrations/{token}")
                                                           for token in (seeded.too_late, seeded.checked_in)],
}


def documented_answers(app) -> set[tuple[str, str, int]]:
    document = app.test_client().get(SPEC_PATH).get_json()
    return {(method.upper(), path, int(status)) for path, operations in document["paths"].items()
            for method, operation in operations.items() for status in operation["responses"]}


def test_every_documented_answer_has_a_scenario(app):
    documented = documented_answers(app)
    assert sorted(documented - SCENARIOS.keys()) == [], "documented, but no scenario below produces it"
    assert sorted(SCENARIOS.keys() - documented) == [], "a scenario for an answer the document does not give"


@pytest.mark.parametrize(("method", "path", "status"), sorted(SCENARIOS))
def test_each_documented_answer_is_given_as_documented(method, path, status, api_schema, seeded, client):
    made = SCENARIOS[method, path, status](client, seeded)
    for answer in made if isinstance(made, list) else [made]:
        assert answer.status_code == status, answer.get_data(as_text=True)
        if status == 304:  # no body (RFC 9110, 15.4.5)
            assert answer.data == b"" and answer.headers["ETag"]
        else:
            assert answer.mimetype == "application/json"
        api_schema[path][method].validate_response(answer)


@pytest.mark.parametrize("path", [CAMPAIGNS, EVENTS, EVENT, REGISTRATION])
def test_a_304_is_documented_without_a_body(path, api_schema, seeded, client):
    """A 304 never has a body (RFC 9110, 15.4.5), so its document names no media type nor schema."""
    answer = SCENARIOS["GET", path, 304](client, seeded)
    assert client.get(SPEC_PATH).get_json()["paths"][path]["get"]["responses"]["304"].get("content", {}) == {}
    api_schema[path]["GET"].validate_response(answer)


# --- generated requests ------------------------------------------------------------------------------------

# Few addresses, so that some sign-ups repeat one (409 already_registered).
PEOPLE = st.builds(person, st.from_regex(r"[a-c]{1,2}", fullmatch=True), st.booleans(), st.sampled_from(["zh", "en"]))


def with_path_parameter(cases: st.SearchStrategy, name: str, values: list) -> st.SearchStrategy:
    def replace(case: schemathesis.Case, value) -> schemathesis.Case:
        case.path_parameters = {**(case.path_parameters or {}), name: str(value)}
        return case

    return st.tuples(cases, st.sampled_from(values)).map(lambda drawn: replace(*drawn))


def with_body(cases: st.SearchStrategy, bodies: st.SearchStrategy) -> st.SearchStrategy:
    def replace(case: schemathesis.Case, body: dict) -> schemathesis.Case:
        case.body = body
        return case

    return st.tuples(cases, bodies).map(lambda drawn: replace(*drawn))


def generated_cases(operation: schemathesis.APIOperation, seeded: Seeded) -> st.SearchStrategy:
    """What schemathesis makes of the document, valid and invalid requests; random ids and tokens are
    mostly 404, so as many again carry a seeded one, and sign-ups a valid person, often for the open event."""
    generated = operation.as_strategy()
    strategies = [generated, operation.as_strategy(GenerationMode.NEGATIVE)]
    if "{event_id}" in operation.path:
        any_event = with_path_parameter(generated, "event_id", seeded.event_ids)
        strategies.append(any_event)
        if operation.method.upper() == "POST":
            strategies += [with_body(any_event, PEOPLE),
                           with_body(with_path_parameter(generated, "event_id", [seeded.open_event]), PEOPLE)]
    if "{token}" in operation.path:
        strategies.append(with_path_parameter(generated, "token", seeded.tokens))
    return st.one_of(strategies)


@pytest.mark.parametrize(("method", "path"), sorted({(method, path) for method, path, _ in SCENARIOS}))
def test_generated_requests_get_documented_answers(method, path, api_schema, seeded, client):
    cases = generated_cases(api_schema[path][method], seeded)

    @GENERATED
    @given(case=cases)
    def answers_as_documented(case: schemathesis.Case) -> None:
        case.call_and_validate(session=client, checks=CHECKS)

    answers_as_documented()


def test_a_nul_in_a_query_value_is_a_documented_answer(client, api_schema):
    for path in (CAMPAIGNS, EVENTS):
        answer = client.get(path, query_string={"lang": "zh\x00"})
        assert answer.status_code == 422 and answer.get_json()["errors"].keys() == {"lang"}
        api_schema[path]["GET"].validate_response(answer)
