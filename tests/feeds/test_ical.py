"""The iCalendar serializer, checked against research/calendar-interop.md section 5 (no database)."""
import re
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from icalendar.parser import Contentline

from eventsapp.catalogue.models import EventStatus, Organization, Venue
from eventsapp.feeds.ical import (
    TIMEZONE_FIRST_DATE,
    TIMEZONE_LAST_DATE,
    build_calendar,
    calendar_bytes,
    event_location,
    event_summary,
    event_uid,
    fold,
)
from tests.feeds.helpers import BASE_URL, ORGANIZER, TRICKY_TEXT, UID_DOMAIN, make_event


def build(events, **options) -> bytes:
    options.setdefault("lang", "zh")
    options.setdefault("base_url", BASE_URL)
    options.setdefault("uid_domain", UID_DOMAIN)
    options.setdefault("organizer_email", ORGANIZER)
    return build_calendar(events, **options)


def parse(body: bytes) -> Calendar:
    calendar = Calendar.from_ical(body)
    for component in calendar.walk():
        assert component.errors == [], component.errors
    return calendar


def unfolded_lines(body: bytes) -> list[str]:
    return body.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


def vtimezone(calendar: Calendar, tzid: str):
    (found,) = [tz for tz in calendar.timezones if tz["TZID"] == tzid]
    return found


# --- bytes on the wire -------------------------------------------------------------------------

def test_lines_end_in_crlf_and_the_body_is_one_calendar():
    body = build([make_event()], name="质量月 Quality Month")
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    assert not body.endswith(b"\r\n\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert b"\r" not in body.replace(b"\r\n", b"")
    assert not body.startswith(b"\xef\xbb\xbf")


def test_long_chinese_emoji_and_special_characters_fold_safely_and_round_trip():
    title = ("质量提升行动暨标准化建设经验交流会" * 18)[:300]
    venue = Venue(id=9, name_zh="会场；一号, 🎪", name_en="", address_zh="路\n88号", address_en="",
                  timezone="Asia/Shanghai")
    event = make_event(title_zh=title, description_zh=TRICKY_TEXT, venue=venue)
    body = build([event], name="上海质量月活动日历 🎉 Shanghai Quality Month Events, 2026; all")
    for line in body.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # every physical line is valid UTF-8 on its own
    (parsed,) = parse(body).events
    assert str(parsed["SUMMARY"]) == title
    assert str(parsed["DESCRIPTION"]).startswith(TRICKY_TEXT + "\n\n")
    assert str(parsed["LOCATION"]) == "会场；一号, 🎪, 路\n88号"
    assert parse(body).calendar_name == "上海质量月活动日历 🎉 Shanghai Quality Month Events, 2026; all"


TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"))
               | st.sampled_from("\n,;:\\\"'"), min_size=1, max_size=300)


@settings(max_examples=150, deadline=None)
@given(title=TEXT, description=TEXT)
def test_any_text_folds_at_character_boundaries_and_round_trips(title, description):
    body = build([make_event(title_zh=title, description_zh=description)])
    for line in body.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")
    (parsed,) = parse(body).events
    assert str(parsed["SUMMARY"]) == title.replace("\ufeff", "")  # an invisible byte order mark is dropped
    assert str(parsed["DESCRIPTION"]).startswith(description.replace("\ufeff", "").strip())


ONE_LINE = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n")
                   | st.sampled_from("\\^中é😀"), max_size=400)


@settings(max_examples=500, deadline=None)
@given(line=ONE_LINE)
def test_our_folding_is_icalendars_byte_for_byte(line):
    """fold does at once what icalendar does a character at a time (issue 15): the same bytes, escapes kept
    whole, no character cut."""
    assert fold(line.encode()) == Contentline(line).to_ical()


