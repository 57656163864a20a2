"""Delegations (SPEC 3.1, 4c): a company's quota is held against the capacity; its people are named all or
nothing, confirm themselves, and give their seat back to the company; the organizer grants, changes and
withdraws the quota. Called directly, as the pages call them; on SQLite and PostgreSQL."""
from dataclasses import replace
from datetime import timedelta

import pytest
from flask_babel import force_locale
from icalendar import Calendar
from sqlalchemy import select

from eventsapp.catalogue import services as catalogue
from eventsapp.catalogue.details import EventDetails
from eventsapp.catalogue.models import EventStatus
from eventsapp.errors import Conflict, NotAllowedInState, ValidationFailed
from eventsapp.extensions import db
from eventsapp.registration import delegation_people, delegations
from eventsapp.registration.delegations import QuotaTerms
from eventsapp.registration.models import DelegationChange, DelegationChangeKind, Registration, RegistrationStatus
from eventsapp.registration.services import AlreadyRegistered, cancel_registration, register, seat_summary

INVITED, CONFIRMED, WAITLISTED, CANCELLED = (RegistrationStatus.INVITED, RegistrationStatus.CONFIRMED,
                                             RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED)


@pytest.fixture(autouse=True)
def english(app_ctx):
    """The messages the tests read, in English (the services speak the language of the request)."""
    with force_locale("en"):
        yield


def statuses(registrations):
    db.session.expire_all()
    return [registration.status for registration in registrations]


def history_kinds(delegation):
    return [change.kind for change in reversed(delegations.history(delegation))]


def ics_status(message) -> str:
    (vevent,) = Calendar.from_ical(message.ics).walk("VEVENT")
    return str(vevent["STATUS"])


def sign_up(event, applicant, now):
    registration = register(event.id, applicant(), now=now)
    db.session.commit()
    return registration


# --- The seat rule -------------------------------------------------------------------------------------

def test_a_quota_holds_its_seats_against_the_capacity_named_or_not(make_event, grant, applicant, now):
    event = make_event(capacity=10)
    grant(event, quota=4)
    assert seat_summary(event).seats_left == 6
    public = [sign_up(event, applicant, now) for _ in range(7)]
    assert statuses(public) == [CONFIRMED] * 6 + [WAITLISTED]
    summary = seat_summary(event)
    assert (summary.taken, summary.granted, summary.waitlist_length) == (10, 4, 1)


def test_the_company_waiting_list_is_not_the_publics(make_event, grant, colleagues, name_people, applicant, now):
    event = make_event(capacity=3)
    delegation = grant(event, quota=2)
    named = name_people(delegation, colleagues(4), put_extra_on_waitlist=True)
    assert statuses(named) == [INVITED, INVITED, WAITLISTED, WAITLISTED]
    assert [r.waitlist_position() for r in named[2:]] == [1, 2]
    public = [sign_up(event, applicant, now) for _ in range(2)]
    assert statuses(public) == [CONFIRMED, WAITLISTED]
    assert public[1].waitlist_position() == 1 and seat_summary(event).waitlist_length == 1


def test_capacity_cannot_drop_below_public_seats_plus_quotas(make_event, grant, applicant, now):
    event = make_event(capacity=10)
    grant(event, quota=4)
    sign_up(event, applicant, now)
    with pytest.raises(ValidationFailed) as refused:
        catalogue.save_event(event, replace(EventDetails.of(event), capacity=4), now=now)
    assert refused.value.field == "capacity" and "5 people" in str(refused.value.message)
    db.session.rollback()


def test_one_person_cannot_hold_a_company_seat_and_a_public_one(make_event, grant, colleagues, name_people,
                                                                  applicant, now):
    event = make_event(capacity=10)
    (person,) = colleagues(1)
    name_people(grant(event), [person])
    with pytest.raises(AlreadyRegistered):
        register(event.id, applicant(email=person.email.upper()), now=now)


