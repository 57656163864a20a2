"""Security headers: a Content-Security-Policy the pages keep (no inline script), no framing, no MIME
sniffing, and URLs that carry a secret token are neither sent as Referer nor kept by caches."""
import re

import pytest

from eventsapp.extensions import db
from eventsapp.registration import services as registration
from eventsapp.registration.personal_feed import personal_feed_for


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {name: value.strip() for name, _, value in
            (part.strip().partition(" ") for part in policy.split(";") if part.strip())}


@pytest.fixture
def person(make_event, app_ctx, now):
    """A confirmed registration and its personal feed: the two kinds of secret URL."""
    event = make_event()
    signed_up = registration.register(event.id, registration.Applicant(name="Me", email="me@example.com"), now=now)
    feed = personal_feed_for("me@example.com")
    db.session.commit()
    return signed_up.token, feed.token


def test_every_page_forbids_inline_script_framing_and_sniffing(client, make_event, app_ctx):
    event = make_event()
    for url in ("/", f"/events/{event.id}", f"/events/{event.id}/register", f"/campaigns/{event.campaign.slug}",
                "/auth/login", "/no-such-page", "/static/css/app.css"):
        response = client.get(url)
        policy = directives(response)
        assert policy["default-src"] == "'self'", url
        assert policy["script-src"] == "'self'", url  # no 'unsafe-inline', no CDN
        assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'", url
        assert "unsafe" not in response.headers["Content-Security-Policy"], url
        assert response.headers["X-Frame-Options"] == "DENY", url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", url
        assert "no-store" not in response.headers.get("Cache-Control", ""), url


def test_pages_carry_no_inline_script_the_policy_would_block(client, make_event, app_ctx, person, auth):
    """What the policy forbids is not in the pages: no event-handler attribute, no inline <script>."""
    event = make_event()
    manage_token, _ = person
    urls = ["/", f"/events/{event.id}", f"/events/{event.id}/register", f"/campaigns/{event.campaign.slug}",
            f"/registrations/{manage_token}", f"/registrations/{manage_token}/cancel"]
    auth.login()
    urls += ["/manage/", "/manage/campaigns", f"/manage/events/{event.id}", f"/manage/events/{event.id}/registrations"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", page), url
        assert all(' src="/static/' in tag for tag in re.findall(r"<script[^>]*>", page)), url
        assert not re.search(r"<style|\sstyle=", page), url  # style-src 'self' too
        assert '<script src="/static/js/app.js" defer></script>' in page, url


def test_manage_pages_are_not_cached_and_send_no_referrer(client, person):
    manage_token, feed_token = person
    for url in (f"/registrations/{manage_token}", f"/registrations/{manage_token}/cancel",
                "/registrations/not-a-real-token", f"/feeds/me/{feed_token}"):
        response = client.get(url)
        assert response.headers["Cache-Control"] == "no-store", url
        assert response.headers["Referrer-Policy"] == "no-referrer", url
    replaced = client.post(f"/feeds/me/{feed_token}/replace")
    assert replaced.status_code == 200
    assert replaced.headers["Cache-Control"] == "no-store"
    assert replaced.headers["Referrer-Policy"] == "no-referrer"


def test_personal_feed_is_private_sends_no_referrer_and_still_answers_304(client, person):
    """The feed stays revalidatable (ETag, 304) for calendar apps, but only the person's own cache keeps it."""
    _, feed_token = person
    response = client.get(f"/feeds/me/{feed_token}.ics")
    assert response.status_code == 200 and response.headers["ETag"]
    cache_control = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert "private" in cache_control and "public" not in cache_control
    assert response.headers["Referrer-Policy"] == "no-referrer"
    again = client.get(f"/feeds/me/{feed_token}.ics", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert "private" in again.headers["Cache-Control"] and again.headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/feeds/me/not-a-real-token.ics").headers["Cache-Control"] == "no-store"


def test_public_feeds_stay_publicly_cacheable(client, make_event, app_ctx):
    response = client.get("/feeds/all.ics")
    assert "public" in response.headers["Cache-Control"]
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