@pytest.mark.parametrize("escape", ["\\", "^"])
@pytest.mark.parametrize("before", ["x" * n for n in range(70, 78)] + ["质" * 24 + "x" * n for n in range(4)])
def test_an_escape_at_the_fold_goes_with_what_it_escapes(before, escape):
    line = f"{before}{escape},{'y' * 80}"  # the escape at the 71st to 79th octet
    assert fold(line.encode()) == Contentline(line).to_ical()


@settings(max_examples=100, deadline=None)
@given(title=TEXT, description=TEXT)
def test_a_calendar_is_written_as_icalendar_writes_it(title, description):
    """Read back from a feed: every kind of line a feed has (VTIMEZONE, parameters, folded text)."""
    calendar = Calendar.from_ical(build([make_event(title_zh=title, description_zh=description)], name=title))
    assert calendar_bytes(calendar) == calendar.to_ical()


@pytest.mark.parametrize("title", ["\ufeff", "\ufeff质量开放日", "质量\ufeff开放日"])
def test_a_byte_order_mark_pasted_into_a_title_is_dropped_everywhere(title):
    """Hypothesis found it: parsers drop U+FEFF at the start of a value, so it is never written."""
    (parsed,) = parse(build([make_event(title_zh=title, description_zh=title)])).events
    assert str(parsed["SUMMARY"]) == title.replace("\ufeff", "")
    assert "\ufeff" not in str(parsed["DESCRIPTION"])


def test_text_is_escaped_by_the_library():
    body = build([make_event(description_zh="a, b; c")])
    assert "a\\, b\\; c" in body.decode()


# --- calendar-level properties -----------------------------------------------------------------

def test_version_and_prodid_once_and_no_calendar_uid():
    events = [make_event(1), make_event(2)]
    for options in ({"name": "Feed"}, {}):
        body = build(events, **options)
        lines = unfolded_lines(body)
        assert lines.count("VERSION:2.0") == 1
        assert len([line for line in lines if line.startswith("PRODID:")]) == 1
        assert "PRODID:-//eventsapp//Quality Campaign Events//ZH" in lines
        assert "UID" not in parse(body)
        assert len([line for line in lines if line.startswith("UID:")]) == 2  # only the VEVENTs'


def test_feed_has_name_timezone_and_valid_refresh_durations():
    body = build([make_event()], name="质量月 Quality Month", refresh=timedelta(hours=6))
    lines = unfolded_lines(body)
    assert "NAME:质量月 Quality Month" in lines
    assert "X-WR-CALNAME:质量月 Quality Month" in lines
    assert "X-WR-TIMEZONE:Asia/Shanghai" in lines
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H" in lines
    assert "X-PUBLISHED-TTL:PT6H" in lines
    assert "METHOD:PUBLISH" in lines
    for line in lines:
        if line.startswith(("REFRESH-INTERVAL", "X-PUBLISHED-TTL")):
            assert re.fullmatch(r"P(\d+[WD])*(T(\d+[HMS])+)?", line.split(":", 1)[1])
    assert parse(body).refresh_interval == timedelta(hours=6)


def test_default_refresh_is_one_hour_and_none_leaves_it_out():
    assert "X-PUBLISHED-TTL:PT1H" in unfolded_lines(build([make_event()], name="Feed"))
    lines = unfolded_lines(build([make_event()], name="Feed", refresh=None))
    assert not [line for line in lines if line.startswith(("REFRESH-INTERVAL", "X-PUBLISHED-TTL"))]


def test_single_event_download_has_no_calendar_name_or_feed_hints():
    lines = unfolded_lines(build([make_event()]))
    assert "METHOD:PUBLISH" in lines
    for prefix in ("NAME", "X-WR-CALNAME", "X-WR-TIMEZONE", "REFRESH-INTERVAL", "X-PUBLISHED-TTL"):
        assert not [line for line in lines if line.split(":")[0].split(";")[0] == prefix], prefix


def test_feed_timezone_is_the_zone_of_most_events():
    events = [make_event(1, timezone="Europe/Berlin"), make_event(2, timezone="Europe/Berlin"), make_event(3)]
    assert "X-WR-TIMEZONE:Europe/Berlin" in unfolded_lines(build(events, name="Feed"))


