"""Company accounts: signing up an organization with its lead contact, asking to join one that has an
account already, confirming one's address, and the lead's own details page (SPEC 4c)."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug import security

from ..catalogue.models import Organization, Sector
from ..catalogue.uscc import ALPHABET, uscc_check_character
from ..errors import Conflict, NotAllowedInState, ValidationFailed
from ..extensions import db
from ..mail.addresses import normalize_email
from ..text import has_control_character
from .mails import mail_join_request_to_leads, mail_verification_link
from .members import active_leads
from .models import CompanyRole, JoinRequest, JoinStatus, Role, User, VerificationRequest
from .services import check_email_free, check_new_password, find_user_by_email, insert_account
from .tokens import LinkRefused, read_verification_token

USCC_LENGTH = 18
ONE_LINE_FIELDS = ("name_zh", "name_en", "website", "contact_phone", "contact_email")


@dataclass(frozen=True)
class CompanyDetails:
    """What a company says of itself; `uscc` upper-case, `contact_phone` in E.164 or empty."""

    name_zh: str
    name_en: str
    sector: Sector
    website: str
    uscc: str
    contact_phone: str = ""
    contact_email: str = ""


@dataclass(frozen=True)
class Person:
    """Who signs up or joins: `phone` in E.164 (phones.normalize_phone)."""

    name: str
    email: str
    phone: str
    password: str


# --- Rules, shared by the forms (early messages) and the services (the final word) --------------

def check_uscc_format(code: str) -> None:
    """Says what is wrong: the length, a character the codes never use, or the check character."""
    if len(code) != USCC_LENGTH:
        raise ValidationFailed(_l("The code has 18 characters; this one has %(count)d.", count=len(code)), "uscc")
    wrong = next((char for char in code if char not in ALPHABET), None)
    if wrong is not None:
        raise ValidationFailed(_l("“%(char)s” is not used in these codes: they have digits and capital letters "
                                  "except I, O, S, V and Z.", char=wrong), "uscc")
    if uscc_check_character(code[:17]) != code[17]:
        raise ValidationFailed(_l("The last character (the check character) does not match the first 17: "
                                  "please check the code for a typo."), "uscc")


def organization_with_uscc(code: str) -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.uscc == code))


def check_uscc_free(code: str, *, organization: Organization | None = None) -> None:
    taken = organization_with_uscc(code)
    if taken is not None and taken is not organization:
        raise Conflict(_l("An organization with this code already has an account."), "uscc")


def check_company_details(details: CompanyDetails) -> None:
    if not (details.name_zh.strip() or details.name_en.strip()):
        raise ValidationFailed(_l("Fill in at least one language."), "name_zh")
    for field in ONE_LINE_FIELDS:
        if has_control_character(getattr(details, field)):
            raise ValidationFailed(_l("This text must be one line, without line breaks, tabs or other control "
                                      "characters."), field)


def check_person(person: Person) -> None:
    if not person.name.strip() or has_control_character(person.name):
        raise ValidationFailed(_l("Please enter your name."), "name")
    check_new_password(person.password, email=person.email)
    check_email_free(person.email)


# --- Services -------------------------------------------------------------------------------------

def register_company(company: CompanyDetails, person: Person, *, language: str, now: datetime) -> User:
    """A new, unverified organization with the person as its lead contact; mails a link to confirm the
    address. Raises Conflict (the USCC or the address is taken) or ValidationFailed."""
    check_company_details(company)
    check_uscc_format(company.uscc)
    check_uscc_free(company.uscc)
    check_person(person)
    organization = Organization(name_zh=company.name_zh, name_en=company.name_en, sector=company.sector,
                                website=company.website, uscc=company.uscc, contact_phone=company.contact_phone,
                                contact_email=normalize_email(company.contact_email))
    user = User(email=normalize_email(person.email), name=person.name, phone=person.phone, language=language,
                role=Role.COMPANY_MEMBER, company_role=CompanyRole.LEAD, organization=organization)
    user.set_password(person.password)
    insert_account(organization, user, VerificationRequest(organization=organization))
    mail_verification_link(user, now=now)
    return user


def request_to_join(uscc: str, person: Person, *, language: str, now: datetime) -> JoinRequest:
    """Ask to join the organization with this code; its lead contacts are told (an organization without
    members is decided by the organizers). Raises ValidationFailed, Conflict."""
    organization = organization_with_uscc(uscc)
    if organization is None:
        raise ValidationFailed(_l("No organization has an account with this code. Register your company "
                                  "instead."), "uscc")
    check_person(person)
    email = normalize_email(person.email)
    waiting = db.session.scalar(select(JoinRequest.id).where(
        JoinRequest.organization_id == organization.id, JoinRequest.email == email,
        JoinRequest.status == JoinStatus.PENDING))
    if waiting is not None:
        raise Conflict(_l("You have already asked to join this organization; the answer comes by e-mail."), "email")
    join_request = JoinRequest(organization=organization, name=person.name, email=email, phone=person.phone,
                               password_hash=security.generate_password_hash(person.password), language=language)
    db.session.add(join_request)
    db.session.flush()
    mail_join_request_to_leads(join_request, active_leads(organization), now=now)
    return join_request


def verify_email(token: str, *, now: datetime) -> User:
    """Confirm the address the link was sent to. Raises LinkRefused (forged, or the address changed since)
    and LinkExpired. A second click on the same link is no error."""
    user_id, email = read_verification_token(token, now=now)
    user = db.session.get(User, user_id)
    if user is None or user.email != email:
        raise LinkRefused(_l("This link was sent to an address that is no longer the account's."))
    if user.email_verified_at is None:
        user.email_verified_at = now
        db.session.flush()
    return user


def send_new_verification_link(email: str, *, now: datetime) -> None:
    """Mails a new link when the address belongs to an account not yet confirmed; silent otherwise, so
    the answer tells nobody which addresses have accounts."""
    user = find_user_by_email(email)
    if user is not None and user.is_active and user.is_company_member and user.email_verified_at is None:
        mail_verification_link(user, now=now)


def update_company_details(organization: Organization, details: CompanyDetails) -> Organization:
    """The lead contact's own page. The code is fixed once the organizers verified the organization."""
    check_company_details(details)
    if organization.is_verified:
        if details.uscc != (organization.uscc or ""):
            raise NotAllowedInState(_l("The code cannot change once the organizers have verified it."), "uscc")
    else:
        check_uscc_format(details.uscc)
        check_uscc_free(details.uscc, organization=organization)
        organization.uscc = details.uscc
    for field in ("name_zh", "name_en", "sector", "website", "contact_phone"):
        setattr(organization, field, getattr(details, field))
    organization.contact_email = normalize_email(details.contact_email)
    db.session.flush()
    return organization


def latest_verification_request(organization: Organization) -> VerificationRequest | None:
    return db.session.scalar(select(VerificationRequest).where(VerificationRequest.organization_id == organization.id)
                             .order_by(VerificationRequest.id.desc()).limit(1))


def ask_for_verification_again(organization: Organization) -> VerificationRequest:
    """After a refusal, once the details are corrected. Raises NotAllowedInState when nothing was refused."""
    latest = latest_verification_request(organization)
    if organization.is_verified or (latest is not None and latest.decided_at is None):
        raise NotAllowedInState(_l("Your organization is verified or already waits for the organizers."))
    request = VerificationRequest(organization=organization)
    db.session.add(request)
    db.session.flush()
    return request
