"""Attendee lists as tables for export (issue 12): an event's, a campaign's or a company's delegations' for
the organizers; an event's for its host company, which holds only the people who agreed to share their
details with it (SPEC 8, PIPL Art. 23) and only the fields they agreed to share; and its own delegations'
people for a company, with only what the company itself supplied about them."""
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..catalogue.models import Campaign, Event, Organization
from ..extensions import db
from ..phones import display_phone
from ..registration.labels import REGISTRATION_STATUS_LABELS
from ..registration.models import Delegation, Registration, RegistrationStatus
from ..registration.queries import shared_with_host
from ..timezones import utc_to_local
from .spreadsheets import Cell, Table

ERASED = "—"  # a row whose details were deleted still counts; it shows this instead of them

PERSON_HEADERS = (_l("Full name"), _l("E-mail"), _l("Mobile phone"), _l("Organization"), _l("Job title"))
ORGANIZER_HEADERS = ("#", *PERSON_HEADERS, _l("Company seats of"), _l("Status"), _l("Registered at"),
                     _l("Shares details with the host"))
EVENT_HEADERS = (_l("Event"), _l("Event date"))
# What a company typed when it named a colleague (delegation_people.add_person), and where they stand: the
# roster's own columns. Not the organization (its own name), nor anything the person gave the organizers
# alone (when they signed up, whether they share details with a host, their links).
DELEGATION_PERSON_HEADERS = (_l("Full name"), _l("E-mail"), _l("Mobile phone"), _l("Job title"), _l("Status"))


def event_table(event: Event) -> Table:
    """Every registration of the event, cancelled ones too, in sign-up order."""
    return Table(event.title, [str(header) for header in ORGANIZER_HEADERS],
                 [organizer_row(registration, event) for registration in registrations_of([event.id])])


def campaign_table(campaign: Campaign) -> Table:
    """Every registration of every event of the campaign, event by event in date order."""
    events = {event.id: event for event in campaign.events}
    return Table(campaign.name, [str(header) for header in (*EVENT_HEADERS, *ORGANIZER_HEADERS)],
                 [[*event_cells(events[registration.event_id]), *organizer_row(registration,
                                                                                events[registration.event_id])]
                  for registration in registrations_of(list(events))])


def company_table(organization: Organization, campaign: Campaign | None = None) -> Table:
    """Everyone the company named at any event (or the campaign's), cancelled ones too, event by event."""
    return Table(organization.name, [str(header) for header in (*EVENT_HEADERS, *ORGANIZER_HEADERS)],
                 [[*event_cells(registration.event), *organizer_row(registration, registration.event)]
                  for registration in delegation_people(organization, campaign)])


def own_delegation_table(organization: Organization) -> Table:
    """For the company: the people on its rosters (not those who left them), with what it gave about them."""
    on_rosters = [registration for registration in delegation_people(organization)
                  if registration.status != RegistrationStatus.CANCELLED]
    return Table(organization.name, [str(header) for header in (*EVENT_HEADERS, *DELEGATION_PERSON_HEADERS)],
                 [[*event_cells(registration.event), *delegation_person_cells(registration)]
                  for registration in on_rosters])


def host_table(event: Event) -> Table:
    """For the host company: the people who consented, with what they consented to share."""
    return Table(event.title, [str(header) for header in (*PERSON_HEADERS, _l("Status"))],
                 [[*person_cells(registration), str(REGISTRATION_STATUS_LABELS[registration.status])]
                  for registration in shared_with_host(event)])


def registrations_of(event_ids: Iterable[int]) -> list[Registration]:
    """One query, whatever the number of rows (with each delegation's company)."""
    ids = list(event_ids)
    if not ids:
        return []
    return list(db.session.scalars(
        select(Registration).where(Registration.event_id.in_(ids))
        .options(selectinload(Registration.delegation).selectinload(Delegation.organization))
        .order_by(Registration.event_id, Registration.id)))


def delegation_people(organization: Organization, campaign: Campaign | None = None) -> list[Registration]:
    """The people of the company's delegations, event by event in date order, in one query."""
    query = (select(Registration).join(Registration.delegation).join(Registration.event)
             .where(Delegation.organization_id == organization.id)
             .options(selectinload(Registration.event),
                      selectinload(Registration.delegation).selectinload(Delegation.organization))
             .order_by(Event.starts_at, Event.id, Registration.id))
    if campaign is not None:
        query = query.where(Event.campaign_id == campaign.id)
    return list(db.session.scalars(query))


def organizer_row(registration: Registration, event: Event) -> list[Cell]:
    company = registration.delegation.organization.name if registration.delegation else ""
    consent = str(_l("yes")) if registration.shares_with_host else str(_l("no"))
    return [registration.id, *person_cells(registration), company,
            str(REGISTRATION_STATUS_LABELS[registration.status]), local_moment(registration, event), consent]


def person_cells(registration: Registration) -> list[Cell]:
    if registration.is_erased:
        return [ERASED] * len(PERSON_HEADERS)
    return [registration.name, registration.email, display_phone(registration.phone), registration.organization,
            registration.job_title]


def delegation_person_cells(registration: Registration) -> list[Cell]:
    status = str(REGISTRATION_STATUS_LABELS[registration.status])
    if registration.is_erased:
        return [*[ERASED] * (len(DELEGATION_PERSON_HEADERS) - 1), status]
    return [registration.name, registration.email, display_phone(registration.phone), registration.job_title, status]


def event_cells(event: Event) -> list[Cell]:
    return [event.title, local_date(event)]


def local_moment(registration: Registration, event: Event) -> str:
    return utc_to_local(registration.created_at, event.timezone).strftime("%Y-%m-%d %H:%M")


def local_date(event: Event) -> str:
    return utc_to_local(event.starts_at, event.timezone).strftime("%Y-%m-%d")