def test_empty_feed_is_still_a_valid_calendar():
    calendar = parse(build([], name="Nothing yet"))
    assert calendar["X-WR-TIMEZONE"] == "Asia/Shanghai"
    assert [tz["TZID"] for tz in calendar.timezones] == ["Asia/Shanghai"]  # RFC 5545 wants a component
    assert calendar.events == []


# --- time --------------------------------------------------------------------------------------

def test_times_carry_tzid_with_a_matching_compact_shanghai_vtimezone():
    body = build([make_event()], name="Feed")
    lines = unfolded_lines(body)
    assert "DTSTART;TZID=Asia/Shanghai:20260314T140000" in lines
    assert "DTEND;TZID=Asia/Shanghai:20260314T170000" in lines
    calendar = parse(body)
    assert calendar.get_missing_tzids() == set()
    shanghai = vtimezone(calendar, "Asia/Shanghai")
    assert "COMMENT" not in shanghai
    assert shanghai.walk("DAYLIGHT") == []
    (standard,) = shanghai.walk("STANDARD")
    assert standard["TZOFFSETTO"].to_ical() == "+0800"
    assert standard["TZOFFSETFROM"].to_ical() == "+0800"


def test_utc_instants_are_right():
    (event,) = parse(build([make_event()])).events
    assert event.start.astimezone(UTC) == datetime(2026, 3, 14, 6, tzinfo=UTC)  # 14:00 Shanghai = 06:00Z
    assert event.end.astimezone(UTC) == datetime(2026, 3, 14, 9, tzinfo=UTC)


def test_berlin_event_gets_its_own_vtimezone_with_daylight_saving_time():
    berlin = make_event(7, timezone="Europe/Berlin", starts_at=datetime(2026, 7, 1, 8, tzinfo=UTC))
    body = build([make_event(), berlin], name="Feed")
    assert "DTSTART;TZID=Europe/Berlin:20260701T100000" in unfolded_lines(body)
    calendar = parse(body)
    assert [tz["TZID"] for tz in calendar.timezones] == ["Asia/Shanghai", "Europe/Berlin"]
    assert calendar.get_missing_tzids() == set()
    zone = vtimezone(calendar, "Europe/Berlin")
    assert "COMMENT" not in zone
    assert {d["TZOFFSETTO"].to_ical() for d in zone.walk("DAYLIGHT")} == {"+0200"}
    assert {s["TZOFFSETTO"].to_ical() for s in zone.walk("STANDARD")} == {"+0100"}
    (parsed,) = [e for e in calendar.events if e["UID"].startswith("event-7@")]
    assert parsed.start.astimezone(UTC) == datetime(2026, 7, 1, 8, tzinfo=UTC)
    text = body.decode()
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")


def test_vtimezone_covers_events_beyond_the_default_span():
    later = make_event(starts_at=datetime(2041, 7, 1, 8, tzinfo=UTC), timezone="America/Santiago")
    rdates = [line for line in unfolded_lines(build([later])) if line.startswith("RDATE")]
    assert any("20410908" in line for line in rdates)  # the spring change of 2041 is described


