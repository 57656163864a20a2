"""The forms of accounts: signing in, signing a company up, asking to join one, passwords, invitations;
the company's own pages (inviting a colleague, the organization's details)."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TelField, URLField
from wtforms.validators import URL, DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ..catalogue.labels import SECTOR_LABELS
from ..catalogue.models import Organization, Sector
from ..errors import Conflict, DomainError
from ..phones import InvalidPhone, normalize_phone
from ..web.forms import AppForm, bilingual_text, require_one_language, select_choices, strip_whitespace, text
from . import companies
from .companies import CompanyDetails, Person
from .invitations import Invitee, check_invitable
from .services import check_email_free, check_new_password

EMAIL_INPUT = {"autocomplete": "email", "inputmode": "email", "spellcheck": "false", "autocapitalize": "none"}
PHONE_MESSAGE = _l("Please enter an 11-digit mobile number (e.g. 138 0013 8000), or a number from abroad starting "
                   "with + and the country code (e.g. +49 151 1234 5678).")


def upper(value):
    return value.upper() if isinstance(value, str) else value


def email_field(label=None, optional: bool = False) -> EmailField:
    label = label or _l("E-mail")
    required = Optional() if optional else DataRequired(_l("Please enter your e-mail address."))
    return EmailField(label, filters=[strip_whitespace], render_kw=EMAIL_INPUT, validators=[
        required, Email(_l("This e-mail address looks incomplete: please check it (e.g. name@example.com).")),
        Length(max=254)])


def mobile_field(optional: bool = False) -> TelField:
    label = _l("Mobile phone")
    required = Optional() if optional else DataRequired(_l("Please enter your mobile number."))
    return TelField(label, filters=[strip_whitespace], validators=[required, Length(max=40), valid_mobile],
                    render_kw={"autocomplete": "tel", "inputmode": "tel"})


def valid_mobile(form, field) -> None:
    if field.data:
        try:
            normalize_phone(field.data)
        except InvalidPhone as error:
            raise ValidationError(PHONE_MESSAGE) from error


def e164(field) -> str:
    return normalize_phone(field.data) if field.data else ""


class LoginForm(AppForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)],
                       filters=[strip_whitespace])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in"))


class CompanyFieldsMixin:
    name_zh, name_en = bilingual_text(_l("Organization name (Chinese)"), _l("Organization name (English)"),
                                      max_length=200)
    sector = SelectField(_l("Sector"), choices=select_choices(SECTOR_LABELS.items()), default=Sector.OTHER.value)
    website = URLField(_l("Website"), filters=[strip_whitespace],
                       validators=[Optional(), URL(message=_l("Enter a full address, e.g. https://www.example.com.")),
                                   Length(max=300)])
    uscc = StringField(_l("Unified Social Credit Code"), filters=[strip_whitespace, upper],
                       validators=[DataRequired(_l("Please enter the organization's code.")), Length(max=40)])
    contact_phone = TelField(_l("Organization phone (optional)"), filters=[strip_whitespace],
                             validators=[Optional(), Length(max=32)])
    contact_email = email_field(_l("Organization e-mail (optional)"), optional=True)

    def company_details(self, uscc: str | None = None) -> CompanyDetails:
        return CompanyDetails(
            name_zh=text(self.name_zh), name_en=text(self.name_en), sector=Sector(self.sector.data),
            website=text(self.website), uscc=uscc if uscc is not None else text(self.uscc),
            contact_phone=text(self.contact_phone), contact_email=text(self.contact_email))


class NewPasswordMixin:
    """A password chosen twice. `address` is whose it is: the password must not be that address."""

    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Please choose a password.")),
                                                         Length(max=200)],
                             render_kw={"autocomplete": "new-password"})
    password_again = PasswordField(_l("Password again"), render_kw={"autocomplete": "new-password"}, validators=[
        DataRequired(_l("Please type the password again.")),
        EqualTo("password", _l("The two passwords are not the same."))])

    def address(self) -> str:
        return self.email.data or ""  # type: ignore[attr-defined]

    def validate_password(self, field):
        try:
            check_new_password(field.data or "", email=self.address())
        except DomainError as error:
            raise ValidationError(str(error.message)) from error


class PersonForm(NewPasswordMixin, AppForm):
    """Who signs up or asks to join. `conflict`: the refusal is a clash (409), not a typo (422)."""

    name = StringField(_l("Your name"), filters=[strip_whitespace], render_kw={"autocomplete": "name"},
                       validators=[DataRequired(_l("Please enter your name.")), Length(max=100)])
    phone = mobile_field()
    email = email_field()
    conflict = False

    def validate_email(self, field):
        self.clash(check_email_free, field.data)

    def clash(self, check, *args) -> None:
        try:
            check(*args)
        except DomainError as error:
            self.conflict = self.conflict or isinstance(error, Conflict)
            raise ValidationError(str(error.message)) from error

    def to_person(self) -> Person:
        return Person(name=text(self.name), email=text(self.email), phone=e164(self.phone),
                      password=self.password.data or "")


class CompanySignUpForm(CompanyFieldsMixin, PersonForm):
    taken_uscc: str | None = None  # the page then offers to ask to join that organization

    def validate_uscc(self, field):
        self.clash(companies.check_uscc_format, field.data)
        if companies.organization_with_uscc(field.data) is not None:
            self.taken_uscc = field.data
        self.clash(companies.check_uscc_free, field.data)

    def validate(self, extra_validators=None) -> bool:
        return super().validate(extra_validators) & require_one_language(self, "name")


class JoinForm(PersonForm):
    uscc = StringField(_l("Unified Social Credit Code of your organization"), filters=[strip_whitespace, upper],
                       validators=[DataRequired(_l("Please enter the organization's code.")), Length(max=40)])

    def validate_uscc(self, field):
        if companies.organization_with_uscc(field.data) is None:
            raise ValidationError(_l("No organization has an account with this code. Register your company "
                                     "instead."))


class EmailForm(AppForm):
    """Asks for an address: a new confirmation link, a password reset."""

    email = email_field()


class NewPasswordForm(NewPasswordMixin, AppForm):
    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email_address = email

    def address(self) -> str:
        return self.email_address


class AcceptInvitationForm(NewPasswordForm):
    name = StringField(_l("Your name"), filters=[strip_whitespace], render_kw={"autocomplete": "name"},
                       validators=[DataRequired(_l("Please enter your name.")), Length(max=100)])
    phone = mobile_field()

    def to_invitee(self) -> Invitee:
        return Invitee(name=text(self.name), phone=e164(self.phone), password=self.password.data or "")


class InviteForm(AppForm):
    email = email_field()

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.conflict = False

    def validate_email(self, field):
        try:
            check_invitable(self.organization, field.data)
        except DomainError as error:
            self.conflict = True
            raise ValidationError(str(error.message)) from error


class ProfileForm(CompanyFieldsMixin, AppForm):
    """The code can be corrected until the organizers verify it; then the page only shows it."""

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, obj=organization, **kwargs)
        self.organization = organization
        if organization.is_verified:
            del self.uscc

    def validate_uscc(self, field):
        try:
            companies.check_uscc_format(field.data)
            companies.check_uscc_free(field.data, organization=self.organization)
        except DomainError as error:
            raise ValidationError(str(error.message)) from error

    def validate(self, extra_validators=None) -> bool:
        return super().validate(extra_validators) & require_one_language(self, "name")

    def to_details(self) -> companies.CompanyDetails:
        fixed = (self.organization.uscc or "") if self.organization.is_verified else None
        return self.company_details(uscc=fixed)
