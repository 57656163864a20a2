"""The catalogue's rules, called as the back office, the demo and the CLI call them: typed details and
the time of the change in, ValidationFailed / NotAllowedInState naming what is wrong out."""
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from eventsapp.catalogue import services as catalogue
from eventsapp.catalogue.details import (
    CampaignDetails,
    EventDetails,
    OrganizationDetails,
    RoomDetails,
    SessionDetails,
    SpeakerDetails,
    VenueDetails,
)
from eventsapp.catalogue.models import Campaign, DeletedEvent, Event, EventSession, EventStatus, Organization, Venue
from eventsapp.errors import NotAllowedInState, ValidationFailed
from eventsapp.extensions import db

VALID_USCC = "91350100M000100Y43"


def same_in_both(*names: str) -> tuple[RoomDetails, ...]:
    return tuple(RoomDetails(name, name) for name in names)


def refused_field(change, *args, **kwargs) -> str | None:
    """The field a ValidationFailed names; the session is rolled back so the test can go on."""
    with pytest.raises(ValidationFailed) as refused:
        change(*args, **kwargs)
    db.session.rollback()
    return refused.value.field


def new_event_details(make_campaign, make_organization, make_venue, now, **overrides) -> EventDetails:
    fields = dict(campaign_id=make_campaign().id, host_id=make_organization().id, venue_id=make_venue().id,
                  starts_at=now + timedelta(days=7), ends_at=now + timedelta(days=7, hours=3),
                  timezone="Asia/Shanghai", capacity=50, title_zh="质量开放日")
    return EventDetails(**{**fields, **overrides})


# --- Campaigns and organizations ---------------------------------------------------------------

def test_a_campaign_is_saved_with_its_details(app_ctx):
    campaign = catalogue.save_campaign(Campaign(), CampaignDetails(slug="2026-shanghai", year=2026, name_zh="活动"))
    db.session.commit()
    assert (campaign.slug, campaign.year, campaign.name_zh, campaign.main_language) == \
        ("2026-shanghai", 2026, "活动", "zh")
    assert CampaignDetails.of(campaign) == CampaignDetails(slug="2026-shanghai", year=2026, name_zh="活动")


@pytest.mark.parametrize("slug", ["Upper", "two--hyphens", "-leading", "spa ce", "", "点"])
def test_a_slug_must_be_lower_case_words_and_hyphens(app_ctx, slug):
    assert refused_field(catalogue.save_campaign, Campaign(), CampaignDetails(slug=slug, year=2026)) == "slug"
    assert db.session.scalar(select(func.count(Campaign.id))) == 0


def test_a_slug_belongs_to_one_campaign_but_a_campaign_keeps_its_own(app_ctx, make_campaign):
    taken = make_campaign(slug="taken")
    assert refused_field(catalogue.save_campaign, Campaign(), CampaignDetails(slug="taken", year=2026)) == "slug"
    catalogue.save_campaign(taken, replace(CampaignDetails.of(taken), name_en="Renamed"))  # its own slug is fine
    db.session.commit()
    assert taken.name_en == "Renamed"


def test_a_campaign_with_events_cannot_be_deleted(app_ctx, make_event, make_campaign):
    campaign = make_event().campaign
    with pytest.raises(NotAllowedInState):
        catalogue.delete_campaign(campaign)
    db.session.rollback()
    empty = make_campaign()
    catalogue.delete_campaign(empty)
    db.session.commit()
    assert db.session.get(Campaign, empty.id) is None and db.session.get(Campaign, campaign.id) is not None


def test_an_organization_code_is_stored_upper_case_and_checked(app_ctx, make_organization, now):
    organization = catalogue.save_organization(Organization(), OrganizationDetails(
        name_zh="公司", uscc=f" {VALID_USCC.lower()} "), now=now)
    db.session.commit()
    assert organization.uscc == VALID_USCC
    assert organization.verified_at == now  # an organizer entered it: nothing to check
    wrong_check_character = VALID_USCC[:-1] + ("0" if VALID_USCC[-1] != "0" else "1")
    assert refused_field(catalogue.save_organization, Organization(),
                         OrganizationDetails(name_zh="别家", uscc=wrong_check_character), now=now) == "uscc"
    assert refused_field(catalogue.save_organization, Organization(),
                         OrganizationDetails(name_zh="别家", uscc=VALID_USCC), now=now) == "uscc"  # taken
    no_code = catalogue.save_organization(organization, replace(OrganizationDetails.of(organization), uscc=""), now=now)
    assert no_code.uscc is None