def written_observances(body: bytes, tzid: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The STANDARD and DAYLIGHT blocks of the tzid's VTIMEZONE as (name, [(property, value)]), as written."""
    lines = unfolded_lines(body)
    start = lines.index(f"TZID:{tzid}")
    block = lines[start:lines.index("END:VTIMEZONE", start)]
    observances = []
    for line in block:
        name, _, value = line.partition(":")
        if name == "BEGIN":
            observances.append((value, []))
        elif observances and name != "END":
            observances[-1][1].append((name.split(";")[0], value))
    return observances


def offset_changes(tzid: str, first: date, last: date) -> set[tuple[str, date]]:
    """(new UTC offset, e.g. "+0200", local date) of each change of the zone's offset, found by zoneinfo."""
    zone, changes = ZoneInfo(tzid), set()
    day, end = (datetime.combine(moment, datetime.min.time(), UTC) for moment in (first, last))
    while day < end:  # day by day, then hour by hour through a day with a change
        if (day + timedelta(days=1)).astimezone(zone).utcoffset() != day.astimezone(zone).utcoffset():
            for hour in range(24):
                before, after = (day + timedelta(hours=hour + k) for k in (0, 1))
                if after.astimezone(zone).utcoffset() != before.astimezone(zone).utcoffset():
                    changes.add((after.astimezone(zone).strftime("%z"), after.astimezone(zone).date()))
        day += timedelta(days=1)
    return changes


def test_each_vtimezone_onset_has_an_rdate_line_of_its_own():
    """ical.js and vobject read only the first value of a multi-valued RDATE, and ical.js skips DTSTART
    once an RDATE is present (see vtimezone.rdate_vtimezone): one onset per line, DTSTART repeated.
    Casablanca's changes (an hour back for Ramadan) fit no yearly rule, so its VTIMEZONE lists them."""
    body = build([make_event(7, timezone="Africa/Casablanca", starts_at=datetime(2026, 7, 1, 8, tzinfo=UTC))])
    onsets, ramadan_rdates = set(), []
    for name, properties in written_observances(body, "Africa/Casablanca"):
        (dtstart,) = [value for prop, value in properties if prop == "DTSTART"]
        (offset_to,) = [value for prop, value in properties if prop == "TZOFFSETTO"]
        rdates = [value for prop, value in properties if prop == "RDATE"]
        assert [value for value in rdates if "," in value] == [], name  # never a list of values
        assert len(rdates) == len(set(rdates)), name
        if rdates:
            assert dtstart in rdates, name
        if offset_to == "+0000":
            ramadan_rdates += rdates
        onsets |= {(offset_to, date(int(v[:4]), int(v[4:6]), int(v[6:8]))) for v in [dtstart, *rdates]}
    assert any(value.startswith("20260215T") for value in ramadan_rdates)  # this year's change
    assert offset_changes("Africa/Casablanca", TIMEZONE_FIRST_DATE, TIMEZONE_LAST_DATE) - onsets == set()


def vtimezone_of(tzid: str, year: int = 2026) -> str:
    """The VTIMEZONE block written for an event of that zone in July of `year`, as text."""
    body = build([make_event(7, timezone=tzid, starts_at=datetime(year, 7, 1, 8, tzinfo=UTC))])
    lines = unfolded_lines(body)
    start = lines.index(f"TZID:{tzid}") - 1
    return "\n".join(lines[start:lines.index("END:VTIMEZONE", start) + 1])


def test_berlin_is_one_yearly_rule_each_way_as_outlook_reads_it():
    """MS-OXCICAL: one STANDARD and one DAYLIGHT, each YEARLY with one nth/last weekday; DTSTART is the
    first onset of the span in the wall-clock time before the change (RFC 5545 3.6.5); no UNTIL."""
    assert vtimezone_of("Europe/Berlin") == "\n".join([
        "BEGIN:VTIMEZONE", "TZID:Europe/Berlin",
        "BEGIN:STANDARD", "DTSTART:20201025T030000", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
        "TZNAME:CET", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "END:STANDARD",
        "BEGIN:DAYLIGHT", "DTSTART:20200329T020000", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
        "TZNAME:CEST", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "END:DAYLIGHT",
        "END:VTIMEZONE"])


@pytest.mark.parametrize(("tzid", "standard", "daylight"), [
    ("America/New_York", ("20201101T020000", "BYDAY=1SU;BYMONTH=11", "-0400", "-0500"),
     ("20200308T020000", "BYDAY=2SU;BYMONTH=3", "-0500", "-0400")),
    # southern hemisphere: summer time spans the new year
    ("Australia/Sydney", ("20200405T030000", "BYDAY=1SU;BYMONTH=4", "+1100", "+1000"),
     ("20201004T020000", "BYDAY=1SU;BYMONTH=10", "+1000", "+1100")),
    # Dublin's winter time is tzdata's "negative daylight saving": clients still want summer as DAYLIGHT
    ("Europe/Dublin", ("20201025T020000", "BYDAY=-1SU;BYMONTH=10", "+0100", "+0000"),
     ("20200329T010000", "BYDAY=-1SU;BYMONTH=3", "+0000", "+0100")),
])
def test_regular_zones_get_a_yearly_rule_each_way(tzid, standard, daylight):
    observances = written_observances(build([make_event(7, timezone=tzid)]), tzid)
    assert [name for name, _ in observances] == ["STANDARD", "DAYLIGHT"]
    for (_, properties), (dtstart, rule, offset_from, offset_to) in zip(observances, (standard, daylight), strict=True):
        written = dict(properties)
        assert (written["DTSTART"], written["RRULE"], written["TZOFFSETFROM"], written["TZOFFSETTO"]) == (
            dtstart, f"FREQ=YEARLY;{rule}", offset_from, offset_to)
        assert "RDATE" not in written


@pytest.mark.parametrize("tzid", ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Europe/Dublin",
                                  "Australia/Lord_Howe"])