# --- The organizer's quota -----------------------------------------------------------------------------

def test_granting_tells_the_lead_contacts(make_event, make_company, make_company_member, grant, outbox):
    company = make_company()
    lead = make_company_member(company)
    delegation = grant(make_event(), quota=3, company=company)
    (notice,) = outbox(lead.email)
    assert "/company/delegations/" in notice.body_text
    assert history_kinds(delegation) == [DelegationChangeKind.GRANTED]
    assert delegation.changes_close_at == delegation.event.starts_at - timedelta(days=1)


@pytest.mark.parametrize(("setup", "error", "field"), [
    (lambda e, c: setattr(c, "verified_at", None), ValidationFailed, "organization"),
    (lambda e, c: setattr(e, "status", EventStatus.DRAFT), NotAllowedInState, None),
    (lambda e, c: setattr(e, "capacity", 2), ValidationFailed, "quota"),
])
def test_granting_refuses_unverified_companies_drafts_and_more_than_is_left(make_event, make_company, now, setup,
                                                                             error, field):
    event, company = make_event(capacity=10), make_company()
    setup(event, company)
    db.session.commit()
    with pytest.raises(error) as refused:
        delegations.grant_quota(event, company, QuotaTerms(quota=3), actor=None, now=now)
    assert refused.value.field == field
    db.session.rollback()
    assert seat_summary(event).granted == 0


def test_a_company_gets_one_quota_per_event(make_event, make_company, grant, now):
    event, company = make_event(), make_company()
    grant(event, company=company)
    with pytest.raises(Conflict):
        delegations.grant_quota(event, company, QuotaTerms(quota=1), actor=None, now=now)


def test_only_as_many_seats_as_are_left_and_the_message_says_how_many(make_event, make_company, grant, now):
    event = make_event(capacity=10)
    grant(event, quota=8)
    with pytest.raises(ValidationFailed) as refused:
        delegations.grant_quota(event, make_company(), QuotaTerms(quota=3), actor=None, now=now)
    assert "Only 2 seats are left" in str(refused.value.message)


def test_a_quota_never_drops_below_its_people_and_a_raise_needs_free_seats(make_event, grant, colleagues,
                                                                          name_people, now):
    event = make_event(capacity=6)
    delegation = grant(event, quota=3)
    name_people(delegation, colleagues(2))
    with pytest.raises(ValidationFailed, match="2 people"):
        delegations.change_quota(delegation, QuotaTerms(quota=1), actor=None, now=now)
    db.session.rollback()
    with pytest.raises(ValidationFailed, match="Only 3 more"):
        delegations.change_quota(delegation, QuotaTerms(quota=7), actor=None, now=now)
    db.session.rollback()
    delegations.change_quota(delegation, QuotaTerms(quota=6), actor=None, now=now)
    db.session.commit()
    assert seat_summary(event).seats_left == 0
    assert history_kinds(delegation)[-1] == DelegationChangeKind.QUOTA_CHANGED


def test_a_raise_goes_to_the_companys_waiting_list_first(make_event, grant, colleagues, name_people, applicant,
                                                         now, outbox):
    event = make_event(capacity=4)
    delegation = grant(event, quota=1)
    named = name_people(delegation, colleagues(3), put_extra_on_waitlist=True)
    public = [sign_up(event, applicant, now) for _ in range(2)]
    delegations.change_quota(delegation, QuotaTerms(quota=2), actor=None, now=now)
    db.session.commit()
    with pytest.raises(ValidationFailed, match="Only 0 more"):  # the public has the other seats
        delegations.change_quota(delegation, QuotaTerms(quota=3), actor=None, now=now)
    db.session.rollback()
    assert statuses(named) == [INVITED, INVITED, WAITLISTED]
    assert "please confirm" in outbox(named[1].email)[-1].subject
    assert statuses(public) == [CONFIRMED, CONFIRMED] and statuses([sign_up(event, applicant, now)]) == [WAITLISTED]


