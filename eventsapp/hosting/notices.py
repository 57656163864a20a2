"""The e-mails of the call for hosts: the company hears of each step of its application (received,
withdrawn, accepted, declined), the organizers of each new one. Queued in the caller's transaction.

A company's mail goes to its lead contacts, each in their own language, and to
the application's contact address when that is not a lead's, in the application's language."""
from datetime import datetime
from enum import StrEnum
from functools import partial

from flask_babel import lazy_gettext as _l

from ..accounts.members import active_leads
from ..i18n import format_local_span
from ..mail.addresses import normalize_email
from ..mail.notices import Notice, queue_notice
from ..site import external_url
from . import queries
from .models import HostApplication


class Step(StrEnum):
    RECEIVED = "received"
    WITHDRAWN = "withdrawn"
    ACCEPTED = "accepted"
    DECLINED = "declined"


def company_readers(application: HostApplication) -> list[tuple[str, str]]:
    """(address, language) of everyone told of this application's steps, each address once."""
    readers = {lead.email: lead.language for lead in active_leads(application.organization)}
    contact = normalize_email(application.contact_email)
    if contact and contact not in readers:
        readers[contact] = application.language
    return list(readers.items())


def tell_company(application: HostApplication, step: Step, *, now: datetime) -> None:
    compose = partial(COMPOSERS[step], application)
    for address, language in company_readers(application):
        queue_notice(recipient=address, language=language, compose=compose,
                     dedup_key=f"application-{application.id}-{step}-{address}", now=now)


def tell_organizers(application: HostApplication, *, now: datetime) -> None:
    """Every organizer hears of a new application, with a link to review it."""
    compose = partial(new_application, application)
    for organizer in queries.active_organizers():
        queue_notice(recipient=organizer.email, language=organizer.language,
                     compose=compose, dedup_key=f"application-{application.id}-new-{organizer.id}", now=now)


def facts(application: HostApplication) -> dict[str, str]:
    """What the messages name, read in the reader's language (compose runs under it)."""
    return {"theme": application.theme, "company": application.organization.name,
            "campaign": application.call.campaign.name}


def application_url(application: HostApplication) -> str:
    return external_url("company_hosting.application", application_id=application.id)


def received(application: HostApplication) -> Notice:
    dates = format_local_span(application.starts_at, application.ends_at, application.timezone)
    return Notice(
        subject=_l("Application received: %(theme)s", **facts(application)),
        paragraphs=[_l("We have received the application of %(company)s to host an event in %(campaign)s: "
                       "“%(theme)s”.", **facts(application)),
                    _l("Proposed dates: %(dates)s.", dates=dates),
                    _l("The organizers will review it and write to you. Until then, your lead contacts can edit "
                       "or withdraw it.")],
        action_label=_l("View the application"), action_url=application_url(application))


def withdrawn(application: HostApplication) -> Notice:
    return Notice(
        subject=_l("Application withdrawn: %(theme)s", **facts(application)),
        paragraphs=[_l("The application of %(company)s to host an event in %(campaign)s (“%(theme)s”) has been "
                       "withdrawn. The organizers will not review it.", **facts(application))],
        action_label=_l("View the application"), action_url=application_url(application))


def accepted(application: HostApplication) -> Notice:
    return Notice(
        subject=_l("Application accepted: %(theme)s", **facts(application)),
        paragraphs=[_l("Good news: the organizers accepted the application of %(company)s to host an event in "
                       "%(campaign)s (“%(theme)s”).", **facts(application)),
                    _l("They have prepared the event as a draft and will contact you to settle the details "
                       "before it is published.")],
        action_label=_l("Go to your company page"), action_url=external_url("company.dashboard"))


def declined(application: HostApplication) -> Notice:
    return Notice(
        subject=_l("Application declined: %(theme)s", **facts(application)),
        paragraphs=[_l("The organizers declined the application of %(company)s to host an event in %(campaign)s "
                       "(“%(theme)s”).", **facts(application)),
                    _l("Their reason: %(reason)s", reason=application.decline_reason)],
        action_label=_l("View the application"), action_url=application_url(application))


def new_application(application: HostApplication) -> Notice:
    return Notice(
        subject=_l("New application to host: %(company)s", **facts(application)),
        paragraphs=[_l("%(company)s applied to host an event in %(campaign)s: “%(theme)s”.", **facts(application))],
        action_label=_l("Review the application"),
        action_url=external_url("manage_hosting.application", application_id=application.id))


COMPOSERS = {Step.RECEIVED: received, Step.WITHDRAWN: withdrawn, Step.ACCEPTED: accepted, Step.DECLINED: declined}
