"""Certificates of attendance: the attendee's printable page (from their manage link) and the public page that
verifies one (from the QR or address printed on it)."""
from flask import Blueprint, abort, render_template

from ..registration.services import find_by_token
from ..site import external_url
from .certificates import certificate_texts, find_certificate, has_certificate, verification_facts

blueprint = Blueprint("certificates", __name__)


@blueprint.get("/registrations/<token>/certificate")
def certificate(token: str):
    """Printable on A4 (the browser's print or save as PDF); only once the person has checked in."""
    registration = find_by_token(token)
    if registration is None or not has_certificate(registration):
        abort(404)
    verify_url = external_url("certificates.verify", code=registration.certificate_code)
    return render_template("checkin/certificate.html", registration=registration, event=registration.event,
                           texts=certificate_texts(registration), verify_url=verify_url)


@blueprint.get("/certificates/<code>")
def verify(code: str):
    registration = find_certificate(code) or abort(404)
    return render_template("checkin/certificate_verified.html", facts=verification_facts(registration))
