"""Personal data (SPEC 8, PIPL): the notice and the separate host consent on the form, the host's view,
and erasure at the attendee's request, which removes the person and keeps the counts."""
import html
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.mail.models import OutboxMessage, OutboxStatus
from eventsapp.mail.services import erase_mail_to
from eventsapp.mail.writing import write_left_unwritten
from eventsapp.registration.models import PersonalFeed, Registration, RegistrationStatus
from eventsapp.registration.queries import shared_with_host
from eventsapp.registration.services import (
    SeatSummary,
    cancel_registration,
    erase_personal_data,
    queue_reminders,
    register,
    seat_summary,
)


def form(**overrides):
    return {"name": "Zhang Wei", "email": "zhang.wei@example.com", "phone": "138 0013 8000",
            "organization": "Shentong Metro", "job_title": "Engineer", "consent": "y", "website": "", **overrides}


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def sign_up(client, event, **overrides) -> str:
    """The manage token of a sign-up through the form."""
    response = client.post(f"/events/{event.id}/register", data=form(**overrides))
    assert response.status_code == 302, text_of(response)
    return response.headers["Location"].rsplit("/", 1)[1]


def registration_of(token: str) -> Registration:
    db.session.expire_all()
    return db.session.scalars(select(Registration).where(Registration.token == token)).one()


def move_to_the_past(event, now) -> None:
    event.starts_at, event.ends_at = now - timedelta(hours=5), now - timedelta(hours=2)
    db.session.commit()


def all_outbox_text() -> str:
    db.session.expire_all()
    return " ".join(f"{m.recipient} {m.subject} {m.body_text} {m.body_html} {(m.ics or b'').decode()} {m.last_error}"
                    for m in db.session.scalars(select(OutboxMessage)))


# --- The form ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, notice, consent, how_long", [
    ("zh", "隐私告知", "同意将我的姓名、单位、职务和联系方式提供给承办单位 申通地铁集团", "活动结束后 180 天"),
    ("en", "Privacy notice", "Share my name, organization, job title and contact details with the host, "
                             "Shentong Metro Group", "until 180 days after the event"),
])
def test_the_form_shows_the_notice_and_an_unticked_consent_naming_the_host(
        client, make_event, make_organization, make_campaign, lang, notice, consent, how_long):
    host = make_organization(name_zh="申通地铁集团", name_en="Shentong Metro Group")
    campaign = make_campaign(organizing_body_zh="上海市市场监督管理局",
                             organizing_body_en="Shanghai Administration for Market Regulation")
    event = make_event(host=host, campaign=campaign)
    page = text_of(client.get(f"/events/{event.id}/register?lang={lang}"))
    assert notice in page and consent in page and how_long in page
    assert ("上海市市场监督管理局" if lang == "zh" else "Shanghai Administration for Market Regulation") in page
    assert 'href="/privacy"' in page
    checkbox = re.search(r'<input[^>]*name="shares_with_host"[^>]*>', page).group(0)
    assert "checked" not in checkbox and "required" not in checkbox
    assert re.search(r'<input[^>]*name="consent"[^>]*>', page)  # the consent to process stays, separate


def test_the_host_consent_is_stored_only_when_ticked(client, make_event, app_ctx, now):
    event = make_event()
    ticked = registration_of(sign_up(client, event, email="yes@example.com", shares_with_host="y"))
    unticked = registration_of(sign_up(client, event, email="no@example.com"))
    assert ticked.shares_with_host and ticked.shares_with_host_at >= now
    assert not unticked.shares_with_host and unticked.shares_with_host_at is None


def test_the_host_sees_only_consenting_active_attendees(make_event, applicant, app_ctx, now):
    event, other_event = make_event(capacity=1), make_event()

    def sign(target, shares):
        registration = register(target.id, applicant(shares_with_host=shares), now=now)
        db.session.commit()
        return registration

    confirmed, waitlisted, _silent = sign(event, True), sign(event, True), sign(event, False)
    gone = sign(event, True)
    cancel_registration(gone, now=now)
    sign(other_event, True)
    db.session.commit()
    assert shared_with_host(event) == [confirmed, waitlisted]


# --- Erasure ----------------------------------------------------------------------------------------

