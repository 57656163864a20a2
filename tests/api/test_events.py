"""GET /api/v1/campaigns and /api/v1/events (SPEC 5): the contract's field names, filters, pagination,
?lang=, and conditional requests answered 304 without building the answer."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventsapp.catalogue.models import EventStatus
from eventsapp.extensions import db
from eventsapp.registration.models import Registration, RegistrationStatus


def register(event, email: str, status=RegistrationStatus.CONFIRMED) -> Registration:
    registration = Registration(event=event, name="Li Lei", email=email, status=status)
    db.session.add(registration)
    db.session.commit()
    return registration


def test_an_event_has_the_fields_partners_rely_on(client, make_event, make_session):
    event = make_event(capacity=2)
    make_session(event, speakers=[("王芳", "总经理", "振华重工")], title_en="Keynote", title_zh="主旨演讲")
    register(event, "a@example.com")
    register(event, "b@example.com")
    register(event, "c@example.com", RegistrationStatus.WAITLISTED)

    answer = client.get(f"/api/v1/events/{event.id}?lang=en")

    assert answer.status_code == 200 and answer.mimetype == "application/json"
    body = answer.get_json()
    assert body["id"] == event.id and body["title"] == "Quality Open Day" and body["status"] == "published"
    assert body["starts_at"].endswith("+08:00") and body["timezone"] == "Asia/Shanghai"
    assert body["campaign"]["slug"] == event.campaign.slug and set(body["venue"]) >= {"id", "name"}
    assert set(body["host"]) == {"id", "name"}
    assert (body["capacity"], body["seats_left"], body["waitlist_length"]) == (2, 0, 1)
    assert body["url"].endswith(f"/events/{event.id}?lang=en") and f"/events/{event.id}.ics" in body["ics_url"]
    assert body["registration"]["state"] == "open" and body["registration"]["required_fields"] == [
        "phone", "organization"]
    assert body["registration"]["privacy_url"].endswith("?lang=en")
    assert client.get(body["registration"]["privacy_url"].split("5000", 1)[1]).status_code == 200
    [talk] = body["sessions"]
    assert talk["title"] == "Keynote" and talk["speakers"] == [
        {"name": "王芳", "job_title": "总经理", "organization": "振华重工"}]
    assert "Set-Cookie" not in answer.headers


def test_lang_chooses_every_bilingual_field(client, make_event):
    event = make_event()
    assert client.get(f"/api/v1/events/{event.id}?lang=zh").get_json()["title"] == "质量开放日"
    assert client.get(f"/api/v1/events/{event.id}", headers={"Accept-Language": "en"}).get_json()["title"] == \
        "Quality Open Day"
    assert client.get(f"/api/v1/events/{event.id}").get_json()["title"] == "质量开放日"  # the default


def test_the_api_remembers_no_language(client, make_event):
    """?lang= on a page is remembered in the session; the API sets no cookie and reads none."""
    event = make_event()
    client.get("/?lang=en")
    assert client.get(f"/api/v1/events/{event.id}").get_json()["title"] == "质量开放日"
    answer = client.get(f"/api/v1/events/{event.id}?lang=en")
    assert "Set-Cookie" not in answer.headers


def test_drafts_are_not_found_and_cancelled_events_are_listed(client, make_event):
    draft = make_event(status=EventStatus.DRAFT)
    cancelled = make_event(status=EventStatus.CANCELLED, cancellation_reason_en="The hall flooded")
    missing = client.get(f"/api/v1/events/{draft.id}")
    assert missing.status_code == 404 and missing.get_json()["code"] == "not_found"
    listed = client.get("/api/v1/events?lang=en").get_json()["items"]
    assert [(item["id"], item["status"], item["cancellation_reason"]) for item in listed] == [
        (cancelled.id, "cancelled", "The hall flooded")]


def test_filters_by_campaign_venue_host_and_dates(client, make_event, make_campaign, make_venue,
                                                   make_organization, now):
    campaign, venue, host = make_campaign(slug="pudong-2026"), make_venue(), make_organization()
    soon = make_event(campaign=campaign, starts_in=timedelta(days=2))
    later = make_event(venue=venue, starts_in=timedelta(days=20))
    hosted = make_event(host=host, starts_in=timedelta(days=40))
    co_hosted = make_event(starts_in=timedelta(days=50))
    co_hosted.co_hosts.append(host)
    db.session.commit()

    def ids(query: str) -> list[int]:
        answer = client.get(f"/api/v1/events?{query}")
        assert answer.status_code == 200, answer.get_json()
        return [item["id"] for item in answer.get_json()["items"]]

    assert ids("") == [soon.id, later.id, hosted.id, co_hosted.id]
    assert ids("campaign=pudong-2026") == [soon.id]
    assert ids(f"venue={venue.id}") == [later.id]
    assert ids(f"host={host.id}") == [hosted.id, co_hosted.id]
    start = (now + timedelta(days=10)).isoformat()
    end = (now + timedelta(days=45)).isoformat()
    assert ids(f"from={start.replace('+', '%2B')}&to={end.replace('+', '%2B')}") == [later.id, hosted.id]
    assert ids("campaign=nothing-like-it") == []


@pytest.mark.parametrize("query", ["per_page=0", "per_page=101", "page=0", "venue=abc", "from=yesterday",
                                   "lang=fr", "host=-1"])
def test_a_bad_filter_is_a_422_naming_the_parameter(client, query):
    answer = client.get(f"/api/v1/events?{query}")
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["code"] == "invalid" and list(body["errors"]) == [query.split("=")[0]]


def test_pages_link_the_next_one_until_the_last(client, make_event):
    made = [make_event(starts_in=timedelta(days=day)).id for day in range(1, 6)]
    seen, url = [], "/api/v1/events?per_page=2&lang=en"
    while url:
        body = client.get(url).get_json()
        assert len(body["items"]) <= 2
        seen += [item["id"] for item in body["items"]]
        url = body["next"] and body["next"].split("://", 1)[1].split("/", 1)[1]
        url = url and "/" + url
    assert seen == made


def test_campaigns_are_listed_newest_first(client, make_campaign):
    old, new = make_campaign(slug="shanghai-2017", year=2017), make_campaign(slug="shanghai-2026", year=2026)
    body = client.get("/api/v1/campaigns?lang=en").get_json()
    assert [item["slug"] for item in body["items"]] == [new.slug, old.slug] and body["next"] is None
    assert body["items"][0]["events_url"].endswith("/api/v1/events?campaign=shanghai-2026&lang=en")


def test_a_conditional_get_is_answered_304_until_something_shown_changes(client, make_event, count_queries):
    event = make_event(capacity=3)
    first = client.get(f"/api/v1/events/{event.id}")
    etag = first.headers["ETag"]
    with count_queries() as queries:
        again = client.get(f"/api/v1/events/{event.id}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert len(queries) <= 3  # the fingerprint: no event, seat or agenda query
    in_english = client.get(f"/api/v1/events/{event.id}?lang=en", headers={"If-None-Match": etag})
    assert in_english.status_code == 200  # another language, another answer

    register(event, "someone@example.com")  # one sign-up changes seats_left
    changed = client.get(f"/api/v1/events/{event.id}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["seats_left"] == 2
    listed = client.get("/api/v1/events")
    assert client.get("/api/v1/events", headers={"If-None-Match": listed.headers["ETag"]}).status_code == 304
    event.title_en = "Quality Open Day, moved"
    db.session.commit()
    assert client.get("/api/v1/events", headers={"If-None-Match": listed.headers["ETag"]}).status_code == 200


def test_if_modified_since_is_answered_304(client, make_event, now, monkeypatch):
    import eventsapp.api.routes as routes

    event = make_event()
    monkeypatch.setattr(routes, "utcnow", lambda: now + timedelta(seconds=5))  # the last change's second is over
    first = client.get(f"/api/v1/events/{event.id}")
    since = first.headers["Last-Modified"]
    assert client.get(f"/api/v1/events/{event.id}", headers={"If-Modified-Since": since}).status_code == 304
    campaigns = client.get("/api/v1/campaigns")
    assert client.get("/api/v1/campaigns", headers={"If-None-Match": campaigns.headers["ETag"]}).status_code == 304


def test_the_sign_up_window_opening_with_time_alone_changes_the_etag(client, make_event, now, monkeypatch):
    import eventsapp.api.routes as routes

    event = make_event(registration_opens_at=now + timedelta(hours=1))
    first = client.get(f"/api/v1/events/{event.id}")
    assert first.get_json()["registration"]["state"] == "not_yet_open"
    monkeypatch.setattr(routes, "utcnow", lambda: now + timedelta(hours=2))
    later = client.get(f"/api/v1/events/{event.id}", headers={"If-None-Match": first.headers["ETag"]})
    assert later.status_code == 200 and later.get_json()["registration"]["state"] == "open"


def test_the_openapi_document_and_a_registration_answer_conditional_requests(client, make_event):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200 and spec.get_json()["openapi"].startswith("3.1")
    assert client.get("/api/v1/openapi.json", headers={"If-None-Match": spec.headers["ETag"]}).status_code == 304
    event = make_event(capacity=1)
    person = {"name": "Li Lei", "phone": "13800138000", "organization": "Zhenhua", "consent": True}
    client.post(f"/api/v1/events/{event.id}/registrations", json={**person, "email": "first@example.com"})
    token = client.post(f"/api/v1/events/{event.id}/registrations",
                        json={**person, "email": "second@example.com"}).get_json()["token"]
    waiting = client.get(f"/api/v1/registrations/{token}")
    assert waiting.get_json()["waitlist_position"] == 1 and waiting.headers["ETag"]
    assert client.get(f"/api/v1/registrations/{token}",
                      headers={"If-None-Match": waiting.headers["ETag"]}).status_code == 304
    client.post(f"/api/v1/events/{event.id}/registrations", json={**person, "email": "third@example.com"})
    ahead = db.session.scalar(select(Registration).where(Registration.email == "first@example.com"))
    client.delete(f"/api/v1/registrations/{ahead.token}")  # the person ahead leaves: a seat for this one
    moved = client.get(f"/api/v1/registrations/{token}", headers={"If-None-Match": waiting.headers["ETag"]})
    assert moved.status_code == 200 and moved.get_json()["status"] == "confirmed"


@pytest.mark.parametrize("query", ["from=9999-12-31T23:59:59-10:00", "from=0001-01-01T00:00:00",
                                   "to=0001-01-01T00:00:00%2B14:00", "to=2026-13-01"])
def test_dates_outside_the_supported_years_are_a_422(client, query):
    answer = client.get(f"/api/v1/events?{query}")
    assert answer.status_code == 422 and list(answer.get_json()["errors"]) == [query.split("=")[0]]


def later(monkeypatch, now, **delta):
    import eventsapp.api.routes as routes

    monkeypatch.setattr(routes, "utcnow", lambda: now + timedelta(**delta))


def test_if_modified_since_sees_an_event_leave_the_list(client, make_event, now, monkeypatch):
    """Last-Modified covers what left the list too (unpublished here), not only what is still in it."""
    staying, leaving = make_event(starts_in=timedelta(days=2)), make_event(starts_in=timedelta(days=3))
    later(monkeypatch, now, seconds=5)
    since = client.get("/api/v1/events").headers["Last-Modified"]
    later(monkeypatch, now, seconds=10)
    leaving.status = EventStatus.DRAFT
    leaving.updated_at = now + timedelta(seconds=8)
    db.session.commit()
    answer = client.get("/api/v1/events", headers={"If-Modified-Since": since})
    assert answer.status_code == 200 and [item["id"] for item in answer.get_json()["items"]] == [staying.id]


def test_if_modified_since_sees_the_sign_up_window_open_with_time(client, make_event, now, monkeypatch):
    event = make_event(registration_opens_at=now + timedelta(minutes=30))
    later(monkeypatch, now, seconds=5)
    first = client.get(f"/api/v1/events/{event.id}")
    assert first.get_json()["registration"]["state"] == "not_yet_open"
    later(monkeypatch, now, hours=1)
    opened = client.get(f"/api/v1/events/{event.id}", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert opened.status_code == 200 and opened.get_json()["registration"]["state"] == "open"


def test_if_modified_since_sees_an_event_leave_the_feeds_window(client, make_event, now, monkeypatch):
    event = make_event(starts_in=timedelta(days=-29), hours=2)
    later(monkeypatch, now, seconds=5)
    first = client.get("/api/v1/events")
    assert [item["id"] for item in first.get_json()["items"]] == [event.id]
    later(monkeypatch, now, days=2)
    gone = client.get("/api/v1/events", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert gone.status_code == 200 and gone.get_json()["items"] == []


def test_lang_is_read_like_the_pages_read_it(client, make_event):
    event = make_event()
    assert client.get(f"/api/v1/events/{event.id}?lang=EN").get_json()["title"] == "Quality Open Day"


def test_any_website_may_call_the_api_from_a_browser_without_credentials(client, make_event):
    event = make_event()
    answer = client.get(f"/api/v1/events/{event.id}", headers={"Origin": "https://park.example"})
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in answer.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in answer.headers
    preflight = client.options(f"/api/v1/events/{event.id}/registrations", headers={
        "Origin": "https://park.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, idempotency-key"})
    assert preflight.status_code == 200 and "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Idempotency-Key" in preflight.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Origin" not in client.get("/").headers  # the site's pages stay closed