# --- Event times and settings ------------------------------------------------------------------

def test_a_new_event_is_a_draft_with_its_co_hosts(app_ctx, make_campaign, make_organization, make_venue, now):
    partner = make_organization(name_en="Partner")
    details = new_event_details(make_campaign, make_organization, make_venue, now, co_host_ids=(partner.id,))
    event = catalogue.save_event(Event(), details, now=now)
    db.session.commit()
    assert event.status == EventStatus.DRAFT and event.sequence == 0
    assert [org.id for org in event.co_hosts] == [partner.id]
    assert EventDetails.of(event) == details


@pytest.mark.parametrize("change, field", [
    (lambda d: replace(d, ends_at=d.starts_at), "ends_at"),
    (lambda d: replace(d, ends_at=d.starts_at - timedelta(hours=1)), "ends_at"),
    (lambda d: replace(d, timezone="Mars/Olympus_Mons"), "timezone"),
    (lambda d: replace(d, capacity=0), "capacity"),
    (lambda d: replace(d, registration_opens_at=d.starts_at - timedelta(days=1),
                       registration_closes_at=d.starts_at - timedelta(days=2)), "registration_closes_at"),
    (lambda d: replace(d, registration_closes_at=d.starts_at + timedelta(minutes=1)), "registration_closes_at"),
])
def test_event_times_and_capacity_are_checked(app_ctx, make_campaign, make_organization, make_venue, now,
                                              change, field):
    details = new_event_details(make_campaign, make_organization, make_venue, now)
    assert refused_field(catalogue.save_event, Event(), change(details), now=now) == field
    assert db.session.scalar(select(func.count(Event.id))) == 0


def test_time_and_title_raise_the_sequence_but_a_description_does_not(app_ctx, make_event, now):
    event = make_event()
    catalogue.save_event(event, replace(EventDetails.of(event), description_en="More words"), now=now)
    assert event.sequence == 0
    catalogue.save_event(event, replace(EventDetails.of(event), title_en="New title"), now=now)
    assert event.sequence == 1
    later = EventDetails.of(event)
    catalogue.save_event(event, replace(later, starts_at=later.starts_at + timedelta(hours=1),
                                        ends_at=later.ends_at + timedelta(hours=1)), now=now)
    db.session.commit()
    assert event.sequence == 2


def test_an_event_moved_to_another_campaign_leaves_a_tombstone_in_the_old_one(app_ctx, make_event, make_campaign,
                                                                             make_organization, now):
    event = make_event()
    old_campaign, old_host = event.campaign_id, event.host_id
    catalogue.save_event(event, replace(EventDetails.of(event), campaign_id=make_campaign().id,
                                        host_id=make_organization().id), now=now)
    db.session.commit()
    tombstone = db.session.scalars(select(DeletedEvent)).one()
    assert (tombstone.event_id, tombstone.campaign_id, tombstone.host_id, tombstone.deleted_at) == \
        (event.id, old_campaign, old_host, now)


def test_a_dropped_co_host_gets_a_tombstone_and_the_event_a_new_timestamp(app_ctx, make_event, make_organization,
                                                                         now):
    partner = make_organization()
    event = make_event(co_hosts=[partner], updated_at=now - timedelta(days=1))
    catalogue.save_event(event, replace(EventDetails.of(event), co_host_ids=()), now=now)
    db.session.commit()
    assert event.co_hosts == [] and event.updated_at == now
    assert [t.host_id for t in db.session.scalars(select(DeletedEvent))] == [partner.id]


# --- The agenda lies inside the event ----------------------------------------------------------

def test_an_agenda_item_must_lie_inside_its_event(app_ctx, make_event, now):
    event = make_event()
    inside = SessionDetails(starts_at=event.starts_at, ends_at=event.starts_at + timedelta(minutes=30),
                            title_en="Opening")
    assert refused_field(catalogue.save_session, EventSession(),
                         replace(inside, ends_at=event.ends_at + timedelta(minutes=1)), event=event,
                         now=now) == "starts_at"
    assert refused_field(catalogue.save_session, EventSession(), replace(inside, ends_at=inside.starts_at),
                         event=event, now=now) == "ends_at"
    session = catalogue.save_session(EventSession(), inside, event=event, now=now)
    db.session.commit()
    assert session.event_id == event.id and event.updated_at == now  # the agenda feed sees the new talk