def test_after_the_event_erasure_removes_the_person_and_keeps_the_counts(client, make_event, app_ctx, now):
    event = make_event(capacity=2)
    token = sign_up(client, event, email="Zhang.Wei@Example.com", shares_with_host="y")
    other = sign_up(client, event, email="li.lei@example.com", name="Li Lei")
    write_left_unwritten(now=now)  # as the worker does before it sends them
    sent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "zhang.wei@example.com")).one()
    sent.status, sent.last_error = OutboxStatus.SENT, "451 zhang.wei@example.com greylisted"
    move_to_the_past(event, now)
    counts, registration_id = seat_summary(event), registration_of(token).id

    page = text_of(client.get(f"/registrations/{token}?lang=en"))
    assert f'href="/registrations/{token}/erase"' in page and "Delete my data" in page
    assert "Delete your personal data?" in text_of(client.get(f"/registrations/{token}/erase?lang=en"))
    assert registration_of(token).erased_at is None  # asking first changes nothing
    response = client.post(f"/registrations/{token}/erase?lang=en", follow_redirects=True)
    assert "Your personal data has been deleted." in text_of(response)

    erased = db.session.get(Registration, registration_id)
    assert (erased.name, erased.phone, erased.organization, erased.job_title) == ("", "", "", "")
    assert erased.email == f"erased-{erased.id}@invalid" and erased.submission_key is None
    assert erased.token != token and erased.erased_at is not None and not erased.shares_with_host
    assert erased.status == RegistrationStatus.CONFIRMED and seat_summary(event) == counts
    for trace in ("zhang.wei", "Zhang Wei", "Shentong", "8613800138000", token):
        assert trace not in all_outbox_text()
    (kept,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == erased.email))
    assert kept.status == OutboxStatus.SENT and kept.body_text == "" and kept.ics is None
    assert db.session.scalar(select(PersonalFeed).where(PersonalFeed.email == "zhang.wei@example.com")) is None
    assert "Li Lei" in all_outbox_text() and registration_of(other).name == "Li Lei"  # the others stay
    assert client.get(f"/registrations/{token}").status_code == 404
    assert client.post(f"/registrations/{token}/erase").status_code == 404  # a second request: harmless
    assert client.get(f"/registrations/{token}.ics").status_code == 404
    assert seat_summary(event) == counts


def test_before_the_event_erasure_cancels_and_the_waiting_list_moves_up(client, make_event, app_ctx, outbox):
    event = make_event(capacity=1)
    token = sign_up(client, event, email="first@example.com")
    waiting = sign_up(client, event, email="second@example.com", name="Second Person")
    registration_id = registration_of(token).id
    page = text_of(client.get(f"/registrations/{token}?lang=en"))
    assert "Cancel and delete my data" in page
    confirm = text_of(client.get(f"/registrations/{token}/erase?lang=en"))
    assert "This also cancels your registration" in confirm
    assert "Yes, cancel my registration and delete my data" in confirm

    client.post(f"/registrations/{token}/erase")
    erased = db.session.get(Registration, registration_id)
    assert erased.status == RegistrationStatus.CANCELLED and erased.cancelled_at is not None
    assert erased.erased_at is not None and erased.name == ""
    assert registration_of(waiting).status == RegistrationStatus.CONFIRMED
    assert seat_summary(event) == SeatSummary(capacity=1, taken=1, waitlist_length=0)
    assert outbox("first@example.com") == [] and outbox(erased.email) == []  # nothing queued is left
    assert outbox("second@example.com")[-1].dedup_key.endswith("-promoted")
    assert client.get(f"/registrations/{token}").status_code == 404
    # The address is free again: the same person may sign up anew.
    assert registration_of(sign_up(client, event, email="first@example.com")).status == RegistrationStatus.WAITLISTED


def test_an_already_cancelled_registration_can_be_erased(client, make_event, app_ctx):
    event = make_event()
    token = sign_up(client, event)
    client.post(f"/registrations/{token}/cancel")
    assert "Delete my data" in text_of(client.get(f"/registrations/{token}?lang=en"))
    client.post(f"/registrations/{token}/erase")
    assert client.get(f"/registrations/{token}").status_code == 404
    (erased,) = db.session.scalars(select(Registration))
    assert erased.status == RegistrationStatus.CANCELLED and erased.email.endswith("@invalid")


