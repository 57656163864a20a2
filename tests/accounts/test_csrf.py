"""CSRF is off in most tests for brevity; here it is on, as in production."""
import re

import pytest

from eventsapp.catalogue.models import Campaign
from eventsapp.extensions import db


@pytest.fixture
def csrf_client(app, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    make_user(email="org@example.com", password="csrf test password")
    client = app.test_client()
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    client.post("/auth/login", data={"email": "org@example.com", "password": "csrf test password", "csrf_token": token})
    return client


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def campaign_form(**extra):
    return {"slug": "csrf-check", "year": "2026", "name_zh": "测试", "main_language": "zh", **extra}


def test_login_without_token_is_refused(app, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    make_user(email="org@example.com", password="csrf test password")
    response = app.test_client().post("/auth/login", data={"email": "org@example.com",
                                                           "password": "csrf test password"})
    assert response.status_code == 400


def test_form_post_without_token_is_refused_and_changes_nothing(csrf_client, app_ctx):
    response = csrf_client.post("/manage/campaigns/new", data=campaign_form())
    assert response.status_code == 400
    assert db.session.scalar(db.select(Campaign)) is None


def test_form_post_with_forged_token_is_refused(csrf_client, app_ctx):
    response = csrf_client.post("/manage/campaigns/new", data=campaign_form(csrf_token="forged"))
    assert response.status_code == 400
    assert db.session.scalar(db.select(Campaign)) is None


def test_form_post_with_token_is_accepted(csrf_client, app_ctx):
    token = csrf_token(csrf_client.get("/manage/campaigns/new").get_data(as_text=True))
    response = csrf_client.post("/manage/campaigns/new", data=campaign_form(csrf_token=token))
    assert response.status_code == 302
    assert db.session.scalar(db.select(Campaign)).slug == "csrf-check"
