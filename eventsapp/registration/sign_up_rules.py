"""What a person may type into the sign-up (SPEC 3, 8): one function per field, each raising Refused with
the message the person reads. The web form (forms.SignUpForm, through `form_rule`) and the JSON API
(api/schemas.py) call the same functions, so the two never disagree on what is valid. Pure: no request,
no database.

Values arrive stripped of surrounding spaces (the form's filter, the API's schema).
"""
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from ..catalogue.models import Event
from ..errors import Refused
from ..phones import InvalidPhone, normalize_phone
from ..text import has_control_character
from .people import LINK_PATTERN, PHONE_MESSAGE, is_valid_email

NAME_LENGTH = 100
EMAIL_LENGTH = 254
ORGANIZATION_LENGTH = 200
JOB_TITLE_LENGTH = 150


def check_one_line(value: str) -> None:
    """Names and titles end up in e-mail subjects and calendar names: no line breaks, tabs or NULs; and
    only text a database can store (a JSON body may carry a lone surrogate, "\\ud800", which is no UTF-8)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise Refused(_l("This text contains characters that are not allowed.")) from error
    if has_control_character(value):
        raise Refused(_l("This text contains characters that are not allowed."))


def check_length(value: str, limit: int) -> None:
    if len(value) > limit:
        raise Refused(_l("Please shorten this to %(max)d characters or fewer.", max=limit))


def check_name(name: str) -> None:
    """The name is the one free text every sign-up mail carries: it must not carry a link."""
    if not name:
        raise Refused(_l("Please enter your name."))
    check_one_line(name)
    check_length(name, NAME_LENGTH)
    if LINK_PATTERN.search(name):
        raise Refused(_l("Enter your name only, without a web or e-mail address."))


def check_email(email: str) -> None:
    if not email:
        raise Refused(_l("Please enter your e-mail address."))
    check_one_line(email)
    check_length(email, EMAIL_LENGTH)
    if not is_valid_email(email):
        raise Refused(_l("This e-mail address looks incomplete: please check it (e.g. name@example.com)."))


def check_phone(phone: str) -> None:
    """Empty is for check_required to judge; anything typed must be a mobile number."""
    if not phone:
        return
    check_one_line(phone)
    try:
        normalize_phone(phone)
    except InvalidPhone as error:
        raise Refused(PHONE_MESSAGE) from error


def check_organization(organization: str) -> None:
    check_one_line(organization)
    check_length(organization, ORGANIZATION_LENGTH)


def check_job_title(job_title: str) -> None:
    check_one_line(job_title)
    check_length(job_title, JOB_TITLE_LENGTH)


def check_consent(consent: bool) -> None:
    """PIPL Art. 14: the organizers may use the details only with the person's own, explicit consent."""
    if consent is not True:
        raise Refused(_l("Please agree so that we can register you."))


# The fields an organizer may make optional per event, with the event's flag and the message when missing.
OPTIONAL_PER_EVENT: dict[str, tuple[str, LazyString]] = {
    "phone": ("phone_required", _l("Please enter your mobile number.")),
    "organization": ("organization_required", _l("Please enter your organization.")),
    "job_title": ("job_title_required", _l("Please enter your job title.")),
}


def required_fields(event: Event) -> list[str]:
    """Of phone, organization and job title, those this event asks for."""
    return [field for field, (flag, _message) in OPTIONAL_PER_EVENT.items() if getattr(event, flag)]


def check_required(event: Event, field: str, value: str) -> None:
    flag, message = OPTIONAL_PER_EVENT[field]
    if getattr(event, flag) and not value:
        raise Refused(message)

