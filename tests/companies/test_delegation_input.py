"""No roster, however malformed (typed in the table or uploaded as a file), produces a 500 or names anybody
unless it is all valid (SPEC 3.6)."""
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from eventsapp.extensions import db
from eventsapp.registration.delegations import QuotaTerms, grant_quota
from eventsapp.registration.models import Registration
from tests.catalogue.helpers import page_of

odd_text = st.text(max_size=120) | st.text(alphabet="\x00\ud7ff\ufffe<>&\"'%;\n\r\t 　名字😀@.+1３", max_size=40)
FIELDS = [f"people-{row}-{field}" for row in range(3) for field in ("name", "email", "phone", "job_title")]


def named_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Registration.id))) or 0


def lead_with_seats(auth, make_event, make_company_member, now):
    lead = make_company_member()
    delegation = grant_quota(make_event(capacity=50), lead.organization, QuotaTerms(quota=2), actor=None, now=now)
    db.session.commit()
    auth.login_as(lead)
    return delegation


def test_arbitrary_roster_tables_never_error(client, auth, make_event, make_company_member, now):
    delegation = lead_with_seats(auth, make_event, make_company_member, now)

    @settings(max_examples=60, deadline=None)
    @given(data=st.dictionaries(st.sampled_from([*FIELDS, "put_extra_on_waitlist"]), odd_text))
    def post_anything(data):
        before = named_count()
        response = client.post(f"/company/delegations/{delegation.id}/people", data=data)
        assert response.status_code in (302, 409, 422), response.status_code
        assert (named_count() > before) == (response.status_code == 302)

    post_anything()


def test_arbitrary_files_never_error(client, auth, make_event, make_company_member, now):
    delegation = lead_with_seats(auth, make_event, make_company_member, now)

    @settings(max_examples=40, deadline=None)
    @given(body=st.binary(max_size=3_000) | st.text(max_size=500).map(lambda text: ("name,email\n" + text).encode()),
           filename=st.sampled_from(["a.csv", "b.xlsx", "c.txt", "", "名单.CSV"]))
    def upload_anything(body, filename):
        response = client.post(f"/company/delegations/{delegation.id}/upload", content_type="multipart/form-data",
                               data={"roster_file": (io.BytesIO(body), filename)})
        assert response.status_code < 500, response.status_code

    upload_anything()


@pytest.mark.parametrize("row", ["李\x00四,li@company.example", "李四,li\x00@company.example"])
def test_control_characters_in_a_file_are_refused_with_their_line(client, auth, make_event, make_company_member, now,
                                                                  row):
    """In a name or in an address (which PostgreSQL could not even compare: it refuses NUL outright)."""
    delegation = lead_with_seats(auth, make_event, make_company_member, now)
    data = f"姓名,邮箱\n张三,zhang@company.example\n{row}\n".encode()
    response = client.post(f"/company/delegations/{delegation.id}/upload?lang=en", content_type="multipart/form-data",
                           data={"roster_file": (io.BytesIO(data), "roster.csv")})
    assert response.status_code == 422
    assert "Line 3: " in page_of(response)
    assert named_count() == 0
