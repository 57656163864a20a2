"""The outbox in the back office: organizers only; list, one message, its .ics, retry."""
import html

import pytest

from eventsapp.accounts.models import Role
from eventsapp.extensions import db
from eventsapp.mail.models import OutboxMessage, OutboxStatus
from eventsapp.mail.worker import deliver_due_messages
from tests.mail.helpers import sample_ics


@pytest.fixture
def organizer(auth):
    auth.login()


def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_anonymous_visitors_are_sent_to_the_login_page(client, queue_message):
    message = queue_message()
    for url in ("/manage/outbox", f"/manage/outbox/{message.id}", f"/manage/outbox/{message.id}/attachment"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.post(f"/manage/outbox/{message.id}/retry").status_code == 302


def test_company_members_may_not_read_the_outbox(client, auth, queue_message):
    queue_message()
    auth.login(email="member@example.com", role=Role.COMPANY_MEMBER)
    assert client.get("/manage/outbox").status_code == 403


def test_organizer_sees_the_outbox_newest_first(client, organizer, queue_message):
    queue_message(recipient="first@example.com", subject="第一封 First")
    queue_message(recipient="second@example.com", subject="第二封 Second")
    response = client.get("/manage/outbox")
    page = page_of(response)
    assert response.status_code == 200
    assert page.index("second@example.com") < page.index("first@example.com")
    assert "第二封 Second" in page
    assert '<a href="/manage/outbox" aria-current="page">' in page  # the back-office tab


def test_status_filter_and_pagination(client, organizer, queue_message, smtp_server, now, app_ctx):
    for _ in range(51):
        queue_message()
    queue_message(recipient="newest@example.com")
    deliver_due_messages(transport=smtp_server.transport, now=now, batch_size=1)  # the oldest one
    pending = page_of(client.get("/manage/outbox?status=pending&lang=en"))
    assert pending.count('href="/manage/outbox/') == 50 and "Page 1 of 2" in pending
    second = page_of(client.get("/manage/outbox?status=pending&page=2"))
    assert second.count('href="/manage/outbox/') == 1
    only_sent = page_of(client.get("/manage/outbox?status=sent"))
    assert "attendee1@example.com" in only_sent and "newest@example.com" not in only_sent
    for query in ("page=abc", "page=-3", "page=99999999999999999999999", "status=nonsense"):
        assert client.get(f"/manage/outbox?{query}").status_code == 200


def test_the_list_costs_the_same_queries_for_many_messages(client, organizer, queue_message, count_queries):
    queue_message()
    with count_queries() as few:
        client.get("/manage/outbox")
    for _ in range(30):
        queue_message(ics=sample_ics())
    with count_queries() as many:
        client.get("/manage/outbox")
    assert len(many) == len(few)


def test_organizer_reads_one_message_and_downloads_its_calendar(client, organizer, queue_message):
    ics = sample_ics()
    message = queue_message(subject="报名确认", body_text="您好 <b>李雷</b>", body_html="<p onclick='x()'>您好</p>",
                            ics=ics, ics_method="REQUEST", ics_filename="event-7.ics")
    response = client.get(f"/manage/outbox/{message.id}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "报名确认" in body and message.recipient in body
    assert "您好 &lt;b&gt;李雷&lt;/b&gt;" in body  # the text body is shown as text
    assert '<iframe sandbox=""' in body and "srcdoc=\"&lt;p onclick=" in body  # HTML only inside the sandbox
    assert "<p onclick" not in body
    download = client.get(f"/manage/outbox/{message.id}/attachment")
    assert download.status_code == 200 and download.data == ics
    assert download.mimetype == "text/calendar" and "event-7.ics" in download.headers["Content-Disposition"]


def test_missing_message_or_calendar_is_a_404(client, organizer, queue_message):
    message = queue_message()
    assert client.get("/manage/outbox/999999").status_code == 404
    assert client.get(f"/manage/outbox/{message.id}/attachment").status_code == 404
    assert client.get("/manage/outbox/99999999999999").status_code == 404


def test_retry_now_puts_a_failed_message_back_in_the_queue(client, organizer, queue_message, refusing_smtp_server,
                                                           now, app_ctx):
    message = queue_message()
    deliver_due_messages(transport=refusing_smtp_server("550 5.1.1 No such user").transport, now=now)
    page = page_of(client.get(f"/manage/outbox/{message.id}?lang=en"))
    assert "Retry now" in page and "550" in page

    response = client.post(f"/manage/outbox/{message.id}/retry?lang=en", follow_redirects=True)
    assert response.status_code == 200
    db.session.expire_all()
    retried = db.session.get(OutboxMessage, message.id)
    assert (retried.status, retried.attempts) == (OutboxStatus.PENDING, 0)
    assert "Retry now" not in page_of(response)


def test_retry_of_a_message_that_did_not_fail_changes_nothing(client, organizer, queue_message):
    message = queue_message()
    response = client.post(f"/manage/outbox/{message.id}/retry?lang=en", follow_redirects=True)
    assert response.status_code == 200 and "Only a message that failed" in page_of(response)
