"""Message everyone (issue 12): written in Chinese and English, previewed with the count, then one e-mail per
person in their language through the outbox, never twice; erased people never, cancelled ones only when the
filter asks for them."""
import re

import pytest
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.registration import services
from eventsapp.registration.announcements import Message, RecipientsChanged, send_announcement
from eventsapp.registration.models import Announcement, Registration, RegistrationStatus
from eventsapp.registration.queries import AttendeeFilter
from eventsapp.registration.services import Applicant
from tests.catalogue.helpers import field_error, page_of

MESSAGE = {"subject_zh": "停车须知", "body_zh": "请从东门进入。\n\n谢谢！", "subject_en": "Parking",
           "body_en": "Please use the east gate <b>not</b> the west one.\n\nThank you!"}


@pytest.fixture
def event(make_event, grant, colleagues, name_people, now):
    """Confirmed (zh), waiting (en), cancelled (en), erased, and one invited by a company (en)."""
    event = make_event(capacity=4)
    for email, language in (("zh@example.com", "zh"), ("gone@example.com", "en"), ("erased@example.com", "en")):
        services.register(event.id, Applicant(name=email.split("@")[0], email=email, language=language), now=now)
    db.session.commit()
    delegation = grant(event, quota=1)
    name_people(delegation, colleagues(1))
    services.register(event.id, Applicant(name="waiting", email="waiting@example.com", language="en"), now=now)
    db.session.commit()
    by_email = {r.email: r for r in db.session.scalars(select(Registration))}
    services.cancel_registration(by_email["gone@example.com"], now=now)
    services.erase_personal_data(by_email["erased@example.com"], now=now)
    db.session.commit()
    return event


def announcement_mails(outbox):
    return [m for m in outbox() if m.dedup_key.startswith("announcement-")]


def compose(client, event, query: str = "") -> dict:
    """The form's hidden fields (filter, submission key) as the compose page gives them."""
    page = client.get(f"/manage/events/{event.id}/messages/new{query}").get_data(as_text=True)
    return dict(re.findall(r'<input[^>]*name="(status|company|q|submission_key)"[^>]*value="([^"]*)"', page))


def test_preview_count_is_the_number_sent_each_in_their_language(client, auth, event, outbox):
    auth.login()
    fields = compose(client, event)
    assert "To 3 people" in page_of(client.get(f"/manage/events/{event.id}/messages/new?lang=en"))
    preview = client.post(f"/manage/events/{event.id}/messages/new?lang=en", data={**fields, **MESSAGE})
    page = page_of(preview)
    assert preview.status_code == 200 and "3 people will be e-mailed" in page and "Send to 3 people" in page
    assert "1 in Chinese, 2 in English" in page and "停车须知" in page and "Parking" in page
    assert announcement_mails(outbox) == []  # nothing sent by a preview
    expected = re.search(r'name="expected"[^>]*value="(\d+)"', preview.get_data(as_text=True)).group(1)
    sent = client.post(f"/manage/events/{event.id}/messages/new", data={**fields, **MESSAGE, "send": "yes",
                                                                        "expected": expected})
    assert sent.status_code == 302
    mails = announcement_mails(outbox)
    assert sorted((m.recipient, m.subject) for m in mails) == [
        ("colleague1@company.example", "Parking"), ("waiting@example.com", "Parking"), ("zh@example.com", "停车须知")]
    [announcement] = db.session.scalars(select(Announcement)).all()
    assert announcement.recipient_count == len(mails) == int(expected) == 3
    english = next(m for m in mails if m.recipient == "waiting@example.com")
    assert "Hello waiting," in english.body_text and "<b>not</b>" in english.body_text
    assert "&lt;b&gt;not&lt;/b&gt;" in english.body_html and "<b>not" not in english.body_html
    listing = page_of(client.get(f"/manage/events/{event.id}/registrations?lang=en"))
    assert "Messages sent" in listing and "Parking" in listing and "停车须知" in listing


def test_sending_twice_sends_once(client, auth, event, outbox):
    auth.login()
    data = {**compose(client, event), **MESSAGE, "send": "yes"}
    for _ in range(2):
        assert client.post(f"/manage/events/{event.id}/messages/new", data=data).status_code == 302
    assert len(db.session.scalars(select(Announcement)).all()) == 1
    assert len(announcement_mails(outbox)) == 3


def test_cancelled_people_only_when_the_filter_asks_and_never_erased_ones(client, auth, event, outbox):
    auth.login()
    fields = compose(client, event, "?status=cancelled")
    assert fields["status"] == "cancelled"
    client.post(f"/manage/events/{event.id}/messages/new", data={**fields, **MESSAGE, "send": "yes"})
    assert [m.recipient for m in announcement_mails(outbox)] == ["gone@example.com"]