def test_a_cut_frees_seats_for_the_public_waiting_list(make_event, grant, applicant, now):
    event = make_event(capacity=3)
    delegation = grant(event, quota=3)
    waiting = sign_up(event, applicant, now)
    delegations.change_quota(delegation, QuotaTerms(quota=2), actor=None, now=now)
    db.session.commit()
    assert statuses([waiting]) == [CONFIRMED]


def test_withdrawing_cancels_and_tells_the_people_and_frees_the_seats(make_event, make_company, make_company_member,
                                                                     grant, colleagues, name_people, applicant, now,
                                                                     outbox):
    event, company = make_event(capacity=3), make_company()
    lead = make_company_member(company)
    delegation = grant(event, quota=2, company=company)
    named = name_people(delegation, colleagues(3), put_extra_on_waitlist=True)
    waiting = sign_up(event, applicant, now)
    sign_up(event, applicant, now)
    told = delegations.withdraw(delegation, actor=None, now=now)
    db.session.commit()
    assert told == 3 and statuses(named) == [CANCELLED] * 3
    assert all(ics_status(outbox(r.email)[-1]) == "CANCELLED" for r in named)
    assert outbox(named[0].email)[-1].subject.startswith("Your company's seats were withdrawn")
    _granted, withdrawn = outbox(lead.email)  # in the site's language: accounts keep none of their own
    assert withdrawn.subject.startswith("贵单位名额已被收回") and "/company/delegations/" in withdrawn.body_text
    assert statuses([waiting]) == [CONFIRMED] and seat_summary(event).granted == 0
    assert delegations.withdraw(delegation, actor=None, now=now) == 0  # twice is harmless


# --- Naming people -------------------------------------------------------------------------------------

def test_a_roster_with_bad_rows_names_nobody_and_says_which_lines(make_event, grant, colleagues, applicant, now):
    from eventsapp.registration.people import Person

    event = make_event(capacity=20)
    delegation = grant(event, quota=10)
    sign_up(event, applicant, now)
    public = sign_up(event, applicant, now).email
    roster = [*colleagues(1, first_line=2),
              Person(name="王伟", email="wang@", phone="13800138000", line=3),
              Person(name="", email="li@company.example", phone="13800138000", line=4),
              Person(name="张三", email="LI@company.example ", phone="12345", line=5),
              Person(name="赵四", email=public, phone="13800138000", line=6)]
    with pytest.raises(delegation_people.RosterRejected) as refused:
        delegation_people.name_people(delegation, roster, put_extra_on_waitlist=False, language="en", actor=None,
                                      now=now)
    db.session.rollback()
    found = [(problem.line, problem.field) for problem in refused.value.problems]
    assert found == [(3, "email"), (4, "name"), (5, "phone"), (5, "email"), (6, "email")]
    assert str(refused.value.problems[3]) == "Line 5: li@company.example is already on line 4."
    assert db.session.scalar(select(Registration).where(Registration.delegation_id == delegation.id)) is None


def test_an_address_another_company_named_is_refused(make_event, grant, colleagues, name_people, now):
    event = make_event(capacity=20)
    (person,) = colleagues(1)
    name_people(grant(event), [person])
    with pytest.raises(delegation_people.RosterRejected) as refused:
        name_people(grant(event), [*colleagues(1), person.__class__(**{**person.__dict__, "line": 2})])
    assert [str(p) for p in refused.value.problems] == [f"Line 2: {person.email} is already registered for this "
                                                         f"event."]


def test_more_people_than_free_seats_is_refused_with_the_number_left(make_event, grant, colleagues, name_people, now):
    delegation = grant(make_event(), quota=3)
    name_people(delegation, colleagues(1))
    with pytest.raises(Conflict) as refused:
        name_people(delegation, colleagues(3))
    assert "only 2 seats of your quota are free" in str(refused.value.message)
    db.session.rollback()
    assert len(delegation.registrations) == 1


