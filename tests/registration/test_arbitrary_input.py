"""No input, however malformed, produces a 500 or a half-made registration (SPEC 3.6)."""
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from eventsapp.extensions import db
from eventsapp.registration.models import Registration

FIELDS = ("name", "email", "phone", "organization", "job_title", "consent", "website", "submission_key")
odd_text = st.text(max_size=300) | st.text(alphabet="\x00\ud7ff\ufffe<>&\"'%;\n\r\t 　名字😀@.+", max_size=60)


def registration_count() -> int:
    return db.session.scalar(select(func.count(Registration.id)))


def test_arbitrary_form_fields_never_error(client, make_event, app_ctx):
    event = make_event(capacity=5)

    @settings(max_examples=150, deadline=None)
    @given(data=st.dictionaries(st.sampled_from(FIELDS), odd_text))
    def post_anything(data):
        before = registration_count()
        response = client.post(f"/events/{event.id}/register", data=data)
        assert response.status_code in (302, 409, 422), response.status_code
        assert registration_count() == before + (response.status_code == 302)

    post_anything()


def test_arbitrary_request_bodies_never_error(client, make_event, app_ctx):
    event = make_event(capacity=5)

    @settings(max_examples=60, deadline=None)
    @given(body=st.binary(max_size=2_000),
           content_type=st.sampled_from(["application/x-www-form-urlencoded", "multipart/form-data",
                                         "application/json", "text/plain"]))
    def post_bytes(body, content_type):
        response = client.post(f"/events/{event.id}/register", data=body, content_type=content_type)
        assert response.status_code < 500, response.status_code

    post_bytes()
    assert registration_count() == 0


def test_text_no_database_can_store_is_refused_next_to_the_field(client, make_event, app_ctx):
    event = make_event()
    good = {"name": "Li", "email": "li@example.com", "phone": "13800138000", "organization": "Metro",
            "consent": "y"}
    for bad in ({"name": "Li\x00"}, {"organization": "Metro\x00Group"}, {"submission_key": "k\x00"}):
        response = client.post(f"/events/{event.id}/register?lang=en", data={**good, **bad})
        assert response.status_code == 422
        assert "characters that are not allowed" in response.get_data(as_text=True)
    json_body = '{"name": "Li\\ud800", "email": "li@example.com", "phone": "13800138000", ' \
                '"organization": "Metro", "consent": true}'
    response = client.post(f"/events/{event.id}/register", data=json_body, content_type="application/json")
    assert response.status_code == 422
    assert registration_count() == 0


def test_nul_in_urls_finds_nothing(client, make_event):
    event = make_event()
    for url in ("/campaigns/a%00b", "/feeds/campaigns/a%00b.ics", "/registrations/abc%00def",
                "/feeds/me/abc%00.ics", f"/events/{event.id}?lang=%00", "/manage/events?status=%00"):
        assert client.get(url).status_code == 404, url


def test_one_odd_field_in_an_otherwise_valid_sign_up_never_errors(client, make_event, app_ctx):
    """Valid everywhere else, so the odd value really reaches the database when the form accepts it."""
    event = make_event(capacity=1000)
    counter = iter(range(1_000_000))
    used_submission_keys = set()

    @settings(max_examples=150, deadline=None)
    @given(field=st.sampled_from(["name", "organization", "job_title", "submission_key", "phone"]), value=odd_text)
    def post_one_odd_field(field, value):
        data = {"name": "Li", "email": f"p{next(counter)}@example.com", "phone": "13800138000",
                "organization": "Metro", "consent": "y", field: value}
        # A submission key seen before is the same form sent again: it finds the first registration.
        resubmitted = field == "submission_key" and value in used_submission_keys
        before = registration_count()
        response = client.post(f"/events/{event.id}/register", data=data)
        assert response.status_code in (302, 422), response.status_code
        assert registration_count() == before + (response.status_code == 302 and not resubmitted)
        if field == "submission_key" and response.status_code == 302 and value:
            used_submission_keys.add(value)

    post_one_odd_field()
