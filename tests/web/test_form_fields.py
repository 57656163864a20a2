"""The field macro (templates/macros/forms.html) gives screen readers the truth: a field is marked
invalid and tied to its error only when it has one, and to its hint only when there is one."""
import re


def attributes(page: str, name: str) -> dict[str, str]:
    """The attributes of the form control called `name`."""
    tag = re.search(rf'<(?:input|select|textarea)\b[^>]*\bname="{name}"[^>]*>', page)
    assert tag, name
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag.group()))


def test_blank_fields_are_neither_invalid_nor_described_by_nothing(client, make_event, app_ctx):
    event = make_event()
    page = client.get(f"/events/{event.id}/register?lang=en").get_data(as_text=True)
    assert '"None"' not in page
    for name in ("name", "organization", "consent"):
        assert "aria-invalid" not in attributes(page, name) and "aria-describedby" not in attributes(page, name)
    for name in ("email", "phone"):
        assert "aria-invalid" not in attributes(page, name)
        assert attributes(page, name)["aria-describedby"] == f"{name}-hint"
        assert f'id="{name}-hint"' in page


def test_fields_refused_are_invalid_and_described_by_their_error(client, make_event, app_ctx):
    event = make_event()
    response = client.post(f"/events/{event.id}/register?lang=en",
                           data={"name": "Zhang Wei", "email": "not an address", "phone": "", "organization": ""})
    page = response.get_data(as_text=True)
    assert response.status_code in (400, 422) and '"None"' not in page
    assert "aria-invalid" not in attributes(page, "name") and "aria-describedby" not in attributes(page, "name")
    email = attributes(page, "email")
    assert email["aria-invalid"] == "true" and email["aria-describedby"] == "email-error email-hint"
    consent = attributes(page, "consent")
    assert consent["aria-invalid"] == "true" and consent["aria-describedby"] == "consent-error"
    for described in ("email-error", "email-hint", "consent-error"):
        assert f'id="{described}"' in page


def test_back_office_forms_mark_nothing_invalid_before_a_submission(client, auth):
    auth.login()
    for url in ("/auth/login", "/manage/campaigns/new", "/manage/venues/new", "/manage/events/new"):
        page = client.get(url).get_data(as_text=True)
        assert '"None"' not in page, url
        assert "aria-invalid" not in page, url