def test_an_agenda_item_takes_a_room_of_its_venue_and_named_speakers_only(app_ctx, make_event, make_venue, now):
    event = make_event()
    elsewhere = make_venue(rooms=("Other Hall",)).rooms[0]
    details = SessionDetails(starts_at=event.starts_at, ends_at=event.starts_at + timedelta(minutes=30),
                             title_en="Talk", room_id=elsewhere.id,
                             speakers=(SpeakerDetails(name_en=" Li Na ", job_title_en="CEO"), SpeakerDetails(" ", "  "),
                                       SpeakerDetails(name_zh="吴")))
    assert refused_field(catalogue.save_session, EventSession(), details, event=event, now=now) == "room_id"
    session = catalogue.save_session(EventSession(), replace(details, room_id=event.venue.rooms[0].id),
                                     event=event, now=now)
    db.session.commit()
    assert [(s.name_zh, s.name_en, s.job_title_en, s.position) for s in session.speakers] == [
        ("", "Li Na", "CEO", 0), ("吴", "", "", 1)]


def test_moving_an_event_moves_its_agenda_in_one_save(app_ctx, make_event, make_session, now):
    """Issue 9.1: moving the start (with or without the end) shifts every talk by the same offset."""
    event = make_event(hours=3)
    first, last = make_session(event, minutes=30), make_session(event, offset_minutes=150, minutes=30)
    day_later = replace(EventDetails.of(event), starts_at=event.starts_at + timedelta(days=1),
                        ends_at=event.ends_at + timedelta(days=1))
    catalogue.save_event(event, day_later, now=now)
    db.session.commit()
    assert (first.starts_at, last.ends_at) == (event.starts_at, event.ends_at)
    assert event.sequence == 1 and first.updated_at == now
    later_start_only = replace(EventDetails.of(event), starts_at=event.starts_at + timedelta(minutes=30))
    assert refused_field(catalogue.save_event, event, later_start_only, now=now) == "ends_at"  # the last talk


def test_an_event_cannot_shrink_away_from_its_agenda(app_ctx, make_event, make_session, now):
    event = make_event(hours=3)
    make_session(event, offset_minutes=150, minutes=30)
    shorter = replace(EventDetails.of(event), ends_at=event.ends_at - timedelta(hours=1))
    assert refused_field(catalogue.save_event, event, shorter, now=now) == "ends_at"
    db.session.refresh(event)
    assert event.sequence == 0


def test_deleting_an_agenda_item_touches_its_event(app_ctx, make_event, make_session, now):
    event = make_event(updated_at=now - timedelta(days=1))
    session = make_session(event)
    catalogue.delete_session(session, now=now)
    db.session.commit()
    assert event.sessions == [] and event.updated_at == now


# --- Venues ------------------------------------------------------------------------------------

def test_renaming_a_room_keeps_it_and_a_new_address_raises_the_sequence_of_every_event_there(
        app_ctx, make_event, make_venue, make_session, now):
    venue = make_venue(rooms=("Hall A", "Hall B"))
    coming = make_event(venue=venue)
    past = make_event(venue=venue, starts_in=timedelta(days=-3))
    talk = make_session(coming, room=venue.rooms[0])
    catalogue.save_venue(venue, replace(VenueDetails.of(venue), address_en="2 New Road",
                                        rooms=same_in_both("Grand Hall", "Hall B", "Hall C")), now=now)
    db.session.commit()
    assert [room.name for room in venue.rooms] == ["Grand Hall", "Hall B", "Hall C"]
    assert talk.room.name == "Grand Hall" and venue.updated_at == now
    assert (coming.sequence, past.sequence) == (1, 1)  # a past event stays in the feeds for 30 days


def test_a_venue_needs_a_known_time_zone(app_ctx, now):
    assert refused_field(catalogue.save_venue, Venue(), VenueDetails(name_zh="会场", timezone="Nowhere/Town"),
                         now=now) == "timezone"
    assert db.session.scalar(select(func.count(Venue.id))) == 0


