"""Plain notices to account holders (verify your address, an invitation, an application reviewed):
a greeting, a few paragraphs and at most one button, in the reader's language, queued in the outbox.

Attendees' messages about an event, with their calendar file, are registration/notifications.py."""
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from flask import render_template
from flask_babel import force_locale

from .models import OutboxMessage
from .services import enqueue_message


@dataclass(frozen=True)
class Notice:
    subject: str
    paragraphs: Sequence[str]
    action_label: str = ""  # the button; its address is action_url
    action_url: str = ""
    footnote: str = ""  # small print, e.g. "If you did not ask for this, ignore this message."


def queue_notice(*, recipient: str, language: str, compose: Callable[[], Notice], dedup_key: str,
                 now: datetime) -> OutboxMessage | None:
    """Queue one notice in the caller's transaction. `compose` runs in the reader's language, so the
    texts it translates (lazy or not) come out in it. None when `dedup_key` was queued before."""
    with force_locale(language):
        notice = compose()
        body_text = render_template("mail/notice.txt", notice=notice)
        body_html = render_template("mail/notice.html", notice=notice)
        subject = str(notice.subject)
    return enqueue_message(recipient=recipient, subject=subject, body_text=body_text, body_html=body_html,
                           dedup_key=dedup_key, now=now)


class Reader(Protocol):
    id: int
    email: str
    language: str


def queue_notice_to_each(readers: Iterable[Reader], *, compose: Callable[[], Notice], dedup_key: str,
                         now: datetime) -> None:
    """The same notice to several account holders (a company's lead contacts), each in their own language;
    each reader's dedup key is `dedup_key` plus who they are."""
    for reader in readers:
        queue_notice(recipient=reader.email, language=reader.language, compose=compose,
                     dedup_key=f"{dedup_key}-to-{reader.id}", now=now)
