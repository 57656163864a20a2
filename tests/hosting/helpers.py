"""What the hosting page tests share: form data that saves."""


def application_form(**overrides) -> dict[str, str]:
    """The company's application form, filled in validly: a new site in Shanghai."""
    return {"theme_zh": "智能制造质量开放日", "theme_en": "Smart manufacturing open day",
            "sharing": "我们将展示全面质量管理的实践。", "timezone": "Asia/Shanghai",
            "starts_at": "2030-05-20T14:00", "ends_at": "2030-05-20T17:00", "other_dates": "六月任意周五下午",
            "site": "new", "venue_id": "0", "site_name": "新工厂", "site_address": "浦东新区创新路8号",
            "site_district": "浦东新区", "site_city": "上海", "expected_capacity": "60", "contact_name": "王经理",
            "contact_phone": "138 0013 8000", "contact_email": "wang@company.example", **overrides}


def call_form(**overrides) -> dict[str, str]:
    return {"text_zh": "欢迎企业申请承办开放日活动。", "text_en": "Companies are welcome to host an open day.",
            "timezone": "Asia/Shanghai", "deadline": "2030-03-31T18:00", **overrides}


PASSWORD = "correct horse battery"  # what tests/conftest.py gives every user it makes (test modules cannot import it)
