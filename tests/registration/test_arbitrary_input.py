"""No input, however malformed, produces a 500 or a half-made registration (SPEC 3.6)."""
from hypothesis import given, settings, strategies as st
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
