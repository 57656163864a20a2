"""Confirming an address by a signed link (48 hours), and setting a new password by one (1 hour, once)."""
from datetime import timedelta

import pytest

from eventsapp.accounts.companies import verify_email
from eventsapp.accounts.models import User
from eventsapp.accounts.passwords import reset_password
from eventsapp.accounts.tokens import LinkExpired, LinkRefused, reset_token, verification_token
from eventsapp.extensions import db
from tests.accounts.helpers import link_in, mails_to, signup_data
from tests.catalogue.helpers import field_error, page_of

NEW_PASSWORD = "another long secret"


def signed_up(client) -> User:
    client.post("/auth/register?lang=en", data=signup_data())
    client.post("/auth/logout")
    client.get("/auth/login")  # shows the "signed out" message, once
    db.session.expire_all()
    return db.session.query(User).one()


def test_the_mailed_link_confirms_the_address(client, app_ctx):
    user = signed_up(client)
    response = client.get(link_in(mails_to(user.email)[0], "/auth/verify/"))
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    db.session.expire_all()
    assert db.session.get(User, user.id).email_verified_at is not None
    assert client.get(link_in(mails_to(user.email)[0], "/auth/verify/")).status_code == 302  # a second click


def test_an_expired_link_says_so_and_offers_a_new_one(client, app_ctx, now):
    user = signed_up(client)
    old = verification_token(user, now=now - timedelta(hours=49))
    response = client.get(f"/auth/verify/{old}?lang=en")
    assert response.status_code == 410 and "expired" in page_of(response) and "Send a new link" in page_of(response)
    db.session.expire_all()
    assert db.session.get(User, user.id).email_verified_at is None
    assert verify_email(verification_token(user, now=now - timedelta(hours=47)), now=now).email_verified_at


@pytest.mark.parametrize("mangle", [lambda token: token[:-3] + "abc", lambda token: token + "x",
                                    lambda token: "nonsense", lambda token: token.split(".")[0]])
def test_a_forged_link_is_refused(client, app_ctx, now, mangle):
    user = signed_up(client)
    response = client.get(f"/auth/verify/{mangle(verification_token(user, now=now))}?lang=en")
    assert response.status_code == 400 and "not valid" in page_of(response)
    db.session.expire_all()
    assert db.session.get(User, user.id).email_verified_at is None


def test_a_link_for_an_address_since_changed_is_refused(client, app_ctx, now):
    user = signed_up(client)
    token = verification_token(user, now=now)
    user.email = "someone.else@example.com"
    db.session.commit()
    response = client.get(f"/auth/verify/{token}?lang=en")
    assert response.status_code == 400 and "no longer" in page_of(response)


def test_a_reset_link_cannot_confirm_an_address(client, app_ctx, now):
    user = signed_up(client)
    with pytest.raises(LinkRefused):
        verify_email(reset_token(user, now=now), now=now)


def test_a_new_link_is_sent_only_to_an_address_waiting_for_it_and_the_answer_is_the_same(client, app_ctx, make_user):
    user = signed_up(client)
    make_user(email="organizer@example.com")
    answers = [page_of(client.post("/auth/verify?lang=en", data={"email": email})).replace(email, "ADDRESS")
               for email in (user.email, "nobody@example.com", "organizer@example.com")]
    assert answers[0] == answers[1] == answers[2]
    assert len(mails_to(user.email)) == 2
    assert mails_to("nobody@example.com") == [] and mails_to("organizer@example.com") == []


def test_an_unconfirmed_member_sees_the_dashboard_but_other_pages_ask_to_confirm_first(client, app_ctx):
    client.post("/auth/register?lang=en", data=signup_data())
    assert client.get("/company/").status_code == 200
    response = client.get("/company/members?lang=en")
    assert response.status_code == 403 and "Confirm your address first" in page_of(response)
    assert client.get("/company/profile").status_code == 403


# --- Password reset -----------------------------------------------------------------------------

def test_an_organizer_resets_their_password_by_the_mailed_link(client, make_user):
    make_user(email="organizer@example.com", password="the old password")
    response = client.post("/auth/reset?lang=en", data={"email": " Organizer@Example.com"})
    assert response.status_code == 200 and "link to set a new password" in page_of(response)
    [mail] = mails_to("organizer@example.com")
    link = link_in(mail, "/auth/reset/")
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert client.post("/auth/login", data={"email": "organizer@example.com", "password": "the old password"}
                       ).status_code == 422
    assert client.post("/auth/login", data={"email": "organizer@example.com", "password": NEW_PASSWORD}
                       ).status_code == 302
    again = client.post(link + "?lang=en", data={"password": "a third password", "password_again": "a third password"})
    assert again.status_code == 400 and "used already" in page_of(again)


def test_the_reset_page_answers_the_same_for_an_unknown_address(client, make_user):
    make_user(email="organizer@example.com")
    known = page_of(client.post("/auth/reset?lang=en", data={"email": "organizer@example.com"}))
    unknown = page_of(client.post("/auth/reset?lang=en", data={"email": "nobody@example.com"}))
    assert known.replace("organizer@example.com", "X") == unknown.replace("nobody@example.com", "X")
    assert mails_to("nobody@example.com") == []


def test_a_reset_link_expires_after_an_hour(client, make_user, now):
    user = make_user(email="organizer@example.com")
    response = client.get(f"/auth/reset/{reset_token(user, now=now - timedelta(minutes=61))}?lang=en")
    assert response.status_code == 410 and "expired" in page_of(response)
    with pytest.raises(LinkExpired):
        reset_password(reset_token(user, now=now - timedelta(minutes=61)), NEW_PASSWORD, now=now)


def test_a_reset_link_dies_when_the_password_changes_otherwise(app_ctx, make_user, now):
    user = make_user(email="organizer@example.com")
    token = reset_token(user, now=now)
    user.set_password("changed elsewhere 123")
    with pytest.raises(LinkRefused):
        reset_password(token, NEW_PASSWORD, now=now)


def test_a_weak_new_password_is_refused_next_to_the_field(client, make_user, now):
    user = make_user(email="organizer@example.com")
    link = f"/auth/reset/{reset_token(user, now=now)}?lang=en"
    response = client.post(link, data={"password": "organizer@example.com", "password_again": "organizer@example.com"})
    assert response.status_code == 422 and "not your e-mail address" in field_error(response, "password")
    assert db.session.get(User, user.id).check_password("correct horse battery")


def test_the_reset_signs_the_user_out_everywhere_and_confirms_the_address(client, app, auth, make_company_member, now):
    member = make_company_member(email_verified_at=None)
    auth.login_as(member)
    other_browser = app.test_client()
    other_browser.post("/auth/login", data={"email": member.email, "password": "correct horse battery"})
    reset_password(reset_token(member, now=now), NEW_PASSWORD, now=now)
    db.session.commit()
    assert client.get("/company/").status_code == 302 and other_browser.get("/company/").status_code == 302
    assert db.session.get(User, member.id).email_verified_at is not None


def test_login_links_to_the_password_reset(client):
    assert "Forgot your password?" in page_of(client.get("/auth/login?lang=en"))
    assert "忘记密码" in page_of(client.get("/auth/reset?lang=zh"))
