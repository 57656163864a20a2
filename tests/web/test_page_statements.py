"""The pages people load most take the same number of SQL statements whatever their size (issue 15, goal 3):
the home page, a campaign's page, an event's page with its agenda, and the organizer's attendee list.

Each page is counted on its second GET, so one-time work (site settings, caches) is not counted, once small
and once after it grew. benchmarks/pages.py times the same pages at full size. Narrower checks of the same
kind: tests/catalogue/test_public_pages.py (a campaign page's ceiling) and tests/registration/
test_attendee_list.py (the list with more waitlisted people)."""
import itertools
from datetime import timedelta

from eventsapp.extensions import db
from eventsapp.registration.delegations import QuotaTerms, grant_quota
from eventsapp.registration.models import Announcement, Registration, RegistrationStatus

S = RegistrationStatus


def statements_of(client, url: str, count_queries) -> list[str]:
    """The SQL statements of the second GET of `url` (each GET must answer 200)."""
    assert client.get(url).status_code == 200, url
    with count_queries() as statements:
        assert client.get(url).status_code == 200, url
    return statements


def assert_same_count(few: list[str], many: list[str]) -> None:
    assert len(many) == len(few), "\n\n".join(["few:", *few, "many:", *many])


def test_the_home_page_takes_as_many_statements_for_3_or_30_events(client, make_event, make_organization,
                                                                    count_queries):
    def add_events(count: int, start: int) -> None:
        for n in range(start, start + count):  # each in its own campaign, with its own host, venue and a co-host
            make_event(starts_in=timedelta(days=n + 1), co_hosts=[make_organization(name_en=f"Co-host {n}")])

    add_events(3, 0)
    few = statements_of(client, "/", count_queries)
    add_events(27, 3)  # more than a page of events (20), and as many campaigns in the list as it shows
    many = statements_of(client, "/", count_queries)
    assert_same_count(few, many)


def test_a_campaign_page_takes_as_many_statements_for_3_or_30_events(client, make_campaign, make_event,
                                                                     make_organization, count_queries):
    campaign = make_campaign(slug="busy")

    def add_events(count: int, start: int) -> None:
        for n in range(start, start + count):
            make_event(campaign=campaign, starts_in=timedelta(days=n + 1),
                       co_hosts=[make_organization(name_en=f"Co-host {n}"), make_organization()])

    add_events(3, 0)
    few = statements_of(client, "/campaigns/busy", count_queries)
    add_events(27, 3)
    many = statements_of(client, "/campaigns/busy", count_queries)
    assert_same_count(few, many)


def test_an_event_page_takes_as_many_statements_for_3_or_30_talks(client, make_event, make_venue, make_session,
                                                                   count_queries):
    venue = make_venue(rooms=("Hall A", "Hall B", "Hall C"))
    event = make_event(venue=venue)
    rooms = itertools.cycle([*venue.rooms, None])

    def add_talks(count: int, start: int) -> None:
        for n in range(start, start + count):
            make_session(event, offset_minutes=5 * n, minutes=5, room=next(rooms), title_en=f"Talk {n}",
                         speakers=[(f"Speaker {n}", "Engineer", "Metro"), (f"Speaker {n}b", "Lead", "Port")])

    add_talks(3, 0)
    few = statements_of(client, f"/events/{event.id}", count_queries)
    add_talks(27, 3)
    many = statements_of(client, f"/events/{event.id}", count_queries)
    assert_same_count(few, many)


def test_the_attendee_list_takes_as_many_statements_for_5_or_60_registrations(client, auth, make_event,
                                                                             make_company, make_user, now,
                                                                             count_queries):
    """Every kind of row the list shows: each status, company seats (and a company that named nobody yet),
    a waiting list, people checked in, erased details, and messages sent by different organizers."""
    auth.login()
    event = make_event(capacity=200)
    statuses = itertools.cycle([S.CONFIRMED, S.WAITLISTED, S.CHECKED_IN, S.CANCELLED, S.CONFIRMED])
    people = itertools.count()

    def add_people(count: int, delegation_id: int | None = None, status: S | None = None) -> None:
        for _ in range(count):
            n = next(people)
            kept = status or next(statuses)
            db.session.add(Registration(
                event=event, name=f"Person {n}", email=f"p{n}@example.com", phone="+8613800138000",
                organization=f"Org {n}", status=kept, delegation_id=delegation_id,
                checked_in_at=now if kept == S.CHECKED_IN else None, erased_at=now if n % 7 == 6 else None))
        db.session.commit()

    def add_company(quota: int, named: int) -> None:
        delegation = grant_quota(event, make_company(), QuotaTerms(quota=quota), actor=None, now=now)
        db.session.commit()
        add_people(named, delegation.id, S.INVITED)

    def add_message(n: int) -> None:
        sender = make_user(email=f"sender{n}@example.com")
        db.session.add(Announcement(event=event, subject_en=f"Note {n}", recipient_count=5, sent_by=sender,
                                    sent_at=now, submission_key=f"key-{n}"))
        db.session.commit()

    add_people(4)
    add_company(quota=3, named=1)
    add_message(1)
    url = f"/manage/events/{event.id}/registrations"
    few = statements_of(client, url, count_queries)
    add_people(45)
    for _ in range(3):
        add_company(quota=4, named=3)
    add_company(quota=2, named=0)  # its company is in the filter, though no row of the list names it
    add_people(2, status=S.WAITLISTED)
    for n in range(2, 5):
        add_message(n)
    many = statements_of(client, url, count_queries)
    assert_same_count(few, many)
    # Filtered to rows no company named: no more (the delegations' selectin loads have nothing to load).
    assert len(statements_of(client, url + "?status=cancelled", count_queries)) <= len(many)
