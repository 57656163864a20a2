"""Logins the server can end: logging out or changing the password makes copied cookies worthless."""
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie

from eventsapp.accounts.models import User
from eventsapp.extensions import db

PASSWORD = "a password of my own"
CREDENTIALS = {"email": "organizer@example.com", "password": PASSWORD}


def log_in(client, remember: bool = False):
    response = client.post("/auth/login", data={**CREDENTIALS, **({"remember": "y"} if remember else {})})
    assert response.status_code == 302
    return response


def signed_in(client) -> bool:
    return client.get("/manage/").status_code == 200


def client_with_cookie(app, name: str, value: str):
    """A fresh browser holding only this cookie, as a thief who copied it would."""
    browser = app.test_client()
    browser.set_cookie(name, value)
    return browser


def test_a_copied_session_cookie_stops_working_at_logout(app, client, make_user):
    make_user(password=PASSWORD)
    log_in(client)
    copied = client.get_cookie("session").value
    assert signed_in(client_with_cookie(app, "session", copied))
    client.post("/auth/logout")
    assert not signed_in(client_with_cookie(app, "session", copied))


def test_a_copied_remember_cookie_stops_working_at_logout(app, client, make_user):
    make_user(password=PASSWORD)
    log_in(client, remember=True)
    copied = client.get_cookie("remember_token").value
    assert signed_in(client_with_cookie(app, "remember_token", copied))
    client.post("/auth/logout")
    assert not signed_in(client_with_cookie(app, "remember_token", copied))


def test_each_login_gets_a_new_remember_cookie(client, make_user):
    make_user(password=PASSWORD)
    log_in(client, remember=True)
    first = client.get_cookie("remember_token").value
    client.post("/auth/logout")
    log_in(client, remember=True)
    assert client.get_cookie("remember_token").value != first


def test_remember_me_lasts_two_weeks_not_a_year(client, make_user):
    make_user(password=PASSWORD)
    response = log_in(client, remember=True)
    cookie = SimpleCookie(next(value for value in response.headers.getlist("Set-Cookie")
                               if value.startswith("remember_token=")))["remember_token"]
    expires = datetime.strptime(cookie["expires"], "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC)
    assert expires - datetime.now(UTC) < timedelta(days=15)


def test_a_password_change_signs_out_every_other_browser(app, client, make_user, app_ctx):
    user = make_user(password=PASSWORD)
    log_in(client, remember=True)
    remembered = client.get_cookie("remember_token").value
    assert signed_in(client)
    user = db.session.get(User, user.id)
    user.set_password("a brand new password")
    db.session.commit()
    assert not signed_in(client)
    assert not signed_in(client_with_cookie(app, "remember_token", remembered))
    client.post("/auth/login", data={**CREDENTIALS, "password": "a brand new password"})
    assert signed_in(client)


def test_cookies_from_before_session_tokens_are_refused(app, make_user, app_ctx):
    """A session naming only the user id (as logins before this release did) no longer signs in."""
    user = make_user()
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert not signed_in(browser)