def test_each_named_person_gets_their_own_link_and_an_invitation_with_a_deadline(make_event, grant, colleagues,
                                                                                 name_people, now, outbox):
    delegation = grant(make_event(starts_in=timedelta(days=10)), quota=3, confirm_days=2)
    named = name_people(delegation, colleagues(2))
    assert len({r.token for r in named}) == 2
    assert all(r.confirm_by == now + timedelta(days=2) for r in named)
    assert named[0].organization == delegation.organization.name_en
    (mail,) = outbox(named[0].email)
    assert mail.subject.startswith("Your company named you for")
    assert f"/registrations/{named[0].token}" in mail.body_text
    assert delegation.organization.name_en in mail.body_text and "Please confirm your place by" in mail.body_text
    assert ics_status(mail) == "TENTATIVE"


def test_the_deadline_to_confirm_is_never_after_the_start(make_event, grant, colleagues, name_people):
    event = make_event(starts_in=timedelta(days=2))
    (named,) = name_people(grant(event, confirm_days=3), colleagues(1))
    assert named.confirm_by == event.starts_at


def test_naming_closes_at_the_cut_off(make_event, grant, colleagues, name_people, now):
    event = make_event(starts_in=timedelta(days=5))
    delegation = grant(event, changes_close_at=now + timedelta(days=2))
    with pytest.raises(NotAllowedInState):
        name_people(delegation, colleagues(1), at=now + timedelta(days=2))


# --- The person's answer, and seats going back to the company --------------------------------------------

def test_confirming_makes_the_place_confirmed_with_consent_and_a_confirmed_calendar(make_event, grant, colleagues,
                                                                                   name_people, now, outbox):
    (named,) = name_people(grant(make_event()), colleagues(1))
    delegation_people.confirm_invitation(named, shares_with_host=True, now=now + timedelta(hours=1))
    db.session.commit()
    assert named.status == CONFIRMED and named.shares_with_host
    mail = outbox(named.email)[-1]
    assert mail.subject.startswith("Your place is confirmed") and ics_status(mail) == "CONFIRMED"
    with pytest.raises(NotAllowedInState):
        delegation_people.confirm_invitation(named, shares_with_host=False, now=now)


def test_declining_gives_the_seat_to_the_companys_waiting_list_first(make_event, grant, colleagues, name_people,
                                                                   applicant, now, outbox):
    event = make_event(capacity=2)
    delegation = grant(event, quota=1)
    named = name_people(delegation, colleagues(2), put_extra_on_waitlist=True)
    public = [sign_up(event, applicant, now) for _ in range(2)]
    delegation_people.decline_invitation(named[0], now=now)
    db.session.commit()
    assert statuses(named + public) == [CANCELLED, INVITED, CONFIRMED, WAITLISTED]
    assert ics_status(outbox(named[0].email)[-1]) == "CANCELLED"
    assert outbox(named[1].email)[-1].subject.startswith("A seat of your company freed up")
    assert history_kinds(delegation)[-2:] == [DelegationChangeKind.DECLINED, DelegationChangeKind.PROMOTED]


def test_a_confirmed_person_cancelling_gives_the_seat_back_to_the_company(make_event, grant, colleagues,
                                                                         name_people, applicant, now):
    event = make_event(capacity=1)
    delegation = grant(event, quota=1)
    named = name_people(delegation, colleagues(2), put_extra_on_waitlist=True)
    waiting = sign_up(event, applicant, now)
    delegation_people.confirm_invitation(named[0], shares_with_host=False, now=now)
    cancel_registration(named[0], now=now)
    db.session.commit()
    assert statuses([*named, waiting]) == [CANCELLED, INVITED, WAITLISTED]


