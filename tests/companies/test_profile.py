"""/company/profile: the lead contact edits the organization's details; the code is fixed once verified."""
import pytest

from eventsapp.accounts.models import CompanyRole, VerificationRequest
from eventsapp.catalogue.models import Organization
from eventsapp.extensions import db
from tests.accounts.helpers import uscc
from tests.catalogue.helpers import field_error, page_of


def details(**overrides) -> dict:
    return {"name_zh": "申通地铁", "name_en": "Shentong Metro", "sector": "transport", "website": "https://metro.example",
            "contact_phone": "021 6888 8888", "contact_email": "Office@Metro.example", **overrides}


def test_the_lead_edits_the_details_of_a_verified_company_but_not_its_code(client, auth, make_company,
                                                                         make_company_member):
    company = make_company(uscc=uscc(5))
    auth.login_as(make_company_member(company))
    page = page_of(client.get("/company/profile?lang=en"))
    assert uscc(5) in page and 'name="uscc"' not in page
    response = client.post("/company/profile", data=details(uscc=uscc(6)))
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Organization, company.id)
    assert saved.name_en == "Shentong Metro" and saved.sector == "transport" and saved.uscc == uscc(5)
    assert saved.contact_email == "office@metro.example" and saved.website == "https://metro.example"


def test_an_unverified_company_corrects_its_code_and_asks_again_after_a_refusal(client, auth, make_company,
                                                                              make_company_member, now):
    company = make_company(verified=False, uscc=uscc(5))
    refused = VerificationRequest(organization=company, decided_at=now, rejection_reason="Wrong code")
    db.session.add(refused)
    db.session.commit()
    auth.login_as(make_company_member(company))
    assert "Wrong code" in page_of(client.get("/company/profile?lang=en"))
    bad = client.post("/company/profile?lang=en", data=details(uscc=uscc(6)[:17] + "Z"))
    assert bad.status_code == 422 and "not used" in field_error(bad, "uscc")
    assert client.post("/company/profile", data=details(uscc=uscc(6))).status_code == 302
    assert client.post("/company/profile/verification").status_code == 302
    db.session.expire_all()
    assert db.session.get(Organization, company.id).uscc == uscc(6)
    assert db.session.query(VerificationRequest).filter_by(decided_at=None).count() == 1
    client.post("/company/profile/verification")  # asking twice makes no second request
    assert db.session.query(VerificationRequest).count() == 2


def test_a_code_another_organization_has_is_refused(client, auth, make_company, make_company_member):
    make_company(uscc=uscc(9))
    company = make_company(verified=False, uscc=uscc(5))
    auth.login_as(make_company_member(company))
    response = client.post("/company/profile?lang=en", data=details(uscc=uscc(9)))
    assert response.status_code == 422 and "already has an account" in field_error(response, "uscc")
    assert db.session.get(Organization, company.id).uscc == uscc(5)


@pytest.mark.parametrize("overrides, field", [({"name_zh": "", "name_en": ""}, "name_zh"),
                                              ({"website": "not a url"}, "website"),
                                              ({"contact_email": "nope"}, "contact_email"),
                                              ({"name_en": "A\tB"}, "name_en")])
def test_bad_details_are_refused_next_to_the_field(client, auth, make_company, make_company_member, overrides, field):
    company = make_company(name_en="Before")
    auth.login_as(make_company_member(company))
    response = client.post("/company/profile", data=details(**overrides))
    assert response.status_code == 422 and field_error(response, field)
    assert db.session.get(Organization, company.id).name_en == "Before"


def test_who_may_open_the_profile(client, auth, make_company, make_company_member):
    company = make_company(name_en="Mine")
    for url in ("/company/profile", "/company/profile/verification"):
        assert client.post(url).status_code == 302  # to the login page
    member = make_company_member(company, role=CompanyRole.MEMBER)
    auth.login_as(member)
    assert client.get("/company/profile").status_code == 403
    assert client.post("/company/profile", data=details()).status_code == 403
    auth.logout()
    other = make_company_member(make_company(name_en="Theirs"))
    auth.login_as(other)
    page = page_of(client.get("/company/profile"))
    assert "Theirs" in page and "Mine" not in page  # their own organization, never another's
    auth.logout()
    auth.login()
    assert client.get("/company/profile").status_code == 403
    assert db.session.get(Organization, company.id).name_en == "Mine"


def test_a_lead_of_an_unverified_company_with_an_unconfirmed_address_is_asked_to_confirm(client, auth, make_company,
                                                                                        make_company_member):
    auth.login_as(make_company_member(make_company(verified=False), email_verified_at=None))
    assert client.get("/company/profile").status_code == 403
