"""Both languages: the choice of language, bilingual content and complete catalogs."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def test_first_visit_follows_accept_language(client):
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "Upcoming events" in page
    page = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page and "即将举行的活动" in page


def test_language_switch_is_remembered(client):
    client.get("/?lang=en", headers={"Accept-Language": "zh-CN"})
    page = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<html lang="en">' in page


def test_unknown_language_falls_back_without_error(client):
    response = client.get("/?lang=xx", headers={"Accept-Language": "fr"})
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in response.get_data(as_text=True)


def test_every_page_offers_the_language_switch_for_the_same_page(client, make_event):
    event = make_event()
    page = client.get(f"/events/{event.id}?lang=zh").get_data(as_text=True)
    assert f'href="/events/{event.id}?lang=en"' in page
    assert "English" in page and "简体中文" in page


def test_content_shows_chosen_language_and_falls_back(client, make_event):
    bilingual = make_event(title_zh="地铁质量日", title_en="Metro Quality Day")
    chinese_only = make_event(title_zh="只有中文标题", title_en="")
    assert "地铁质量日" in client.get(f"/events/{bilingual.id}?lang=zh").get_data(as_text=True)
    assert "Metro Quality Day" in client.get(f"/events/{bilingual.id}?lang=en").get_data(as_text=True)
    assert "只有中文标题" in client.get(f"/events/{chinese_only.id}?lang=en").get_data(as_text=True)


def test_dates_are_written_the_chinese_way_in_chinese(client, make_event):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    starts = datetime(2030, 6, 12, 14, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    event = make_event(starts_at=starts, ends_at=starts + timedelta(hours=2))
    page = client.get(f"/events/{event.id}?lang=zh").get_data(as_text=True)
    assert "2030年6月12日" in page and "14:00–16:00" in page


def test_chinese_catalog_translates_every_message_in_the_code():
    """Every string marked for translation in templates and code has a Chinese translation."""
    with open(ROOT / "translations/zh/LC_MESSAGES/messages.po", "rb") as po:
        catalog = read_po(po)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.string
                  and all(m.string if isinstance(m.string, tuple) else [m.string]) and not m.fuzzy}
    method_map = [("eventsapp/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
    missing = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=method_map, keywords={"_": None, "_l": None, "gettext": None,
                                                         "lazy_gettext": None, "ngettext": (1, 2)}):
        msgid = message if isinstance(message, str) else message[0]
        if msgid and msgid not in translated:
            missing.add(msgid)
    assert not missing, f"{len(missing)} messages lack a Chinese translation: {sorted(missing)[:20]}"
