"""The feed URLs of SPEC section 4: selection, conditional GET, updates, the personal feed, bad input."""
import os
from dataclasses import replace
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime

import pytest
from icalendar import Calendar

from eventsapp.catalogue import services as catalogue
from eventsapp.catalogue.details import EventDetails, RoomDetails, SessionDetails, SpeakerDetails, VenueDetails
from eventsapp.catalogue.models import EventStatus
from eventsapp.database import utcnow
from eventsapp.extensions import db
from eventsapp.registration import services as registration
from eventsapp.registration.personal_feed import personal_feed_for
from tests.feeds.helpers import by_uid, uid, vevents

# A Redis database used by this module only, flushed by its tests; .ci/run gives each of its two
# simultaneous runs its own (TEST_REDIS_DB).
FEED_CACHE_REDIS_URL = f"redis://127.0.0.1:6379/{int(os.environ.get('TEST_REDIS_DB', '15'))}"


@pytest.fixture
def polled_later(monkeypatch):
    """Requests answered two seconds from now: the last change's second is over (Last-Modified is
    given only then, see feeds.routes.settled_last_modified)."""
    monkeypatch.setattr("eventsapp.feeds.routes.utcnow", lambda: utcnow() + timedelta(seconds=2))


def test_every_feed_answers_calendar_text_with_validators(client, make_event, make_campaign, polled_later):
    event = make_event(campaign=make_campaign(slug="spring"))
    for url in ("/feeds/all.ics", "/feeds/campaigns/spring.ics", f"/feeds/venues/{event.venue_id}.ics",
                f"/feeds/hosts/{event.host_id}.ics", f"/events/{event.id}.ics"):
        response = client.get(url)  # no Accept header, as Google sends it
        assert response.status_code == 200, url
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert response.headers["ETag"].startswith('"') and response.headers["Last-Modified"]
        assert "Content-Encoding" not in response.headers and not response.data.startswith(b"\xef\xbb\xbf")
        assert uid(event) in by_uid(response)
        head = client.head(url)
        assert head.status_code == 200 and head.data == b"" and head.headers["ETag"] == response.headers["ETag"]


