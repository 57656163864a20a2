"""The forms of delegations: the organizer's quota, the lead contact's roster (a table of people, or a
file), a swap, and the invited person's answer."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import BooleanField, EmailField, FieldList, Form, FormField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from ..catalogue.models import Event, Organization
from ..extensions import db
from ..web.forms import AppForm, select_choices, strip_whitespace, text
from ..web.local_time import local_instant, local_time_field, show_local_time
from .delegations import MAX_CONFIRM_DAYS, QuotaTerms, default_changes_close_at
from .forms import EMAIL_INPUT, NAME_INPUT, PHONE_INPUT
from .models import Delegation
from .people import Person

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
