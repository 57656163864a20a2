import pytest

from eventsapp.accounts.models import Role, User
from eventsapp.accounts.services import authenticate, create_organizer
from eventsapp.errors import Conflict, ValidationFailed
from eventsapp.extensions import db


@pytest.mark.parametrize("url", ["/manage/", "/manage/events", "/manage/campaigns/new", "/manage/venues"])
def test_anonymous_visitor_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_anonymous_post_to_back_office_changes_nothing(client, make_event):
    from eventsapp.catalogue.models import Event, EventStatus

    event = make_event(status=EventStatus.DRAFT)
    response = client.post(f"/manage/events/{event.id}/publish")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.DRAFT


def test_wrong_password_shows_an_error_and_does_not_sign_in(client, make_user):
    make_user(email="boss@example.com", password="right password 1")
    response = client.post("/auth/login?lang=en", data={"email": "boss@example.com", "password": "wrong"})
    assert response.status_code == 422
    assert "Wrong e-mail address or password." in response.get_data(as_text=True)
    assert client.get("/manage/").status_code == 302


def test_organizer_signs_in_and_reaches_the_back_office(client, auth):
    response = auth.login()
    assert response.status_code == 302 and response.headers["Location"] == "/manage/"
    assert client.get("/manage/").status_code == 200


def test_login_follows_next_but_never_to_another_site(client, make_user):
    make_user(email="a@example.com", password="pass word 123")
    data = {"email": "A@Example.com ", "password": "pass word 123"}
    response = client.post("/auth/login?next=/manage/venues", data=data)
    assert response.headers["Location"] == "/manage/venues"
    client.post("/auth/logout")
    response = client.post("/auth/login?next=https://evil.example/phish", data=data)
    assert response.headers["Location"] == "/manage/"


def test_company_member_is_refused_the_back_office(client, auth, make_organization):
    org = make_organization()
    auth.login(email="staff@company.example", role=Role.COMPANY_MEMBER, organization_id=org.id)
    assert client.get("/manage/").status_code == 403


def test_logout_ends_the_session(client, auth):
    auth.login()
    auth.logout()
    assert client.get("/manage/").status_code == 302


def test_create_organizer_rules(app_ctx):
    create_organizer(" Chief@Example.com ", "long enough pw")
    db.session.commit()
    assert authenticate("chief@example.com", "long enough pw").role == Role.ORGANIZER
    assert authenticate("chief@example.com", "wrong") is None
    with pytest.raises(Conflict):
        create_organizer("chief@example.com", "another long pw")
    with pytest.raises(ValidationFailed):
        create_organizer("new@example.com", "short")


def test_create_organizer_command_prompts_for_password(runner, app_ctx):
    result = runner.invoke(args=["create-organizer", "ops@example.com"], input="s3cret-password\ns3cret-password\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(User).where(User.email == "ops@example.com")).is_organizer
    again = runner.invoke(args=["create-organizer", "ops@example.com"], input="s3cret-password\ns3cret-password\n")
    assert again.exit_code != 0 and "already exists" in again.output


def test_repeated_failed_logins_are_rate_limited(app, make_user, database_url):
    from eventsapp import create_app
    from eventsapp.config import TestConfig
    from eventsapp.extensions import limiter

    make_user(email="target@example.com", password="the real password")
    limited_app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_ENABLED=True)
    limiter.reset()
    client = limited_app.test_client()
    codes = [client.post("/auth/login", data={"email": "target@example.com", "password": f"guess {i}"}).status_code
             for i in range(11)]
    assert codes[:10] == [422] * 10
    assert codes[10] == 429
    limiter.reset()
    with limited_app.app_context():
        db.engine.dispose()
