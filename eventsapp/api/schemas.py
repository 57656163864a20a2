"""What the API takes and gives (SPEC 5), as marshmallow schemas: APIFlask validates requests with them and
writes the OpenAPI document (/api/v1/openapi.json) from them, so the document is the code.

The sign-up body's rules are registration/sign_up_rules.py's, the functions the web form calls too.
Field names that partners rely on (SPEC 5) never change within v1; new fields may be added.
"""
from apiflask import Schema
from apiflask.fields import Boolean, DateTime, Float, Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Range
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, ValidationError, pre_load

from ..catalogue.services import FIRST_YEAR, LAST_YEAR
from ..errors import Refused
from ..languages import LANGUAGES
from ..registration import sign_up_rules as rules

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 50
# marshmallow's own messages are English: each field says what to send, in the request's language.
REQUIRED = _l("This field is required.")
NOT_TEXT = _l("Please send this as text.")
NOT_A_NUMBER = _l("Please send a whole number.")
NOT_AN_INSTANT = _l("Please send a date or an instant in ISO 8601, e.g. 2026-12-01 or 2026-12-01T09:00:00+08:00.")


def rule(check):
    """A marshmallow validator that runs a plain rule function of the domain (raising Refused)."""

    def validate(value) -> None:
        try:
            check(value)
        except Refused as refusal:
            raise ValidationError(str(refusal.message)) from refusal

    return validate


def check_language(value: str) -> None:
    """zh or en, in any case and with spaces around, as the pages take ?lang= (web/locale.py)."""
    if value.strip().lower() not in LANGUAGES:
        raise Refused(_l("Please choose zh or en."))


