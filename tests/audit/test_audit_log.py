"""The audit log (issue 12, SPEC 4e and 8): who changed what and when, with old and new values, written in
the transaction of the change, never edited; exports and views of attendee data; the retention purge."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventsapp.acting import Origin
from eventsapp.audit.models import AuditEntry
from eventsapp.catalogue.models import Event, EventStatus
from eventsapp.extensions import db
from eventsapp.registration.delegations import QuotaTerms, change_quota, grant_quota
from eventsapp.registration.models import Registration, RegistrationStatus
from eventsapp.registration.services import Applicant, purge_expired_personal_data, register
from tests.catalogue.helpers import page_of

SIGN_UP = {"name": "Zhang Wei", "email": "zhang.wei@example.com", "phone": "138 0013 8000",
           "organization": "Shentong Metro", "job_title": "Engineer", "consent": "y", "website": ""}


def entries(kind: str | None = None) -> list[AuditEntry]:
    db.session.expire_all()
    query = select(AuditEntry).order_by(AuditEntry.id)
    return list(db.session.scalars(query.where(AuditEntry.kind == kind) if kind else query))


def event_form(event, **overrides):
    return {"campaign_id": event.campaign_id, "host_id": event.host_id, "venue_id": event.venue_id,
            "title_zh": event.title_zh, "title_en": event.title_en, "timezone": "Asia/Shanghai",
            "starts_at": "2030-05-20T14:00", "ends_at": "2030-05-20T17:00", "capacity": "10", **overrides}


def sign_up(client, event, **overrides) -> Registration:
    response = client.post(f"/events/{event.id}/register", data={**SIGN_UP, **overrides})
    assert response.status_code == 302, page_of(response)
    token = response.headers["Location"].rsplit("/", 1)[1]
    db.session.expire_all()
    return db.session.scalars(select(Registration).where(Registration.token == token)).one()


def test_an_organizers_change_to_an_event_is_recorded_with_old_and_new_values(client, auth, make_user, make_event):
    organizer = make_user()
    auth.login_as(organizer)
    event = make_event(capacity=10)
    client.post(f"/manage/events/{event.id}/edit", data=event_form(event, capacity="25", send="yes"))
    (changed,) = entries("event.updated")
    assert (changed.actor_id, changed.origin, changed.event_id) == (organizer.id, Origin.ORGANIZER, event.id)
    assert changed.details["capacity"] == [10, 25]
    assert changed.label == f"{event.title_zh} / {event.title_en}"
    page = page_of(client.get(f"/manage/audit?event={event.id}&lang=en"))
    assert "Event changed" in page and "10 → 25" in page and organizer.email in page


def test_a_sign_up_and_its_cancellation_are_recorded_without_the_persons_details(client, make_event):
    event = make_event(capacity=1)
    first = sign_up(client, event)
    second = sign_up(client, event, name="Li Lei", email="li.lei@example.com")
    client.post(f"/registrations/{first.token}/cancel")
    kinds = [(entry.kind, entry.subject_id) for entry in entries() if entry.subject_type == "registration"]
    assert kinds == [("registration.created", first.id), ("registration.created", second.id),
                     ("registration.cancelled", first.id), ("registration.confirmed", second.id)]
    assert all(entry.origin == Origin.PUBLIC and entry.actor_id is None
               for entry in entries() if entry.subject_type == "registration")
    assert entries("registration.cancelled")[0].details["status"] == ["confirmed", "cancelled"]
    everything = json.dumps([(e.label, e.details) for e in entries()], ensure_ascii=False)
    for personal in ("Zhang Wei", "zhang.wei@example.com", "13800138000", "Li Lei"):
        assert personal not in everything


def test_a_change_rolled_back_leaves_no_entry(make_event, now):
    event = make_event(capacity=10)
    db.session.commit()
    before = len(entries())
    event.capacity = 30
    db.session.flush()
    db.session.rollback()
    assert len(entries()) == before


def test_entries_are_never_edited_nor_deleted(make_event):
    event = make_event()
    event.capacity = 99
    db.session.commit()
    (entry,) = entries("event.updated")
    entry.kind = "event.deleted"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(entries("event.updated")[0])
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()


def test_the_agenda_a_campaign_and_a_quota_are_recorded(make_event, make_session, make_company, now):
    event = make_event(capacity=20)
    talk = make_session(event, title_en="Keynote")
    talk.title_en = "Opening keynote"
    delegation = grant_quota(event, make_company(), QuotaTerms(quota=2), actor=None, now=now)
    change_quota(delegation, QuotaTerms(quota=5), actor=None, now=now)
    event.campaign.name_en = "Renamed campaign"
    db.session.commit()
    assert entries("session.created")[0].event_id == event.id
    assert entries("session.updated")[0].details["title_en"] == ["Keynote", "Opening keynote"]
    assert entries("delegation.created")[0].details["quota"] == 2
    assert entries("delegation.updated")[0].details["quota"] == [2, 5]
    assert "Renamed campaign" in entries("campaign.updated")[0].details["name_en"]
    db.session.delete(talk)
    db.session.commit()
    assert entries("session.deleted")[0].details["title_en"] == "Opening keynote"


def test_downloads_and_views_of_attendee_lists_are_recorded(client, auth, make_user, make_event, now):
    organizer = make_user()
    auth.login_as(organizer)
    event = make_event()
    register(event.id, Applicant(name="王芳", email="wang@example.com"), now=now)
    db.session.commit()
    client.get(f"/manage/events/{event.id}/registrations?status=confirmed&q=wang")
    client.get(f"/manage/events/{event.id}/attendees.xlsx")
    (viewed,) = entries("attendees.viewed")
    (exported,) = entries("attendees.exported")
    assert (viewed.actor_id, viewed.event_id, viewed.details["rows"]) == (organizer.id, event.id, 1)
    assert viewed.details["status"] == "confirmed" and viewed.details["searched"] is True
    assert "wang" not in json.dumps(viewed.details)  # what was searched for may be a name
    assert exported.details == {"format": "xlsx", "rows": 1}
    assert exported.label == f"event-{event.id}-attendees.xlsx"


def test_the_retention_purge_is_recorded_once_per_event_and_by_the_system(make_event, now):
    event = make_event(starts_at=now - timedelta(days=200), capacity=5)
    for n in range(3):
        register(event.id, Applicant(name=f"Person {n}", email=f"p{n}@example.com"),
                 now=event.starts_at - timedelta(days=3))
    db.session.commit()
    assert purge_expired_personal_data(now=now, retention=timedelta(days=180)) == 3
    db.session.commit()
    (purged,) = entries("personal_data.purged")
    assert (purged.event_id, purged.origin, purged.details) == (
        event.id, Origin.SYSTEM, {"registrations": 3, "retention_days": 180})
    assert len(entries("registration.erased")) == 3
    assert all(entry.details == {} for entry in entries("registration.erased"))


def test_a_company_leads_change_is_theirs(client, auth, make_event, make_company, make_company_member, now):
    company = make_company()
    lead = make_company_member(company)
    event = make_event(capacity=10)
    delegation = grant_quota(event, company, QuotaTerms(quota=2), actor=None, now=now)
    db.session.add(Registration(event=event, name="赵强", email="zhao@example.com", delegation_id=delegation.id,
                                status=RegistrationStatus.INVITED))
    db.session.commit()
    auth.login_as(lead)
    (named,) = db.session.scalars(select(Registration).where(Registration.delegation_id == delegation.id))
    response = client.post(f"/company/delegations/{delegation.id}/people/{named.id}/remove")
    assert response.status_code in (302, 303), page_of(response)
    (cancelled,) = entries("registration.cancelled")
    assert (cancelled.actor_id, cancelled.origin) == (lead.id, Origin.COMPANY)


@pytest.fixture
def logged_event(client, auth, make_event, make_user, now):
    """Two organizers' changes to two events, and a sign-up by the public."""
    first, second = make_event(capacity=10), make_event(capacity=10)
    other = make_user(email="other@example.com")
    auth.login_as(other)
    client.post(f"/manage/events/{second.id}/edit", data=event_form(second, capacity="12", send="yes"))
    auth.logout()
    auth.login()
    client.post(f"/manage/events/{first.id}/edit", data=event_form(first, capacity="11", send="yes"))
    register(first.id, Applicant(name="Ann", email="ann@example.com"), now=now)
    db.session.commit()
    return first, second, other


