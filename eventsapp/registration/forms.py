"""The sign-up form, and the form that asks for one's manage link again."""
import re
import secrets
from typing import ClassVar

import phonenumbers
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, StringField, TelField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from ..catalogue.models import Event
from ..web.forms import AppForm, strip_whitespace, validated
from .services import Applicant

DEFAULT_PHONE_REGION = "CN"  # numbers written without +country code are read as mainland China
# Something a mail client would turn into a link: a scheme, www., an address, or a host name.
LINK_PATTERN = re.compile(r"://|www\.|@|\.(?:com|cn|net|org|info|io|me|cc|co|ly|top|xyz|site|shop|vip|ru)\b",
                          re.IGNORECASE)


def normalize_phone(value: str) -> str:
    """'+86 138-0013-8000' or '13800138000' → '+8613800138000'. Raises ValueError when invalid."""
    try:
        number = phonenumbers.parse(value, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException as error:
        raise ValueError(str(error)) from error
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid number")
    kind = phonenumbers.number_type(number)
    if number.country_code == 86 and kind not in (phonenumbers.PhoneNumberType.MOBILE,
                                                 phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise ValueError("not a mobile number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class SignUpForm(AppForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100)], filters=[strip_whitespace])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)],
                       filters=[strip_whitespace])
    phone = TelField(_l("Mobile phone"), validators=[Length(max=32)], filters=[strip_whitespace])
    organization = StringField(_l("Organization"), validators=[Length(max=200)], filters=[strip_whitespace])
    job_title = StringField(_l("Job title"), validators=[Length(max=150)], filters=[strip_whitespace])
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

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        for field_name, flag in self.REQUIRED_FLAGS.items():
            field = self[field_name]
            if getattr(event, flag):
                field.validators = [DataRequired(), *field.validators]
                field.flags.required = True
            else:
                field.validators = [Optional(), *field.validators]
        if not self.is_submitted():
            self.submission_key.data = secrets.token_urlsafe(24)

    def validate_phone(self, field):
        if not field.data:
            return
        try:
            field.data = normalize_phone(field.data)
        except ValueError as error:
            raise ValidationError(_l("Enter a mobile number, e.g. 138 0013 8000 or +86 138 0013 8000.")) from error

    def validate_name(self, field):
        """The name is the one free text every sign-up mail carries: it must not carry a link."""
        if field.data and LINK_PATTERN.search(field.data):
            raise ValidationError(_l("Enter your name only, without a web or e-mail address."))

    def validate_website(self, field):
        if field.data:
            raise ValidationError(_l("Leave this field empty."))

    def to_applicant(self, *, language: str) -> Applicant:
        return Applicant(name=validated(self.name.data), email=validated(self.email.data), phone=self.phone.data or "",
                         organization=self.organization.data or "", job_title=self.job_title.data or "",
                         language=language, submission_key=self.submission_key.data or None,
                         shares_with_host=bool(self.shares_with_host.data))


class ResendLinkForm(AppForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)],
                       filters=[strip_whitespace])
