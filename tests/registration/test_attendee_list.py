"""The organizer's attendee list (issue 12): counts per status, filters by status and company, a search by
name, e-mail, organization or the last four digits of a mobile number; links that make no sense are
ignored, never an error."""
import pytest

from eventsapp.extensions import db
from eventsapp.registration.delegations import QuotaTerms, grant_quota
from eventsapp.registration.models import Registration, RegistrationStatus
from tests.catalogue.helpers import page_of


def add(event, name: str, email: str, phone: str, *, status=RegistrationStatus.CONFIRMED, **fields) -> Registration:
    registration = Registration(event=event, name=name, email=email, phone=phone, status=status, **fields)
    db.session.add(registration)
    db.session.commit()
    return registration


@pytest.fixture
def company(make_company):
    return make_company(name_en="Shentong Metro", name_zh="申通地铁")


@pytest.fixture
def event(make_event, company, now):
    """Three people who signed up themselves (confirmed, waiting, cancelled) and one named by `company`."""
    event = make_event(capacity=10)
    add(event, "王芳", "wang.fang@example.com", "+8613800131234", organization="上海地铁")
    add(event, "Ada Lovelace", "ada@example.com", "+4915123455678", organization="Analytical 50%_Engines",
        status=RegistrationStatus.WAITLISTED)
    add(event, "李雷", "li.lei@example.com", "+8613900139999", organization="振华重工",
        status=RegistrationStatus.CANCELLED)
    delegation = grant_quota(event, company, QuotaTerms(quota=2), actor=None, now=now)
    db.session.commit()
    add(event, "赵强", "zhao@metro.example", "+8613700001234", organization="申通地铁", delegation_id=delegation.id,
        status=RegistrationStatus.INVITED)
    return event


def names(client, event, **query) -> set[str]:
    page = page_of(client.get(f"/manage/events/{event.id}/registrations", query_string={"lang": "en", **query}))
    return {name for name in ("王芳", "Ada Lovelace", "李雷", "赵强") if name in page}


def test_counts_per_status_are_at_the_top(client, auth, event):
    auth.login()
    page = page_of(client.get(f"/manage/events/{event.id}/registrations?lang=en"))
    for count, label in ((1, "Confirmed"), (1, "Waiting list"), (1, "Cancelled")):
        assert f'<span class="stat">{count}</span> {label}' in page
    assert "4 registrations shown" in page


def test_filters_by_status_and_company(client, auth, event, company):
    auth.login()
    assert names(client, event) == {"王芳", "Ada Lovelace", "李雷", "赵强"}
    assert names(client, event, status="waitlisted") == {"Ada Lovelace"}
    assert names(client, event, company="public") == {"王芳", "Ada Lovelace", "李雷"}
    assert names(client, event, company=str(company.id)) == {"赵强"}
    assert "Shentong Metro" in page_of(client.get(f"/manage/events/{event.id}/registrations?lang=en"))
    assert names(client, event, company="public", status="cancelled") == {"李雷"}


@pytest.mark.parametrize("term, found", [
    ("wang", {"王芳"}), ("ADA", {"Ada Lovelace"}), ("振华", {"李雷"}), ("1234", {"王芳", "赵强"}),
    ("5678", {"Ada Lovelace"}), ("50%_", {"Ada Lovelace"}), ("%", {"Ada Lovelace"}), ("metro.example", {"赵强"}),
    ("nobody", set()),
])
def test_search_by_name_email_organization_or_last_four_digits(client, auth, event, term, found):
    auth.login()
    assert names(client, event, q=term) == found


def test_links_no_form_makes_are_ignored(client, auth, event):
    auth.login()
    for query in ({"status": "bogus"}, {"company": "abc"}, {"company": "999999"}, {"q": " " * 3},
                  {"company": "²"}, {"company": "9" * 30}):
        response = client.get(f"/manage/events/{event.id}/registrations", query_string=query)
        assert response.status_code == 200, query
    assert names(client, event, company="999999") == set()
    assert "Nobody matches these filters." in page_of(
        client.get(f"/manage/events/{event.id}/registrations?lang=en&q=nobody"))


def test_the_list_costs_the_same_queries_for_few_or_many(client, auth, event, count_queries):
    auth.login()
    url = f"/manage/events/{event.id}/registrations"
    with count_queries() as few:
        client.get(url)
    for n in range(30):
        add(event, f"Person {n}", f"p{n}@example.com", "+8613800138000", status=RegistrationStatus.WAITLISTED)
    with count_queries() as many:
        client.get(url)
    assert len(many) == len(few)


def test_only_organizers_see_the_list(client, auth, event, make_company_member):
    url = f"/manage/events/{event.id}/registrations"
    assert "/auth/login" in client.get(url).headers["Location"]
    auth.login_as(make_company_member())
    assert client.get(url).status_code == 403
