"""Certificates of attendance (参会证明, SPEC 4d): for a checked-in attendee only, written in Chinese and English
together, with a public address that anyone can open to see that it is genuine. That address shows the name,
the event, its host and date, and nothing else of the person."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select

from ..extensions import db
from ..i18n import format_local_date
from ..languages import LANGUAGES
from ..registration.models import Registration, RegistrationStatus, is_well_formed_token


def has_certificate(registration: Registration) -> bool:
    """Checked in, and not erased (erasure clears the certificate's address: it stops verifying)."""
    return (registration.status == RegistrationStatus.CHECKED_IN and registration.certificate_code is not None
            and not registration.is_erased)


def find_certificate(code: str) -> Registration | None:
    """The registration whose certificate has this public address; None for anything else."""
    if not is_well_formed_token(code):
        return None
    registration = db.session.scalar(select(Registration).where(Registration.certificate_code == code))
    return registration if registration is not None and has_certificate(registration) else None


@dataclass(frozen=True)
class CertificateText:
    """The certificate in one language."""

    lang: str
    heading: str
    statement: Markup  # the attendee's name and the event in <strong>
    campaign: str
    issued_by: str
    verify: str


def certificate_texts(registration: Registration) -> list[CertificateText]:
    """The certificate in Chinese, then in English: both are printed, whatever the reader's language."""
    texts = []
    for lang in LANGUAGES:
        with force_locale(lang):
            texts.append(_certificate_text(registration, lang))
    return texts


def _certificate_text(registration: Registration, lang: str) -> CertificateText:
    event = registration.event
    statement = escape(_("This is to certify that %(name)s attended %(event)s, hosted by %(host)s at %(venue)s "
                         "on %(date)s.")) % {
        "name": Markup("<strong>%s</strong>") % registration.name,
        "event": Markup("<strong>%s</strong>") % event.title,
        "host": event.host.name, "venue": event.venue.name,
        "date": format_local_date(event.starts_at, event.timezone, "long")}
    body = event.campaign.organizing_body
    return CertificateText(
        lang=lang, heading=_("Certificate of attendance"), statement=statement,
        campaign=_("An event of %(campaign)s", campaign=event.campaign.name),
        issued_by=_("Issued by %(body)s", body=body) if body else "",
        verify=_("Scan the QR code or open the address below to check that this certificate is genuine."))


def verification_facts(registration: Registration) -> dict[str, str]:
    """What the public verification page shows, in the reader's language: no e-mail, phone or organization."""
    event = registration.event
    return {"name": registration.name, "event": event.title, "host": event.host.name,
            "date": format_local_date(event.starts_at, event.timezone, "long")}
