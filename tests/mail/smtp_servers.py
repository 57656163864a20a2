"""SMTP servers on loopback (aiosmtpd): one that accepts, one that refuses, and one that is down.

A pytest plugin, registered in tests/conftest.py: the mail tests and the end-to-end tests use it."""
import socket
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller

from eventsapp.mail.transport import SmtpTransport


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Collector:
    """Accepts everything and keeps what arrived."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 2.0.0 Message accepted"

    @property
    def messages(self) -> list[EmailMessage]:
        return [BytesParser(policy=policy.default).parsebytes(e.content) for e in self.envelopes]


class Refuser:
    """Answers RCPT TO with a fixed refusal, e.g. "451 4.7.1 Try again later"."""

    def __init__(self, reply: str):
        self.reply = reply
        self.attempts = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.attempts += 1
        return self.reply


@dataclass
class SmtpServer:
    handler: object
    port: int
    controllers: list = field(default_factory=list)
    options: dict = field(default_factory=dict)  # passed to aiosmtpd's SMTP, e.g. an authenticator

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def transport(self) -> SmtpTransport:
        return SmtpTransport.from_url(self.url)

    def start(self) -> "SmtpServer":
        controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **self.options)
        controller.start()
        self.controllers.append(controller)
        return self

    def stop(self) -> None:
        while self.controllers:
            self.controllers.pop().stop()


@pytest.fixture
def smtp_server():
    """`smtp_server.handler.messages` are the parsed messages received, in order."""
    server = SmtpServer(Collector(), free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def refusing_smtp_server():
    """Call with a reply, e.g. refusing_smtp_server("550 5.1.1 No such user")."""
    servers = []

    def start(reply: str) -> SmtpServer:
        servers.append(SmtpServer(Refuser(reply), free_port()).start())
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def down_smtp_server():
    """A server that is not running yet: nothing listens on its port until `.start()`."""
    server = SmtpServer(Collector(), free_port())
    yield server
    server.stop()
