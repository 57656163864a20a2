"""The people of a delegation (SPEC 4c): the lead contact names colleagues within the company's quota
(all or nothing), swaps or removes one; each person confirms or declines their own place; a place not
confirmed in time goes back to the company. Every decision holds the event's seat lock (seats.py);
services flush, the caller commits."""
from collections.abc import Sequence
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts.members import active_leads
from ..accounts.models import User
from ..catalogue.models import EventStatus
from ..errors import Conflict, NotAllowedInState, ValidationFailed
from ..extensions import db
from ..languages import pick_language
from ..mail.addresses import normalize_email
from ..mail.notices import Notice, queue_notice_to_each
from ..phones import normalize_phone
from ..site import external_url
from . import notifications
from .models import (
    ACTIVE,
    Delegation,
    DelegationChange,
    DelegationChangeKind,
    Registration,
    RegistrationStatus,
    record_change,
)
from .people import Person, Problem, problems_of
from .seats import free_in_quota, invitation_deadline, lock_event, release_place
from .services import cancel_registration, insert_registration, sequence_after_earlier_registrations


class RosterRejected(ValidationFailed):
    """Some people's details are wrong: `problems` says which, line by line. Nobody was added."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__(str(_l("Nobody was added: please correct these lines.")), "roster")
        self.problems = list(problems)


def check_can_change(delegation: Delegation, *, now: datetime) -> None:
    """Naming and swapping people: while the seats stand and until the delegation's cut-off."""
    event = delegation.event
    if not delegation.is_active:
        raise NotAllowedInState(_l("The organizers have withdrawn these seats."))
    if event.status != EventStatus.PUBLISHED:
        raise NotAllowedInState(_l("This event is not open for registration."))
    if now >= delegation.changes_close_at or now >= event.starts_at:
        raise NotAllowedInState(_l("Changes to this delegation closed on the cut-off the organizers set."))


def can_change(delegation: Delegation, *, now: datetime) -> bool:
    try:
        check_can_change(delegation, now=now)
    except NotAllowedInState:
        return False
    return True


def roster_problems(delegation: Delegation, roster: Sequence[Person]) -> list[Problem]:
    """Every wrong detail, every address twice in the roster, every address already registered."""
    event = delegation.event
    found = [problem for person in roster for problem in problems_of(
        person, phone_required=event.phone_required, job_title_required=event.job_title_required)]
    first_line: dict[str, int] = {}
    for person in roster:
        email = normalize_email(person.email)
        if email and email in first_line:
            found.append(Problem(person.line, "email", str(_l("%(email)s is already on line %(line)d.",
                                                               email=email, line=first_line[email]))))
        first_line.setdefault(email, person.line)
    # Only well-formed addresses are looked up: a malformed one (say with a NUL, which PostgreSQL
    # refuses outright) is reported above already.
    malformed = {problem.line for problem in found if problem.field == "email"}
    well_formed = [email for email, line in first_line.items() if email and line not in malformed]
    registered = set(db.session.scalars(select(Registration.email).where(
        Registration.event_id == event.id, Registration.status.in_(ACTIVE),
        Registration.email.in_(well_formed)))) if well_formed else set()
    found += [Problem(person.line, "email", str(_l("%(email)s is already registered for this event.",
                                                   email=normalize_email(person.email))))
              for person in roster if normalize_email(person.email) in registered]
    return sorted(found, key=lambda problem: problem.line)


def name_people(delegation: Delegation, roster: Sequence[Person], *, put_extra_on_waitlist: bool, language: str,
                actor: User | None, now: datetime) -> list[Registration]:
    """Register every person of the roster for the company, or nobody: each is invited to confirm within
    the delegation's days. More people than free seats are refused, unless `put_extra_on_waitlist`:
    then the rest go on the company's own waiting list, in roster order."""
    lock_event(delegation.event_id)
    db.session.refresh(delegation)
    check_can_change(delegation, now=now)
    if not roster:
        raise ValidationFailed(_l("Add at least one person."), "roster")
    problems = roster_problems(delegation, roster)
    if problems:
        raise RosterRejected(problems)
    free = free_in_quota(delegation)
    if len(roster) > free and not put_extra_on_waitlist:
        raise Conflict(_l("You named %(count)d people, but only %(free)d seats of your quota are free. Name fewer "
                          "people, or tick the box to put the others on your waiting list.",
                          count=len(roster), free=free), "roster")
    return [add_person(delegation, person, invited=index < free, language=language, actor=actor, now=now)
            for index, person in enumerate(roster)]


def add_person(delegation: Delegation, person: Person, *, invited: bool, language: str, actor: User | None,
               now: datetime, replacing: Registration | None = None) -> Registration:
    event, company = delegation.event, delegation.organization
    email = normalize_email(person.email)
    registration = Registration(
        event=event, delegation_id=delegation.id, email=email, name=person.name.strip(),
        phone=normalize_phone(person.phone) if person.phone else "", job_title=person.job_title.strip(),
        organization=pick_language(company.name_zh, company.name_en, language), language=language,
        status=RegistrationStatus.INVITED if invited else RegistrationStatus.WAITLISTED,
        confirm_by=invitation_deadline(delegation, now=now) if invited else None,
        waitlisted_at=None if invited else now,
        sequence=sequence_after_earlier_registrations(event, email))
    insert_registration(registration)
    if replacing is not None:
        kind = DelegationChangeKind.SWAPPED
    else:
        kind = DelegationChangeKind.NAMED if invited else DelegationChangeKind.NAMED_TO_WAITLIST
    record_change(delegation, kind, at=now, actor=actor, registration=registration, replaced=replacing)
    notifications.notify(registration, "invited" if invited else "company_waitlisted", now=now)
    return registration


