"""Pages that mail a link on request are rate-limited per address and per client, like the login."""
import pytest

from eventsapp import create_app
from eventsapp.config import TestConfig
from eventsapp.extensions import db, limiter


@pytest.fixture
def limited_client(database_url, app):
    limited = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=True,
                         RATELIMIT_STORAGE_URI="memory://")
    limiter.reset()
    yield limited.test_client()
    limiter.reset()
    with limited.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("url", ["/auth/reset", "/auth/verify"])
def test_one_address_gets_three_links_an_hour_whatever_its_spelling(limited_client, url):
    statuses = [limited_client.post(url, data={"email": email}).status_code
                for email in ("a@example.com", "A@example.com", " a@EXAMPLE.com", "a@example.com")]
    assert statuses == [200, 200, 200, 429]
    assert limited_client.post(url, data={"email": "b@example.com"}).status_code == 200


def test_one_client_gets_ten_reset_links_an_hour(limited_client):
    statuses = [limited_client.post("/auth/reset", data={"email": f"p{n}@example.com"}).status_code
                for n in range(11)]
    assert statuses == [200] * 10 + [429]
