"""What the back-office page tests share: form data that saves, and reading what a page shows."""
import html
import re

from eventsapp.extensions import db


def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def field_error(response, field_id: str) -> str:
    """The error shown next to one field (empty when there is none)."""
    found = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>', page_of(response), re.S)
    return found.group(1) if found else ""


def event_data(refs, **overrides):
    return {**refs, "title_zh": "质量开放日", "title_en": "Quality Open Day", "timezone": "Asia/Shanghai",
            "starts_at": "2030-05-20T14:00", "ends_at": "2030-05-20T17:30", "capacity": "120", **overrides}


def session_data(**overrides):
    return {"title_zh": "", "title_en": "Keynote", "starts_at": "2030-05-20T14:00", "ends_at": "2030-05-20T14:45",
            "room_id": "0", "speakers-0-name_zh": "王芳", "speakers-0-name_en": "Wang Fang",
            "speakers-0-job_title_zh": "质量总监", "speakers-0-job_title_en": "Quality Director",
            "speakers-0-organization_zh": "申通地铁", "speakers-0-organization_en": "Shentong Metro",
            "speakers-1-name_zh": "", "speakers-1-name_en": "", **overrides}