def test_the_company_and_search_filters_choose_the_recipients(event, now, outbox, make_user):
    company = str(db.session.scalars(select(Registration).where(Registration.delegation_id.is_not(None)))
                  .one().delegation.organization_id)
    message = Message(subject_en="Hi", body_en="Text")
    for n, (wanted, recipients) in enumerate([
            (AttendeeFilter(company=company), ["colleague1@company.example"]),
            (AttendeeFilter(company="public"), ["waiting@example.com", "zh@example.com"]),
            (AttendeeFilter(search="zh@"), ["zh@example.com"])]):
        announcement = send_announcement(event, message, wanted, submission_key=f"key-{n}-" + "x" * 20, expected=None,
                                         sent_by=make_user(email=f"o{n}@example.com"), now=now)
        db.session.commit()
        queued = [m.recipient for m in outbox() if m.dedup_key.startswith(f"announcement-{announcement.id}-")]
        assert sorted(queued) == recipients


def test_one_language_is_enough_its_readers_of_the_other_get_it(event, now, outbox):
    send_announcement(event, Message(subject_en="Parking", body_en="East gate."), AttendeeFilter(),
                      submission_key="k" * 24, expected=None, sent_by=None, now=now)
    db.session.commit()
    chinese = next(m for m in announcement_mails(outbox) if m.recipient == "zh@example.com")
    assert chinese.subject == "Parking" and "East gate." in chinese.body_text


@pytest.mark.parametrize("written, field", [
    ({"subject_zh": "停车须知"}, "body_zh"), ({"body_en": "Text"}, "subject_en"), ({}, "subject_zh")])
def test_a_language_is_written_in_full_or_not_at_all(client, auth, event, written, field, outbox):
    auth.login()
    response = client.post(f"/manage/events/{event.id}/messages/new?lang=en",
                           data={**compose(client, event), **written, "send": "yes"})
    assert response.status_code == 422 and field_error(response, field)
    assert announcement_mails(outbox) == [] and db.session.scalars(select(Announcement)).all() == []


def test_a_list_that_changed_since_the_preview_is_previewed_again(client, auth, event, now, outbox):
    auth.login()
    data = {**compose(client, event), **MESSAGE, "send": "yes", "expected": "3"}
    services.register(event.id, Applicant(name="late", email="late@example.com"), now=now)
    db.session.commit()
    response = client.post(f"/manage/events/{event.id}/messages/new?lang=en", data=data)
    assert response.status_code == 409 and "now goes to 4 people" in page_of(response)
    assert "Send to 4 people" in page_of(response)
    assert announcement_mails(outbox) == []
    with pytest.raises(RecipientsChanged):
        send_announcement(event, Message(subject_en="a", body_en="b"), AttendeeFilter(), submission_key="z" * 24,
                          expected=3, sent_by=None, now=now)


def test_nobody_to_write_to_is_said_and_nothing_is_sent(client, auth, event, outbox):
    auth.login()
    fields = compose(client, event, "?q=nobody")
    url = f"/manage/events/{event.id}/messages/new?lang=en"
    assert "Nobody matches this filter" in page_of(client.get(url + "&q=nobody"))
    response = client.post(url, data={**fields, **MESSAGE, "send": "yes"})
    assert response.status_code == 422 and "Nobody matches this filter" in page_of(response)
    assert announcement_mails(outbox) == []


def test_a_submission_key_of_another_event_sends_nothing(client, auth, event, make_event, now, outbox):
    other = make_event()
    services.register(other.id, Applicant(name="o", email="o@example.com"), now=now)
    send_announcement(other, Message(subject_en="a", body_en="b"), AttendeeFilter(), submission_key="s" * 24,
                      expected=None, sent_by=None, now=now)
    db.session.commit()
    auth.login()
    response = client.post(f"/manage/events/{event.id}/messages/new?lang=en",
                           data={**MESSAGE, "submission_key": "s" * 24, "send": "yes"})
    assert response.status_code == 422 and "another page" in page_of(response)
    assert len(announcement_mails(outbox)) == 1


def test_only_organizers_write_to_attendees(client, auth, event, make_company_member, outbox):
    url = f"/manage/events/{event.id}/messages/new"
    data = {**MESSAGE, "submission_key": "m" * 24, "send": "yes"}
    assert "/auth/login" in client.get(url).headers["Location"]
    assert "/auth/login" in client.post(url, data=data).headers["Location"]
    auth.login_as(make_company_member())
    assert client.get(url).status_code == 403 and client.post(url, data=data).status_code == 403
    assert announcement_mails(outbox) == []
    assert client.get("/manage/events/999999/messages/new").status_code == 403
    auth.logout()
    auth.login()
    assert client.get("/manage/events/999999/messages/new").status_code == 404
    assert client.get(url).status_code == 200


def test_statuses_of_the_default_audience(event):
    """Everyone registered: confirmed, waiting, invited (checked in too); cancelled and erased people not."""
    statuses = {r.email: r.status for r in db.session.scalars(select(Registration))}
    assert statuses["gone@example.com"] == RegistrationStatus.CANCELLED
    from eventsapp.registration.queries import find_message_recipients
    assert {r.email for r in find_message_recipients(event, AttendeeFilter())} == {
        "zh@example.com", "waiting@example.com", "colleague1@company.example"}