def test_the_lead_removing_someone_tells_them_and_refills_from_the_company_list(make_event, make_company_member,
                                                                              grant, colleagues, name_people, now,
                                                                              outbox):
    delegation = grant(make_event(), quota=1)
    lead = make_company_member(delegation.organization)
    named = name_people(delegation, colleagues(2), put_extra_on_waitlist=True)
    delegation_people.remove_person(named[0], actor=lead, now=now)
    db.session.commit()
    assert statuses(named) == [CANCELLED, INVITED]
    assert outbox(named[0].email)[-1].subject.startswith("Your company withdrew your place")
    removal = delegations.history(delegation)[1]
    assert removal.kind == DelegationChangeKind.CANCELLED and removal.actor_id == lead.id


def test_after_the_cut_off_a_removal_frees_the_seat_but_invites_nobody(make_event, make_company_member, grant,
                                                                      colleagues, name_people, now):
    """The list is fixed at the cut-off: removing someone then is no back door to a swap."""
    delegation = grant(make_event(starts_in=timedelta(days=10)), quota=1)
    lead = make_company_member(delegation.organization)
    named = name_people(delegation, colleagues(2), put_extra_on_waitlist=True)
    delegation_people.remove_person(named[0], actor=lead, now=delegation.changes_close_at + timedelta(minutes=1))
    db.session.commit()
    assert statuses(named) == [CANCELLED, WAITLISTED]


def test_unconfirmed_invitations_expire_back_to_the_company(make_event, make_company_member, grant, colleagues,
                                                           name_people, now, outbox):
    delegation = grant(make_event(starts_in=timedelta(days=10)), quota=1, confirm_days=3)
    lead = make_company_member(delegation.organization)
    named = name_people(delegation, colleagues(2), put_extra_on_waitlist=True)
    assert delegation_people.expire_unconfirmed(now=now + timedelta(days=2)) == 0
    assert delegation_people.expire_unconfirmed(now=now + timedelta(days=3)) == 1
    db.session.commit()
    assert statuses(named) == [CANCELLED, INVITED]
    assert named[1].confirm_by == now + timedelta(days=6)
    assert outbox(named[0].email)[-1].subject.startswith("Your place was not confirmed in time")
    assert any(named[0].name in m.body_text for m in outbox(lead.email))
    assert DelegationChangeKind.EXPIRED in history_kinds(delegation)
    assert delegation_people.expire_unconfirmed(now=now + timedelta(days=3)) == 0


def test_an_expired_invitation_can_no_longer_be_confirmed(make_event, grant, colleagues, name_people, now):
    (named,) = name_people(grant(make_event(), confirm_days=1), colleagues(1))
    with pytest.raises(NotAllowedInState, match="deadline"):
        delegation_people.confirm_invitation(named, shares_with_host=False, now=now + timedelta(days=1))


# --- Swapping (换人) ----------------------------------------------------------------------------------

def test_a_swap_hands_the_seat_to_a_colleague_who_must_confirm(make_event, make_company_member, grant, colleagues,
                                                               name_people, now, outbox):
    delegation = grant(make_event(capacity=2), quota=1)
    lead = make_company_member(delegation.organization)
    (named,) = name_people(delegation, colleagues(1))
    delegation_people.confirm_invitation(named, shares_with_host=False, now=now)
    (replacement,) = colleagues(1)
    new = delegation_people.swap(named, replacement, language="en", actor=lead, now=now + timedelta(hours=1))
    db.session.commit()
    assert statuses([named, new]) == [CANCELLED, INVITED]
    assert outbox(named.email)[-1].subject.startswith("Your place went to a colleague")
    assert ics_status(outbox(named.email)[-1]) == "CANCELLED"
    swap = delegations.history(delegation)[0]
    assert (swap.kind, swap.registration_id, swap.replaced_registration_id, swap.actor_id) == (
        DelegationChangeKind.SWAPPED, new.id, named.id, lead.id)
    assert delegation_people.handed_over_to(named) == swap
    assert seat_summary(delegation.event).seats_left == 1  # the quota did not move


