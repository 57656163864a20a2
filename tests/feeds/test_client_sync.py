"""Calendar clients' own readers on every demo feed (research/calendar-interop.md 4 and 5, items 14, 23, 24).

- x-wr-timezone: what X-WR-TIMEZONE-aware readers (Google-style repair, recurring-ical-events) compute
  from the feed must be the same UTC instants as icalendar reads.
- recurring-ical-events (built on icalendar; it answers "what does a client show in this window"):
  over a wide window it must list exactly the feed's VEVENTs, at the same instants.
- vdirsyncer: subscribes over real HTTP with its read-only `http` storage and writes one file per
  VEVENT into a `filesystem` storage; N VEVENTs in the feed must give exactly N files.
"""
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import icalendar
import recurring_ical_events
import x_wr_timezone

from eventsapp.demo import load_demo
from eventsapp.extensions import db
from tests.feeds.helpers import demo_feed_urls, utc

VDIRSYNCER = Path(sys.executable).with_name("vdirsyncer")


def load_demo_feeds(client, now) -> dict[str, bytes]:
    load_demo(now=now)
    db.session.commit()
    bodies = {}
    for url in demo_feed_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        bodies[url] = response.data
    return bodies


def instants(events) -> Counter:
    """(UID, DTSTART, DTEND) of each VEVENT, as UTC instants (a floating time shows as "floating ...")."""
    return Counter((str(event["UID"]), utc(event.DTSTART), utc(event.DTEND)) for event in events)


def test_x_wr_timezone_changes_no_instant_in_any_demo_feed(app_ctx, client, now):
    feeds, compared = load_demo_feeds(client, now), 0
    for url, body in feeds.items():
        before = icalendar.Calendar.from_ical(body)
        if url.startswith("/feeds/"):  # subscribable feeds name their zone; single-event downloads need not
            assert before.get("X-WR-TIMEZONE") == "Asia/Shanghai", url
        after = x_wr_timezone.to_standard(icalendar.Calendar.from_ical(body))
        assert instants(after.events) == instants(before.events), url
        compared += len(before.events)
    assert compared > len(feeds)  # most feeds hold events: the comparison is not vacuous


def test_recurring_ical_events_lists_exactly_the_feed_events(app_ctx, client, now):
    feeds, compared = load_demo_feeds(client, now), 0
    for url, body in feeds.items():
        calendar = icalendar.Calendar.from_ical(body)
        shown = recurring_ical_events.of(calendar).between((1970, 1, 1), (2200, 1, 1))
        assert instants(shown) == instants(calendar.events), url
        compared += len(shown)
    assert compared > len(feeds)


VDIRSYNCER_CONFIG = """\
[general]
status_path = "{root}/status/"

[pair feed]
a = "remote"
b = "local"
collections = null
conflict_resolution = null

[storage remote]
type = "http"
url = "{url}"
read_only = true

[storage local]
type = "filesystem"
path = "{root}/local/"
fileext = ".ics"
"""


def vdirsyncer(config: Path, *args: str) -> str:
    env = {**os.environ, "HOME": str(config.parent), "XDG_CONFIG_HOME": str(config.parent / "xdg"),
           "XDG_DATA_HOME": str(config.parent / "xdg"), "NO_PROXY": "127.0.0.1,localhost"}
    result = subprocess.run([str(VDIRSYNCER), "-c", str(config), *args], input="y\n" * 5, capture_output=True,
                            text=True, timeout=60, env=env)
    assert result.returncode == 0, f"vdirsyncer {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def without_uid(event: icalendar.Event) -> bytes:
    event = icalendar.Event.from_ical(event.to_ical())
    del event["UID"]
    return event.to_ical()


def test_vdirsyncer_http_sync_gives_one_file_per_vevent(app_ctx, serve_app, tmp_path, now):
    load_demo(now=now)
    db.session.commit()
    live = serve_app()
    config = tmp_path / "config"
    config.write_text(VDIRSYNCER_CONFIG.format(root=tmp_path, url=f"{live.url}/feeds/all.ics"))
    vdirsyncer(config, "discover")  # answers "y" to creating the local directory
    vdirsyncer(config, "sync")
    with live.app.test_client() as client:
        feed = icalendar.Calendar.from_ical(client.get("/feeds/all.ics").data)
    files = sorted((tmp_path / "local").iterdir())
    assert len(feed.events) >= 4 and len(files) == len(feed.events)
    synced = []
    for path in files:
        assert path.suffix == ".ics", path.name
        events = icalendar.Calendar.from_ical(path.read_bytes()).events
        assert len(events) == 1, path.name
        # The http storage replaces each UID by a hash of the item's content (vdirsyncer's _ignore_uids),
        # so the file is named after that UID; the rest of the VEVENT is the feed's, unchanged.
        assert str(events[0]["UID"]) == path.stem
        synced.append(without_uid(events[0]))
    assert Counter(synced) == Counter(without_uid(event) for event in feed.events)
    assert vdirsyncer(config, "sync").split() == ["Syncing", "feed"]  # an unchanged feed changes nothing
