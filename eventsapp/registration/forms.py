"""The sign-up form, the form that asks for one's manage link again, and the forms of delegations: the
organizer's quota, the lead contact's roster (a table of people, or a file), a swap, and the invited person's
answer."""
import secrets
from functools import partial

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from ..catalogue.models import Event, Organization
from ..extensions import db
from ..languages import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES
from ..phones import normalize_phone
from ..web.forms import AppForm, form_rule, select_choices, strip_whitespace, text, validated
from ..web.local_time import local_instant, local_time_field, show_local_time
from . import sign_up_rules as rules
from .announcements import Message
from .delegations import MAX_CONFIRM_DAYS, QuotaTerms, default_changes_close_at
from .models import Delegation
from .people import Person
from .queries import AttendeeFilter, is_small_number
from .services import Applicant

TOO_LONG = _l("Please shorten this to %(max)d characters or fewer.")
# What phones need to offer the right keyboard and fill the field in from the person's card.
NAME_INPUT = {"autocomplete": "name", "spellcheck": "false"}
EMAIL_INPUT = {"autocomplete": "email", "inputmode": "email", "spellcheck": "false", "autocapitalize": "none"}
PHONE_INPUT = {"autocomplete": "tel", "inputmode": "tel"}
ORGANIZATION_INPUT = {"autocomplete": "organization"}
JOB_TITLE_INPUT = {"autocomplete": "organization-title"}


class SignUpForm(AppForm):
    """Messages say what to do, in words a person uses (not the form library's "Invalid email address.").
    The rules are sign_up_rules.py's, which the JSON API calls too. A value typed stays as typed when the
    form comes back with an error; the phone number is normalised only when the registration is made
    (to_applicant)."""
    name = StringField(_l("Full name"), filters=[strip_whitespace], render_kw=NAME_INPUT,
                       validators=[form_rule(rules.check_name, required=True)])
    email = EmailField(_l("E-mail"), filters=[strip_whitespace], render_kw=EMAIL_INPUT,
                       validators=[form_rule(rules.check_email, required=True)])
    phone = TelField(_l("Mobile phone"), filters=[strip_whitespace], render_kw=PHONE_INPUT,
                     validators=[form_rule(rules.check_phone)])
    organization = StringField(_l("Organization"), filters=[strip_whitespace], render_kw=ORGANIZATION_INPUT,
                               validators=[form_rule(rules.check_organization)])
    job_title = StringField(_l("Job title"), filters=[strip_whitespace], render_kw=JOB_TITLE_INPUT,
                            validators=[form_rule(rules.check_job_title)])
    consent = BooleanField(
        _l("I agree that the organizers use these details to run this event and contact me about it."),
        validators=[form_rule(rules.check_consent, required=True)])
    # Humans never see this field (hidden by CSS and from screen readers); bots fill it in.
    website = StringField(_l("Leave this field empty"), validators=[Optional()])
    # One value per rendered form: a second submission of the same form finds the first registration.
    submission_key = HiddenField(validators=[Optional(), Length(max=64)])
    # PIPL Art. 23: separate from `consent`, optional and unticked; the page names the host beside it.
    shares_with_host = BooleanField(_l("Share my name, organization, job title and contact details with the host"))

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        required = rules.required_fields(event)
        for field_name in rules.OPTIONAL_PER_EVENT:
            field = self[field_name]
            if field_name in required:
                field.validators = [form_rule(partial(rules.check_required, event, field_name)), *field.validators]
                field.flags.required = True
            else:
                field.validators = [Optional(), *field.validators]
        if not self.is_submitted():
            self.submission_key.data = secrets.token_urlsafe(24)

    def validate_website(self, field):
        if field.data:
            raise ValidationError(_l("Leave this field empty."))

    def to_applicant(self, *, language: str) -> Applicant:
        phone = normalize_phone(self.phone.data) if self.phone.data else ""
        return Applicant(name=validated(self.name.data), email=validated(self.email.data), phone=phone,
                         organization=self.organization.data or "", job_title=self.job_title.data or "",
                         language=language, submission_key=self.submission_key.data or None,
                         shares_with_host=bool(self.shares_with_host.data))


