"""Business rules of the call for hosts: organizers open a call per campaign; a verified company's
lead contact applies, edits or withdraws until the application is reviewed; organizers comment
internally, accept it (a draft event, made by the catalogue's own services) or decline it.

Services take typed inputs (details.py) and the time; they flush, and the caller commits once."""
from dataclasses import replace
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..catalogue import services as catalogue
from ..catalogue.details import EventDetails, VenueDetails, copy_columns
from ..catalogue.models import Campaign, Event, Organization, Venue
from ..errors import Conflict, NotAllowedInState, ValidationFailed
from ..extensions import db
from ..i18n import format_local_moment
from ..languages import supported_language
from ..mail.addresses import normalize_email
from ..phones import InvalidPhone, normalize_phone
from . import queries
from .details import ApplicationDetails, CallDetails
from .models import ApplicationComment, ApplicationStatus, HostApplication, HostCall
from .notices import Step, tell_company, tell_organizers

APPLICATION_LINES = ("theme_zh", "theme_en", "site_name", "site_address", "site_district", "site_city",
                     "contact_name")


# --- Rules, shared by forms (early, friendly messages) and services (the final word) ---------

def check_call(details: CallDetails, *, call: HostCall | None, now: datetime) -> None:
    if not details.text_zh.strip() and not details.text_en.strip():
        raise ValidationFailed(_l("Fill in at least one language."), "text_zh")
    catalogue.check_timezone(details.timezone)
    catalogue.check_supported_year(details.deadline, "deadline")
    if details.deadline <= now and (call is None or details.deadline != call.deadline):
        raise ValidationFailed(_l("The deadline must be in the future. To stop applications now, close the call."),
                               "deadline")


def check_accepting(call: HostCall, *, now: datetime) -> None:
    """Applications are made and changed only while the call is open."""
    if not call.is_open(now):
        moment = call.closed_at if call.closed_at is not None and call.closed_at < call.deadline else call.deadline
        raise NotAllowedInState(_l("This call for hosts closed on %(moment)s: applications can no longer be "
                                   "submitted or changed.", moment=format_local_moment(moment, call.timezone)))


def check_application(details: ApplicationDetails) -> ApplicationDetails:
    """The details as stored (text stripped, phone in E.164, address normalized), or ValidationFailed
    naming the field at fault."""
    details = replace(details, **{name: getattr(details, name).strip() for name in (*APPLICATION_LINES, "sharing")})
    if not details.theme_zh and not details.theme_en:
        raise ValidationFailed(_l("Fill in at least one language."), "theme_zh")
    catalogue.check_single_lines(details, APPLICATION_LINES)
    if not details.sharing:
        raise ValidationFailed(_l("Say what your company will share with the visitors."), "sharing")
    catalogue.check_timezone(details.timezone)
    for field in ("starts_at", "ends_at"):
        catalogue.check_supported_year(getattr(details, field), field)
    catalogue.check_time_span(details.starts_at, details.ends_at)
    if details.expected_capacity < 1:
        raise ValidationFailed(_l("Capacity must be at least 1."), "expected_capacity")
    check_site(details)
    return check_contact(details)


def check_site(details: ApplicationDetails) -> None:
    if details.venue_id is not None:
        if db.session.get(Venue, details.venue_id) is None:
            raise ValidationFailed(_l("Choose a venue from the list."), "venue_id")
        return
    for field in ("site_name", "site_address"):
        if not getattr(details, field).strip():
            raise ValidationFailed(_l("Give the new site's name and address."), field)


def check_contact(details: ApplicationDetails) -> ApplicationDetails:
    if not details.contact_name:
        raise ValidationFailed(_l("Please enter the contact person's name."), "contact_name")
    try:
        phone = normalize_phone(details.contact_phone)
    except InvalidPhone as error:
        raise ValidationFailed(_l("Please enter an 11-digit mobile number (e.g. 138 0013 8000), or a number from "
                                  "abroad starting with + and the country code."), "contact_phone") from error
    email = normalize_email(details.contact_email)
    if "@" not in email.strip("@") or any(c.isspace() for c in email):
        raise ValidationFailed(_l("This e-mail address looks incomplete: please check it (e.g. name@example.com)."),
                               "contact_email")
    return replace(details, contact_phone=phone, contact_email=email)


def check_can_change(application: HostApplication, *, now: datetime) -> None:
    """The company edits its application until the organizers review it, and while the call is open."""
    check_under_review(application)
    check_accepting(application.call, now=now)


def lock_application(application: HostApplication) -> HostApplication:
    """Take the application's row lock until the transaction ends, and read it afresh: an organizer's
    review and the company's withdrawal or edit happen one after the other, each seeing the other's end.

    PostgreSQL: SELECT ... FOR UPDATE. SQLite has no row locks: a write takes its database lock first."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(HostApplication).where(HostApplication.id == application.id)
                           .values(status=HostApplication.status).execution_options(synchronize_session=False))
    return db.session.scalars(select(HostApplication).where(HostApplication.id == application.id)
                              .with_for_update().execution_options(populate_existing=True)).one()


def check_under_review(application: HostApplication) -> None:
    if application.status == ApplicationStatus.WITHDRAWN:
        raise NotAllowedInState(_l("This application was withdrawn."))
    if application.status != ApplicationStatus.SUBMITTED:
        raise NotAllowedInState(_l("The organizers have already reviewed this application."))


def check_no_open_application(call: HostCall, organization: Organization) -> None:
    if queries.open_application(call, organization) is not None:
        raise Conflict(_l("Your company already has an application to this call waiting for review: edit that one "
                          "instead, or withdraw it first."))


# --- Organizers: the call ---------------------------------------------------------------------

def save_call(campaign: Campaign, details: CallDetails, *, now: datetime) -> HostCall:
    """Open the campaign's call for hosts, or change the text and deadline of the one it has."""
    call = queries.call_of(campaign)
    check_call(details, call=call, now=now)
    if call is None:
        call = HostCall(campaign=campaign, opened_at=now)
    copy_columns(replace(details, text_zh=details.text_zh.strip(), text_en=details.text_en.strip()), call)
    try:
        with db.session.begin_nested():  # two organizers opening the same campaign's call at once
            db.session.add(call)
    except IntegrityError as error:
        raise Conflict(_l("This campaign already has a call for hosts: reload the page to edit it.")) from error
    return call


