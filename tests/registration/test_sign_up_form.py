"""A sign-up form that helps (issue 10): the phone rule, messages written for people in both
languages, what was typed kept after an error, the first error focused, phones offered the right
keyboard and autofill, optional fields marked; and the confirmation page's calendar links."""
import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventsapp.catalogue.models import EventStatus
from eventsapp.extensions import db
from eventsapp.phones import InvalidPhone, display_phone, normalize_phone
from eventsapp.registration.models import Registration
from eventsapp.registration.services import Applicant, register


def form(**overrides):
    return {"name": "Zhang Wei", "email": "zhang.wei@example.com", "phone": "138 0013 8000",
            "organization": "Shentong Metro", "job_title": "", "consent": "y", "website": "", **overrides}


def page_of(response) -> str:
    return response.get_data(as_text=True)


def registrations() -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(select(Registration).order_by(Registration.id)))


def input_tag(page: str, name: str) -> str:
    found = re.search(rf'<input[^>]* name="{name}"[^>]*>', page)
    assert found, f"no input {name}"
    return found.group()


def label_of(page: str, field_id: str) -> str:
    found = re.search(rf'<label for="{field_id}">(.*?)</label>', page, re.DOTALL)
    assert found, f"no label for {field_id}"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))


# --- The phone rule: one pure function -----------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000", "+86-138-0013-8000", "+8613800138000",
    "0086 138 0013 8000", "008613800138000", "86 138 0013 8000", "(+86) 138.0013.8000", " 138 0013 8000 ",
    "１３８ ００１３ ８０００",  # full-width digits from a Chinese keyboard
    "+86 138\u00a00013\u30008000", "138–0013–8000",  # no-break and ideographic spaces, an en dash
])
def test_mainland_mobile_numbers_in_every_usual_spelling_become_one_form(typed):
    assert normalize_phone(typed) == "+8613800138000"


@pytest.mark.parametrize("typed, stored", [
    ("+49 151 1234 5678", "+4915112345678"), ("+4915112345678", "+4915112345678"),
    ("0049 151 1234 5678", "+4915112345678"), ("+1 (415) 555-2671", "+14155552671"),
    ("+852 9123 4567", "+85291234567"), ("+33 6 12 34 56 78", "+33612345678"),
    ("+86 199 1234 5678", "+8619912345678"), ("166 1234 5678", "+8616612345678"),
])
def test_numbers_from_abroad_are_accepted_in_e164(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", [
    "", "+", "12345", "1380013800", "138001380001",  # too short, too long
    "12800138000", "10086",  # no mobile number starts with 10, 11 or 12
    "021 6888 8888", "+86 21 6888 8888", "+86 021 6888 8888",  # Shanghai landlines
    "+86 138 0013 800", "86 138 0013 80",  # a digit missing after a country code
    "+999 1234 5678", "+0 123 4567 8910",  # no such country code
    "+49 1", "+4915112345678901234",  # too short or too long for E.164
    "138 0013 8000 ext 12", "phone: 13800138000", "١٣٨٠٠١٣٨٠٠٠",  # words, non-Latin digits
    "+86+49 151 1234 5678", "0086 +49 151 1234 5678",  # two country codes
])
def test_anything_else_is_refused(typed):
    with pytest.raises(InvalidPhone):
        normalize_phone(typed)


@pytest.mark.parametrize("typed", ["+86 138-0013-8000", "0086 13800138000", "86 138 0013 8000", "138 0013 8000"])
def test_the_form_stores_the_one_normalised_form(client, make_event, app_ctx, typed):
    event = make_event()
    assert client.post(f"/events/{event.id}/register", data=form(phone=typed)).status_code == 302
    assert [r.phone for r in registrations()] == ["+8613800138000"]


def test_a_number_from_abroad_is_stored_in_e164(client, make_event, app_ctx):
    event = make_event()
    assert client.post(f"/events/{event.id}/register", data=form(phone="+49 151 1234 5678")).status_code == 302
    assert registrations()[0].phone == "+4915112345678"


# --- Messages written for people, in both languages ----------------------------------------------