def test_the_log_filters_by_event_person_and_kind(client, logged_event):
    first, _second, other = logged_event

    def shown(**query) -> str:
        """The log's table (the filter form above it names every kind)."""
        page = page_of(client.get("/manage/audit", query_string={"lang": "en", **query}))
        return page[page.index("<tbody>"):]
    assert "10 → 11" in shown() and "10 → 12" in shown()
    assert "10 → 11" in shown(event=first.id) and "10 → 12" not in shown(event=first.id)
    assert "10 → 12" in shown(actor=other.id) and "10 → 11" not in shown(actor=other.id)
    by_kind = shown(kind="registration")
    assert "Registration added" in by_kind and "Event changed" not in by_kind
    assert "Registration added" not in shown(kind="event.updated")
    assert "Registration added" in shown(actor="system")  # made by a service outside a request


@pytest.mark.parametrize("query", ["event=abc", "actor=-1", "kind=%27;drop", "subject=registration:x", "before=0",
                                   "event=99999999999999", "subject=:5", "event=%C2%B2", "actor=%C2%B2",
                                   "before=%C2%B2", "subject=registration:%C2%B2"])
def test_links_that_make_no_sense_show_the_log_never_an_error(client, logged_event, query):
    assert client.get(f"/manage/audit?{query}").status_code == 200


