"""The UID domain is fixed once in the database: moving the site to another BASE_URL keeps every UID
(issue 9 item 11)."""
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import icalendar
import pytest
from sqlalchemy import delete, func, select

from eventsapp import create_app
from eventsapp.config import DEFAULT_BASE_URL, TestConfig
from eventsapp.extensions import db
from eventsapp.mail.models import OutboxMessage
from eventsapp.mail.writing import write_left_unwritten
from eventsapp.registration.services import Applicant, register
from eventsapp.site_settings import UID_DOMAIN, SiteSetting, load_uid_domain, stored_setting, uid_domain


@pytest.fixture
def fresh_site(app_ctx):
    """As on a database where nothing was stored yet: `make_app(**config)` starts another process's app."""
    db.session.execute(delete(SiteSetting))
    db.session.commit()
    app_ctx.extensions.pop(UID_DOMAIN, None)
    made = []

    def make_app(**config):
        made.append(create_app(TestConfig, SQLALCHEMY_DATABASE_URI=app_ctx.config["SQLALCHEMY_DATABASE_URI"],
                               **config))
        return made[-1]

    yield make_app
    for other in made:
        with other.app_context():
            db.engine.dispose()


def stored_values() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(SiteSetting.value).where(SiteSetting.key == UID_DOMAIN)))


def feed_uids(app, url: str = "/feeds/all.ics") -> list[str]:
    response = app.test_client().get(url)
    assert response.status_code == 200
    return [str(vevent["UID"]) for vevent in icalendar.Calendar.from_ical(response.data).events]


def test_changing_base_url_after_first_use_keeps_uids_in_feeds_and_mails(fresh_site, make_event, make_session,
                                                                        now):
    first = fresh_site(BASE_URL="https://old.example.org")
    event = make_event()
    make_session(event)
    assert feed_uids(first) == [f"event-{event.id}@old.example.org"]

    moved = fresh_site(BASE_URL="https://events.example.com/campaign")
    assert feed_uids(moved) == [f"event-{event.id}@old.example.org"]
    assert feed_uids(moved, f"/events/{event.id}.ics") == [f"event-{event.id}@old.example.org"]
    assert f"session-{event.sessions[0].id}@old.example.org" in feed_uids(moved, f"/feeds/events/{event.id}/agenda.ics")
    body = moved.test_client().get("/feeds/all.ics").get_data(as_text=True)
    assert "https://events.example.com/campaign/events/" in body  # links follow BASE_URL, UIDs do not
    with moved.app_context():
        register(event.id, Applicant(name="张伟", email="zhang@example.com"), now=now)
        db.session.commit()
        write_left_unwritten(now=now)  # written as the mail worker does
        ics = db.session.scalar(select(OutboxMessage.ics))
    (invitation,) = icalendar.Calendar.from_ical(ics).events
    assert str(invitation["UID"]) == f"event-{event.id}@old.example.org"
    assert stored_values() == ["old.example.org"]


def test_uid_domain_set_before_first_use_wins(fresh_site, caplog, monkeypatch):
    site = fresh_site(BASE_URL="https://events.example.com", UID_DOMAIN=" Calendar.Example.ORG. ")
    with site.app_context():
        assert uid_domain() == "calendar.example.org"
    later = fresh_site(BASE_URL="https://events.example.com", UID_DOMAIN="other.example.net")
    with later.app_context():
        assert uid_domain() == "calendar.example.org"  # set after first use: kept, and the log says so
    # Alembic's logging setup (an in-process upgrade in tests/test_migrations.py) disables existing loggers.
    monkeypatch.setattr(later.logger, "disabled", False)
    with caplog.at_level(logging.WARNING), later.app_context():
        load_uid_domain(later)
    assert "UID_DOMAIN is other.example.net but calendar UIDs keep calendar.example.org" in caplog.text
    assert stored_values() == ["calendar.example.org"]


def test_a_fresh_database_with_base_url_unset_uses_its_default_host(fresh_site):
    site = fresh_site(BASE_URL=DEFAULT_BASE_URL, UID_DOMAIN=None)
    with site.app_context():
        assert uid_domain() == "127.0.0.1"
    assert stored_values() == ["127.0.0.1"]


def test_a_uid_domain_that_is_no_domain_name_is_refused_at_start(fresh_site):
    with pytest.raises(ValueError, match="UID_DOMAIN"):
        fresh_site(UID_DOMAIN="events@example.com")
    assert stored_values() == []


@pytest.mark.parametrize("base_url, domain", [
    ("https://活动.上海.cn", "xn--6fr513d.xn--fhqz97e.cn"),
    ("https://Events_Site.example.org/", "events_site.example.org"),
    ("https://ÉVÉNEMENTS.example.fr.", "xn--vnements-90ab.example.fr"),
])
def test_a_base_url_host_with_unicode_or_underscore_starts_and_gives_ascii_uids(fresh_site, make_event, base_url,
                                                                                domain):
    site = fresh_site(BASE_URL=base_url, UID_DOMAIN=None)
    event = make_event()
    assert feed_uids(site) == [f"event-{event.id}@{domain}"]
    assert stored_values() == [domain]


