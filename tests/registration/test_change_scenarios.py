"""Issue 9's change scenarios, read from both ends: what every feed serves and what every person is mailed.

Three people hold places at one event: Ann (confirmed), Bo (waitlisted, promoted later) and Cai (who
cancels and signs up again within the same second). After each organizer or attendee change:
- every affected feed answers 200 to the validators a client kept from before (ETag and date);
- the UID never changes, and SEQUENCE strictly grows for each person whose view changed (and only
  for them);
- STATUS and METHOD are right;
- each person concerned got exactly the new mails the change calls for, and a mail's UID and SEQUENCE
  are those of the person's own feed.
"""
from dataclasses import dataclass, replace
from datetime import timedelta

import pytest
from icalendar import Calendar

from eventsapp.catalogue import services as catalogue
from eventsapp.catalogue.details import EventDetails, SessionDetails, VenueDetails
from eventsapp.database import utcnow
from eventsapp.extensions import db
from eventsapp.registration.personal_feed import personal_feed_for
from eventsapp.registration.services import Applicant, cancel_registration, register


@pytest.fixture
def polled_later(monkeypatch):
    """Feeds answer as if two seconds later, so Last-Modified is given (feeds.routes.settled_last_modified)."""
    monkeypatch.setattr("eventsapp.feeds.routes.utcnow", lambda: utcnow() + timedelta(seconds=2))


@dataclass
class Seen:
    """What a calendar client kept of a feed: its validators and, per UID, SEQUENCE and STATUS."""

    etag: str
    last_modified: str
    entries: dict[str, tuple[int, str]]


def read_feed(client, url: str, kept: Seen | None = None) -> Seen:
    headers = {"If-None-Match": kept.etag, "If-Modified-Since": kept.last_modified} if kept else {}
    response = client.get(url, headers=headers)
    assert response.status_code == 200, f"{url} answered {response.status_code} to the validators of before"
    calendar = Calendar.from_ical(response.data)
    entries = {str(v["UID"]): (int(v.get("SEQUENCE", 0)), str(v["STATUS"])) for v in calendar.walk("VEVENT")}
    return Seen(response.headers["ETag"], response.headers["Last-Modified"], entries)


def mail_entry(message) -> tuple[str, str, int, str]:
    calendar = Calendar.from_ical(message.ics)
    (vevent,) = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), str(vevent["UID"]), int(vevent["SEQUENCE"]), str(vevent["STATUS"])