MESSAGES = {
    "en": {"name": "Please enter your name.", "email": "Please enter your e-mail address.",
           "phone": "Please enter your mobile number.", "organization": "Please enter your organization.",
           "consent": "Please agree so that we can register you.",
           "bad_email": "This e-mail address looks incomplete: please check it (e.g. name@example.com).",
           "bad_phone": "Please enter an 11-digit mobile number (e.g. 138 0013 8000), or a number from abroad "
                        "starting with + and the country code (e.g. +49 151 1234 5678).",
           "too_long": "Please shorten this to 100 characters or fewer."},
    "zh": {"name": "请填写您的姓名。", "email": "请填写您的邮箱地址。", "phone": "请填写您的手机号码。",
           "organization": "请填写您的单位名称。", "consent": "请勾选同意，以便我们为您报名。",
           "bad_email": "这个邮箱地址看起来不完整，请检查（例如 name@example.com）。",
           "bad_phone": "请填写 11 位手机号码（例如 138 0013 8000）；境外号码请以 + 和国家或地区代码开头"
                        "（例如 +49 151 1234 5678）。",
           "too_long": "请精简到 100 个字以内。"},
}
LIBRARY_DEFAULTS = ("This field is required.", "Invalid email address.", "Field cannot be longer",
                    "此字段必填", "无效的 Email 地址", "字段长度")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_empty_form_says_what_each_field_needs(client, make_event, app_ctx, lang):
    event = make_event()
    empty = dict.fromkeys(form(), "")
    response = client.post(f"/events/{event.id}/register?lang={lang}", data=empty)
    assert response.status_code == 422
    page = html.unescape(page_of(response))
    for field in ("name", "email", "phone", "organization", "consent"):
        assert MESSAGES[lang][field] in page, field
    assert not [default for default in LIBRARY_DEFAULTS if default in page]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_mistyped_address_number_or_name_is_explained(client, make_event, app_ctx, lang):
    event = make_event()
    response = client.post(f"/events/{event.id}/register?lang={lang}",
                           data=form(email="zhang.wei@example", phone="138 0013 800", name="x" * 101))
    page = html.unescape(page_of(response))
    for message in ("bad_email", "bad_phone", "too_long"):
        assert MESSAGES[lang][message] in page, message
    assert registrations() == []


def test_the_zh_consent_message_is_translated(client, make_event, app_ctx):
    """The consent message predates this issue; it stays as it was, and translated."""
    event = make_event()
    page = page_of(client.post(f"/events/{event.id}/register?lang=zh", data=form(consent="")))
    assert MESSAGES["zh"]["consent"] in html.unescape(page)


# --- What was typed stays; the first error has the focus -----------------------------------------

def test_typed_values_and_the_consent_stay_as_they_were_after_an_error(client, make_event, app_ctx):
    event = make_event(job_title_required=False)
    typed = form(email="zhang.wei@example", phone="+86 138-0013-8000", job_title="Engineer")
    page = page_of(client.post(f"/events/{event.id}/register?lang=en", data=typed))
    assert 'value="Zhang Wei"' in input_tag(page, "name")
    assert 'value="zhang.wei@example"' in input_tag(page, "email")
    assert 'value="+86 138-0013-8000"' in input_tag(page, "phone")  # as typed, not yet normalised
    assert 'value="Shentong Metro"' in input_tag(page, "organization")
    assert 'value="Engineer"' in input_tag(page, "job_title")
    assert " checked" in input_tag(page, "consent")

    unticked = page_of(client.post(f"/events/{event.id}/register?lang=en", data=form(name="", consent="")))
    assert " checked" not in input_tag(unticked, "consent")


def test_the_first_field_with_an_error_has_the_focus(client, make_event, app_ctx):
    event = make_event()
    page = page_of(client.post(f"/events/{event.id}/register?lang=en", data=form(phone="12", organization="")))
    assert page.count(" autofocus") == 1 and " autofocus" in input_tag(page, "phone")
    only_consent = page_of(client.post(f"/events/{event.id}/register?lang=en", data=form(consent="")))
    assert only_consent.count(" autofocus") == 1 and " autofocus" in input_tag(only_consent, "consent")
    fresh = page_of(client.get(f"/events/{event.id}/register?lang=en"))
    assert " autofocus" not in fresh  # an empty form opens where the person starts reading


def test_a_duplicate_found_by_the_service_is_focused_too(client, make_event, app_ctx):
    """An error added after validation (the service's "already registered") moves the focus as well."""
    event = make_event()
    client.post(f"/events/{event.id}/register", data=form(email="dup@example.com"))
    page = page_of(client.post(f"/events/{event.id}/register?lang=en", data=form(email="dup@example.com")))
    assert " autofocus" in input_tag(page, "email")


# --- Phones fill the fields in; optional fields say so -------------------------------------------

def test_inputs_carry_autocomplete_and_the_right_keyboard(client, make_event, app_ctx):
    event = make_event()
    page = page_of(client.get(f"/events/{event.id}/register?lang=en"))
    expected = {"name": ('type="text"', 'autocomplete="name"'),
                "email": ('type="email"', 'autocomplete="email"', 'inputmode="email"'),
                "phone": ('type="tel"', 'autocomplete="tel"', 'inputmode="tel"'),
                "organization": ('autocomplete="organization"',),
                "job_title": ('autocomplete="organization-title"',)}
    for name, attributes in expected.items():
        tag = input_tag(page, name)
        assert all(attribute in tag for attribute in attributes), tag


