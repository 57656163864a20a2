"""Public feeds kept in each process's memory until the catalogue changes (feeds/kept.py) and the catalogue's
version that tells (catalogue/version.py): a poll reads one row, and a change still shows on the next request."""
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import delete, update
from sqlalchemy import event as sa_event

from eventsapp import create_app
from eventsapp.catalogue import services as catalogue
from eventsapp.catalogue.details import RoomDetails, SessionDetails, SpeakerDetails, VenueDetails
from eventsapp.catalogue.models import Campaign, Event, EventSession, EventStatus, Organization, Venue, event_co_host
from eventsapp.catalogue.version import CatalogueVersion, catalogue_version, version_engine
from eventsapp.config import TestConfig
from eventsapp.database import utcnow
from eventsapp.extensions import db
from eventsapp.feeds.selection import PAST_WINDOW
from eventsapp.registration import services as registration
from eventsapp.registration.personal_feed import personal_feed_for
from eventsapp.registration.seats import lock_event
from tests.feeds.helpers import by_uid, uid


@pytest.fixture
def spring(make_event, make_campaign, make_session, make_organization):
    """An event of campaign "spring" with a co-host and a talk with a speaker in a room."""
    event = make_event(campaign=make_campaign(slug="spring"), co_hosts=[make_organization(name_en="Partner")])
    make_session(event, title_en="Keynote", room=event.venue.rooms[0], speakers=[("Li Na", "CEO", "Metro")])
    return event


@pytest.fixture
def count_statements(app_ctx):
    """`with count_statements() as counted:` then counted["app"], counted["version"]: the statements run on
    the app's engine and on the catalogue version's own."""

    @contextmanager
    def counting():
        counted = {"app": 0, "version": 0}
        listeners = []
        for name, engine in (("app", db.engine), ("version", version_engine())):
            def count(*args, name=name):
                counted[name] += 1
            sa_event.listen(engine, "before_cursor_execute", count)
            listeners.append((engine, count))
        try:
            yield counted
        finally:
            for engine, count in listeners:
                sa_event.remove(engine, "before_cursor_execute", count)

    return counting


def feed_urls(event: Event) -> list[str]:
    return ["/feeds/all.ics", "/feeds/campaigns/spring.ics", f"/feeds/venues/{event.venue_id}.ics",
            f"/feeds/hosts/{event.host_id}.ics", f"/events/{event.id}.ics", f"/feeds/events/{event.id}/agenda.ics"]


def test_a_poll_of_an_unchanged_catalogue_reads_one_row(client, spring, count_statements, monkeypatch):
    # Two seconds on: the last change's second is over, so Last-Modified is given (web/conditional.py).
    monkeypatch.setattr("eventsapp.feeds.routes.utcnow", lambda: utcnow() + timedelta(seconds=2))
    for url in feed_urls(spring):
        first = client.get(url)
        with count_statements() as statements:
            again = client.get(url)
            unchanged = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
            by_date = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert (again.status_code, again.data, again.headers["ETag"]) == (200, first.data, first.headers["ETag"]), url
        assert again.headers["Cache-Control"] == first.headers["Cache-Control"], url
        assert again.headers.get("Content-Disposition") == first.headers.get("Content-Disposition"), url
        assert unchanged.status_code == 304 and unchanged.data == b"", url
        assert by_date.status_code == 304 and by_date.headers["ETag"] == first.headers["ETag"], url
        for name in ("Cache-Control", "ETag"):  # Werkzeug leaves the entity headers out of a 304
            assert unchanged.headers[name] == first.headers[name], (url, name)
        head = client.head(url)
        assert (head.status_code, head.data, head.headers["ETag"]) == (200, b"", first.headers["ETag"]), url
        assert statements == {"app": 0, "version": 3}, url  # one read of one row a poll


def test_each_language_is_kept_apart(client, spring):
    english, chinese = client.get("/feeds/all.ics?lang=en"), client.get("/feeds/all.ics?lang=zh")
    assert b"Quality Open Day" in english.data and "质量开放日".encode() in chinese.data
    assert client.get("/feeds/all.ics?lang=en").data == english.data
    assert client.get("/feeds/all.ics?lang=zh").data == chinese.data
    assert client.get("/feeds/all.ics?lang=xx").data == client.get("/feeds/all.ics").data  # the default


def in_another_process(database_url: str, change) -> None:
    """`change()` committed by another app (its own engine and connection), as another server process would."""
    other = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    with other.app_context():
        change()
        db.session.commit()
        db.engine.dispose()


