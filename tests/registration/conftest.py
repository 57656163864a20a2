import pytest

from eventsapp.extensions import db
from eventsapp.registration.services import Applicant


@pytest.fixture
def applicant():
    counter = iter(range(1, 100_000))

    def make(**fields) -> Applicant:
        n = next(counter)
        fields.setdefault("name", f"Attendee {n}")
        fields.setdefault("email", f"attendee{n}@example.com")
        fields.setdefault("phone", "+8613800138000")
        fields.setdefault("organization", "Shanghai Metro")
        return Applicant(**fields)

    return make



@pytest.fixture
def grant(make_event, make_company, now):
    """`grant(event, quota=3, company=...)`: a company's seat quota for the event, committed."""
    from eventsapp.registration.delegations import QuotaTerms, grant_quota

    def make(event=None, quota: int = 3, company=None, **terms):
        delegation = grant_quota(event or make_event(capacity=10), company or make_company(),
                                 QuotaTerms(quota=quota, **terms), actor=None, now=now)
        db.session.commit()
        return delegation

    return make


@pytest.fixture
def colleagues():
    """`colleagues(3)`: people for a roster, on lines 1, 2, 3 (or from `first_line`)."""
    from eventsapp.registration.people import Person

    counter = iter(range(1, 100_000))

    def make(count: int, first_line: int = 1, **fields) -> list[Person]:
        people = []
        for line in range(first_line, first_line + count):
            n = next(counter)
            people.append(Person(**{"name": f"同事{n}", "email": f"colleague{n}@company.example",
                                    "phone": "13800138000", "job_title": "工程师", "line": line, **fields}))
        return people

    return make


@pytest.fixture
def name_people(now):
    """Name a roster for a delegation, in English, and commit."""
    from eventsapp.registration import delegation_people

    def name(delegation, roster, *, put_extra_on_waitlist: bool = False, at=None, actor=None):
        named = delegation_people.name_people(delegation, roster, put_extra_on_waitlist=put_extra_on_waitlist,
                                              language="en", actor=actor, now=at or now)
        db.session.commit()
        return named

    return name