def test_if_none_match_compares_weakly(client, make_event):
    """Issue 9.9, RFC 9110 13.1.2: W/"x" matches "x" for If-None-Match (a proxy may weaken our tag)."""
    make_event()
    etag = client.get("/feeds/all.ics").headers["ETag"]
    assert client.get("/feeds/all.ics", headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    assert client.get("/feeds/all.ics", headers={"If-None-Match": f'W/"other", {etag}'}).status_code == 304


def test_a_poll_in_the_second_of_a_change_gets_no_date_to_come_back_with(client, make_event, app_ctx, monkeypatch):
    """Issue 9.10: a client told "Last-Modified: 10:00:00" at 10:00:00.2 would get a 304 at 10:00:05 for
    a change made at 10:00:00.7. So no Last-Modified (and no 304 by date) until that second is over."""
    event = make_event()
    changed_at = event.updated_at
    monkeypatch.setattr("eventsapp.feeds.routes.utcnow", lambda: changed_at + timedelta(milliseconds=1))
    same_second = client.get("/feeds/all.ics")
    assert same_second.status_code == 200 and "Last-Modified" not in same_second.headers
    this_second = format_datetime(changed_at.replace(microsecond=0), usegmt=True)
    assert client.get("/feeds/all.ics", headers={"If-Modified-Since": this_second}).status_code == 200
    monkeypatch.setattr("eventsapp.feeds.routes.utcnow", lambda: changed_at + timedelta(seconds=1.5))
    settled = client.get("/feeds/all.ics")
    assert parsedate_to_datetime(settled.headers["Last-Modified"]) == changed_at.replace(microsecond=0)
    assert client.get("/feeds/all.ics", headers={"If-Modified-Since": this_second}).status_code == 304


def test_unknown_scopes_are_not_found(client):
    for url in ("/feeds/campaigns/nope.ics", "/feeds/venues/999999.ics", "/feeds/hosts/999999.ics",
                "/events/999999.ics", "/events/99999999999999.ics", "/feeds/me/not-a-token.ics",
                "/feeds/me/" + "A" * 43 + ".ics"):
        assert client.get(url).status_code == 404, url


def test_drafts_never_appear(client, make_event):
    draft = make_event(status=EventStatus.DRAFT)
    assert uid(draft) not in by_uid(client.get("/feeds/all.ics"))
    assert client.get(f"/events/{draft.id}.ics").status_code == 404


def test_unchanged_data_gives_identical_bytes_and_304(client, make_event, polled_later):
    make_event()
    first, second = client.get("/feeds/all.ics"), client.get("/feeds/all.ics")
    assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]
    assert client.get("/feeds/all.ics", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    since = first.headers["Last-Modified"]
    assert client.get("/feeds/all.ics", headers={"If-Modified-Since": since}).status_code == 304
    older = format_datetime(parsedate_to_datetime(since) - timedelta(seconds=5), usegmt=True)
    assert client.get("/feeds/all.ics", headers={"If-Modified-Since": older}).status_code == 200
    assert client.get("/feeds/all.ics", headers={"If-Modified-Since": "yesterday-ish"}).status_code == 200
    assert client.get("/feeds/all.ics", headers={"If-None-Match": '"stale"'}).status_code == 200


def test_moving_an_event_raises_sequence_and_stops_the_304(client, make_event, app_ctx, now):
    event = make_event(updated_at=now - timedelta(hours=1))  # LAST-MODIFIED has whole seconds
    before = client.get("/feeds/all.ics")
    old = by_uid(before)[uid(event)]
    catalogue.save_event(event, replace(EventDetails.of(event), starts_at=event.starts_at + timedelta(hours=2),
                                        ends_at=event.ends_at + timedelta(hours=2)), now=now)
    db.session.commit()
    after = client.get("/feeds/all.ics", headers={"If-None-Match": before.headers["ETag"]})
    new = by_uid(after)[uid(event)]  # a 200 with the new body, on the very next request
    assert new["SEQUENCE"] > old["SEQUENCE"]
    assert new["LAST-MODIFIED"].dt > old["LAST-MODIFIED"].dt
    assert new["DTSTART"].dt - old["DTSTART"].dt == timedelta(hours=2)
    assert after.headers["ETag"] != before.headers["ETag"]


def test_a_cancelled_event_stays_a_week_marked_cancelled_then_leaves(client, make_event, app_ctx, now):
    recent = make_event(starts_in=timedelta(days=-3), title_zh="港口开放日", title_en="Port Day")
    old = make_event(starts_in=timedelta(days=-9))
    for event in (recent, old):
        catalogue.cancel_event(event, reason_zh="台风", reason_en="Typhoon", now=now)
    db.session.commit()
    events = by_uid(client.get("/feeds/all.ics?lang=zh"))
    assert uid(old) not in events
    cancelled = events[uid(recent)]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["SUMMARY"]) == "[已取消 Cancelled] 港口开放日"
    assert cancelled["SEQUENCE"] >= 1


def test_past_events_stay_thirty_days_then_leave_and_last_modified_moves(client, make_event, app_ctx, now):
    kept = make_event(starts_in=timedelta(days=-29))
    gone = make_event(starts_in=timedelta(days=-31), hours=2)
    response = client.get("/feeds/all.ics")
    assert uid(kept) in by_uid(response) and uid(gone) not in by_uid(response)
    from eventsapp.feeds import selection

    state = selection.feed_state(selection.all_events_scope(), now=now)
    assert state.last_modified >= gone.ends_at + selection.PAST_WINDOW  # leaving the window is a change


def test_deleting_moves_last_modified_forward(client, make_event, app_ctx, now):
    from eventsapp.feeds import selection

    event = make_event()
    scope = selection.campaign_scope(event.campaign)
    catalogue.unpublish_event(event)
    db.session.commit()
    assert uid(event) not in by_uid(client.get(f"/feeds/campaigns/{event.campaign.slug}.ics"))
    before = selection.feed_state(scope, now=now).last_modified
    catalogue.delete_event(event, now=now + timedelta(minutes=5))
    db.session.commit()
    assert selection.feed_state(scope, now=now).last_modified == now + timedelta(minutes=5) > before


