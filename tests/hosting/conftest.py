"""Fixtures of the call for hosts: an open call, an application made through the service, the outbox."""
from datetime import timedelta

import pytest

from eventsapp.extensions import db
from eventsapp.hosting import services
from eventsapp.hosting.details import ApplicationDetails, CallDetails
from eventsapp.hosting.models import HostApplication, HostCall


@pytest.fixture
def make_call(app_ctx, make_campaign, now):
    """`make_call(campaign=None, deadline=now + 14 days, **fields)`: an open call, committed."""

    def make(campaign=None, deadline=None, **fields) -> HostCall:
        fields.setdefault("text_zh", "欢迎企业申请承办开放日活动。")
        fields.setdefault("text_en", "Companies are welcome to host an open day.")
        details = CallDetails(deadline=deadline or now + timedelta(days=14), **fields)
        call = services.save_call(campaign or make_campaign(), details, now=now)
        db.session.commit()
        return call

    return make


def details_for(now, **overrides) -> ApplicationDetails:
    starts_at = now.replace(hour=6, minute=0, second=0) + timedelta(days=60)  # 14:00 in Shanghai
    fields = {"theme_zh": "智能制造质量开放日", "theme_en": "Smart manufacturing open day",
              "sharing": "我们将展示全面质量管理的实践。", "starts_at": starts_at,
              "ends_at": starts_at + timedelta(hours=3), "expected_capacity": 60, "contact_name": "王经理",
              "contact_phone": "138 0013 8000", "contact_email": "Wang@Company.example",
              "site_name": "新工厂", "site_address": "浦东新区创新路8号", "site_district": "浦东新区",
              "site_city": "上海", **overrides}
    return ApplicationDetails(**fields)


@pytest.fixture
def application_details(now):
    """`application_details(**overrides)`: what a company fills in, valid, at a new site."""
    return lambda **overrides: details_for(now, **overrides)


@pytest.fixture
def make_application(app_ctx, make_call, make_company_member, now):
    """`make_application(call=None, lead=None, language="zh", **details)`: submitted through the service."""

    def make(call=None, lead=None, language="zh", **overrides) -> HostApplication:
        lead = lead or make_company_member()
        application = services.submit_application(call or make_call(), lead.organization,
                                                  details_for(now, **overrides), submitted_by=lead,
                                                  language=language, now=now)
        db.session.commit()
        return application

    return make