def test_yearly_rules_give_the_offsets_of_tzdata_every_half_hour(tzid):
    """Read back by icalendar (dateutil's VTIMEZONE reader, not zoneinfo) through the first and last
    years that events of the default span can fall in (Lord Howe changes by half an hour)."""
    calendar = parse(build([make_event(7, timezone=tzid)]))
    assert "RRULE" in vtimezone(calendar, tzid).walk("DAYLIGHT")[0]
    written, zone = vtimezone(calendar, tzid).to_tz(lookup_tzid=False), ZoneInfo(tzid)
    wrong = []
    for year in (TIMEZONE_FIRST_DATE.year + 1, TIMEZONE_LAST_DATE.year - 1):
        moment = datetime(year, 1, 1, tzinfo=UTC)
        while moment.year == year:
            if moment.astimezone(written).utcoffset() != moment.astimezone(zone).utcoffset():
                wrong.append(moment)
            moment += timedelta(minutes=30)
    assert wrong == []


@pytest.mark.parametrize(("tzid", "year", "why"), [
    ("America/Santiago", 2026, "first Sunday on or after the 2nd, and 2022 moved"),
    ("Africa/Casablanca", 2026, "one hour back for Ramadan, by the moon"),
    ("America/Mexico_City", 2026, "daylight-saving time ended in 2022"),
    ("Asia/Jerusalem", 2026, "the Friday before the last Sunday of March"),
    ("America/New_York", 2007, "the span from 2006 has the rule before 2007 too"),
])
def test_zones_whose_changes_fit_no_yearly_rule_list_their_onsets(tzid, year, why):
    observances = written_observances(build([make_event(7, timezone=tzid, starts_at=datetime(year, 7, 1,
                                                                                               tzinfo=UTC))]), tzid)
    assert all("RRULE" not in dict(properties) for _, properties in observances), why
    assert any("RDATE" in dict(properties) for _, properties in observances), why


def test_a_zone_without_daylight_saving_time_is_one_standard_block():
    assert vtimezone_of("Asia/Shanghai") == "\n".join([
        "BEGIN:VTIMEZONE", "TZID:Asia/Shanghai",
        "BEGIN:STANDARD", "DTSTART:20200101T000000", "TZNAME:CST", "TZOFFSETFROM:+0800", "TZOFFSETTO:+0800",
        "END:STANDARD", "END:VTIMEZONE"])


def test_utc_event_is_written_with_z_and_needs_no_vtimezone():
    calendar = parse(build([make_event(timezone="UTC")]))
    assert "DTSTART:20260314T060000Z" in unfolded_lines(calendar.to_ical())
    assert calendar.timezones == [] and calendar.get_missing_tzids() == set()