@pytest.mark.parametrize("lang, marker", [("en", " (optional)"), ("zh", "（选填）")])
def test_optional_fields_are_marked_and_required_ones_are_not(client, make_event, app_ctx, lang, marker):
    event = make_event(phone_required=False, organization_required=True, job_title_required=False)
    page = page_of(client.get(f"/events/{event.id}/register?lang={lang}"))
    assert label_of(page, "phone").endswith(marker) and label_of(page, "job_title").endswith(marker)
    for required in ("name", "email", "organization"):
        assert marker.strip() not in label_of(page, required)
        assert " required" in input_tag(page, required)
    assert " required" not in input_tag(page, "phone")


# --- The confirmation page: add to calendar ------------------------------------------------------

def hrefs(page: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'href="([^"]*)"', page)]


def sign_up(client, event, **overrides) -> str:
    response = client.post(f"/events/{event.id}/register", data=form(**overrides))
    assert response.status_code == 302
    return response.headers["Location"]


def test_the_confirmation_page_offers_google_outlook_ics_and_a_subscription(client, make_event, app_ctx):
    event = make_event(title_zh="质量开放日", title_en="Quality Open Day")
    manage_url = sign_up(client, event)
    token = manage_url.rsplit("/", 1)[1]
    links = hrefs(page_of(client.get(manage_url + "?lang=en")))

    google = [link for link in links if link.startswith("https://calendar.google.com/calendar/render?")]
    outlook = [link for link in links if re.match(r"https://outlook\.(live|office)\.com/calendar/0/deeplink/compose\?",
                                                  link)]
    webcal = [link for link in links if link.startswith("webcal://")]
    assert len(google) == 1 and len(outlook) == 2 and len(webcal) == 1
    assert "text=%E8%B4%A8%E9%87%8F%E5%BC%80%E6%94%BE%E6%97%A5" in google[0]  # the person signed up in zh
    assert f"{manage_url}.ics" in links  # their own calendar entry, as before
    assert webcal[0] == f"webcal://127.0.0.1:5000/events/{event.id}.ics?lang=zh"  # the public event feed
    assert not [link for link in google + outlook + webcal if token in link]  # nothing that can cancel


def test_the_subscription_link_leads_to_the_public_event_feed(client, make_event, app_ctx):
    event = make_event()
    page = page_of(client.get(sign_up(client, event) + "?lang=en"))
    https_address = re.search(r'id="event-feed-url"[^>]* value="([^"]+)"', page).group(1)
    assert client.get(https_address.replace("http://127.0.0.1:5000", "")).status_code == 200
    assert "browser asks which app to use, or nothing happens" in html.unescape(page)


def test_a_cancelled_event_offers_no_add_event_links(client, make_event, app_ctx, now):
    event = make_event()
    manage_url = sign_up(client, event)
    event.status = EventStatus.CANCELLED
    db.session.commit()
    links = hrefs(page_of(client.get(manage_url + "?lang=en")))
    assert not [link for link in links if "google.com" in link or "outlook." in link or link.startswith("webcal:")]


def test_a_waitlisted_person_sees_the_waiting_list_in_the_title(client, make_event, app_ctx):
    event = make_event(capacity=1, starts_in=timedelta(days=3))
    sign_up(client, event, email="first@example.com")
    page = page_of(client.get(sign_up(client, event, email="second@example.com") + "?lang=en"))
    google = next(link for link in hrefs(page) if link.startswith("https://calendar.google.com/"))
    assert "text=%5B%E5%80%99%E8%A1%A5%20Waitlisted%5D%20" in google  # "[候补 Waitlisted] "


@pytest.mark.parametrize("stored, shown", [
    ("+8613800138000", "+86 138 0013 8000"),  # read 3-4-4, as Chinese mobile numbers are
    ("+4915112345678", "+49 1511 2345678"),
    ("+12025550123", "+1 202-555-0123"),
    ("", ""),
])
def test_a_stored_number_is_shown_the_way_people_read_it(stored, shown):
    assert display_phone(stored) == shown


def test_in_wechat_the_page_says_to_open_it_in_a_browser_and_chinese_readers_get_the_file_first(
        client, make_event, app_ctx, now):
    event = make_event()
    registration = register(event.id, Applicant(name="王芳", email="wang@example.com", language="zh"), now=now)
    db.session.commit()
    wechat = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) MicroMessenger/8.0.47 NetType/WIFI"
    page = client.get(f"/registrations/{registration.token}?lang=zh", headers={"User-Agent": wechat})
    text = page.get_data(as_text=True)
    assert "微信内无法打开日历文件" in text
    assert text.index(f"/registrations/{registration.token}.ics") < text.index("calendar.google.com")
    other = client.get(f"/registrations/{registration.token}?lang=en").get_data(as_text=True)
    assert "WeChat" not in other and other.index("calendar.google.com") < other.index(".ics\" download")
