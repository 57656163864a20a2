"""Issue 9.1–9.3 as an organizer lives them in Chromium: move a published event with talks to the next
day, see whom it will e-mail and the mail itself, go back once, then confirm; everyone gets one mail."""
import re
from datetime import UTC, datetime

from playwright.sync_api import expect

from eventsapp.extensions import db
from eventsapp.registration import services as registration
from tests.e2e.helpers import deliver_outbox, sign_in

STARTS_AT = datetime(2030, 5, 20, 6, 0, tzinfo=UTC)  # Monday 14:00 in Shanghai


def test_organizer_moves_an_attended_event_with_its_talks_after_a_preview(
        live_server, smtp_server, new_page, make_event, make_session, make_user, app_ctx, now):
    event = make_event(starts_at=STARTS_AT, hours=3, title_en="Browser Move Day")
    make_session(event, minutes=60, title_en="Opening")
    make_session(event, offset_minutes=90, minutes=60, title_en="Plant tour")
    for email in ("ada@example.com", "bo@example.com"):
        registration.register(event.id, registration.Applicant(name=email[:2].title(), email=email, language="en"),
                              now=now)
    db.session.commit()
    deliver_outbox(live_server)  # the two confirmations
    confirmations = len(smtp_server.handler.messages)

    page = new_page()
    sign_in(page, live_server, make_user)
    page.goto(f"{live_server.url}/manage/events/{event.id}?lang=en")
    page.get_by_role("link", name="Edit", exact=True).first.click()
    page.get_by_label("Starts", exact=True).fill("2030-05-21T14:00")
    page.get_by_label("Ends", exact=True).fill("2030-05-21T17:00")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="Check before saving")).to_be_visible()
    expect(page.get_by_text("2 people will be e-mailed.")).to_be_visible()
    changes = page.get_by_role("table", name="What changes")
    expect(changes).to_contain_text("Monday, May 20, 2030 14:00–17:00")
    expect(changes).to_contain_text("Tuesday, May 21, 2030 14:00–17:00")
    expect(page.locator("pre.mail-text")).to_contain_text("was: Monday, May 20, 2030")

    page.get_by_role("button", name="Back to the form").click()  # nothing saved; the form keeps the new day
    expect(page.get_by_label("Starts", exact=True)).to_have_value("2030-05-21T14:00")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Save and e-mail 2 people").click()

    expect(page.get_by_text("Event saved.")).to_be_visible()
    agenda = page.get_by_role("region", name="Table")
    expect(agenda).to_contain_text("Opening")
    expect(page.get_by_text(re.compile(r"Tuesday, May 21, 2030 14:00–17:00"))).to_be_visible()
    assert deliver_outbox(live_server)["sent"] == 2
    changed = smtp_server.handler.messages[confirmations:]
    assert sorted(message["To"] for message in changed) == ["ada@example.com", "bo@example.com"]
    assert all(message["Subject"] == "Event changed: Browser Move Day" for message in changed)
    db.session.expire_all()
    assert [(talk.starts_at.day, talk.starts_at.hour) for talk in event.sessions] == [(21, 6), (21, 7)]
