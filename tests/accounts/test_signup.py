"""Company sign-up at /auth/register: the organization, its lead contact, and every refusal (SPEC 4c)."""
import pytest
from sqlalchemy import func, select

from eventsapp.accounts.models import CompanyRole, Role, User, VerificationRequest
from eventsapp.catalogue.models import Organization
from eventsapp.extensions import db
from tests.accounts.helpers import PASSWORD, link_in, mails_to, signup_data, uscc
from tests.catalogue.helpers import field_error, page_of


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_company_signs_up_unverified_with_its_lead_contact(client, app_ctx):
    response = client.post("/auth/register?lang=en", data=signup_data(uscc=uscc(1).lower()))
    assert response.status_code == 200 and "Check your mailbox" in page_of(response)
    organization = db.session.scalar(select(Organization))
    user = db.session.scalar(select(User))
    assert organization.uscc == uscc(1) and not organization.is_verified and organization.sector == "transport"
    assert organization.contact_email == "office@shmetro.example" and organization.name_zh == "上海申通地铁集团"
    assert user.role == Role.COMPANY_MEMBER and user.company_role == CompanyRole.LEAD
    assert user.organization_id == organization.id and user.phone == "+8613800138000" and user.language == "en"
    assert user.email_verified_at is None and user.password_hash.startswith("scrypt:")
    assert count(VerificationRequest) == 1
    [mail] = mails_to("wang.fang@shmetro.example")
    assert mail.subject == "Confirm your e-mail address" and link_in(mail, "/auth/verify/")
    # Signed in at once: the dashboard says the organizers have not verified it yet.
    assert "have not verified" in page_of(client.get("/company/"))


def test_the_mail_is_in_the_language_of_the_sign_up_page(client, app_ctx):
    client.post("/auth/register?lang=zh", data=signup_data())
    [mail] = mails_to("wang.fang@shmetro.example")
    assert mail.subject == "请确认您的电子邮件地址"


@pytest.mark.parametrize("code, message", [
    ("91310115MA1K3Y", "18 characters; this one has 14"),
    ("91310115MA1K3YIO5X", "“I” is not used"),
    (uscc(1)[:17] + ("0" if uscc(1)[17] != "0" else "1"), "check character"),
])
def test_a_wrong_code_says_what_is_wrong(client, app_ctx, code, message):
    response = client.post("/auth/register?lang=en", data=signup_data(uscc=code))
    assert response.status_code == 422 and message in field_error(response, "uscc")
    assert count(Organization) == 0 and count(User) == 0 and mails_to("wang.fang@shmetro.example") == []


def test_a_code_already_registered_is_refused_with_a_link_to_ask_to_join(client, make_company):
    existing = make_company(uscc=uscc(7))
    response = client.post("/auth/register?lang=en", data=signup_data(uscc=uscc(7)))
    assert response.status_code == 409
    assert "already has an account" in field_error(response, "uscc")
    assert f'/auth/join?uscc={uscc(7)}' in page_of(response)
    assert count(Organization) == 1 and count(User) == 0
    assert db.session.get(Organization, existing.id).uscc == uscc(7)


def test_an_address_that_has_an_account_is_refused(client, make_user):
    make_user(email="wang.fang@shmetro.example")
    response = client.post("/auth/register?lang=en", data=signup_data(email="Wang.Fang@SHMETRO.example "))
    assert response.status_code == 409 and "already exists" in field_error(response, "email")
    assert count(Organization) == 0 and count(User) == 1


@pytest.mark.parametrize("overrides, field, message", [
    ({"password": "short", "password_again": "short"}, "password", "at least 10 characters"),
    ({"password": "wang.fang@shmetro.example", "password_again": "wang.fang@shmetro.example"}, "password",
     "not your e-mail address"),
    ({"password": "Wang.Fang", "password_again": "Wang.Fang"}, "password", "at least 10"),
    ({"password": "wang.fang.x1", "password_again": "wang.fang.x1", "email": "wang.fang.x1@shmetro.example"},
     "password", "not your e-mail address"),
    ({"password_again": "something else entirely"}, "password_again", "not the same"),
    ({"phone": "021 6888 8888"}, "phone", "11-digit mobile number"),
    ({"name_zh": "", "name_en": ""}, "name_zh", "at least one language"),
    ({"name": ""}, "name", "enter your name"),
    ({"email": "not-an-address"}, "email", "looks incomplete"),
    ({"website": "shmetro"}, "website", "full address"),
    ({"sector": "piracy"}, "sector", ""),
    ({"name_en": "Metro\nGroup"}, "name_en", "one line"),
])
def test_bad_input_is_refused_next_to_the_field_and_changes_nothing(client, app_ctx, overrides, field, message):
    response = client.post("/auth/register?lang=en", data=signup_data(**overrides))
    assert response.status_code == 422
    assert field_error(response, field) and message in field_error(response, field)
    assert count(Organization) == 0 and count(User) == 0


def test_the_sign_up_page_is_in_both_languages_and_linked_from_the_login_page(client):
    login = page_of(client.get("/auth/login?lang=en"))
    assert "/auth/register" in login and "Register your company" in login and "/auth/reset" in login
    assert "统一社会信用代码" in page_of(client.get("/auth/register?lang=zh"))
    assert "Unified Social Credit Code" in page_of(client.get("/auth/register?lang=en"))


def test_a_signed_in_user_is_sent_to_their_own_page(client, auth):
    auth.login()
    assert client.get("/auth/register").headers["Location"] == "/manage/"


def test_the_new_lead_can_sign_in_with_the_password(client, app_ctx):
    client.post("/auth/register", data=signup_data())
    client.post("/auth/logout")
    response = client.post("/auth/login", data={"email": "wang.fang@shmetro.example", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/company/"


def test_the_sign_up_form_sent_twice_at_once_makes_one_company(client, app_ctx, make_company_member, monkeypatch):
    """Both requests pass the early checks before either commits (simulated by skipping them for an
    address and a code that are taken): the database refuses the second with a message, no error page."""
    taken = make_company_member()
    for early_check in ("eventsapp.accounts.companies.check_email_free", "eventsapp.accounts.forms.check_email_free",
                        "eventsapp.accounts.companies.check_uscc_free"):
        monkeypatch.setattr(early_check, lambda *args, **kwargs: None)
    before = db.session.scalar(select(func.count(Organization.id)))
    response = client.post("/auth/register?lang=en", data=signup_data(email=taken.email,
                                                                       uscc=taken.organization.uscc))
    assert response.status_code == 409 and "already exists" in page_of(response)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Organization.id))) == before
