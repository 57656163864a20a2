"""What the account tests share: form data that signs a company up, and reading the mails it sends."""
import re

from sqlalchemy import select

from eventsapp.catalogue.uscc import uscc_check_character
from eventsapp.extensions import db
from eventsapp.mail.models import OutboxMessage

PASSWORD = "a long enough secret"


def uscc(n: int) -> str:
    first_17 = f"91310115{n:09d}"
    return first_17 + uscc_check_character(first_17)


def signup_data(**overrides) -> dict:
    return {"name_zh": "上海申通地铁集团", "name_en": "Shanghai Shentong Metro", "sector": "transport",
            "website": "https://www.shmetro.com", "uscc": uscc(1), "contact_phone": "021 6888 8888",
            "contact_email": "office@shmetro.example", "name": "王芳", "phone": "138 0013 8000",
            "email": "wang.fang@shmetro.example", "password": PASSWORD, "password_again": PASSWORD, **overrides}


def join_data(code: str, **overrides) -> dict:
    return {"uscc": code, "name": "李明", "phone": "139 0000 1111", "email": "li.ming@shmetro.example",
            "password": PASSWORD, "password_again": PASSWORD, **overrides}


def mails_to(address: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address)
                                   .order_by(OutboxMessage.id)))


def link_in(message: OutboxMessage, prefix: str) -> str:
    """The path of the first link in a mail that starts with `prefix` (e.g. "/auth/verify/")."""
    found = re.search(rf"https?://[^/\s]+({re.escape(prefix)}[^\s]*)", message.body_text)
    assert found, f"no {prefix} link in {message.body_text!r}"
    return found.group(1)