def test_while_the_event_runs_the_details_stay(client, make_event, app_ctx, now):
    event = make_event()
    token = sign_up(client, event)
    event.starts_at = now - timedelta(hours=1)
    db.session.commit()
    page = text_of(client.get(f"/registrations/{token}/erase?lang=en"))
    assert "You can have your details deleted once the event is over." in page and "Yes, delete" not in page
    response = client.post(f"/registrations/{token}/erase?lang=en", follow_redirects=True)
    assert "You can have your details deleted once the event is over." in text_of(response)
    assert registration_of(token).name == "Zhang Wei" and registration_of(token).erased_at is None


def test_an_address_registered_elsewhere_keeps_its_calendar_and_other_mail(client, make_event, app_ctx, now, outbox):
    event, other_event = make_event(), make_event()
    token = sign_up(client, event)
    other_id = registration_of(sign_up(client, other_event)).id
    outbox()  # their mails written, as by the worker: the first made the address's calendar
    feed_token = db.session.scalars(select(PersonalFeed.token)).one()
    client.post(f"/registrations/{token}/erase")
    assert db.session.scalars(select(PersonalFeed.token)).one() == feed_token
    (left,) = outbox("zhang.wei@example.com")
    assert left.dedup_key == f"registration-{other_id}-confirmed" and "Zhang Wei" in left.body_text


def test_erasing_is_logged_once_and_twice_is_harmless(make_event, applicant, app_ctx, now, caplog):
    event = make_event()
    registration = register(event.id, applicant(name="Wang Fang"), now=now)
    db.session.commit()
    with caplog.at_level(logging.INFO, logger="eventsapp.registration.services"):
        erase_personal_data(registration, now=now)
        first = (registration.token, registration.erased_at, registration.status)
        erase_personal_data(registration, now=now + timedelta(minutes=5))
    db.session.commit()
    assert (registration.token, registration.erased_at, registration.status) == first
    (logged,) = [r.getMessage() for r in caplog.records if "erased" in r.getMessage()]
    assert f"registration {registration.id} of event {event.id}" in logged and "Wang Fang" not in logged


def test_unknown_or_forged_tokens_erase_nothing(client, make_event, app_ctx):
    token = sign_up(client, make_event())
    for forged in ("nope", "x" * 64, token[:-1] + ("A" if token[-1] != "A" else "B"), "%00"):
        assert client.get(f"/registrations/{forged}/erase").status_code == 404
        assert client.post(f"/registrations/{forged}/erase").status_code == 404
    assert registration_of(token).erased_at is None


def test_erase_mail_to_drops_waiting_mail_and_blanks_the_rest(app_ctx, now):
    def message(key, status, recipient="a@example.com", **fields):
        return OutboxMessage(recipient=recipient, subject="S", body_text="Hi A", body_html="<p>Hi A</p>",
                             dedup_key=key, status=status, attempts=0, next_attempt_at=now, created_at=now,
                             last_error="", **fields)

    db.session.add_all([message("registration-1-confirmed", OutboxStatus.PENDING),
                        message("registration-1-reminder", OutboxStatus.PENDING, claimed_until=now + timedelta(1)),
                        message("registration-12-confirmed", OutboxStatus.SENT),
                        message("registration-1-cancelled", OutboxStatus.FAILED),
                        message("registration-3-confirmed", OutboxStatus.PENDING, recipient="b@example.com")])
    db.session.commit()
    assert erase_mail_to("a@example.com", replacement="gone@invalid", now=now,
                         dedup_key_prefix="registration-1-") == 3
    rows = {m.dedup_key: (m.recipient, m.body_text) for m in db.session.scalars(select(OutboxMessage))}
    assert rows == {"registration-1-reminder": ("gone@invalid", ""),  # being sent right now: it goes out
                    "registration-12-confirmed": ("a@example.com", "Hi A"),
                    "registration-1-cancelled": ("gone@invalid", ""),
                    "registration-3-confirmed": ("b@example.com", "Hi A")}


# --- The privacy page -------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, heading, retention", [("zh", "隐私告知", "活动结束后 180 天"),
                                                      ("en", "Privacy notice", "Until 180 days after the event")])
