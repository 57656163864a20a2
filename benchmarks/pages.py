"""The pages people load most, at full size: what each costs per request against a floor measured in the same run.

Builds (ORM for the catalogue, core inserts for the registrations) a campaign of --events public events (each
with a host, a venue and up to two co-hosts from small pools) plus nine smaller campaigns for the home page;
one of the campaign's events has --talks talks with two speakers each in the venue's rooms, another has
--registrations sign-ups (about 60 % confirmed, 10 % checked in, 10 % waiting, 5 % cancelled, 1 % with their
details erased, and five companies with seats, a part of them named) and a few messages sent. Then renders,
in-process through the Flask test client (the app's own hooks, templates and session, no network):

* home (/), the campaign's page (/campaigns/<slug>), the event's page with its agenda (/events/<id>),
  anonymous; the organizer's attendee list (/manage/events/<id>/registrations), logged in;
* floors, same app, client and run: a route answering a constant, and a route running one SELECT through the
  app's database session, both added to the app for the run (outside /manage, so anonymous).

Each target is requested --warm-up times, then --requests rounds in which every target is requested once in turn
(so a neighbour's load on a shared machine falls on all alike). Prints p50 and p90 of each, the SQL statements of
one request, the page's size, and the ratio of each p50 to the one-SELECT floor's.

    createdb -h 127.0.0.1 -U postgres eventsapp_pagebench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/eventsapp_pagebench .venv/bin/python benchmarks/pages.py
    dropdb -h 127.0.0.1 -U postgres eventsapp_pagebench
"""
import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event as sa_event  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from eventsapp import create_app  # noqa: E402
from eventsapp.accounts.models import Role, User  # noqa: E402
from eventsapp.catalogue.models import (  # noqa: E402
    Campaign,
    Event,
    EventSession,
    EventStatus,
    Organization,
    Room,
    Speaker,
    Venue,
)
from eventsapp.catalogue.uscc import uscc_check_character  # noqa: E402
from eventsapp.extensions import db  # noqa: E402
from eventsapp.registration.delegations import QuotaTerms, grant_quota  # noqa: E402
from eventsapp.registration.models import Announcement, Registration, RegistrationStatus  # noqa: E402

