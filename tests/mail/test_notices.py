"""Notices to account holders: in the reader's language, with their button, once per dedup key."""
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.mail.models import OutboxMessage
from eventsapp.mail.notices import Notice, queue_notice, queue_notice_to_each


def compose() -> Notice:
    return Notice(subject=_l("Your registration link: %(title)s", title="开放日"),
                  paragraphs=["第一段 <b>", "Second"], action_label=str(_l("Password")),
                  action_url="https://events.example/verify/abc", footnote="small print")


def test_a_notice_is_queued_in_the_readers_language_with_its_button(app_ctx, now):
    queue_notice(recipient="a@example.com", language="zh", compose=compose, dedup_key="notice-1", now=now)
    queue_notice(recipient="b@example.com", language="en", compose=compose, dedup_key="notice-2", now=now)
    db.session.commit()
    chinese, english = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    assert chinese.subject == "您的报名链接：开放日" and english.subject == "Your registration link: 开放日"
    assert "https://events.example/verify/abc" in chinese.body_text and "small print" in chinese.body_text
    assert "第一段 &lt;b&gt;" in chinese.body_html and 'href="https://events.example/verify/abc"' in english.body_html
    assert "密码" in chinese.body_text and "Password" in english.body_text


def test_the_same_key_queues_one_notice(app_ctx, now):
    assert queue_notice(recipient="a@example.com", language="en", compose=compose, dedup_key="k", now=now)
    assert queue_notice(recipient="a@example.com", language="en", compose=compose, dedup_key="k", now=now) is None


def test_a_notice_to_each_reader_is_in_their_language_and_queued_once_each(app_ctx, now):
    readers = [SimpleNamespace(id=1, email="zh@example.com", language="zh"),
               SimpleNamespace(id=2, email="en@example.com", language="en")]
    for _ in range(2):  # the same change told twice: still one message each
        queue_notice_to_each(readers, compose=compose, dedup_key="change-7", now=now)
    db.session.commit()
    messages = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert [(m.recipient, m.subject, m.dedup_key) for m in messages] == [
        ("zh@example.com", "您的报名链接：开放日", "change-7-to-1"),
        ("en@example.com", "Your registration link: 开放日", "change-7-to-2")]