# --- Status changes ----------------------------------------------------------------------------

def test_publish_unpublish_cancel_and_delete_are_refused_in_the_wrong_state(app_ctx, make_event, now):
    draft, published = make_event(status=EventStatus.DRAFT), make_event()
    for refused in (lambda: catalogue.publish_event(published), lambda: catalogue.unpublish_event(draft),
                    lambda: catalogue.delete_event(published, now=now)):
        with pytest.raises(NotAllowedInState):
            refused()
        db.session.rollback()
    catalogue.cancel_event(published, reason_zh="台风", reason_en="Typhoon", now=now)
    db.session.commit()
    with pytest.raises(NotAllowedInState):
        catalogue.cancel_event(published, reason_zh="", reason_en="Again", now=now)
    db.session.rollback()
    assert published.status == EventStatus.CANCELLED
    assert (published.cancellation_reason_zh, published.cancellation_reason_en) == ("台风", "Typhoon")


def test_a_cancellation_needs_a_reason(app_ctx, make_event, now):
    event = make_event()
    assert refused_field(catalogue.cancel_event, event, reason_zh="  ", reason_en="\n", now=now) == "reason_zh"
    assert (event.status, event.sequence, event.cancellation_reason_zh) == (EventStatus.PUBLISHED, 0, "")


def test_a_cancellation_reason_in_one_language_is_enough(app_ctx, make_event, now):
    event = make_event()
    catalogue.cancel_event(event, reason_zh="", reason_en=" Typhoon warning ", now=now)
    db.session.commit()
    assert (event.cancellation_reason_zh, event.cancellation_reason_en) == ("", "Typhoon warning")
    with force_locale("zh"):
        assert event.cancellation_reason == "Typhoon warning"  # the other language, rather than nothing


def test_each_status_change_raises_the_sequence(app_ctx, make_event, now):
    event = make_event(status=EventStatus.DRAFT)
    catalogue.publish_event(event)
    catalogue.unpublish_event(event)
    catalogue.publish_event(event)
    catalogue.cancel_event(event, reason_zh="台风", reason_en="", now=now)
    db.session.commit()
    assert event.sequence == 4


def test_deleting_a_draft_leaves_a_tombstone_for_its_feeds(app_ctx, make_event, now):
    draft = make_event(status=EventStatus.DRAFT)
    draft_id, campaign_id = draft.id, draft.campaign_id
    catalogue.delete_event(draft, now=now)
    db.session.commit()
    assert db.session.get(Event, draft_id) is None
    tombstone = db.session.scalars(select(DeletedEvent)).one()
    assert (tombstone.event_id, tombstone.campaign_id, tombstone.deleted_at) == (draft_id, campaign_id, now)


# --- Robustness (issue 8) ----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["Title\nInjected: x", "A\rB", "Tab\tstop", "Bell\x07", "Next\x85line", "P\u2029Q"])
def test_single_line_text_refuses_control_characters(app_ctx, make_campaign, make_organization, make_venue, make_event,
                                                     now, text):
    details = new_event_details(make_campaign, make_organization, make_venue, now)
    assert refused_field(catalogue.save_event, Event(), replace(details, title_en=text), now=now) == "title_en"
    assert refused_field(catalogue.save_venue, Venue(), VenueDetails(name_zh="会场", address_en=text),
                         now=now) == "address_en"
    with_rooms = VenueDetails(name_zh="会场", rooms=same_in_both("Hall A", text))
    assert refused_field(catalogue.save_venue, Venue(), with_rooms, now=now) == "rooms"
    assert refused_field(catalogue.save_organization, Organization(), OrganizationDetails(name_zh=text),
                         now=now) == "name_zh"
    assert refused_field(catalogue.save_campaign, Campaign(),
                         CampaignDetails(slug="s", year=2026, name_en=text)) == "name_en"
    event = make_event()
    talk = SessionDetails(starts_at=event.starts_at, ends_at=event.ends_at, title_en="Talk",
                          speakers=(SpeakerDetails("李", organization_en=text),))
    assert refused_field(catalogue.save_session, EventSession(), talk, event=event, now=now) == "speakers"
    assert db.session.scalar(select(func.count(Event.id))) == 1  # the one made above
    assert db.session.scalar(select(func.count(Venue.id))) == 2  # that of the details and that of the event