def test_language_switch_and_default(client, make_event, make_campaign):
    english_campaign = make_campaign(slug="intl", main_language="en")
    event = make_event(campaign=english_campaign, title_zh="国际质量日", title_en="International Quality Day")
    assert str(by_uid(client.get("/feeds/campaigns/intl.ics"))[uid(event)]["SUMMARY"]) == "International Quality Day"
    assert str(by_uid(client.get("/feeds/campaigns/intl.ics?lang=zh"))[uid(event)]["SUMMARY"]) == "国际质量日"
    odd = client.get("/feeds/campaigns/intl.ics?lang=xx")
    assert odd.status_code == 200 and str(by_uid(odd)[uid(event)]["SUMMARY"]) == "International Quality Day"
    calendar = Calendar.from_ical(client.get("/feeds/campaigns/intl.ics?lang=zh").data)
    assert str(calendar["X-WR-CALNAME"]) == english_campaign.name_zh


@pytest.mark.parametrize("title", [
    "质量" * 150,  # 300 Chinese characters: folded at octet boundaries without breaking one
    "Quality 🚇🏗️ day, with commas; semicolons\\and a\nnew line",
])
def test_hard_titles_round_trip_exactly(client, make_event, title):
    event = make_event(title_zh=title, title_en=title)
    response = client.get(f"/events/{event.id}.ics")
    for line in response.data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # every physical line is valid UTF-8 on its own
    assert str(vevents(response)[0]["SUMMARY"]) == title


def test_download_has_the_feed_uid_and_sequence_and_no_calendar_name(client, make_event):
    event = make_event(sequence=3)
    download = client.get(f"/events/{event.id}.ics")
    assert download.headers["Content-Disposition"] == f'attachment; filename="event-{event.id}.ics"'
    calendar = Calendar.from_ical(download.data)
    assert "X-WR-CALNAME" not in calendar and "NAME" not in calendar
    (single,) = calendar.walk("VEVENT")
    in_feed = by_uid(client.get("/feeds/all.ics"))[uid(event)]
    assert (str(single["UID"]), single["SEQUENCE"]) == (str(in_feed["UID"]), in_feed["SEQUENCE"]) == (uid(event), 3)


def test_email_attachment_uses_the_feed_uid_and_sequence(client, make_event, app_ctx, now):
    from eventsapp.mail.models import OutboxMessage
    from eventsapp.mail.writing import write_left_unwritten

    event = make_event(sequence=2)
    registration.register(event.id, registration.Applicant(name="Li", email="li@example.com"), now=now)
    db.session.commit()
    write_left_unwritten(now=now)  # written as the mail worker does
    message = db.session.scalar(db.select(OutboxMessage))
    (attached,) = Calendar.from_ical(message.ics).walk("VEVENT")
    in_feed = by_uid(client.get("/feeds/all.ics"))[uid(event)]
    assert (str(attached["UID"]), attached["SEQUENCE"]) == (str(in_feed["UID"]), in_feed["SEQUENCE"])


def test_personal_feed_holds_only_that_persons_active_registrations(client, make_event, app_ctx, now):
    mine, waiting, cancelled, theirs = (make_event(capacity=1, title_en=f"Event {i}") for i in range(4))
    registration.register(waiting.id, registration.Applicant(name="X", email="other@example.com"), now=now)

    def sign_up(event, email):
        return registration.register(event.id, registration.Applicant(name="Me", email=email), now=now)

    sign_up(mine, "me@example.com")
    sign_up(waiting, "me@example.com")
    registration.cancel_registration(sign_up(cancelled, "me@example.com"), now=now)
    sign_up(theirs, "someone@example.com")
    db.session.commit()
    token = personal_feed_for("me@example.com").token
    db.session.commit()
    response = client.get(f"/feeds/me/{token}.ics?lang=en")
    events = by_uid(response)
    assert set(events) == {uid(mine), uid(waiting)}
    assert str(events[uid(waiting)]["STATUS"]) == "TENTATIVE"
    assert b"someone@example.com" not in response.data and b"other@example.com" not in response.data
    assert "private" in response.headers["Cache-Control"]