def test_the_privacy_page_is_bilingual_and_linked_from_every_footer(client, lang, heading, retention):
    page = text_of(client.get(f"/privacy?lang={lang}"))
    assert f"<h1>{heading}</h1>" in page and retention in page
    assert 'href="/privacy"' in text_of(client.get(f"/?lang={lang}"))


def test_personal_data_is_purged_by_the_mail_worker_when_the_retention_period_ends(
        runner, make_event, applicant, app_ctx, now):
    """SPEC 8: RETENTION_DAYS (180) after an event, its people's details go; the counts stay."""
    old = make_event(starts_at=now - timedelta(days=182), capacity=1)
    recent = make_event(starts_at=now - timedelta(days=170), capacity=5)
    for event in (old, old, recent):  # the second of the old event waits for a seat
        register(event.id, applicant(), now=event.starts_at - timedelta(days=3))
    db.session.commit()
    counts_before = seat_summary(old)
    result = runner.invoke(args=["mail", "work", "--once"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    gone = list(db.session.scalars(select(Registration).where(Registration.event_id == old.id)))
    assert [r.is_erased for r in gone] == [True, True]
    assert all(r.name == "" and r.email.endswith("@invalid") for r in gone)
    assert seat_summary(old) == counts_before
    (kept,) = db.session.scalars(select(Registration).where(Registration.event_id == recent.id))
    assert not kept.is_erased and kept.email.endswith("@example.com")
    assert not any(m.recipient.endswith("@example.com") and m.recipient != kept.email
                   for m in db.session.scalars(select(OutboxMessage)))


def test_erasing_also_takes_the_same_persons_earlier_cancelled_sign_up_for_that_event(client, make_event, app_ctx):
    event = make_event()
    first = sign_up(client, event)
    client.post(f"/registrations/{first}/cancel")
    again = sign_up(client, event)
    earlier_id = registration_of(first).id
    client.post(f"/registrations/{again}/erase")
    db.session.expire_all()
    people = list(db.session.scalars(select(Registration).where(Registration.event_id == event.id)))
    assert len(people) == 2 and all(r.is_erased and r.name == "" and r.phone == "" for r in people)
    assert db.session.get(Registration, earlier_id).email.endswith("@invalid")
    text = all_outbox_text()
    assert "Zhang Wei" not in text and "zhang.wei@example.com" not in text
    assert db.session.scalar(select(PersonalFeed).where(PersonalFeed.email == "zhang.wei@example.com")) is None


def test_nobody_erased_gets_a_reminder(make_event, applicant, app_ctx, now, outbox):
    """An event over, its people erased, then moved into the future by the organizer: no reminder."""
    event = make_event(starts_at=now + timedelta(hours=30))
    registration = register(event.id, applicant(), now=now)
    db.session.commit()
    erase_personal_data(registration, now=event.ends_at + timedelta(hours=1))
    db.session.commit()
    assert queue_reminders(now=now + timedelta(hours=10)) == 0


def test_the_notice_says_whom_to_write_to_and_when_deletion_is_possible(client, make_event, app_ctx):
    page = text_of(client.get(f"/events/{make_event().id}/register?lang=en"))
    assert 'href="mailto:no-reply@localhost"' in page  # MAIL_SENDER's address
    assert "before the event by cancelling, or once it is over" in page
    assert 'href="mailto:no-reply@localhost"' in text_of(client.get("/privacy?lang=en"))


def test_screen_readers_hear_the_host_consent_is_optional(client, make_event, app_ctx):
    page = text_of(client.get(f"/events/{make_event().id}/register?lang=en"))
    checkbox = re.search(r'<input[^>]*name="shares_with_host"[^>]*>', page).group()
    assert 'aria-describedby="shares_with_host-hint"' in checkbox
    assert 'id="shares_with_host-hint">Optional. Without it, the host does not see your details' in page


def test_the_organizers_list_says_a_row_was_erased_instead_of_showing_a_placeholder(client, auth, make_event,
                                                                                    app_ctx, now):
    event = make_event()
    token = sign_up(client, event)
    client.post(f"/registrations/{token}/erase")
    auth.login()
    page = text_of(client.get(f"/manage/events/{event.id}/registrations?lang=en"))
    assert "Details deleted at the attendee's request or after the retention period" in page
    assert "@invalid" not in page and "Zhang Wei" not in page