def test_descriptions_keep_their_line_breaks(app_ctx, make_campaign, make_organization, make_venue, now):
    details = new_event_details(make_campaign, make_organization, make_venue, now, description_en="One\n\n\tTwo")
    assert catalogue.save_event(Event(), details, now=now).description_en == "One\n\n\tTwo"


@pytest.mark.parametrize("field, moment", [
    ("starts_at", datetime(1, 1, 1, tzinfo=UTC)),
    ("starts_at", datetime(1999, 12, 31, 23, tzinfo=UTC)),
    ("ends_at", datetime(9999, 12, 31, 23, 59, tzinfo=UTC)),
    ("ends_at", datetime(2101, 1, 1, tzinfo=UTC)),
    ("registration_opens_at", datetime(1, 1, 1, tzinfo=UTC)),
    ("registration_closes_at", datetime(1990, 1, 1, tzinfo=UTC)),
])
def test_event_times_must_lie_in_the_supported_years(app_ctx, make_campaign, make_organization, make_venue, now,
                                                    field, moment):
    details = new_event_details(make_campaign, make_organization, make_venue, now)
    assert refused_field(catalogue.save_event, Event(), replace(details, **{field: moment}), now=now) == field
    assert db.session.scalar(select(func.count(Event.id))) == 0


def test_agenda_times_must_lie_in_the_supported_years(app_ctx, make_event, now):
    event = make_event(starts_at=datetime(2100, 12, 31, 10, tzinfo=UTC), hours=20)
    late = SessionDetails(starts_at=datetime(2100, 12, 31, 23, tzinfo=UTC), ends_at=datetime(2101, 1, 1, 1, tzinfo=UTC),
                          title_en="Midnight talk")
    assert refused_field(catalogue.save_session, EventSession(), late, event=event, now=now) == "ends_at"


def test_a_draft_cannot_be_cancelled(app_ctx, make_event, now):
    draft = make_event(status=EventStatus.DRAFT)
    with pytest.raises(NotAllowedInState) as refused:
        catalogue.cancel_event(draft, reason_zh="", reason_en="Internal note", now=now)
    db.session.rollback()
    with force_locale("en"):
        assert "delete it instead" in str(refused.value.message)
    assert (draft.status, draft.cancellation_reason_en, draft.sequence) == (EventStatus.DRAFT, "", 0)


def test_a_room_replaced_by_another_one_no_longer_carries_its_talks(app_ctx, make_event, make_venue, make_session,
                                                                    now):
    venue = make_venue(rooms=("Hall A", "Hall B"))
    event = make_event(venue=venue, updated_at=now - timedelta(days=1))
    hall_a, hall_b = venue.rooms
    in_a = make_session(event, room=hall_a, title_en="In A")
    in_b = make_session(event, room=hall_b, title_en="In B")
    new_rooms = replace(VenueDetails.of(venue), rooms=same_in_both("Hall B", "Hall C"))
    assert catalogue.talks_losing_their_room(venue, new_rooms) == [in_a]
    catalogue.save_venue(venue, new_rooms, now=now)
    db.session.commit()
    db.session.expire_all()
    assert [room.name for room in venue.rooms] == ["Hall B", "Hall C"]
    assert venue.rooms[1].id not in (hall_a.id, hall_b.id)
    assert (in_a.room, in_b.room.name) == (None, "Hall B")
    assert in_a.updated_at == now  # its agenda entry changed


def test_an_event_moved_to_another_venue_keeps_no_talk_in_a_room_of_the_old_one(app_ctx, make_event, make_venue,
                                                                               make_session, now):
    event = make_event()
    old_room = event.venue.rooms[0]
    talk = make_session(event, room=old_room)
    elsewhere = make_venue(rooms=("Hall A",))
    moved = replace(EventDetails.of(event), venue_id=elsewhere.id)
    assert catalogue.talks_losing_their_room_by_move(event, moved) == [talk]
    catalogue.save_event(event, moved, now=now)
    db.session.commit()
    db.session.expire_all()
    assert talk.room_id is None and talk.updated_at == now
    assert catalogue.talks_losing_their_room_by_move(event, replace(moved, title_en="Same venue")) == []