def test_the_log_pages_back_in_time(client, auth, make_event, monkeypatch):
    auth.login()
    event = make_event(capacity=10)
    for capacity in range(11, 16):
        event.capacity = capacity
        db.session.commit()
    monkeypatch.setattr("eventsapp.audit.queries.PAGE_SIZE", 2)
    first_page = page_of(client.get(f"/manage/audit?event={event.id}&kind=event.updated&lang=en"))
    assert "14 → 15" in first_page and "13 → 14" in first_page and "12 → 13" not in first_page
    older = [entry.id for entry in entries("event.updated")][-2]
    second_page = page_of(client.get(f"/manage/audit?event={event.id}&kind=event.updated&before={older}&lang=en"))
    assert "12 → 13" in second_page and "11 → 12" in second_page and "14 → 15" not in second_page


def test_only_organizers_read_the_log(client, auth, make_company_member):
    assert client.get("/manage/audit").status_code == 302
    auth.login_as(make_company_member())
    assert client.get("/manage/audit").status_code == 403


def test_the_event_page_says_when_its_attendees_details_are_deleted(client, auth, make_event, now):
    auth.login()
    coming = make_event(starts_at=now + timedelta(days=10))
    page = page_of(client.get(f"/manage/events/{coming.id}?lang=en"))
    assert "180 days after the event" in page and "deleted on" in page
    past = make_event(starts_at=now - timedelta(days=400))
    register(past.id, Applicant(name="Ann", email="ann@example.com"), now=past.starts_at - timedelta(days=3))
    db.session.commit()
    assert "due for deletion since" in page_of(client.get(f"/manage/events/{past.id}?lang=en"))  # no worker yet
    purge_expired_personal_data(now=now, retention=timedelta(days=180))
    db.session.commit()
    assert "deleted since" in page_of(client.get(f"/manage/events/{past.id}?lang=en"))


def test_the_purge_command_says_what_is_due_then_purges_it(runner, make_event, now):
    old = make_event(starts_at=now - timedelta(days=200), title_en="Old open day")
    recent = make_event(starts_at=now - timedelta(days=10))
    for event in (old, old, recent):
        register(event.id, Applicant(name="Someone", email=f"someone{event.id}-{len(entries())}@example.com"),
                 now=event.starts_at - timedelta(days=3))
    db.session.commit()
    listed = runner.invoke(args=["purge-personal-data", "--dry-run"])
    assert "Old open day" in listed.output and "2 registrations due" in listed.output
    assert entries("personal_data.purged") == []
    done = runner.invoke(args=["purge-personal-data"])
    assert done.exit_code == 0 and "2 registrations purged" in done.output
    assert [entry.event_id for entry in entries("personal_data.purged")] == [old.id]
    assert runner.invoke(args=["purge-personal-data"]).output.startswith("0 registrations purged")