class AddAttendeeForm(SignUpForm):
    """An organizer adds someone by hand: the sign-up form's fields and rules, and the language of the
    person's e-mails. Without the person's consents (the organizer cannot give them: sharing with the host
    stays off) and the bots' honeypot."""

    # None removes the field (WTForms): the person's own consents are theirs to give; no bots here.
    consent = None  # type: ignore[assignment]
    website = None  # type: ignore[assignment]
    shares_with_host = None  # type: ignore[assignment]
    language = SelectField(_l("Language of the e-mails"), default=DEFAULT_LANGUAGE, validators=[DataRequired()],
                           choices=select_choices((code, LANGUAGE_NAMES[code]) for code in LANGUAGES))

    def to_applicant(self, *, language: str | None = None) -> Applicant:
        phone = normalize_phone(self.phone.data) if self.phone.data else ""
        return Applicant(name=validated(self.name.data), email=validated(self.email.data), phone=phone,
                         organization=self.organization.data or "", job_title=self.job_title.data or "",
                         language=language or self.language.data, submission_key=self.submission_key.data or None)


class CancelForSomeoneForm(AppForm):
    reason = StringField(_l("Reason"), filters=[strip_whitespace], validators=[
        DataRequired(_l("Please say why: the person reads it in their e-mail.")), Length(max=500, message=TOO_LONG)])


class AnnouncementForm(AppForm):
    """A message to the attendee list, or to one filter of it (the hidden status, company and q)."""

    subject_zh = StringField(_l("Subject (Chinese)"), filters=[strip_whitespace],
                             validators=[Optional(), Length(max=150, message=TOO_LONG)])
    body_zh = TextAreaField(_l("Message (Chinese)"), validators=[Optional(), Length(max=5000, message=TOO_LONG)])
    subject_en = StringField(_l("Subject (English)"), filters=[strip_whitespace],
                             validators=[Optional(), Length(max=150, message=TOO_LONG)])
    body_en = TextAreaField(_l("Message (English)"), validators=[Optional(), Length(max=5000, message=TOO_LONG)])
    status = HiddenField()
    company = HiddenField()
    q = HiddenField()
    # One value per composed message: "Send" twice makes one announcement.
    submission_key = HiddenField(validators=[DataRequired(), Length(min=16, max=64)])
    expected = HiddenField()  # how many people the preview named

    def __init__(self, *args, wanted: AttendeeFilter | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_submitted():
            self.submission_key.data = secrets.token_urlsafe(24)
            if wanted is not None:
                self.status.data, self.company.data, self.q.data = wanted.status, wanted.company, wanted.search

    def wanted(self) -> AttendeeFilter:
        return AttendeeFilter.of({"status": self.status.data or "", "company": self.company.data or "",
                                  "q": self.q.data or ""})

    def to_message(self) -> Message:
        def plain(value: str | None) -> str:
            return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()

        return Message(subject_zh=plain(self.subject_zh.data), subject_en=plain(self.subject_en.data),
                       body_zh=plain(self.body_zh.data), body_en=plain(self.body_en.data))

    def expected_count(self) -> int | None:
        value = self.expected.data or ""
        return int(value) if is_small_number(value) else None


class ResendLinkForm(AppForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)],
                       filters=[strip_whitespace])


ROSTER_ROWS = 5  # empty rows of the table; a longer list is a file


class QuotaForm(AppForm):
    """A new quota (with the company chosen among the verified ones), or a change to one."""

    organization_id = SelectField(_l("Company"), coerce=int, validators=[Optional()])
    quota = IntegerField(_l("Seats"), validators=[InputRequired(_l("Please enter a number of seats.")),
                                                  NumberRange(min=1, message=_l("At least one seat."))])
    confirm_days = IntegerField(_l("Days to confirm"), default=3, validators=[
        InputRequired(_l("Please enter a number of days.")),
        NumberRange(min=1, max=MAX_CONFIRM_DAYS, message=_l("Between 1 and %(max)d days.", max=MAX_CONFIRM_DAYS))])
    changes_close_at, changes_close_at_fold = local_time_field(_l("Naming and swaps close"), required=True)

    def __init__(self, *args, event: Event, delegation: Delegation | None = None, now, **kwargs):
        super().__init__(*args, prefix=f"d{delegation.id}" if delegation else "", **kwargs)
        self.event = event
        self.organization_id.choices = select_choices(
            [(company.id, company.name) for company in companies_without_seats(event)])
        if delegation is None:
            self.organization_id.validators = [DataRequired(_l("Please choose a company."))]
        if not self.is_submitted():
            if delegation is not None:
                self.quota.data, self.confirm_days.data = delegation.quota, delegation.confirm_days
            closes_at = delegation.changes_close_at if delegation else default_changes_close_at(event, now=now)
            show_local_time(self, "changes_close_at", closes_at, event.timezone)

    def local_timezone(self) -> str:
        return self.event.timezone

    def to_terms(self) -> QuotaTerms:
        return QuotaTerms(quota=self.quota.data or 0, confirm_days=self.confirm_days.data or 0,
                          changes_close_at=local_instant(self, "changes_close_at"))


