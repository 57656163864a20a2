"""Every form of the site, public and back office, fed arbitrary bodies: urlencoded, multipart with
files where text belongs, and JSON. No input, however malformed, produces a 500 (SPEC 3.6)."""
import io
import json
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

from eventsapp.accounts.forms import LoginForm
from eventsapp.catalogue.forms import (
    CampaignForm,
    CancelEventForm,
    EventForm,
    OrganizationForm,
    SessionForm,
    SpeakerForm,
    VenueForm,
)
from eventsapp.extensions import db
from eventsapp.registration.forms import (
    AddAttendeeForm,
    AnnouncementForm,
    CancelForSomeoneForm,
    ResendLinkForm,
    SignUpForm,
)
from eventsapp.registration.personal_feed import personal_feed_for
from eventsapp.registration.services import Applicant, register


def field_names(form_class) -> list[str]:
    names = [name for name in dir(form_class) if isinstance(getattr(form_class, name, None), UnboundField)]
    if form_class is SessionForm:  # its speaker rows
        names += [f"speakers-{row}-{name}" for row in (0, 1, 25) for name in field_names(SpeakerForm)]
    return names


odd_text = st.text(max_size=80) | st.text(alphabet="\x00\n\r\t\u2028\ud7ff<>&\"'%;:/-.@ 0129Tz名😀", max_size=30)
values = odd_text | st.sampled_from([
    "", "0", "-1", "1", "2", "2147483648", "99999999999999999999", "1e309", "nan", "y", "true",
    "0001-01-01T00:00", "9999-12-31T23:59", "2026-13-45T25:61", "2026-03-29T02:30", "2026-06-01T10:00",
    "Asia/Shanghai", "Mars/Base", "zh", "en", "xx", "transport", "https://example.com", "javascript:alert(1)",
    "91350100M000100Y43", "a\nb", "x" * 400,
])


def test_no_form_answers_500_whatever_it_is_sent(client, auth, make_event, make_session, app_ctx, now):
    event = make_event()
    draft = make_event(status="draft")
    session = make_session(event)
    person = register(event.id, Applicant(name="Li", email="li@example.com"), now=now)
    db.session.commit()
    feed_token = personal_feed_for("li@example.com").token
    db.session.commit()
    auth.login()
    forms = {
        f"/events/{event.id}/register": SignUpForm, f"/events/{event.id}/resend-link": ResendLinkForm,
        "/auth/login": LoginForm,
        "/manage/campaigns/new": CampaignForm, f"/manage/campaigns/{event.campaign_id}/edit": CampaignForm,
        "/manage/organizations/new": OrganizationForm,
        f"/manage/organizations/{event.host_id}/edit": OrganizationForm,
        "/manage/venues/new": VenueForm, f"/manage/venues/{event.venue_id}/edit": VenueForm,
        "/manage/events/new": EventForm, f"/manage/events/{event.id}/edit": EventForm,
        f"/manage/events/{draft.id}/edit": EventForm, f"/manage/events/{event.id}/cancel": CancelEventForm,
        f"/manage/events/{event.id}/sessions/new": SessionForm,
        f"/manage/events/{event.id}/sessions/{session.id}/edit": SessionForm,
        # buttons: their form carries only the CSRF token, the rest is noise
        f"/manage/events/{draft.id}/publish": LoginForm, f"/manage/events/{event.id}/unpublish": LoginForm,
        f"/manage/events/{draft.id}/delete": LoginForm, f"/registrations/{person.token}/cancel": LoginForm,
        f"/manage/events/{event.id}/registrations/{person.id}/cancel": CancelForSomeoneForm,
        f"/manage/events/{event.id}/registrations/{person.id}/move-to-front": LoginForm,
        f"/manage/events/{event.id}/registrations/{person.id}/resend": LoginForm,
        f"/manage/events/{event.id}/registrations/new": AddAttendeeForm,
        f"/manage/events/{event.id}/messages/new": AnnouncementForm, f"/feeds/me/{feed_token}/replace": LoginForm,
    }
    names = {url: [*field_names(form_class), "csrf_token", "unexpected"] for url, form_class in forms.items()}
    names[f"/manage/events/{event.id}/messages/new"] += ["send", "revise"]  # the preview's buttons

    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def post_anything(data):
        url = data.draw(st.sampled_from(sorted(forms)))
        fields = data.draw(st.dictionaries(st.sampled_from(names[url]), values, max_size=12))
        encoding = data.draw(st.sampled_from(["urlencoded", "multipart", "json"]))
        query = data.draw(st.sampled_from(["", "?lang=en", "?lang=zh", "?_method=POST"]))
        if encoding == "urlencoded":
            response = client.post(url + query, data=fields)
        elif encoding == "multipart":
            as_files = data.draw(st.sets(st.sampled_from(sorted(fields) or ["name"])))
            body = {name: (io.BytesIO(value.encode("utf-8", "replace")), "f.txt") if name in as_files else value
                    for name, value in fields.items()}
            response = client.post(url + query, data=body, content_type="multipart/form-data")
        else:
            response = client.post(url + query, data=json.dumps(fields), content_type="application/json")
        assert response.status_code < 500, (url, encoding, fields, response.status_code)
        db.session.rollback()

    post_anything()
    assert event.starts_at > now - timedelta(days=1)  # the fixtures are still there to post against