def test_a_host_companys_look_at_its_consenting_attendees_is_recorded(client, auth, make_event, make_company,
                                                                      make_company_member, now):
    company = make_company()
    lead = make_company_member(company)
    event = make_event(host=company)
    register(event.id, Applicant(name="Ann", email="ann@example.com", shares_with_host=True), now=now)
    db.session.commit()
    auth.login_as(lead)
    assert client.get(f"/company/events/{event.id}").status_code == 200
    (viewed,) = entries("attendees.viewed")
    assert (viewed.actor_id, viewed.origin, viewed.event_id, viewed.details) == (
        lead.id, Origin.COMPANY, event.id, {"rows": 1})


def test_deleting_a_row_read_in_an_earlier_transaction_records_what_it_held(make_event, make_session):
    event = make_event(status=EventStatus.DRAFT, title_en="Draft day")
    make_session(event, title_en="Keynote")
    db.session.commit()  # every row expired: deleting must not read them after they are gone
    db.session.delete(db.session.get(Event, event.id))
    db.session.commit()
    (gone,) = entries("event.deleted")
    assert gone.details["title_en"] == "Draft day" and gone.subject_id == event.id
    assert entries("session.deleted")[0].details["title_en"] == "Keynote"


def test_printing_the_sign_in_sheet_and_a_companys_download_are_recorded(client, auth, make_event, make_company,
                                                                        now):
    auth.login()
    event = make_event()
    register(event.id, Applicant(name="王芳", email="wang@example.com"), now=now)
    db.session.commit()
    assert client.get(f"/manage/events/{event.id}/sign-in-sheet?order=company").status_code == 200
    company = make_company()
    assert client.get(f"/manage/companies/{company.id}/attendees.csv").status_code == 200
    (printed,) = entries("attendees.printed")
    assert (printed.event_id, printed.details) == (event.id, {"order": "company", "rows": 1})
    (exported,) = entries("attendees.exported")
    assert exported.label == f"company-{company.id}-attendees.csv" and exported.details["rows"] == 0


def test_co_hosts_and_speakers_are_recorded_though_they_live_in_their_own_tables(
        client, auth, make_event, make_organization, make_session):
    from eventsapp.catalogue.details import SessionDetails, SpeakerDetails
    from eventsapp.catalogue.services import save_session

    auth.login()
    event = make_event()
    partner = make_organization(name_en="Partner")
    client.post(f"/manage/events/{event.id}/edit", data=event_form(event, capacity=str(event.capacity),
                                                                    co_host_ids=str(partner.id), send="yes"))
    (co_hosts,) = [e for e in entries("event.updated") if "co_host_ids" in e.details]
    assert co_hosts.details["co_host_ids"] == [[], [partner.id]]
    talk = make_session(event, title_en="Keynote", speakers=[("王芳", "Wang Fang", "")])
    details = SessionDetails(title_zh="", title_en="Keynote", starts_at=talk.starts_at, ends_at=talk.ends_at,
                             room_id=None, speakers=(SpeakerDetails(name_zh="李雷", name_en="Li Lei"),))
    save_session(talk, details, event=event, now=talk.starts_at)
    db.session.commit()
    (speakers,) = [e for e in entries("session.updated") if "speakers" in e.details]
    assert speakers.details["speakers"] == ["王芳", "李雷"]


def test_a_delete_rolled_back_with_its_savepoint_is_not_recorded(make_event, make_session, make_campaign):
    from sqlalchemy.exc import IntegrityError

    from eventsapp.catalogue.models import Campaign, EventSession

    event = make_event(capacity=10)
    talk = make_session(event, title_en="Still here")
    taken = make_campaign().slug
    db.session.commit()
    try:
        with db.session.begin_nested():
            db.session.delete(talk)
            db.session.add(Campaign(slug=taken, year=2030, name_en="Clash"))
            db.session.flush()
    except IntegrityError:
        pass
    event.capacity = 11
    db.session.commit()
    assert db.session.get(EventSession, talk.id) is not None
    assert entries("session.deleted") == []


def test_an_organizer_using_an_attendees_link_is_recorded_as_the_organizer(client, auth, make_user, make_event):
    event = make_event()
    registration = sign_up(client, event)
    organizer = make_user()
    auth.login_as(organizer)
    client.post(f"/registrations/{registration.token}/cancel")
    (cancelled,) = entries("registration.cancelled")
    assert (cancelled.actor_id, cancelled.origin) == (organizer.id, Origin.ORGANIZER)