def companies_without_seats(event: Event) -> list[Organization]:
    """The verified organizations a quota can go to (not those that hold one at this event)."""
    holding = select(Delegation.organization_id).where(Delegation.event_id == event.id,
                                                       Delegation.withdrawn_at.is_(None))
    return list(db.session.scalars(select(Organization).where(
        Organization.verified_at.is_not(None), Organization.id.not_in(holding))
        .order_by(Organization.name_en, Organization.id)))


class WithdrawForm(AppForm):
    # The page writes the number of people into the label.
    confirmed = BooleanField(_l("I understand that the people named are told by e-mail"), validators=[
        DataRequired(_l("Tick this box to confirm that the seats are withdrawn and the people named are told."))])


class PersonRow(Form):
    """One row of the roster table: left empty, it is skipped."""

    name = StringField(_l("Full name"), filters=[strip_whitespace], render_kw=NAME_INPUT)
    email = EmailField(_l("E-mail"), filters=[strip_whitespace], render_kw=EMAIL_INPUT)
    phone = StringField(_l("Mobile phone"), filters=[strip_whitespace], render_kw=PHONE_INPUT)
    job_title = StringField(_l("Job title"), filters=[strip_whitespace])

    def is_blank(self) -> bool:
        return not any(text(field) for field in (self.name, self.email, self.phone, self.job_title))

    def to_person(self, line: int) -> Person:
        return Person(name=text(self.name), email=text(self.email), phone=text(self.phone),
                      job_title=text(self.job_title), line=line)


class RosterForm(AppForm):
    people = FieldList(FormField(PersonRow), min_entries=ROSTER_ROWS, max_entries=50)
    put_extra_on_waitlist = BooleanField(_l("If we name more people than our free seats, put the others on our "
                                            "waiting list"))

    def to_roster(self) -> list[Person]:
        """The filled rows; each keeps its row number for messages."""
        return [row.form.to_person(line) for line, row in enumerate(self.people.entries, start=1)
                if not row.form.is_blank()]


class UploadForm(AppForm):
    """The file itself is read from the request (AppForm takes no file)."""

    put_extra_on_waitlist = BooleanField(_l("If the file has more people than our free seats, put the others on "
                                            "our waiting list"))


class SwapForm(AppForm):
    name = StringField(_l("Full name"), filters=[strip_whitespace], render_kw=NAME_INPUT)
    email = EmailField(_l("E-mail"), filters=[strip_whitespace], render_kw=EMAIL_INPUT)
    phone = StringField(_l("Mobile phone"), filters=[strip_whitespace], render_kw=PHONE_INPUT)
    job_title = StringField(_l("Job title"), filters=[strip_whitespace])

    def to_person(self) -> Person:
        return Person(name=text(self.name), email=text(self.email), phone=text(self.phone),
                      job_title=text(self.job_title))


class InvitationForm(AppForm):
    """The invited person's own consent (SPEC 8), as on the sign-up form."""

    consent = BooleanField(
        _l("I agree that the organizers use these details to run this event and contact me about it."),
        validators=[InputRequired(_l("Please agree so that we can register you."))])
    shares_with_host = BooleanField(_l("Share my name, organization, job title and contact details with the host"))


def show_problems(form: RosterForm, problems) -> None:
    """Each problem of the roster next to its field, in its row of the table."""
    for problem in problems:
        if 1 <= problem.line <= len(form.people.entries):
            field = form.people.entries[problem.line - 1].form[problem.field]
            field.errors = [*field.errors, problem.message]