def swap(registration: Registration, replacement: Person, *, language: str, actor: User | None,
         now: datetime) -> Registration:
    """换人: a colleague takes the person's seat and is invited to confirm it; the person's place is
    cancelled (their page says it went to a colleague) and they are told. Until the cut-off, never
    after check-in. Returns the colleague's registration."""
    lock_event(registration.event_id)
    db.session.refresh(registration)
    delegation = registration.delegation
    if delegation is None:
        raise NotAllowedInState(_l("This is not a place of your company."))
    check_can_change(delegation, now=now)
    if registration.status == RegistrationStatus.CHECKED_IN:
        raise NotAllowedInState(_l("This person has checked in: their place can no longer go to someone else."))
    if registration.status not in (RegistrationStatus.INVITED, RegistrationStatus.CONFIRMED):
        raise NotAllowedInState(_l("Only a person holding a seat can be swapped."))
    problems = roster_problems(delegation, [replacement])
    if problems:
        raise RosterRejected(problems)
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.sequence += 1
    db.session.flush()
    notifications.notify(registration, "handed_over", now=now)
    return add_person(delegation, replacement, invited=True, language=language, actor=actor, now=now,
                      replacing=registration)


def handed_over_to(registration: Registration) -> DelegationChange | None:
    """The swap that gave this person's place to a colleague, if any (their page says so)."""
    return db.session.scalar(select(DelegationChange).where(
        DelegationChange.replaced_registration_id == registration.id,
        DelegationChange.kind == DelegationChangeKind.SWAPPED))


def remove_person(registration: Registration, *, actor: User | None, now: datetime) -> Registration:
    """The lead contact cancels a colleague's place (or their spot on the waiting list): the seat goes
    back to the company's pool, and the person is told."""
    return cancel_registration(registration, now=now, actor=actor, mail="removed_by_company")


def resend_invitation(registration: Registration, *, actor: User | None, now: datetime) -> None:
    """The invitation again (at most one per 10 minutes: the mail's dedup key)."""
    if registration.status != RegistrationStatus.INVITED or registration.delegation is None:
        raise NotAllowedInState(_l("Only an invitation not yet confirmed can be sent again."))
    notifications.notify(registration, "invited", now=now)
    record_change(registration.delegation, DelegationChangeKind.INVITATION_RESENT, at=now, actor=actor,
                  registration=registration)
    db.session.flush()


def check_can_confirm(registration: Registration, *, now: datetime) -> None:
    if registration.status != RegistrationStatus.INVITED:
        raise NotAllowedInState(_l("This invitation is no longer open."))
    if registration.confirm_by is None or now >= registration.confirm_by or now >= registration.event.starts_at:
        raise NotAllowedInState(_l("The deadline to confirm has passed: the seat went back to your company."))


def can_confirm(registration: Registration, *, now: datetime) -> bool:
    try:
        check_can_confirm(registration, now=now)
    except NotAllowedInState:
        return False
    return True


def confirm_invitation(registration: Registration, *, shares_with_host: bool, now: datetime) -> Registration:
    """The person confirms the place their company named them for (their consent given on their page)."""
    lock_event(registration.event_id)
    db.session.refresh(registration)
    check_can_confirm(registration, now=now)
    registration.status = RegistrationStatus.CONFIRMED
    registration.promoted_at = registration.seated_at = now
    registration.sequence += 1  # TENTATIVE becomes CONFIRMED in their calendar
    registration.shares_with_host = shares_with_host
    registration.shares_with_host_at = now if shares_with_host else None
    db.session.flush()
    if registration.delegation is not None:
        record_change(registration.delegation, DelegationChangeKind.CONFIRMED, at=now, registration=registration)
    notifications.notify(registration, "confirmed", now=now)
    return registration


def decline_invitation(registration: Registration, *, now: datetime) -> Registration:
    """The person says no: the seat goes back to the company's pool (its waiting list first)."""
    lock_event(registration.event_id)
    db.session.refresh(registration)
    if registration.status != RegistrationStatus.INVITED:
        raise NotAllowedInState(_l("This invitation is no longer open."))
    release_place(registration, now=now, mail="declined", change=DelegationChangeKind.DECLINED)
    return registration


def expire_unconfirmed(*, now: datetime) -> int:
    """Invitations past their deadline are cancelled: the person is told, the lead contacts too, and the
    seat goes back to the company's pool. Runs before each mail-worker pass (cheap when none is due)."""
    due = list(db.session.scalars(select(Registration).where(
        Registration.status == RegistrationStatus.INVITED, Registration.confirm_by <= now)
        .order_by(Registration.event_id, Registration.id)))
    expired = 0
    for registration in due:
        lock_event(registration.event_id)
        db.session.refresh(registration)
        if registration.status != RegistrationStatus.INVITED or registration.delegation is None:
            continue  # confirmed or declined meanwhile
        release_place(registration, now=now, mail="invitation_expired", change=DelegationChangeKind.EXPIRED)
        tell_leads_expired(registration, now=now)
        expired += 1
    return expired


def tell_leads_expired(registration: Registration, *, now: datetime) -> None:
    delegation = registration.delegation
    assert delegation is not None

    def compose() -> Notice:
        return Notice(
            subject=str(_l("Not confirmed in time: %(title)s", title=registration.event.title)),
            paragraphs=[str(_l("%(name)s did not confirm their place by the deadline, so the seat went back to "
                               "your company's pool.", name=registration.name)), registration.event.title],
            action_label=str(_l("Open your delegation")),
            action_url=external_url("company_delegations.roster", delegation_id=delegation.id))

    queue_notice_to_each(active_leads(delegation.organization), compose=compose,
                         dedup_key=f"registration-{registration.id}-expired", now=now)
