"""Turning an outbox row into a MIME message, and handing it to an SMTP server."""
from __future__ import annotations

import hashlib
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Protocol
from urllib.parse import unquote, urlsplit

from ..text import one_line
from .models import OutboxMessage

SEND_TIMEOUT_SECONDS = 15
# 7-bit transfer encodings (base64 for Chinese text): the message passes any server, even one
# without 8BITMIME, and the .ics bytes arrive exactly as written (CRLF line ends, folding).
MAIL_POLICY = policy.SMTP.clone(cte_type="7bit")


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...


def compose_email(message: OutboxMessage, *, sender: str, now: datetime) -> EmailMessage:
    """multipart/mixed[ alternative[text, related[html, image/png], text/calendar], application/ics attachment ].

    The calendar part inside the alternative is what Outlook and Gmail turn into "add to calendar"
    buttons; the attachment is what Apple Mail and others offer to open. An inline image (a check-in
    code's QR) travels beside the HTML that shows it, in a multipart/related (RFC 2387).
    """
    email = EmailMessage(policy=MAIL_POLICY)
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = one_line(message.subject)  # a title stored with a line break must not lose the mail
    email["Date"] = format_datetime(now)
    email["Message-ID"] = message_id(message, sender=sender)
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: out-of-office robots do not answer
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
        if message.inline_image and message.inline_image_cid:
            html = email.get_body(("html",))
            assert html is not None
            html.add_related(message.inline_image, maintype="image", subtype="png",
                             cid=f"<{message.inline_image_cid}>", disposition="inline")
    if message.ics:
        email.add_alternative(message.ics, maintype="text", subtype="calendar", cte="base64",
                              params={"charset": "utf-8", "method": message.ics_method or "PUBLISH"})
        email.add_attachment(message.ics, maintype="application", subtype="ics",
                             filename=message.ics_filename or "event.ics")
    return email


def message_id(message: OutboxMessage, *, sender: str) -> str:
    """The same on every attempt, so a copy re-sent after a lost acknowledgement is recognized as one
    message; the creation time keeps ids apart when a database is reset and row ids start over."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    stamp = hashlib.sha256(f"{message.dedup_key}|{message.created_at.isoformat()}".encode()).hexdigest()[:16]
    return f"<outbox.{message.id}.{stamp}@{domain}>"


# The server answered about this message (its sender, a recipient, its content).
MESSAGE_REFUSALS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def is_permanent_failure(error: Exception) -> bool:
    """A 5xx refusal of the sender, recipient or content: trying again would get the same answer.

    Everything else (server down, timeouts, 4xx greylisting, a failed login) is worth a retry.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return False


def is_server_unavailable(error: Exception) -> bool:
    """The server could not be used at all (down, unreachable, TLS or login refused): nothing is wrong
    with the message, so it waits for the server however long that takes."""
    if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code == 421:
        return True  # "service not available, closing channel", whichever command it answered
    if isinstance(error, MESSAGE_REFUSALS):
        return False
    return isinstance(error, OSError)  # every other smtplib error derives from it too


@dataclass(frozen=True)
class SmtpTransport:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    implicit_tls: bool = False  # smtps://, usually port 465
    require_starttls: bool = False  # submission port 587: never talk in the clear
    timeout: float = SEND_TIMEOUT_SECONDS

    @classmethod
    def from_url(cls, url: str) -> SmtpTransport:
        """`smtp://user:pass@host:port` (STARTTLS when offered; required on 587) or `smtps://` (TLS)."""
        parts = urlsplit(url.strip())
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://user:password@host:port or smtps://...")
        implicit_tls = parts.scheme == "smtps"
        port = parts.port or (465 if implicit_tls else 25)
        return cls(host=parts.hostname, port=port,
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None,
                   implicit_tls=implicit_tls, require_starttls=port == 587 and not implicit_tls)

    def send(self, message: EmailMessage) -> None:
        with self._connect() as smtp:
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)

    def _connect(self) -> smtplib.SMTP:
        if self.implicit_tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=ssl.create_default_context())
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if self.require_starttls or smtp.has_extn("starttls"):
                smtp.starttls(context=self._starttls_context())
                smtp.ehlo()
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _starttls_context(self) -> ssl.SSLContext:
        """Verified when TLS is required; opportunistic STARTTLS (RFC 7435, as MTAs do) accepts any
        certificate, so a local relay with a self-signed one keeps working and still encrypts."""
        context = ssl.create_default_context()
        if not self.require_starttls:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context
