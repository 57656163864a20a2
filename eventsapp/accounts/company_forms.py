"""The forms of the company's own pages: inviting a colleague, the organization's details."""
from wtforms.validators import ValidationError

from ..catalogue.models import Organization
from ..errors import DomainError
from ..web.forms import AppForm, require_one_language
from . import companies
from .forms import CompanyFieldsMixin, email_field
from .invitations import check_invitable


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