def test_a_change_committed_by_another_process_shows_on_the_next_request(client, spring, database_url):
    event_id, venue_id, talk_id = spring.id, spring.venue_id, spring.sessions[0].id
    room_id = spring.sessions[0].room_id

    def rename_event():
        db.session.get(Event, event_id).title_en = "Renamed Day"

    def rename_talk():
        talk = db.session.get(EventSession, talk_id)
        catalogue.save_session(talk, replace(SessionDetails.of(talk), title_en="Closing"), event=talk.event,
                               now=utcnow())

    def replace_speaker():
        talk = db.session.get(EventSession, talk_id)
        catalogue.save_session(talk, replace(SessionDetails.of(talk), speakers=(SpeakerDetails(name_en="Wang Fang"),)),
                               event=talk.event, now=utcnow())

    def rename_room():
        venue = db.session.get(Venue, venue_id)
        rooms = tuple(RoomDetails(room.name_zh, "Grand Hall" if room.id == room_id else room.name_en)
                      for room in venue.rooms)
        catalogue.save_venue(venue, replace(VenueDetails.of(venue), rooms=rooms), now=utcnow())

    def rename_venue():
        db.session.get(Venue, venue_id).name_en = "Riverside Hall"

    def rename_co_host():
        db.session.get(Event, event_id).co_hosts[0].name_en = "New Partner"

    agenda, everything = f"/feeds/events/{event_id}/agenda.ics?lang=en", "/feeds/all.ics?lang=en"
    for change, url, shown in ((rename_event, everything, "Renamed Day"), (rename_talk, agenda, "Closing"),
                               (replace_speaker, agenda, "Wang Fang"), (rename_room, agenda, "Grand Hall"),
                               (rename_venue, everything, "Riverside Hall"),
                               (rename_co_host, everything, "New Partner")):
        before = client.get(url)
        assert client.get(url).data == before.data  # kept
        in_another_process(database_url, change)
        after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
        assert after.status_code == 200 and shown.encode() in after.data.replace(b"\r\n ", b""), change.__name__


def test_a_cancelled_or_unpublished_event_shows_so_in_the_kept_feeds_at_once(client, spring, make_event, app_ctx):
    second = make_event(campaign=spring.campaign)
    assert str(by_uid(client.get("/feeds/campaigns/spring.ics"))[uid(spring)]["STATUS"]) == "CONFIRMED"
    assert client.get(f"/events/{second.id}.ics").status_code == 200
    catalogue.cancel_event(spring, reason_zh="天气", reason_en="Weather", now=utcnow())
    catalogue.unpublish_event(second)
    db.session.commit()
    kept = by_uid(client.get("/feeds/campaigns/spring.ics"))
    assert str(kept[uid(spring)]["STATUS"]) == "CANCELLED" and uid(second) not in kept
    assert client.get(f"/events/{second.id}.ics").status_code == 404