def check_supported_year(moment) -> None:
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise Refused(_l("Choose a date between the years %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR))


def text(check, *, max_length: int, required_message=None, **kwargs) -> String:
    """A text field checked by `check`, documented with its length."""
    messages = {"required": required_message or REQUIRED, "null": NOT_TEXT, "invalid": NOT_TEXT,
                "invalid_utf8": NOT_TEXT}
    metadata = {"maxLength": max_length, **kwargs.pop("metadata", {})}
    return String(validate=rule(check), error_messages=messages, metadata=metadata, **kwargs)


def number(*, low: int, high: int, **kwargs) -> Integer:
    return Integer(validate=Range(min=low, max=high, error=_l("Please send a number from {min} to {max}.")),
                   error_messages={"invalid": NOT_A_NUMBER, "null": NOT_A_NUMBER, "too_large": NOT_A_NUMBER},
                   **kwargs)


def instant(**kwargs) -> DateTime:
    messages = {"invalid": NOT_AN_INSTANT, "null": NOT_AN_INSTANT}
    return DateTime(validate=rule(check_supported_year), error_messages=messages, **kwargs)


LANG = String(validate=rule(check_language), error_messages={"invalid": NOT_TEXT}, metadata={
    "description": "The language of every bilingual field (and of messages): zh or en. Without it: the "
                   "Accept-Language header, else zh. A text missing in that language comes in the other one.",
    "enum": list(LANGUAGES)})


# The OpenAPI schema of every error answer (APIFlask's HTTP_ERROR_SCHEMA and VALIDATION_ERROR_SCHEMA).
API_ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message", "errors"],
    "properties": {
        "code": {"type": "string", "description": "For programs, e.g. invalid, already_registered, full, not_open, "
                                                  "closed, not_found, rate_limited, idempotency_key_reused."},
        "message": {"type": "string", "description": "For people, in the request's language."},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}


class LanguageQuery(Schema):
    lang = LANG


class CampaignRef(Schema):
    slug = String(required=True)
    name = String(required=True)


class Reference(Schema):
    id = Integer(required=True)
    name = String(required=True)


class VenueOut(Reference):
    address = String(required=True)
    district = String(required=True)
    city = String(required=True)
    latitude = Float(allow_none=True, required=True)
    longitude = Float(allow_none=True, required=True)


class RegistrationWindowOut(Schema):
    state = String(required=True, validate=OneOf(["open", "not_yet_open", "closed", "cancelled"]), metadata={
        "description": "Whether sign-ups are taken now: open, not_yet_open (opens_at is ahead), closed (the "
                       "window ended or the event started) or cancelled."})
    opens_at = DateTime(allow_none=True, required=True)
    closes_at = DateTime(required=True)
    required_fields = List(String(validate=OneOf(list(rules.OPTIONAL_PER_EVENT))), required=True, metadata={
        "description": "Of phone, organization and job_title, those this event requires (name and e-mail "
                       "always are)."})
    waitlist_enabled = Boolean(required=True)
    privacy_url = String(required=True, metadata={
        "description": "The privacy notice (who collects, why, what, how long, how to ask for deletion): show it, "
                       "or link it, where the person gives `consent` (PIPL Art. 14, 17)."})


class EventOut(Schema):
    id = Integer(required=True)
    uid = String(required=True, metadata={"description": "The event's iCalendar UID, as in every feed."})
    title = String(required=True)
    description = String(required=True)
    status = String(required=True, validate=OneOf(["published", "cancelled"]))
    cancellation_reason = String(allow_none=True, required=True)
    starts_at = DateTime(required=True, metadata={"description": "ISO 8601 with the venue's UTC offset."})
    ends_at = DateTime(required=True)
    timezone = String(required=True, metadata={"description": "IANA name, e.g. Asia/Shanghai."})
    campaign = Nested(CampaignRef, required=True)
    venue = Nested(VenueOut, required=True)
    host = Nested(Reference, required=True)
    co_hosts = List(Nested(Reference), required=True)
    capacity = Integer(required=True)
    seats_left = Integer(required=True)
    waitlist_length = Integer(required=True)
    registration = Nested(RegistrationWindowOut, required=True)
    url = String(required=True, metadata={"description": "The event's page."})
    ics_url = String(required=True, metadata={"description": "The event's calendar file (.ics)."})
    registrations_url = String(required=True, metadata={"description": "Where to POST a sign-up."})
    updated_at = DateTime(required=True)


class SpeakerOut(Schema):
    name = String(required=True)
    job_title = String(required=True)
    organization = String(required=True)


class SessionOut(Schema):
    id = Integer(required=True)
    title = String(required=True)
    abstract = String(required=True)
    starts_at = DateTime(required=True)
    ends_at = DateTime(required=True)
    room = String(allow_none=True, required=True)
    speakers = List(Nested(SpeakerOut), required=True)


class EventDetailOut(EventOut):
    sessions = List(Nested(SessionOut), required=True)


class EventPage(Schema):
    items = List(Nested(EventOut), required=True)
    next = String(allow_none=True, required=True, metadata={"description": "The next page, or null."})


class PageQuery(Schema):
    """A list's page: `page` from 1, at most MAX_PER_PAGE items, in `lang`."""

    page = number(low=1, high=100_000, load_default=1)
    per_page = number(low=1, high=MAX_PER_PAGE, load_default=DEFAULT_PER_PAGE)
    lang = LANG


class EventQuery(PageQuery):
    campaign = String(validate=Length(max=80, error=_l("Please shorten this to {max} characters or fewer.")),
                      error_messages={"invalid": NOT_TEXT}, metadata={"description": "A campaign's slug."})
    venue = number(low=1, high=2**31 - 1)
    host = number(low=1, high=2**31 - 1, metadata={"description": "A host or co-host's id."})
    starts_from = instant(data_key="from", metadata={
        "description": "Events that end at or after this instant (ISO 8601, e.g. 2026-12-01T00:00:00+08:00; "
                       "without an offset, in the site's time zone, Asia/Shanghai by default). Without it: "
                       "what the calendar feeds show, from 30 days back on."})
    to = instant(metadata={"description": "Events that start before this instant."})


class CampaignOut(Schema):
    slug = String(required=True)
    name = String(required=True)
    year = Integer(required=True)
    description = String(required=True)
    organizing_body = String(required=True)
    url = String(required=True)
    ics_url = String(required=True)
    events_url = String(required=True, metadata={"description": "The campaign's events in this API."})


class CampaignPage(Schema):
    items = List(Nested(CampaignOut), required=True)
    next = String(allow_none=True, required=True)


class CampaignQuery(PageQuery):
    """Every campaign, a page at a time."""


def strict_boolean(*, required_message=None, **kwargs) -> Boolean:
    """JSON true or false only: "false" (a string) must not count as a yes to a consent."""
    messages = {"invalid": _l("Please send true or false."), "null": _l("Please send true or false."),
                "required": required_message or REQUIRED}
    return Boolean(truthy={True}, falsy={False}, error_messages=messages, **kwargs)


class RegistrationIn(Schema):
    """The sign-up form's fields, with the same rules; phone, organization and job_title may be optional
    per event (the event's `registration.required_fields`), which the route checks with the event."""

    class Meta:
        unknown = EXCLUDE  # a partner's extra field is ignored, never fatal

    name = text(rules.check_name, max_length=rules.NAME_LENGTH, required=True,
                required_message=_l("Please enter your name."), metadata={"example": "张伟"})
    email = text(rules.check_email, max_length=rules.EMAIL_LENGTH, required=True,
                 required_message=_l("Please enter your e-mail address."),
                 metadata={"example": "zhang.wei@example.com"})
    phone = text(rules.check_phone, max_length=32, load_default="", metadata={
        "description": "A mainland mobile number (11 digits) or + country code and number.",
        "example": "138 0013 8000"})
    organization = text(rules.check_organization, max_length=rules.ORGANIZATION_LENGTH, load_default="")
    job_title = text(rules.check_job_title, max_length=rules.JOB_TITLE_LENGTH, load_default="")
    consent = strict_boolean(required=True, validate=rule(rules.check_consent),
                             required_message=_l("Please agree so that we can register you."), metadata={
        "description": "The person agrees that the organizers use these details to run this event and contact "
                       "them about it (the privacy notice of the sign-up page, PIPL Art. 14). Must be true: "
                       "show the person the notice and ask, never send true on their behalf."})
    shares_with_host = strict_boolean(load_default=False, metadata={
        "description": "The person's separate, optional consent to share their name, organization, job title "
                       "and contact details with the host company (PIPL Art. 23). Unticked by default."})
    language = String(validate=rule(check_language), error_messages={"invalid": NOT_TEXT}, metadata={
        "description": "The language of the person's e-mails (zh or en); without it, the request's language.",
        "enum": list(LANGUAGES)})

    @pre_load
    def strip_text(self, data, **kwargs):
        """Spaces around a value (copy-paste) never make it wrong, as in the form."""
        if isinstance(data, dict):
            return {key: value.strip() if isinstance(value, str) else value for key, value in data.items()}
        return data


class RegistrationOut(Schema):
    status = String(required=True, validate=OneOf(["confirmed", "waitlisted", "cancelled", "checked_in", "invited"]))
    token = String(required=True, metadata={
        "description": "The registration's secret: keep it for the person; it opens url, cancels, and is "
                       "shown nowhere else."})
    waitlist_position = Integer(allow_none=True, required=True, metadata={
        "description": "1 for the next person to get a seat; null when not waiting."})
    event_id = Integer(required=True)
    url = String(required=True, metadata={"description": "The person's own page (it carries the token)."})
    ics_url = String(required=True)