def close_call(call: HostCall, *, now: datetime) -> HostCall:
    if not call.is_open(now):
        raise NotAllowedInState(_l("This call for hosts is already closed."))
    call.closed_at = now
    db.session.flush()
    return call


def reopen_call(call: HostCall, *, now: datetime) -> HostCall:
    """Undo closing early; a call past its deadline needs a later deadline instead."""
    if call.closed_at is None:
        raise NotAllowedInState(_l("This call for hosts is not closed."))
    if now >= call.deadline:
        raise NotAllowedInState(_l("The deadline has passed: set a later deadline to take applications again."))
    call.closed_at = None
    db.session.flush()
    return call


# --- Companies: their applications ----------------------------------------------------------

def submit_application(call: HostCall, organization: Organization, details: ApplicationDetails, *,
                       submitted_by: User, language: str, now: datetime) -> HostApplication:
    """A verified company's application. Raises NotAllowedInState (call closed, company not verified),
    Conflict (one waiting for review already), ValidationFailed."""
    check_accepting(call, now=now)
    if not organization.is_verified:
        raise NotAllowedInState(_l("The organizers have not verified your organization yet."))
    check_no_open_application(call, organization)
    details = check_application(details)
    try:
        with db.session.begin_nested():  # the partial unique index settles a double submission
            application = HostApplication(call=call, organization=organization, submitted_by=submitted_by,
                                          language=supported_language(language),
                                          status=ApplicationStatus.SUBMITTED, submitted_at=now)
            copy_columns(details, application)
            db.session.add(application)
    except IntegrityError as error:
        raise Conflict(_l("Your company already has an application to this call waiting for review.")) from error
    tell_company(application, Step.RECEIVED, now=now)
    tell_organizers(application, now=now)
    return application


def update_application(application: HostApplication, details: ApplicationDetails, *,
                       now: datetime) -> HostApplication:
    lock_application(application)
    check_can_change(application, now=now)
    copy_columns(check_application(details), application)
    db.session.flush()
    return application


def withdraw_application(application: HostApplication, *, now: datetime) -> HostApplication:
    """Possible until the organizers review it, also after the deadline."""
    lock_application(application)
    check_under_review(application)
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = now
    db.session.flush()
    tell_company(application, Step.WITHDRAWN, now=now)
    return application


# --- Organizers: the review -----------------------------------------------------------------

def add_comment(application: HostApplication, *, author: User, text: str, now: datetime) -> ApplicationComment:
    """An internal note for the other organizers; the company never sees it."""
    if not text.strip():
        raise ValidationFailed(_l("Write a comment first."), "text")
    comment = ApplicationComment(application=application, author=author, text=text.strip(), created_at=now)
    db.session.add(comment)
    db.session.flush()
    return comment


def accept_application(application: HostApplication, *, reviewer: User, now: datetime) -> Event:
    """A draft event in the campaign, hosted by the company and filled in from the application; at a
    new venue made from its address when it proposed a new site. Every catalogue rule applies."""
    lock_application(application)
    check_under_review(application)
    venue = application.venue or catalogue.save_venue(Venue(), venue_details(application), now=now)
    event = catalogue.save_event(Event(), event_details(application, venue), now=now)
    application.status = ApplicationStatus.ACCEPTED
    application.event = event
    review(application, reviewer, now=now)
    tell_company(application, Step.ACCEPTED, now=now)
    return event


def decline_application(application: HostApplication, *, reviewer: User, reason: str, now: datetime) -> None:
    lock_application(application)
    check_under_review(application)
    if not reason.strip():
        raise ValidationFailed(_l("Tell the company why, in a few words."), "reason")
    application.status = ApplicationStatus.DECLINED
    application.decline_reason = reason.strip()
    review(application, reviewer, now=now)
    tell_company(application, Step.DECLINED, now=now)


def review(application: HostApplication, reviewer: User, *, now: datetime) -> None:
    application.reviewed_at = now
    application.reviewed_by = reviewer
    db.session.flush()


def venue_details(application: HostApplication) -> VenueDetails:
    """The new site, in the language the company wrote it in (the other falls back to it)."""
    name, address, district, city = (written_in(application.language, text) for text in (
        application.site_name, application.site_address, application.site_district, application.site_city))
    return VenueDetails(name_zh=name[0], name_en=name[1], address_zh=address[0], address_en=address[1],
                        district_zh=district[0], district_en=district[1], city_zh=city[0], city_en=city[1],
                        timezone=application.timezone)


def event_details(application: HostApplication, venue: Venue) -> EventDetails:
    description_zh, description_en = written_in(application.language, application.sharing)
    return EventDetails(
        campaign_id=application.call.campaign_id, host_id=application.organization_id, venue_id=venue.id,
        starts_at=application.starts_at, ends_at=application.ends_at, timezone=application.timezone,
        capacity=application.expected_capacity, title_zh=application.theme_zh, title_en=application.theme_en,
        description_zh=description_zh, description_en=description_en)


def written_in(language: str, text: str) -> tuple[str, str]:
    """(Chinese, English) of a text written in one language."""
    return (text, "") if language == "zh" else ("", text)
