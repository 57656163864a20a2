"""What the feed tests share: a transient event for the serializer, the demo's feed URLs, instants in UTC, a
feed's VEVENTs by UID."""
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import select

from eventsapp.catalogue.models import Campaign, Event, EventStatus, Organization, Venue
from eventsapp.catalogue.queries import public_events
from eventsapp.extensions import db

BASE_URL = "https://events.example.com"
ORGANIZER = "events@example.com"
UID_DOMAIN = "events.example.com"  # the serializer is handed the domain the site fixed once (site_settings.py)
UPDATED_AT = datetime(2026, 2, 1, 8, 30, 15, tzinfo=UTC)
TRICKY_TEXT = "第一行, 逗号; 分号\\反斜杠\n第二行：emoji 🎉👩‍🔬, done;"


def make_event(event_id: int = 42, **fields) -> Event:
    """A transient Event with its campaign, host and venue, as the serializer receives it."""
    campaign = fields.pop("campaign", None) or Campaign(
        id=1, slug="quality-2026", year=2026, name_zh="质量月", name_en="Quality Month",
        organizing_body_zh="上海市市场监督管理局", organizing_body_en="Shanghai Administration for Market Regulation")
    host = fields.pop("host", None) or Organization(id=3, name_zh="上海测试公司", name_en="Shanghai Test Co.")
    venue = fields.pop("venue", None) or Venue(
        id=2, name_zh="上海国际会议中心", name_en="Shanghai International Convention Center",
        address_zh="上海市浦东新区滨江大道2727号", address_en="2727 Binjiang Ave, Pudong",
        timezone="Asia/Shanghai", latitude=31.2397, longitude=121.4906)
    fields.setdefault("title_zh", "质量开放日")
    fields.setdefault("title_en", "Quality Open Day")
    fields.setdefault("description_zh", "参观生产线。")
    fields.setdefault("description_en", "Visit the production line.")
    fields.setdefault("starts_at", datetime(2026, 3, 14, 6, tzinfo=UTC))  # 14:00 in Shanghai
    fields.setdefault("ends_at", fields["starts_at"] + timedelta(hours=3))
    fields.setdefault("timezone", "Asia/Shanghai")
    fields.setdefault("status", EventStatus.PUBLISHED)
    fields.setdefault("sequence", 0)
    fields.setdefault("cancellation_reason_zh", "")
    fields.setdefault("cancellation_reason_en", "")
    event = Event(campaign=campaign, host=host, venue=venue, capacity=50, **fields)
    event.id = event_id
    event.updated_at = fields.get("updated_at", UPDATED_AT)
    return event


def utc(value) -> object:
    """A parsed DTSTART/DTEND as a UTC instant; a floating time stays visibly wrong, never guessed."""
    if isinstance(value, str) and value[:1].isdigit():
        value = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo is not None else f"floating {value.isoformat()}"
    return value


def demo_feed_urls() -> list[str]:
    events = list(db.session.scalars(public_events()).unique())
    campaigns = db.session.scalars(select(Campaign.slug).order_by(Campaign.id)).all()
    hosts = sorted({event.host_id for event in events} | {org.id for event in events for org in event.co_hosts})
    venues = sorted({event.venue_id for event in events})
    return (["/feeds/all.ics"] + [f"/feeds/campaigns/{slug}.ics" for slug in campaigns]
            + [f"/feeds/venues/{venue_id}.ics" for venue_id in venues]
            + [f"/feeds/hosts/{host_id}.ics" for host_id in hosts]
            + [f"/events/{event.id}.ics" for event in sorted(events, key=lambda event: event.id)]
            + [f"/feeds/events/{event.id}/agenda.ics" for event in sorted(events, key=lambda event: event.id)])


def vevents(response) -> list:
    assert response.status_code == 200, response.status_code
    return Calendar.from_ical(response.data).walk("VEVENT")


def by_uid(response) -> dict:
    """A feed's answer as {UID: VEVENT}."""
    return {str(v["UID"]): v for v in vevents(response)}


def uid(event) -> str:
    """An event's UID in a test app (UID_DOMAIN from BASE_URL's host)."""
    return f"event-{event.id}@127.0.0.1"
