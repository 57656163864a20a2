"""Issue 8's findings 3 and 4: odd query strings and files where text is expected answer a page,
never a 500 (SPEC 3.6). Each test failed before the fix."""
import io

import pytest

from eventsapp.catalogue.models import EventStatus


@pytest.fixture
def pages(make_event, make_session, app_ctx):
    """Every kind of public and back-office page, with an id that exists."""
    event = make_event()
    return {"event": event, "session": make_session(event)}


ODD_QUERIES = ("event_id=6", "slug=other", "token=x", "_method=POST", "_external=1", "_scheme=javascript",
               "_anchor=x", "campaign_id=1&venue_id=2", "lang=en&lang=zh")


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_3_query_parameters_named_like_url_variables_or_url_for_options_are_harmless(client, auth, pages, query):
    event = pages["event"]
    public = ["/", f"/events/{event.id}", f"/campaigns/{event.campaign.slug}", f"/venues/{event.venue_id}",
              f"/hosts/{event.host_id}", f"/events/{event.id}/register", "/nope", "/events/999999"]
    for path in public:
        response = client.get(f"{path}?{query}")
        assert response.status_code in (200, 404), (path, query, response.status_code)
        assert "lang=en" in response.get_data(as_text=True)  # the language switch is still there
    auth.login()
    for path in ("/manage/", "/manage/events", f"/manage/events/{event.id}", f"/manage/events/{event.id}/edit",
                 f"/manage/events/{event.id}/registrations", "/manage/outbox"):
        assert client.get(f"{path}?{query}").status_code == 200, (path, query)


def test_3_the_language_switch_keeps_the_page_and_its_query(client, make_event):
    event = make_event(status=EventStatus.PUBLISHED)
    html = client.get(f"/events/{event.id}?lang=zh&event_id=6&_method=POST").get_data(as_text=True)
    assert f'href="/events/{event.id}?event_id=6&amp;_method=POST&amp;lang=en"' in html


def a_file() -> tuple[io.BytesIO, str]:
    return io.BytesIO(b"not text"), "payload.txt"


def test_4_a_text_field_sent_as_a_file_is_a_field_error_on_every_form(client, auth, pages, app_ctx):
    event, session = pages["event"], pages["session"]
    public = {f"/events/{event.id}/register": "email", f"/events/{event.id}/resend-link": "email",
              "/auth/login": "email"}
    for url, field in public.items():
        response = client.post(url, data={field: a_file(), "name": a_file()}, content_type="multipart/form-data")
        assert response.status_code in (302, 422), (url, response.status_code)
    auth.login()
    back_office = ["/manage/campaigns/new", "/manage/organizations/new", "/manage/venues/new", "/manage/events/new",
                   f"/manage/events/{event.id}/edit", f"/manage/events/{event.id}/sessions/new",
                   f"/manage/events/{event.id}/sessions/{session.id}/edit", f"/manage/events/{event.id}/cancel"]
    for url in back_office:
        data = {name: a_file() for name in ("slug", "year", "name_zh", "name_en", "title_zh", "starts_at",
                                              "capacity", "timezone", "rooms", "reason_zh", "reason_en", "uscc",
                                              "website")}
        response = client.post(url, data=data, content_type="multipart/form-data")
        assert response.status_code == 422, (url, response.status_code)