S = RegistrationStatus
PASSWORD = "bench-organizer-password"
BATCH = 5_000
COMPANIES = 5
QUOTA = 40  # seats per company; each names 3/4 of them


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--talks", type=int, default=50)
    parser.add_argument("--registrations", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warm-up", type=int, default=5)
    return parser.parse_args()


def add_floor_routes(app) -> None:
    """The floors: the least a request costs in this app, without and with one trip to the database."""
    app.add_url_rule("/bench-floor/constant", "bench_floor_constant", lambda: "ok")
    app.add_url_rule("/bench-floor/select", "bench_floor_select",
                     lambda: str(db.session.execute(text("SELECT 1")).scalar_one()))


def build(args, now: datetime, tag: str, rng: random.Random) -> dict:
    """The data; returns what the pages are addressed by."""
    hosts = [Organization(name_zh=f"主办单位{n}", name_en=f"Host {n}") for n in range(20)]
    venues = [Venue(name_zh=f"会场{n}", name_en=f"Venue {n}", address_zh=f"浦东新区测试路{n}号",
                    address_en=f"{n} Test Road, Pudong", district_zh=f"区{n % 6}", district_en=f"District {n % 6}",
                    city_zh="上海", city_en="Shanghai", timezone="Asia/Shanghai",
                    rooms=[Room(name_zh=f"{n}号厅{r}", name_en=f"Hall {n}-{r}", position=r) for r in range(3)])
              for n in range(10)]

    def event(campaign: Campaign, n: int, days: float) -> Event:
        starts = (now + timedelta(days=days)).replace(minute=0, second=0)
        return Event(campaign=campaign, host=hosts[n % len(hosts)], venue=venues[n % len(venues)],
                     co_hosts=rng.sample(hosts, rng.randrange(3)), title_zh=f"质量开放日 {n}",
                     title_en=f"Quality Open Day {n}", description_zh="质量提升。" * 40,
                     description_en="Quality first. " * 40, timezone="Asia/Shanghai", capacity=100,
                     starts_at=starts, ends_at=starts + timedelta(hours=3), status=EventStatus.PUBLISHED)

    campaign = Campaign(slug=f"pages-{tag}", year=now.year, name_zh="质量月", name_en="Quality Month",
                        description_en="A month of open days.\n\nSign up for any.")
    events = [event(campaign, n, 1 + n * 0.5) for n in range(args.events)]
    for c in range(9):  # the home page lists campaigns and filters by them
        other = Campaign(slug=f"pages-{tag}-{c}", year=now.year - c % 3, name_zh=f"活动{c}", name_en=f"Campaign {c}")
        db.session.add_all(event(other, 1000 + 10 * c + n, rng.uniform(-60, 120)) for n in range(10))
    db.session.add_all(events)
    db.session.commit()

    agenda, busy = events[0], events[1]
    rooms = agenda.venue.rooms
    for n in range(args.talks):
        starts = agenda.starts_at + timedelta(minutes=10 * n)
        agenda.sessions.append(EventSession(
            title_zh=f"报告 {n}", title_en=f"Talk {n}", abstract_en="What we learnt. " * 10,
            starts_at=starts, ends_at=starts + timedelta(minutes=10), room=rooms[n % len(rooms)],
            speakers=[Speaker(name_zh=f"讲者{n}-{s}", name_en=f"Speaker {n}-{s}", job_title_en="Engineer",
                              organization_en=f"Company {s}", position=s) for s in range(2)]))
    busy.capacity = args.registrations
    db.session.commit()

    organizer = User(email=f"organizer-{tag}@example.com", role=Role.ORGANIZER, name="Bench")
    organizer.set_password(PASSWORD)
    db.session.add(organizer)
    delegations = []
    for n in range(COMPANIES):
        first_17 = f"91310000{rng.randrange(10**9):09d}"
        company = Organization(name_zh=f"企业{n}", name_en=f"Company {n}", verified_at=now,
                               uscc=first_17 + uscc_check_character(first_17))
        db.session.add(company)
        delegations.append(grant_quota(busy, company, QuotaTerms(quota=QUOTA), actor=None, now=now))
    db.session.commit()
    fill(busy, args.registrations, [d.id for d in delegations], tag, now, rng)
    db.session.add_all(Announcement(event=busy, subject_en=f"Note {n}", recipient_count=args.registrations,
                                    sent_by=organizer, sent_at=now - timedelta(days=n), submission_key=f"{tag}-{n}")
                       for n in range(3))
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # what autovacuum would soon do: statistics, the visibility map
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    return {"slug": campaign.slug, "agenda": agenda.id, "busy": busy.id, "email": organizer.email}


def fill(event: Event, count: int, delegation_ids: list[int], tag: str, now: datetime, rng: random.Random) -> None:
    """`count` registrations: 3/4 of each company's seats named (invited or confirmed), the rest public."""
    rows = []
    named = [(d, S.INVITED if i % 3 == 0 else S.CONFIRMED) for d in delegation_ids for i in range(QUOTA * 3 // 4)]
    for n in range(count):
        delegation_id, status = named[n] if n < len(named) else (None, rng.choices(
            [S.CONFIRMED, S.CHECKED_IN, S.WAITLISTED, S.CANCELLED], weights=[60, 10, 10, 5])[0])
        created = now - timedelta(days=30) + timedelta(seconds=n * 60)
        rows.append({"event_id": event.id, "delegation_id": delegation_id, "name": f"人{n}",
                     "email": f"p{n}-{tag}@example.com", "phone": f"+86138{n:08d}", "organization": f"单位{n % 300}",
                     "status": status, "token": f"{tag}-{n}", "language": "zh", "sequence": 0,
                     "shares_with_host": False, "created_at": created, "updated_at": created,
                     "seated_at": created if status in (S.CONFIRMED, S.CHECKED_IN) else None,
                     "waitlisted_at": created if status == S.WAITLISTED else None,
                     "cancelled_at": now if status == S.CANCELLED else None,
                     "checked_in_at": now if status == S.CHECKED_IN else None,
                     "erased_at": now if n % 100 == 99 else None})
        if len(rows) == BATCH:
            db.session.execute(insert(Registration.__table__), rows)  # core: no ORM bookkeeping
            rows = []
    if rows:
        db.session.execute(insert(Registration.__table__), rows)
    db.session.commit()


def measure(app, targets: list[tuple[str, object, str]], args) -> dict[str, dict]:
    """p50/p90 seconds of each (name, client, path), interleaved, and the statements and bytes of one request."""
    statements: list[str] = []

    def record(conn, cursor, statement, *params):
        statements.append(statement)

    def get(client, path: str) -> int:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return len(response.data)

    results: dict[str, dict] = {}
    with app.app_context():
        engine = db.engine
    for name, client, path in targets:
        for _ in range(args.warm_up):
            get(client, path)
        statements.clear()
        sa_event.listen(engine, "before_cursor_execute", record)
        size = get(client, path)
        sa_event.remove(engine, "before_cursor_execute", record)
        results[name] = {"path": path, "statements": len(statements), "bytes": size, "times": []}
    for _ in range(args.requests):
        for name, client, path in targets:
            started = time.perf_counter()
            get(client, path)
            results[name]["times"].append(time.perf_counter() - started)
    for result in results.values():
        deciles = statistics.quantiles(result["times"], n=10)
        result["p50"], result["p90"] = statistics.median(result["times"]), deciles[8]
    return results


def main() -> None:
    args = parse_args()
    app = create_app(RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=False, BASE_URL="http://localhost")
    add_floor_routes(app)
    now = datetime.now(UTC).replace(microsecond=0)
    tag = f"p{int(now.timestamp())}"
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        built = build(args, now, tag, random.Random(tag))
        dialect = db.engine.dialect.name
    print(f"pages on {dialect}, {now:%Y-%m-%d}, {platform.node()} ({os.cpu_count()} cores): data built in "
          f"{time.perf_counter() - started:.1f}s; {args.warm_up} warm-up requests each, then {args.requests} "
          f"rounds, in-process through the Flask test client")
    visitor = app.test_client()
    organizer = app.test_client()
    response = organizer.post("/auth/login", data={"email": built["email"], "password": PASSWORD})
    assert response.status_code == 302, "the organizer's login failed"
    targets = [
        ("floor: constant", visitor, "/bench-floor/constant"),
        ("floor: one SELECT", visitor, "/bench-floor/select"),
        ("home", visitor, "/"),
        (f"campaign, {args.events} events", visitor, f"/campaigns/{built['slug']}"),
        (f"event, {args.talks} talks", visitor, f"/events/{built['agenda']}"),
        (f"attendee list, {args.registrations:,}", organizer, f"/manage/events/{built['busy']}/registrations"),
    ]
    results = measure(app, targets, args)
    floor = results["floor: one SELECT"]["p50"]
    print(f"  {'page':<26} {'p50 (ms)':>9} {'p90 (ms)':>9} {'statements':>10} {'KiB':>7} {'p50 / floor':>11}")
    for name, result in results.items():
        print(f"  {name:<26} {result['p50'] * 1000:>9.2f} {result['p90'] * 1000:>9.2f} {result['statements']:>10} "
              f"{result['bytes'] / 1024:>7.1f} {result['p50'] / floor:>11.1f}")


if __name__ == "__main__":
    main()