def test_a_uid_domain_in_chinese_is_stored_in_ascii(fresh_site):
    site = fresh_site(BASE_URL="https://events.example.com", UID_DOMAIN="活动.上海.CN")
    with site.app_context():
        assert uid_domain() == "xn--6fr513d.xn--fhqz97e.cn"
    assert stored_values() == ["xn--6fr513d.xn--fhqz97e.cn"]


@pytest.mark.parametrize("uid_domain_setting", ["events@example.com", "events_site.example.org", "a..b"])
def test_a_uid_domain_setting_must_be_a_domain_name(fresh_site, uid_domain_setting):
    with pytest.raises(ValueError, match="UID_DOMAIN must be a domain name"):
        fresh_site(BASE_URL="https://events.example.com", UID_DOMAIN=uid_domain_setting)
    assert stored_values() == []


@pytest.mark.parametrize("base_url, host", [(DEFAULT_BASE_URL, "127.0.0.1"), ("http://localhost:8000", "localhost"),
                                            ("http://[::1]:5000", "::1")])
def test_storing_a_local_host_as_uid_domain_warns(fresh_site, caplog, monkeypatch, base_url, host):
    monkeypatch.setattr(logging.getLogger("eventsapp"), "disabled", False)  # see the test above
    with caplog.at_level(logging.WARNING, logger="eventsapp"):
        fresh_site(BASE_URL=base_url, UID_DOMAIN=None)
    (warning,) = [record for record in caplog.records if "Calendar UIDs" in record.getMessage()]
    assert warning.levelno == logging.WARNING
    assert f"Calendar UIDs end with @{host} from now on" in warning.getMessage()
    assert "set UID_DOMAIN (or BASE_URL) before the first start" in warning.getMessage()
    assert stored_values() == [host]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="eventsapp"):
        fresh_site(BASE_URL=base_url, UID_DOMAIN=None)  # read, not stored again: no warning
    assert "Calendar UIDs" not in caplog.text


def test_a_real_domain_is_stored_without_warning(fresh_site, caplog, monkeypatch):
    monkeypatch.setattr(logging.getLogger("eventsapp"), "disabled", False)
    with caplog.at_level(logging.WARNING, logger="eventsapp"):
        fresh_site(BASE_URL="https://events.example.com")
    assert "Calendar UIDs" not in caplog.text
    assert stored_values() == ["events.example.com"]


def test_two_apps_starting_together_store_one_value_and_agree(fresh_site):
    """Each app reads at start; here they are made first and then read at the same moment."""
    apps = [fresh_site(BASE_URL=f"https://site-{n}.example.com") for n in range(4)]
    db.session.execute(delete(SiteSetting))
    db.session.commit()
    barrier = threading.Barrier(len(apps))

    def read(app) -> str:
        """As init_app does it: read, or store and commit."""
        with app.app_context():
            barrier.wait(timeout=10)
            domain = load_uid_domain(app)
            db.session.commit()
            return domain

    with ThreadPoolExecutor(max_workers=len(apps)) as pool:
        domains = list(pool.map(read, apps))
    assert len(set(domains)) == 1 and domains[0] in {f"site-{n}.example.com" for n in range(4)}
    assert stored_values() == domains[:1]
    assert db.session.scalar(select(func.count()).select_from(SiteSetting)) == 1


def test_a_stored_value_is_read_not_replaced(app_ctx):
    assert stored_setting("example", lambda: "first") == "first"
    assert stored_setting("example", lambda: pytest.fail("an initial value is not needed once stored")) == "first"


def test_a_domain_first_needed_inside_a_change_is_stored_with_it(fresh_site, make_event, now):
    """A process that started before `db upgrade` made the table reads the domain at first use, which
    may be inside a sign-up's transaction: on SQLite a second connection would wait for that very
    transaction (and fail after the busy timeout), so the value is stored in it."""
    site = fresh_site(BASE_URL="https://first.example.org")
    event = make_event()
    with site.app_context():
        db.session.execute(delete(SiteSetting))  # as if the table came after this process started
        db.session.commit()
        site.extensions.pop(UID_DOMAIN, None)
        register(event.id, Applicant(name="张伟", email="zhang@example.com"), now=now)  # the mail needs the UID
        db.session.commit()
        write_left_unwritten(now=now)  # written as the mail worker does
        ics = db.session.scalar(select(OutboxMessage.ics))
    (invitation,) = icalendar.Calendar.from_ical(ics).events
    assert str(invitation["UID"]) == f"event-{event.id}@first.example.org"
    assert stored_values() == ["first.example.org"]