def test_dtstamp_and_last_modified_are_updated_at_in_utc():
    shanghai_time = timezone(timedelta(hours=8))
    event = make_event(updated_at=datetime(2026, 2, 1, 16, 30, 15, 999, tzinfo=shanghai_time))
    lines = unfolded_lines(build([event]))
    assert "DTSTAMP:20260201T083015Z" in lines
    assert "LAST-MODIFIED:20260201T083015Z" in lines


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        build([make_event(updated_at=datetime(2026, 2, 1, 8, 30))])


# --- identity and updates ----------------------------------------------------------------------

def test_sequence_is_copied():
    (event,) = parse(build([make_event(sequence=5)])).events
    assert event["SEQUENCE"] == 5


def test_uid_is_stable_across_edits_and_unique_in_a_feed():
    original = make_event(42)
    edited = make_event(42, title_zh="改名了", starts_at=datetime(2026, 4, 1, 1, tzinfo=UTC), sequence=3)
    assert event_uid(original, "events.example.com") == "event-42@events.example.com"
    feed = build([original, make_event(43)], uid_domain="events.example.com")
    uids = [str(e["UID"]) for e in parse(feed).events]
    assert uids == ["event-42@events.example.com", "event-43@events.example.com"]
    (edited_uid,) = [str(e["UID"]) for e in parse(build([edited])).events]
    assert edited_uid == uids[0]


def test_cancelled_event_is_kept_with_status_and_prefix():
    cancelled = make_event(status=EventStatus.CANCELLED, cancellation_reason_zh="台风预警", sequence=4)
    (event,) = parse(build([cancelled], lang="en")).events
    assert event["STATUS"] == "CANCELLED"
    assert str(event["SUMMARY"]) == "[已取消 Cancelled] Quality Open Day"
    assert str(event["DESCRIPTION"]).startswith("This event has been cancelled.\nReason: 台风预警\n\n")
    (confirmed,) = parse(build([make_event()])).events
    assert confirmed["STATUS"] == "CONFIRMED" and str(confirmed["SUMMARY"]) == "质量开放日"


def test_same_data_gives_the_same_bytes_in_a_fixed_order():
    def events():
        return [make_event(3, starts_at=datetime(2026, 5, 1, tzinfo=UTC), timezone="Europe/Berlin"),
                make_event(2, starts_at=datetime(2026, 3, 14, 6, tzinfo=UTC)),
                make_event(1, starts_at=datetime(2026, 3, 14, 6, tzinfo=UTC), timezone="America/New_York")]
    first = build(events(), name="Feed")
    assert build(list(reversed(events())), name="Feed") == first
    assert build(events(), name="Feed") == first
    assert [str(e["UID"]).split("@")[0] for e in parse(first).events] == ["event-1", "event-2", "event-3"]
    assert [tz["TZID"] for tz in parse(first).timezones] == ["America/New_York", "Asia/Shanghai", "Europe/Berlin"]


# --- content -----------------------------------------------------------------------------------

def test_geo_uses_a_semicolon_and_only_with_both_coordinates():
    lines = unfolded_lines(build([make_event()]))
    (geo,) = [line for line in lines if line.startswith("GEO:")]
    assert re.fullmatch(r"GEO:-?\d+(\.\d+)?;-?\d+(\.\d+)?", geo)
    assert geo == "GEO:31.2397;121.4906"
    half = Venue(id=5, name_zh="场地", name_en="Site", address_zh="", address_en="", timezone="Asia/Shanghai",
                 latitude=31.2, longitude=None)
    assert not [line for line in unfolded_lines(build([make_event(venue=half)])) if line.startswith("GEO")]


def test_event_link_is_in_url_and_description():
    (event,) = parse(build([make_event()], base_url="https://events.example.com/")).events
    assert str(event["URL"]) == "https://events.example.com/events/42"
    assert str(event["DESCRIPTION"]).endswith("https://events.example.com/events/42")