def test_no_swap_after_the_cut_off_or_check_in_or_with_a_bad_replacement(make_event, grant, colleagues, name_people,
                                                                         now):
    delegation = grant(make_event(starts_in=timedelta(days=5)), changes_close_at=now + timedelta(days=1))
    first, second = name_people(delegation, colleagues(2))
    with pytest.raises(NotAllowedInState, match="closed"):
        delegation_people.swap(first, colleagues(1)[0], language="en", actor=None, now=now + timedelta(days=1))
    db.session.rollback()
    with pytest.raises(delegation_people.RosterRejected) as refused:  # the colleague already holds a seat
        delegation_people.swap(first, colleagues(1, email=second.email)[0], language="en", actor=None, now=now)
    assert [problem.field for problem in refused.value.problems] == ["email"]
    db.session.rollback()
    first.status = RegistrationStatus.CHECKED_IN
    db.session.commit()
    with pytest.raises(NotAllowedInState, match="checked in"):
        delegation_people.swap(first, colleagues(1)[0], language="en", actor=None, now=now)
    db.session.rollback()
    assert statuses([first, second]) == [RegistrationStatus.CHECKED_IN, INVITED]
    assert db.session.scalar(select(DelegationChange).where(
        DelegationChange.kind == DelegationChangeKind.SWAPPED)) is None


def test_delegations_of_a_company_counts_its_people(make_event, make_company, grant, colleagues, name_people, now):
    company = make_company()
    delegation = grant(make_event(), quota=2, company=company)
    named = name_people(delegation, colleagues(3), put_extra_on_waitlist=True)
    delegation_people.confirm_invitation(named[0], shares_with_host=False, now=now)
    db.session.commit()
    (state,) = delegations.delegations_of(company)
    assert (state.invited, state.confirmed, state.waitlisted, state.named, state.unnamed) == (1, 1, 1, 2, 0)
    assert delegations.delegations_of(make_company()) == []


# --- The event moves, is cancelled, takes place after all ---------------------------------------------------

def move(event, by: timedelta, now) -> None:
    catalogue.save_event(event, replace(EventDetails.of(event), starts_at=event.starts_at + by,
                                        ends_at=event.ends_at + by), now=now)
    db.session.commit()


def test_a_moved_event_takes_the_cut_off_along_and_no_deadline_outlasts_the_start(
        make_event, grant, name_people, colleagues, now):
    event = make_event(capacity=10, starts_in=timedelta(days=10))
    delegation = grant(event, quota=2)
    assert delegation.changes_close_at == event.starts_at - timedelta(days=1)
    [invited] = name_people(delegation, colleagues(1))
    assert invited.confirm_by == now + timedelta(days=3)
    move(event, timedelta(days=7), now)
    db.session.expire_all()
    assert delegation.changes_close_at == event.starts_at - timedelta(days=1)
    move(event, -timedelta(days=15), now)  # now two days away: sooner than the person's deadline
    db.session.expire_all()
    assert event.starts_at == now + timedelta(days=2)
    assert delegation.changes_close_at == event.starts_at - timedelta(days=1)
    assert invited.confirm_by == event.starts_at


def test_seats_freed_while_the_event_was_cancelled_go_to_the_companys_waiting_list_on_reinstatement(
        make_event, grant, name_people, colleagues, now):
    event = make_event(capacity=10)
    delegation = grant(event, quota=1)
    first, second = name_people(delegation, colleagues(2), put_extra_on_waitlist=True)
    catalogue.cancel_event(event, reason_zh="暂停", reason_en="", now=now)
    db.session.commit()
    cancel_registration(first, now=now)  # nobody is promoted to a cancelled event
    db.session.commit()
    assert statuses([first, second]) == [CANCELLED, WAITLISTED]
    catalogue.reinstate_event(event, now=now)
    db.session.commit()
    assert statuses([first, second]) == [CANCELLED, INVITED]
    assert history_kinds(delegation)[-1] == DelegationChangeKind.PROMOTED
