"""The forms of the call for hosts: the organizer's call and review, the company's application."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import EmailField, IntegerField, RadioField, SelectField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from ..accounts.models import User
from ..catalogue.forms import in_supported_years
from ..catalogue.models import Venue
from ..extensions import db
from ..phones import display_phone
from ..timezones import DEFAULT_TIMEZONE, is_known_timezone, timezone_names
from ..web.forms import (
    AppForm,
    bilingual_text,
    check_into_form,
    require_one_language,
    select_choices,
    strip_whitespace,
    text,
    validated,
)
from ..web.local_time import local_instant, local_time_field, show_local_time
from . import services
from .details import ApplicationDetails, CallDetails
from .models import HostApplication, HostCall

MAX_TEXT = 10_000
EXISTING_VENUE, NEW_SITE = "venue", "new"
NO_VENUE = 0


def timezone_choices():
    return select_choices((name, name) for name in timezone_names())


class CallForm(AppForm):
    text_zh, text_en = bilingual_text(_l("Text of the call (Chinese)"), _l("Text of the call (English)"),
                                      max_length=MAX_TEXT, textarea=True)
    timezone = SelectField(_l("Time zone of the deadline"))
    deadline, deadline_fold = local_time_field(_l("Deadline"), required=True, validators=[in_supported_years])

    def __init__(self, *args, call: HostCall | None, now: datetime, default_timezone: str = DEFAULT_TIMEZONE,
                 **kwargs):
        super().__init__(*args, obj=call, **kwargs)
        self.call, self.now = call, now
        self.timezone.choices = timezone_choices()
        if self.is_submitted():
            return
        if call is None:
            self.timezone.data = default_timezone
        else:
            show_local_time(self, "deadline", call.deadline, call.timezone)

    def local_timezone(self) -> str | None:
        return self.timezone.data if is_known_timezone(self.timezone.data or "") else None

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators) & require_one_language(self, "text"):
            return False
        return check_into_form(self, services.check_call, self.to_details(), call=self.call, now=self.now)

    def to_details(self) -> CallDetails:
        return CallDetails(deadline=validated(local_instant(self, "deadline")), timezone=self.timezone.data,
                           text_zh=text(self.text_zh), text_en=text(self.text_en))


class ApplicationForm(AppForm):
    theme_zh, theme_en = bilingual_text(_l("Theme (Chinese)"), _l("Theme (English)"), max_length=300)
    sharing = TextAreaField(_l("What your company will share"), filters=[strip_whitespace], validators=[
        DataRequired(_l("Say what your company will share with the visitors.")), Length(max=MAX_TEXT)])
    timezone = SelectField(_l("Time zone of the dates and the site"))
    starts_at, starts_at_fold = local_time_field(_l("First choice: starts"), required=True,
                                                 validators=[in_supported_years])
    ends_at, ends_at_fold = local_time_field(_l("First choice: ends"), required=True, validators=[in_supported_years])
    other_dates = TextAreaField(_l("Other possible dates (optional)"), validators=[Optional(), Length(max=2_000)])
    site = RadioField(_l("Site"), default=EXISTING_VENUE, choices=select_choices(
        [(EXISTING_VENUE, _l("A venue already in the catalogue")), (NEW_SITE, _l("A new address"))]))
    venue_id = SelectField(_l("Venue"), coerce=int, validators=[Optional()])
    site_name = StringField(_l("Name of the site"), filters=[strip_whitespace], validators=[Length(max=200)])
    site_address = StringField(_l("Address"), filters=[strip_whitespace], validators=[Length(max=300)])
    site_district = StringField(_l("District"), filters=[strip_whitespace], validators=[Length(max=100)])
    site_city = StringField(_l("City"), filters=[strip_whitespace], validators=[Length(max=100)])
    expected_capacity = IntegerField(_l("Expected number of visitors"),
                                     validators=[InputRequired(), NumberRange(min=1, max=100_000)])
    contact_name = StringField(_l("Contact person"), filters=[strip_whitespace], validators=[
        DataRequired(_l("Please enter the contact person's name.")), Length(max=100)])
    contact_phone = TelField(_l("Contact's mobile phone"), filters=[strip_whitespace], validators=[
        DataRequired(_l("Please enter your mobile number.")), Length(max=40)])
    contact_email = EmailField(_l("Contact's e-mail"), filters=[strip_whitespace], validators=[
        DataRequired(_l("Please enter your e-mail address.")),
        Email(_l("This e-mail address looks incomplete: please check it (e.g. name@example.com).")),
        Length(max=254)])

    def __init__(self, *args, application: HostApplication | None = None, lead: User | None = None,
                 default_timezone: str = DEFAULT_TIMEZONE, **kwargs):
        super().__init__(*args, obj=application, **kwargs)
        self.timezone.choices = timezone_choices()
        venues = db.session.scalars(select(Venue).order_by(Venue.id))
        self.venue_id.choices = select_choices([(NO_VENUE, _l("Choose a venue")),
                                                *((venue.id, venue.name) for venue in venues)])
        if self.is_submitted():
            return
        if application is not None:
            self.site.data = EXISTING_VENUE if application.venue_id else NEW_SITE
            self.venue_id.data = application.venue_id or NO_VENUE
            self.contact_phone.data = display_phone(application.contact_phone)
            for name in ("starts_at", "ends_at"):
                show_local_time(self, name, getattr(application, name), application.timezone)
        else:
            self.timezone.data = default_timezone
            if lead is not None:  # the lead contact applies, usually as the contact person too
                self.contact_name.data, self.contact_email.data = lead.name, lead.email
                self.contact_phone.data = display_phone(lead.phone) if lead.phone else ""

    def local_timezone(self) -> str | None:
        return self.timezone.data if is_known_timezone(self.timezone.data or "") else None

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators) & require_one_language(self, "theme"):
            return False
        return check_into_form(self, services.check_application, self.to_details())

    def to_details(self) -> ApplicationDetails:
        return ApplicationDetails(
            theme_zh=text(self.theme_zh), theme_en=text(self.theme_en), sharing=text(self.sharing),
            timezone=self.timezone.data, starts_at=validated(local_instant(self, "starts_at")),
            ends_at=validated(local_instant(self, "ends_at")), other_dates=text(self.other_dates),
            venue_id=self.venue_id.data if self.site.data == EXISTING_VENUE else None,
            site_name=text(self.site_name), site_address=text(self.site_address),
            site_district=text(self.site_district), site_city=text(self.site_city),
            expected_capacity=validated(self.expected_capacity.data), contact_name=text(self.contact_name),
            contact_phone=text(self.contact_phone), contact_email=text(self.contact_email))


class CommentForm(AppForm):
    text = TextAreaField(_l("Internal comment (only organizers see it)"), filters=[strip_whitespace],
                         validators=[DataRequired(_l("Write a comment first.")), Length(max=5_000)])


class DeclineForm(AppForm):
    reason = TextAreaField(_l("Reason, shown to the company"), filters=[strip_whitespace],
                           validators=[DataRequired(_l("Tell the company why, in a few words.")), Length(max=2_000)])