def test_a_company_reading_its_roster_is_recorded_and_the_log_names_the_company(
        client, auth, make_event, make_company, make_company_member, now):
    company = make_company(name_en="Zhenhua Heavy Industries")
    lead = make_company_member(company)
    event = make_event(capacity=10)
    delegation = grant_quota(event, company, QuotaTerms(quota=2), actor=None, now=now)
    db.session.commit()
    auth.login_as(lead)
    assert client.get(f"/company/delegations/{delegation.id}").status_code == 200
    (viewed,) = entries("attendees.viewed")
    assert (viewed.actor_id, viewed.subject_type, viewed.subject_id) == (lead.id, "delegation", delegation.id)
    auth.logout()
    auth.login()
    page = page_of(client.get("/manage/audit?kind=delegation&lang=en"))
    assert "Seats of Zhenhua Heavy Industries" in page


def test_a_purge_counts_only_what_it_erased_itself(make_event, now, monkeypatch):
    """Two workers purging at once: the second finds the rows erased by the first and records nothing."""
    from eventsapp.registration import services

    event = make_event(starts_at=now - timedelta(days=200))
    register(event.id, Applicant(name="Ann", email="ann@example.com"), now=event.starts_at - timedelta(days=3))
    db.session.commit()
    erase = services.erase_personal_data

    def erased_first_by_another_worker(registration, *, now, reason):
        erase(registration, now=now - timedelta(seconds=1), reason=reason)
        return erase(registration, now=now, reason=reason)

    monkeypatch.setattr(services, "erase_personal_data", erased_first_by_another_worker)
    assert purge_expired_personal_data(now=now, retention=timedelta(days=180)) == 0
    assert entries("personal_data.purged") == []


def test_the_attendee_lists_actions_are_recorded_as_the_organizers(client, auth, make_user, make_event, now):
    event = make_event(capacity=1)
    register(event.id, Applicant(name="Seated", email="seated@example.com"), now=now)
    waiting = [register(event.id, Applicant(name=f"W{n}", email=f"w{n}@example.com"), now=now) for n in range(3)]
    db.session.commit()
    organizer = make_user()
    auth.login_as(organizer)
    person = {"name": "Ada", "email": "ada@example.com", "phone": "13800138000", "organization": "Metro",
              "job_title": "", "language": "en"}
    assert client.post(f"/manage/events/{event.id}/registrations/new", data=person).status_code == 302
    client.post(f"/manage/events/{event.id}/registrations/{waiting[2].id}/move-to-front")
    client.post(f"/manage/events/{event.id}/registrations/{waiting[2].id}/resend")
    seated = db.session.scalar(select(Registration).where(Registration.email == "seated@example.com"))
    client.post(f"/manage/events/{event.id}/registrations/{seated.id}/cancel",
                data={"reason": "Asked by phone, her husband is ill"})
    mine = [(e.kind, e.subject_id) for e in entries()
            if e.actor_id == organizer.id and e.subject_type == "registration"]
    added = db.session.scalar(select(Registration).where(Registration.email == "ada@example.com"))
    assert ("registration.created", added.id) in mine
    assert ("registration.moved_to_front", waiting[2].id) in mine and ("registration.resent", waiting[2].id) in mine
    assert ("registration.cancelled", seated.id) in mine and ("registration.confirmed", waiting[2].id) in mine
    assert entries("registration.moved_to_front")[0].details == {"waitlist_position": [3, 1]}
    (cancelled,) = entries("registration.cancelled")
    assert cancelled.details["cancellation_reason"] is None  # that it was given, not what it says
    assert "husband" not in json.dumps([e.details for e in entries()])


def test_the_log_shows_statuses_in_words_and_rows_by_their_names(client, auth, make_event, make_venue, now):
    event = make_event(capacity=1)
    holder = register(event.id, Applicant(name="Ann", email="ann@example.com"), now=now)
    register(event.id, Applicant(name="Bo", email="bo@example.com"), now=now)
    db.session.commit()
    event.venue = make_venue(name_en="Expo Hall")
    db.session.commit()
    from eventsapp.registration.services import cancel_registration

    cancel_registration(holder, now=now)
    db.session.commit()
    auth.login()
    page = page_of(client.get(f"/manage/audit?event={event.id}&lang=en"))
    assert "Waiting list → Confirmed" in page and "Confirmed → Cancelled" in page
    assert "→ Expo Hall" in page
    assert "Consent to share with the host" in page and "no" in page