def test_an_event_leaves_the_kept_feed_when_its_stay_ends_with_time_alone(client, make_event, monkeypatch, now,
                                                                          count_statements):
    """Nothing in the catalogue changes: the kept feed knows the moment its first event leaves the window."""
    leaving = make_event(starts_in=-PAST_WINDOW - timedelta(hours=2), hours=3)  # ended 30 days ago less an hour
    staying = make_event()
    before = client.get("/feeds/all.ics")
    assert {uid(leaving), uid(staying)} <= set(by_uid(before))
    with count_statements() as statements:
        assert client.get("/feeds/all.ics").data == before.data
    assert statements == {"app": 0, "version": 1}
    monkeypatch.setattr("eventsapp.feeds.routes.utcnow", lambda: now + timedelta(hours=2))
    after = client.get("/feeds/all.ics", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and set(by_uid(after)) == {uid(staying)}


def test_every_kind_of_catalogue_change_counts_up_the_version(spring, app_ctx, make_organization, make_event):
    talk, second_partner, draft = spring.sessions[0], make_organization(name_en="Second Partner"), make_event(
        status=EventStatus.DRAFT)
    changes = {
        "an event's title": lambda: setattr(spring, "title_en", "Renamed"),
        "a co-host added": lambda: spring.co_hosts.append(second_partner),
        "a co-host removed": lambda: spring.co_hosts.pop(0),
        "a talk's title": lambda: setattr(talk, "title_en", "Closing"),
        "a speaker's name": lambda: setattr(talk.speakers[0], "name_en", "Wang Fang"),
        "a talk removed from the agenda": lambda: spring.sessions.remove(talk),
        "a room's name": lambda: setattr(spring.venue.rooms[0], "name_en", "Grand Hall"),
        "a venue's name": lambda: setattr(spring.venue, "name_en", "Riverside Hall"),
        "a campaign's name": lambda: setattr(spring.campaign, "name_en", "Autumn"),
        "a host's name": lambda: setattr(spring.host, "name_en", "New Host"),
        "a draft deleted": lambda: catalogue.delete_event(draft, now=utcnow()),
        "an event cancelled": lambda: catalogue.cancel_event(spring, reason_zh="天气", reason_en="Weather",
                                                             now=utcnow()),
    }
    for what, change in changes.items():
        before = catalogue_version()
        change()
        db.session.commit()
        assert catalogue_version() != before, what


def test_what_changes_no_feed_leaves_the_version_as_it_was(spring, app_ctx, now, make_event):
    """Nothing a feed shows: so an outsider signing a company up, or editing its contact details in a loop,
    cannot make every feed render again."""
    draft = make_event(status=EventStatus.DRAFT)
    before = catalogue_version()
    changes = {
        "a sign-up": lambda: registration.register(spring.id, registration.Applicant(name="Li", email="li@example.com"),
                                                   now=now),
        "the seat lock (on SQLite a no-op UPDATE)": lambda: lock_event(spring.id),
        "a title set to what it is": lambda: setattr(spring, "title_en", spring.title_en),
        "a new organization": lambda: db.session.add(Organization(name_zh="新公司", name_en="New Company")),
        "an organization's phone": lambda: setattr(spring.host, "contact_phone", "13800138000"),
        "a new campaign": lambda: db.session.add(Campaign(slug="autumn", year=2027, name_zh="秋", name_en="Autumn")),
        "a new draft": lambda: make_event(status=EventStatus.DRAFT),
        "a draft's title": lambda: setattr(draft, "title_en", "Still A Draft"),
    }
    for what, change in changes.items():
        change()
        db.session.commit()
        assert catalogue_version() == before, what
    spring.title_en = "Never Saved"
    db.session.flush()
    db.session.rollback()
    assert catalogue_version() == before


def test_statements_that_skip_the_mapper_events_count_too(spring, app_ctx, make_organization):
    """An UPDATE run as a statement (ORM bulk or Core on the co-host table, as merging organizations does)."""
    before = catalogue_version()
    db.session.execute(update(Event).where(Event.id == spring.id).values(title_en="Bulk Renamed"))
    db.session.commit()
    after_bulk = catalogue_version()
    other = make_organization(name_en="Merged Into")
    after_insert = catalogue_version()
    db.session.execute(update(event_co_host).where(event_co_host.c.event_id == spring.id)
                       .values(organization_id=other.id))
    db.session.commit()
    assert after_bulk != before and after_insert == after_bulk and catalogue_version() != after_insert


def test_a_poll_after_the_database_dropped_the_connection_is_answered(client, spring, app_ctx):
    """The version's engine pings no connection before use (a round trip per poll): one the database
    dropped (a restart) fails the read, which is then tried once more on a new connection."""
    first = client.get("/feeds/all.ics")
    with version_engine().connect() as connection:
        dropped = connection.connection.dbapi_connection
    dropped.close()
    again = client.get("/feeds/all.ics")
    assert (again.status_code, again.data) == (200, first.data)
    with version_engine().connect() as connection:
        assert connection.connection.dbapi_connection is not dropped


def test_a_change_in_a_savepoint_counts_and_one_rolled_back_with_it_does_not_hide_a_later_one(spring, app_ctx):
    before = catalogue_version()
    with db.session.begin_nested():
        spring.title_en = "In A Savepoint"
    db.session.commit()
    after_savepoint = catalogue_version()
    assert after_savepoint != before
    savepoint = db.session.begin_nested()
    spring.title_en = "Rolled Back"
    db.session.flush()
    savepoint.rollback()
    spring.capacity = 60
    db.session.commit()
    assert catalogue_version() not in (before, after_savepoint)


def test_without_the_version_row_every_poll_runs_the_feed(client, spring, app_ctx):
    db.session.execute(delete(CatalogueVersion))
    db.session.commit()
    try:
        assert catalogue_version() is None
        before = client.get("/feeds/all.ics?lang=en")
        spring.title_en = "Renamed Day"
        db.session.commit()
        assert b"Renamed Day" in client.get("/feeds/all.ics?lang=en").data != before.data
    finally:
        db.session.add(CatalogueVersion(id=1, version=1))
        db.session.commit()


def test_a_new_database_starts_its_version_at_a_random_number(app_ctx):
    table = CatalogueVersion.__table__
    with db.engine.begin() as connection:
        table.drop(connection)
        table.create(connection)
        first = connection.scalar(table.select().with_only_columns(table.c.version))
        table.drop(connection)
        table.create(connection)
        second = connection.scalar(table.select().with_only_columns(table.c.version))
    assert first != second


def test_a_personal_feed_is_not_kept_as_a_sign_up_changes_no_catalogue_row(client, spring, make_event, now,
                                                                           app_ctx):
    other = make_event(title_en="Second Day")
    registration.register(spring.id, registration.Applicant(name="Li", email="li@example.com"), now=now)
    token = personal_feed_for("li@example.com").token
    db.session.commit()
    url = f"/feeds/me/{token}.ics"
    assert set(by_uid(client.get(url))) == {uid(spring)}
    version = catalogue_version()
    registration.register(other.id, registration.Applicant(name="Li", email="li@example.com"), now=now)
    db.session.commit()
    assert catalogue_version() == version and set(by_uid(client.get(url))) == {uid(spring), uid(other)}
