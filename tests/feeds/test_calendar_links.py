"""The "add to calendar" links (feeds/links.py), on plain objects: no database, no request, no clock."""
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from eventsapp.feeds.links import DESCRIPTION_LIMIT, calendar_links, webcal_url
from tests.import_graph import FLASK_PACKAGES, ImportGraph, flask_reached_from

BASE_URL = "https://events.example.cn"


def organization(zh: str, en: str) -> SimpleNamespace:
    return SimpleNamespace(name_zh=zh, name_en=en)


def an_event(**fields) -> SimpleNamespace:
    """Shanghai, 14:00–17:30 local time on 14 March 2026."""
    values = dict(id=42, title_zh="第四场：新兴产业质量开放日", title_en="4th event: Quality Open Day",
                  description_zh="集成电路、软件、生物医药企业分享质量文化。",
                  description_en="Companies share their quality culture.",
                  starts_at=datetime(2026, 3, 14, 6, 0, tzinfo=UTC), ends_at=datetime(2026, 3, 14, 9, 30, tzinfo=UTC),
                  timezone="Asia/Shanghai", is_cancelled=False, cancellation_reason_zh="", cancellation_reason_en="",
                  venue=SimpleNamespace(name_zh="张江科学会堂", name_en="Zhangjiang Science Hall",
                                        address_zh="上海市浦东新区海科路", address_en="Haike Road, Pudong, Shanghai"),
                  host=organization("张江高科", "Zhangjiang Hi-Tech"), co_hosts=[])
    values.update(fields)
    return SimpleNamespace(**values)


def query(url: str) -> dict[str, str]:
    return {key: value for key, (value,) in parse_qs(urlsplit(url).query, strict_parsing=True).items()}


def test_google_gets_utc_times_the_venue_zone_and_the_text_in_the_persons_language():
    link = calendar_links(an_event(), lang="zh", base_url=BASE_URL).google
    assert link.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE&")
    params = query(link)
    assert params["dates"] == "20260314T060000Z/20260314T093000Z"  # 14:00–17:30 in Shanghai
    assert params["ctz"] == "Asia/Shanghai"
    assert params["text"] == "第四场：新兴产业质量开放日"
    assert params["location"] == "张江科学会堂 (Zhangjiang Science Hall), 上海市浦东新区海科路"
    assert params["details"].startswith("集成电路") and "主办：张江高科" in params["details"]
    assert params["details"].endswith("活动详情：https://events.example.cn/events/42")


@pytest.mark.parametrize("host", ["outlook_live", "outlook_office"])
def test_outlook_gets_iso_utc_times_subject_body_and_location(host):
    link = getattr(calendar_links(an_event(), lang="en", base_url=BASE_URL), host)
    domain = {"outlook_live": "outlook.live.com", "outlook_office": "outlook.office.com"}[host]
    assert link.startswith(f"https://{domain}/calendar/0/deeplink/compose?path=/calendar/action/compose&rru=addevent&")
    params = query(link)
    assert (params["startdt"], params["enddt"]) == ("2026-03-14T06:00:00Z", "2026-03-14T09:30:00Z")
    assert params["subject"] == "4th event: Quality Open Day"
    assert params["location"] == "Zhangjiang Science Hall (张江科学会堂), Haike Road, Pudong, Shanghai"
    assert params["body"].startswith("Companies share") and "Host: Zhangjiang Hi-Tech" in params["body"]


def test_times_given_in_another_zone_are_written_in_utc():
    shanghai = ZoneInfo("Asia/Shanghai")
    event = an_event(starts_at=datetime(2026, 3, 14, 14, 0, tzinfo=shanghai),
                     ends_at=datetime(2026, 3, 15, 1, 0, tzinfo=shanghai))
    links = calendar_links(event, lang="en", base_url=BASE_URL)
    assert query(links.google)["dates"] == "20260314T060000Z/20260314T170000Z"
    assert query(links.outlook_live)["enddt"] == "2026-03-14T17:00:00Z"


def test_spaces_are_percent_encoded_and_reserved_characters_escaped():
    event = an_event(title_en="Q&A: quality = people + process #1")
    link = calendar_links(event, lang="en", base_url=BASE_URL).outlook_live
    assert "subject=Q%26A:%20quality%20%3D%20people%20%2B%20process%20%231" in link
    assert query(link)["subject"] == "Q&A: quality = people + process #1"


def test_a_long_description_is_trimmed_and_the_links_stay_short():
    event = an_event(description_zh="质量" * 5000, description_en="quality " * 5000)
    for lang in ("zh", "en"):
        links = calendar_links(event, lang=lang, base_url=BASE_URL)
        details = query(links.google)["details"]
        own_text = details.split("\n\n")[0]
        assert own_text.endswith("…") and len(own_text) <= DESCRIPTION_LIMIT + 1
        assert details.endswith("/events/42")  # the full text is one click away
        assert max(len(links.google), len(links.outlook_live)) < 4000  # 9 bytes a Chinese character


def test_a_missing_language_falls_back_to_the_other():
    event = an_event(title_en="", description_en="", venue=SimpleNamespace(name_zh="张江科学会堂", name_en="",
                                                                          address_zh="海科路", address_en=""))
    params = query(calendar_links(event, lang="en", base_url=BASE_URL).google)
    assert params["text"] == "第四场：新兴产业质量开放日" and params["location"] == "张江科学会堂, 海科路"


def test_a_waitlisted_place_is_marked_in_the_title():
    links = calendar_links(an_event(), lang="en", base_url=BASE_URL, waitlisted=True)
    assert query(links.google)["text"] == "[候补 Waitlisted] 4th event: Quality Open Day"
    assert query(links.outlook_office)["subject"].startswith("[候补 Waitlisted] ")


def test_the_subscription_is_the_public_event_feed_in_the_persons_language():
    links = calendar_links(an_event(), lang="en", base_url=BASE_URL + "/")
    assert links.feed == "https://events.example.cn/events/42.ics?lang=en"
    assert links.webcal == "webcal://events.example.cn/events/42.ics?lang=en"
    assert webcal_url("http://127.0.0.1:5000/events/1.ics") == "webcal://127.0.0.1:5000/events/1.ics"


def test_the_link_builder_reaches_no_flask():
    """Pure like the serializer it builds on (usable by the API or a worker): neither in the imports
    read from the source, nor in what a fresh interpreter loads."""
    root = Path(__file__).resolve().parents[2]
    assert flask_reached_from(ImportGraph.read(root, "eventsapp"), ("eventsapp.feeds.links",)) == []
    script = "import sys, eventsapp.feeds.links; print(' '.join(sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True,
                            timeout=60).stdout.split()
    assert [module for module in loaded if module.split(".")[0] in FLASK_PACKAGES] == []