def test_each_change_reaches_feeds_and_mailboxes_with_a_growing_sequence(
        client, app_ctx, make_event, make_session, now, outbox, polled_later):
    event = make_event(capacity=2, hours=4)
    talk = make_session(event, offset_minutes=60, minutes=60)
    people = {}
    for name in ("ann", "cai", "bo"):  # two seats: Bo waits
        people[name] = register(event.id, Applicant(name=name.title(), email=f"{name}@example.com",
                                                    language="en"), now=now)
        db.session.commit()
    assert people["bo"].status == "waitlisted"
    tokens = {name: personal_feed_for(f"{name}@example.com").token for name in people}
    db.session.commit()

    public_urls = ["/feeds/all.ics", f"/feeds/campaigns/{event.campaign.slug}.ics",
                   f"/feeds/venues/{event.venue_id}.ics", f"/feeds/hosts/{event.host_id}.ics",
                   f"/events/{event.id}.ics"]
    agenda_url = f"/feeds/events/{event.id}/agenda.ics"
    personal_urls = {name: f"/feeds/me/{token}.ics" for name, token in tokens.items()}
    seen = {url: read_feed(client, url) for url in [*public_urls, agenda_url, *personal_urls.values()]}
    (event_uid,) = seen["/feeds/all.ics"].entries
    (talk_uid,) = seen[agenda_url].entries
    mails_before = {name: len(outbox(f"{name}@example.com")) for name in people}
    table = [("signed up", seen["/feeds/all.ics"].entries[event_uid][0],
              *(seen[personal_urls[name]].entries[event_uid][0] for name in ("ann", "bo", "cai")))]

    def step(label: str, *, feeds_changed: list[str], mailed: dict[str, list[tuple[str, str]]]) -> None:
        """Check the feeds that must have changed and the mails (METHOD, STATUS) each person must have got."""
        for url in feeds_changed:
            before = seen[url]
            after = read_feed(client, url, kept=before)
            assert after.etag != before.etag, f"{label}: {url}"
            for uid, (sequence, _status) in after.entries.items():
                if uid in before.entries:
                    assert sequence > before.entries[uid][0], f"{label}: {url} {uid} SEQUENCE did not grow"
            seen[url] = after
        for name in people:
            mails = outbox(f"{name}@example.com")[mails_before[name]:]
            mails_before[name] += len(mails)
            expected = mailed.get(name, [])
            assert [mail_entry(m)[::3] for m in mails] == expected, f"{label}: mails of {name}"
            entries = [mail_entry(mail) for mail in mails]
            assert {uid for _method, uid, _sequence, _status in entries} <= {event_uid}
            sequences = [sequence for _method, _uid, sequence, _status in entries]
            assert sequences == sorted(set(sequences)), f"{label}: {name}'s mails must grow one after the other"
            if entries:  # the last mail shows what the person's feed shows now (a CANCEL: nothing)
                method, uid, sequence, _status = entries[-1]
                feed = read_feed(client, personal_urls[name]).entries
                if method == "REQUEST":
                    assert feed[uid] == (sequence, _status), f"{label}: {name}'s mail and feed disagree"
                else:  # their own CANCEL takes the event out of their feed; the event's shows it cancelled
                    assert feed.get(uid, (sequence, "CANCELLED")) == (sequence, "CANCELLED"), label
        public = read_feed(client, "/feeds/all.ics").entries[event_uid][0]
        personal = []
        for name in ("ann", "bo", "cai"):
            entries = read_feed(client, personal_urls[name]).entries
            personal.append(entries[event_uid][0] if event_uid in entries else "-")
        table.append((label, public, *personal))

    everyone_changed = {"ann": [("REQUEST", "CONFIRMED")], "bo": [("REQUEST", "TENTATIVE")],
                        "cai": [("REQUEST", "CONFIRMED")]}
    all_feeds = [*public_urls, agenda_url, *personal_urls.values()]

    catalogue.save_event(event, replace(EventDetails.of(event), starts_at=event.starts_at + timedelta(hours=2),
                                        ends_at=event.ends_at + timedelta(hours=2)), now=now)
    db.session.commit()
    step("moved by two hours", feeds_changed=all_feeds, mailed=everyone_changed)

    catalogue.save_venue(event.venue, replace(VenueDetails.of(event.venue), name_en="Grand Test Hall"), now=now)
    db.session.commit()
    step("venue renamed", feeds_changed=all_feeds, mailed=everyone_changed)

    catalogue.save_event(event, replace(EventDetails.of(event), title_en="Quality Open Day 2"), now=now)
    db.session.commit()
    step("retitled", feeds_changed=all_feeds, mailed=everyone_changed)

    catalogue.save_session(talk, replace(SessionDetails.of(talk), starts_at=talk.starts_at + timedelta(minutes=30),
                                         ends_at=talk.ends_at + timedelta(minutes=30)), event=event, now=now)
    db.session.commit()
    # The event's own entry is unchanged (mails repeat its SEQUENCE); the talk's entry grows.
    before_talk = seen[agenda_url].entries[talk_uid][0]
    step("one talk moved", feeds_changed=[], mailed=everyone_changed)
    seen[agenda_url] = read_feed(client, agenda_url, kept=seen[agenda_url])
    assert seen[agenda_url].entries[talk_uid][0] > before_talk

    catalogue.save_event(event, replace(EventDetails.of(event), capacity=3), now=now)
    db.session.commit()
    step("promoted from the waiting list", feeds_changed=[personal_urls["bo"]],
         mailed={"bo": [("REQUEST", "CONFIRMED")]})

    cai = db.session.get(type(people["cai"]), people["cai"].id)
    cancel_registration(cai, now=now)
    db.session.commit()
    register(event.id, Applicant(name="Cai", email="cai@example.com", language="en"), now=now)  # same second
    db.session.commit()
    cancel_mail, again_mail = outbox("cai@example.com")[-2:]
    assert mail_entry(again_mail)[2] > mail_entry(cancel_mail)[2]
    step("cancelled own place and signed up again", feeds_changed=[personal_urls["cai"]],
         mailed={"cai": [("CANCEL", "CANCELLED"), ("REQUEST", "CONFIRMED")]})

    cancelled = {name: [("CANCEL", "CANCELLED")] for name in people}
    catalogue.cancel_event(event, reason_zh="台风", reason_en="Typhoon", now=now)
    db.session.commit()
    step("event cancelled", feeds_changed=all_feeds, mailed=cancelled)
    assert seen["/feeds/all.ics"].entries[event_uid][1] == "CANCELLED"
    assert seen[agenda_url].entries[talk_uid][1] == "CANCELLED"

    confirmed = {name: [("REQUEST", "CONFIRMED")] for name in people}
    catalogue.reinstate_event(event, now=now)
    db.session.commit()
    step("event reinstated", feeds_changed=all_feeds, mailed=confirmed)
    assert seen["/feeds/all.ics"].entries[event_uid][1] == "CONFIRMED"

    print("\nSEQUENCE of the event's UID after each step (public feed, then each person's feed and mail):")
    print(f"{'step':42} {'public':>6} {'Ann':>4} {'Bo':>4} {'Cai':>4}")
    for row in table:
        print(f"{row[0]:42} {row[1]:>6} {row[2]:>4} {row[3]:>4} {row[4]:>4}")
    assert [row[1:] for row in table] == [
        (0, 0, 0, 0), (1, 1, 1, 1), (2, 2, 2, 2), (3, 3, 3, 3), (3, 3, 3, 3),
        (3, 3, 4, 3), (3, 3, 4, 5), (4, 4, 5, 6), (5, 5, 6, 7)]