def test_a_promotion_raises_sequence_and_last_modified_in_the_personal_feed_only(client, make_event, app_ctx, now,
                                                                                 polled_later):
    event = make_event(capacity=1)
    first = registration.register(event.id, registration.Applicant(name="A", email="a@example.com"), now=now)
    registration.register(event.id, registration.Applicant(name="B", email="b@example.com"), now=now)
    token = personal_feed_for("b@example.com").token
    db.session.commit()
    waiting = by_uid(client.get(f"/feeds/me/{token}.ics"))[uid(event)]
    public = client.get("/feeds/all.ics")
    promoted_at = now + timedelta(minutes=5)
    registration.cancel_registration(first, now=promoted_at)
    db.session.commit()
    confirmed = by_uid(client.get(f"/feeds/me/{token}.ics"))[uid(event)]
    assert (str(waiting["STATUS"]), str(confirmed["STATUS"])) == ("TENTATIVE", "CONFIRMED")
    assert int(confirmed["SEQUENCE"]) == int(waiting["SEQUENCE"]) + 1
    assert confirmed["LAST-MODIFIED"].dt == promoted_at > waiting["LAST-MODIFIED"].dt
    # Everyone else's view of the event did not change: the public feed keeps its SEQUENCE.
    public_after = by_uid(client.get("/feeds/all.ics"))[uid(event)]
    assert int(public_after["SEQUENCE"]) == int(by_uid(public)[uid(event)]["SEQUENCE"])


def test_revoked_personal_feed_stops_answering(client, make_event, app_ctx, now):
    from eventsapp.mail.models import OutboxMessage

    event = make_event()
    registration.register(event.id, registration.Applicant(name="Me", email="me@example.com"), now=now)
    db.session.commit()
    old_token = personal_feed_for("me@example.com").token
    db.session.commit()
    assert client.get(f"/feeds/me/{old_token}.ics").status_code == 200
    replaced = client.post(f"/feeds/me/{old_token}/replace?lang=en")  # from the calendar page of the e-mails
    db.session.expire_all()
    new_token = personal_feed_for("me@example.com").token
    assert new_token != old_token
    assert client.get(f"/feeds/me/{old_token}.ics").status_code == 404
    assert client.get(f"/feeds/me/{new_token}.ics").status_code == 200
    assert new_token not in replaced.get_data(as_text=True)  # the new address goes to the mailbox only
    mailed = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.recipient == "me@example.com")
                                .order_by(OutboxMessage.id.desc())).first()
    assert f"/feeds/me/{new_token}.ics" in mailed.body_text


def test_registration_mail_carries_the_personal_feed_link(make_event, app_ctx, now):
    from eventsapp.mail.models import OutboxMessage
    from eventsapp.mail.writing import write_left_unwritten

    event = make_event()
    registration.register(event.id, registration.Applicant(name="Me", email="me@example.com"), now=now)
    db.session.commit()
    write_left_unwritten(now=now)  # written as the mail worker does
    message = db.session.scalar(db.select(OutboxMessage))
    assert f"/feeds/me/{personal_feed_for('me@example.com').token}.ics" in message.body_text


def test_pages_offer_subscribe_download_and_copyable_links(client, make_event):
    event = make_event()
    for page, feed in ((f"/events/{event.id}", f"/events/{event.id}.ics"),
                       (f"/campaigns/{event.campaign.slug}", f"/feeds/campaigns/{event.campaign.slug}.ics"),
                       (f"/venues/{event.venue_id}", f"/feeds/venues/{event.venue_id}.ics"),
                       (f"/hosts/{event.host_id}", f"/feeds/hosts/{event.host_id}.ics"), ("/", "/feeds/all.ics")):
        html = client.get(page + "?lang=en").get_data(as_text=True)
        assert f'href="webcal://127.0.0.1:5000{feed}"' in html, page
        assert f'value="http://127.0.0.1:5000{feed}"' in html and f'href="{feed}"' in html
        assert "Google Calendar may take up to a day" in html


