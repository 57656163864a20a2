"""The sign-up form, and the form that asks for one's manage link again."""
import secrets
from typing import ClassVar

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, StringField, TelField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from ..catalogue.models import Event
from ..web.forms import AppForm, strip_whitespace, validated
from .people import LINK_PATTERN, PHONE_MESSAGE
from .phones import InvalidPhone, normalize_phone
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
    A value typed stays as typed when the form comes back with an error; the phone number is
    normalised only when the registration is made (to_applicant)."""
    name = StringField(_l("Full name"), filters=[strip_whitespace], render_kw=NAME_INPUT,
                       validators=[DataRequired(_l("Please enter your name.")), Length(max=100, message=TOO_LONG)])
    email = EmailField(_l("E-mail"), filters=[strip_whitespace], render_kw=EMAIL_INPUT, validators=[
        DataRequired(_l("Please enter your e-mail address.")),
        Email(_l("This e-mail address looks incomplete: please check it (e.g. name@example.com).")),
        Length(max=254, message=TOO_LONG)])
    # No length limit of its own: normalize_phone refuses anything longer than a phone number.
    phone = TelField(_l("Mobile phone"), filters=[strip_whitespace], render_kw=PHONE_INPUT)
    organization = StringField(_l("Organization"), filters=[strip_whitespace], render_kw=ORGANIZATION_INPUT,
                               validators=[Length(max=200, message=TOO_LONG)])
    job_title = StringField(_l("Job title"), filters=[strip_whitespace], render_kw=JOB_TITLE_INPUT,
                            validators=[Length(max=150, message=TOO_LONG)])
    consent = BooleanField(
        _l("I agree that the organizers use these details to run this event and contact me about it."),
        validators=[InputRequired(_l("Please agree so that we can register you."))])
    # Humans never see this field (hidden by CSS and from screen readers); bots fill it in.
    website = StringField(_l("Leave this field empty"), validators=[Optional()])
    # One value per rendered form: a second submission of the same form finds the first registration.
    submission_key = HiddenField(validators=[Optional(), Length(max=64)])
    # PIPL Art. 23: separate from `consent`, optional and unticked; the page names the host beside it.
    shares_with_host = BooleanField(_l("Share my name, organization, job title and contact details with the host"))

    REQUIRED_FLAGS: ClassVar[dict[str, str]] = {"phone": "phone_required", "organization": "organization_required",
                                                "job_title": "job_title_required"}
    REQUIRED_MESSAGES: ClassVar[dict[str, LazyString]] = {
        "phone": _l("Please enter your mobile number."), "organization": _l("Please enter your organization."),
        "job_title": _l("Please enter your job title.")}

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        for field_name, flag in self.REQUIRED_FLAGS.items():
            field = self[field_name]
            if getattr(event, flag):
                field.validators = [DataRequired(self.REQUIRED_MESSAGES[field_name]), *field.validators]
                field.flags.required = True
            else:
                field.validators = [Optional(), *field.validators]
        if not self.is_submitted():
            self.submission_key.data = secrets.token_urlsafe(24)

    def validate_phone(self, field):
        if not field.data:
            return
        try:
            normalize_phone(field.data)
        except InvalidPhone as error:
            raise ValidationError(PHONE_MESSAGE) from error

    def validate_name(self, field):
        """The name is the one free text every sign-up mail carries: it must not carry a link."""
        if field.data and LINK_PATTERN.search(field.data):
            raise ValidationError(_l("Enter your name only, without a web or e-mail address."))

    def validate_website(self, field):
        if field.data:
            raise ValidationError(_l("Leave this field empty."))

    def to_applicant(self, *, language: str) -> Applicant:
        phone = normalize_phone(self.phone.data) if self.phone.data else ""
        return Applicant(name=validated(self.name.data), email=validated(self.email.data), phone=phone,
                         organization=self.organization.data or "", job_title=self.job_title.data or "",
                         language=language, submission_key=self.submission_key.data or None,
                         shares_with_host=bool(self.shares_with_host.data))


class ResendLinkForm(AppForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)],
                       filters=[strip_whitespace])