def test_description_has_text_host_line_and_link_in_the_language():
    event = make_event(co_hosts=[Organization(id=8, name_zh="协办甲", name_en="Partner A"),
                                 Organization(id=9, name_zh="协办乙", name_en="")])
    (zh,) = parse(build([event], lang="zh")).events
    assert str(zh["DESCRIPTION"]) == ("参观生产线。\n\n主办：上海测试公司；联合主办：协办甲、协办乙\n\n"
                                      "活动详情：https://events.example.com/events/42")
    (en,) = parse(build([event], lang="en")).events
    assert str(en["DESCRIPTION"]) == ("Visit the production line.\n\n"
                                      "Host: Shanghai Test Co.; co-hosts: Partner A, 协办乙\n\n"
                                      "Details: https://events.example.com/events/42")


def test_language_choice_and_fallback():
    event = make_event(title_en="", description_en="")
    assert event_summary(make_event(), "en") == "Quality Open Day"
    assert event_summary(make_event(), "zh") == "质量开放日"
    assert event_summary(event, "en") == "质量开放日"  # no English title: the Chinese one
    (parsed,) = parse(build([event], lang="en")).events
    assert str(parsed["SUMMARY"]) == "质量开放日"
    assert str(parsed["DESCRIPTION"]).startswith("参观生产线。\n\nHost: ")


def test_location_is_bilingual():
    assert event_location(make_event(), "zh") == (
        "上海国际会议中心 (Shanghai International Convention Center), 上海市浦东新区滨江大道2727号")
    assert event_location(make_event(), "en") == (
        "Shanghai International Convention Center (上海国际会议中心), 2727 Binjiang Ave, Pudong")
    same = Venue(id=6, name_zh="Fab Lab", name_en="Fab Lab", address_zh="", address_en="1 Road", timezone="UTC")
    assert event_location(make_event(venue=same), "zh") == "Fab Lab, 1 Road"


def test_feed_events_are_public_opaque_with_an_organizer_and_no_attendee():
    calendar = parse(build([make_event(1), make_event(2)], name="Feed", lang="en"))
    for event in calendar.events:
        assert event["CLASS"] == "PUBLIC" and event["TRANSP"] == "OPAQUE"
        assert str(event["ORGANIZER"]) == "mailto:events@example.com"
        assert event["ORGANIZER"].params["CN"] == "Shanghai Administration for Market Regulation"
        assert "ATTENDEE" not in event


# --- e-mail invitations ------------------------------------------------------------------------

def test_request_names_the_attendee():
    body = build([make_event(sequence=1)], method="REQUEST", attendee=("张三", "zhang@example.org"))
    calendar = parse(body)
    assert calendar["METHOD"] == "REQUEST" and "X-WR-CALNAME" not in calendar
    (event,) = calendar.events
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:zhang@example.org"
    assert dict(attendee.params) == {"CN": "张三", "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "ACCEPTED", "RSVP": "FALSE"}
    assert str(event["ORGANIZER"]) == "mailto:events@example.com"
    assert event["STATUS"] == "CONFIRMED" and event["SEQUENCE"] == 1


def test_cancel_marks_the_event_cancelled():
    body = build([make_event(sequence=2)], method="CANCEL", attendee=("Alice", "alice@example.org"), lang="en")
    calendar = parse(body)
    assert calendar["METHOD"] == "CANCEL"
    (event,) = calendar.events
    assert event["STATUS"] == "CANCELLED"
    assert str(event["SUMMARY"]).startswith("[已取消 Cancelled] ")
    assert str(event["UID"]) == "event-42@events.example.com" and event["SEQUENCE"] == 2
    assert str(event["ATTENDEE"]) == "mailto:alice@example.org"


@pytest.mark.parametrize("options", [
    {"method": "PUBLISH", "attendee": ("Alice", "alice@example.org")},
    {"method": "REQUEST"},
    {"method": "CANCEL"},
    {"method": "ADD", "attendee": ("Alice", "alice@example.org")},
    {"uid_domain": ""},
])
def test_invalid_combinations_are_refused(options):
    with pytest.raises(ValueError):
        build([make_event()], **options)