@pytest.fixture
def feed_cache_in_redis(app):
    """The app's feed cache in a Redis database of its own, empty at the start and flushed at the end.

    Ask for it from the test body: Redis being down then fails the test (neither an error nor a skip).
    """
    import redis

    store = redis.Redis.from_url(FEED_CACHE_REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    store.flushdb()
    app.config["REDIS_URL"] = FEED_CACHE_REDIS_URL
    app.extensions.pop("feed_cache", None)
    yield store
    store.flushdb()
    store.close()


@pytest.mark.parametrize("redis", [False, True])
def test_cached_feed_shows_a_change_on_the_next_request(app, client, make_event, app_ctx, redis, request, now):
    if redis:
        store = request.getfixturevalue("feed_cache_in_redis")
    event = make_event(title_en="Before", title_zh="之前")
    assert str(by_uid(client.get("/feeds/all.ics?lang=en"))[uid(event)]["SUMMARY"]) == "Before"
    catalogue.save_event(event, replace(EventDetails.of(event), title_en="After"), now=now)
    db.session.commit()
    assert str(by_uid(client.get("/feeds/all.ics?lang=en"))[uid(event)]["SUMMARY"]) == "After"
    venue = event.venue
    venue.name_en = "Renamed Hall"
    db.session.commit()
    assert "Renamed Hall" in str(by_uid(client.get("/feeds/all.ics?lang=en"))[uid(event)]["LOCATION"])
    if redis:  # each version was cached in Redis: the cache did not silently fall back to "not cached"
        cached = b"".join(store.get(key) or b"" for key in store.scan_iter("eventsapp:feed:*:body"))
        assert [text for text in (b"SUMMARY:Before", b"SUMMARY:After", b"Renamed Hall") if text not in cached] == []


def test_a_year_of_events_stays_far_below_one_megabyte(client, make_event, make_campaign, make_organization,
                                                          make_venue):
    campaign, host, venue = make_campaign(), make_organization(), make_venue()
    for day in range(300):
        make_event(campaign=campaign, host=host, venue=venue, starts_in=timedelta(days=day + 1),
                   title_zh="质量开放日" * 5, description_zh="介绍" * 100)
    assert len(client.get("/feeds/all.ics").data) < 512 * 1024


def test_agenda_feed_has_one_entry_per_talk_and_follows_edits(client, make_event, make_session, app_ctx):
    event = make_event()
    first = make_session(event, title_en="Opening", speakers=[("Li Na", "CEO", "Metro")])
    make_session(event, offset_minutes=30, title_en="Keynote")
    response = client.get(f"/feeds/events/{event.id}/agenda.ics?lang=en")
    talks = by_uid(response)
    assert set(talks) == {f"session-{first.id}@127.0.0.1", f"session-{first.id + 1}@127.0.0.1"}
    opening = talks[f"session-{first.id}@127.0.0.1"]
    assert str(opening["RELATED-TO"]) == uid(event) and "Li Na" in str(opening["DESCRIPTION"])
    catalogue.save_session(first, replace(SessionDetails.of(first), speakers=(SpeakerDetails(name_en="Wang Fang"),)),
                           event=event, now=utcnow())
    db.session.commit()
    again = client.get(f"/feeds/events/{event.id}/agenda.ics?lang=en",
                       headers={"If-None-Match": response.headers["ETag"]})
    assert "Wang Fang" in str(by_uid(again)[f"session-{first.id}@127.0.0.1"]["DESCRIPTION"])


def test_renaming_a_co_host_or_the_feeds_own_venue_reaches_the_feed(client, make_event, make_organization,
                                                                   make_venue, app_ctx):
    partner = make_organization(name_en="Old Partner")
    event = make_event(co_hosts=[partner])
    empty_venue = make_venue(name_en="Quiet Hall")
    before = client.get("/feeds/all.ics?lang=en")
    partner.name_en = "New Partner"
    empty_venue.name_en = "Loud Hall"
    db.session.commit()
    after = client.get("/feeds/all.ics?lang=en", headers={"If-None-Match": before.headers["ETag"]})
    assert "New Partner" in str(by_uid(after)[uid(event)]["DESCRIPTION"])
    name = Calendar.from_ical(client.get(f"/feeds/venues/{empty_venue.id}.ics?lang=en").data)["X-WR-CALNAME"]
    assert "Loud Hall" in str(name)


def test_renaming_a_room_keeps_its_talks_and_updates_the_agenda(client, make_event, make_session, app_ctx):
    event = make_event()
    talk = make_session(event, room=event.venue.rooms[0], title_en="Talk")
    before = client.get(f"/feeds/events/{event.id}/agenda.ics?lang=en")
    catalogue.save_venue(event.venue, replace(VenueDetails.of(event.venue), rooms=(RoomDetails("大厅", "Grand Hall"),)),
                         now=utcnow())
    db.session.commit()
    db.session.refresh(talk)
    assert talk.room is not None and (talk.room.name_zh, talk.room.name_en) == ("大厅", "Grand Hall")
    after = client.get(f"/feeds/events/{event.id}/agenda.ics?lang=en",
                       headers={"If-None-Match": before.headers["ETag"]})
    entry = by_uid(after)[f"session-{talk.id}@127.0.0.1"]
    assert str(entry["LOCATION"]).startswith("Grand Hall")
    assert int(entry["SEQUENCE"]) == int(by_uid(before)[f"session-{talk.id}@127.0.0.1"]["SEQUENCE"]) + 1


def test_moving_an_event_to_another_campaign_moves_the_old_feeds_last_modified(make_event, make_campaign,
                                                                             app_ctx, now):
    from eventsapp.feeds import selection

    event = make_event(updated_at=now - timedelta(hours=1))
    old_campaign, new_campaign = event.campaign, make_campaign()
    before = selection.feed_state(selection.campaign_scope(old_campaign), now=now)
    catalogue.save_event(event, replace(EventDetails.of(event), campaign_id=new_campaign.id), now=utcnow())
    db.session.commit()
    after = selection.feed_state(selection.campaign_scope(old_campaign), now=now)
    assert after.count == 0 and after.last_modified > before.last_modified


def test_a_change_committed_late_still_changes_the_fingerprint(make_event, app_ctx, now):
    """updated_at is taken before commit; the revision counter is what cannot be overtaken."""
    from eventsapp.feeds import selection

    event = make_event()
    scope = selection.all_events_scope()
    before = selection.feed_state(scope, now=now)
    db.session.execute(db.update(type(event)).where(type(event).id == event.id)
                       .values(title_en="Edited", updated_at=event.updated_at))  # same time stamp, as if late
    db.session.commit()
    after = selection.feed_state(scope, now=now)
    assert after.last_modified == before.last_modified
    assert after.fingerprint(scope, "en") != before.fingerprint(scope, "en")


def test_signing_up_does_not_change_the_public_feed(client, make_event, app_ctx, now):
    event = make_event()
    before = client.get("/feeds/all.ics")
    registration.register(event.id, registration.Applicant(name="Li", email="li@example.com"), now=now)
    db.session.commit()
    assert client.get("/feeds/all.ics", headers={"If-None-Match": before.headers["ETag"]}).status_code == 304


def test_the_agenda_feed_carries_the_refresh_hints_of_every_feed(client, make_event, make_session):
    """Issue 9.8: a subscribed agenda is polled as often as the other feeds."""
    event = make_event()
    make_session(event)
    agenda = Calendar.from_ical(client.get(f"/feeds/events/{event.id}/agenda.ics").data)
    feed = Calendar.from_ical(client.get("/feeds/all.ics").data)
    for name in ("REFRESH-INTERVAL", "X-PUBLISHED-TTL"):
        assert agenda[name].to_ical() == feed[name].to_ical() == b"PT1H", name


def test_a_poll_of_the_agenda_loads_no_talk(client, make_event, make_session, count_queries):
    """The agenda's fingerprint covers its talks (selection.agenda_scope): a poll of 50 talks reads no more than
    a poll of one, and the talks are loaded only to render."""
    polls = []
    for talks in (1, 50):
        event = make_event()
        for minute in range(talks):
            make_session(event, offset_minutes=minute, speakers=[("王芳", "总经理", "振华重工")])
        first = client.get(f"/feeds/events/{event.id}/agenda.ics")
        with count_queries() as statements:
            again = client.get(f"/feeds/events/{event.id}/agenda.ics", headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
        polls.append([statement for statement in statements if "event_session" in statement or "speaker" in statement])
    assert polls == [[], []]
