"""An event's dashboard and its campaign's report with 100,000 registrations: what a page costs, and that its
number of statements is that of an empty event.

Bulk-inserts --registrations sign-ups (core inserts in batches) spread over 60 days before an event that is
over, with cancellations, a waiting list promoted later, check-ins and free-text organizations, then renders
through the Flask test client, logged in as an organizer, median of --rounds:

* the event's dashboard (/manage/events/<id>/dashboard) and the campaign report (/manage/campaigns/<slug>/report),
  with the number of SQL statements each takes (and the same for an event nobody signed up for);
* floor, same run and database: a trivial query (SELECT count(*) of the event's registrations) through the same
  session, so the ratio says what the pages cost over touching the rows once.

    createdb -h 127.0.0.1 -U postgres eventsapp_dashbench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/eventsapp_dashbench .venv/bin/python benchmarks/dashboards.py
"""
import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event as sa_event  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from eventsapp import create_app  # noqa: E402
from eventsapp.accounts.models import Role, User  # noqa: E402
from eventsapp.catalogue.models import Campaign, Event, EventStatus, Organization, Venue  # noqa: E402
from eventsapp.extensions import db  # noqa: E402
from eventsapp.registration.models import Registration, RegistrationStatus  # noqa: E402

S = RegistrationStatus
PASSWORD = "bench-organizer-password"
BATCH = 5_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    return parser.parse_args()


def make_event(campaign: Campaign, now: datetime, capacity: int, title: str) -> Event:
    event = Event(campaign=campaign, host=Organization(name_zh=f"主办{title}", name_en=f"Host {title}"),
                  venue=Venue(name_zh="会场", name_en="Hall", address_zh="浦东", address_en="Pudong",
                              timezone="Asia/Shanghai"),
                  title_zh=title, title_en=title, timezone="Asia/Shanghai", capacity=capacity,
                  starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=2) + timedelta(hours=3),
                  status=EventStatus.PUBLISHED)
    db.session.add(event)
    db.session.commit()
    return event


def fill(event: Event, count: int, tag: str) -> None:
    """`count` sign-ups over the 60 days before the event: 90 % got a seat (80 % of those checked in), the rest
    waited (half seated later), 7 % cancelled."""
    rng = random.Random(tag)
    opens = event.starts_at - timedelta(days=60)
    organizations = [f"单位{n}" for n in range(300)]
    rows = []
    for n in range(count):
        created = opens + timedelta(seconds=rng.randrange(60 * 86400))
        seated = created if rng.random() < 0.9 else None
        waitlisted = None if seated else created
        if waitlisted and rng.random() < 0.5:
            seated = waitlisted + timedelta(days=rng.uniform(0, 5))
        cancelled = created + timedelta(days=rng.uniform(0, 3)) if rng.random() < 0.07 else None
        checked_in = event.starts_at if seated and not cancelled and rng.random() < 0.8 else None
        status = (S.CANCELLED if cancelled else S.CHECKED_IN if checked_in else S.CONFIRMED if seated
                  else S.WAITLISTED)
        rows.append({"event_id": event.id, "name": f"人{n}", "email": f"p{n}-{tag}@example.com",
                     "phone": "", "organization": rng.choice(organizations), "status": status,
                     "token": f"{tag}-{n}", "language": "zh", "sequence": 0, "shares_with_host": False,
                     "created_at": created, "updated_at": created, "seated_at": seated, "waitlisted_at": waitlisted,
                     "cancelled_at": cancelled, "checked_in_at": checked_in})
        if len(rows) == BATCH:
            db.session.execute(insert(Registration.__table__), rows)  # core: no ORM bookkeeping
            rows = []
    if rows:
        db.session.execute(insert(Registration.__table__), rows)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # what autovacuum would soon do: statistics, the visibility map
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE registration")


def timed(action, rounds: int) -> tuple[float, int]:
    """Median seconds of `rounds` runs (after one to warm up), and the statements of the last."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    action()
    times = []
    for _ in range(rounds):
        statements.clear()
        sa_event.listen(db.engine, "before_cursor_execute", record)
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
        sa_event.remove(db.engine, "before_cursor_execute", record)
    return statistics.median(times), len(statements)


def main() -> None:
    args = parse_args()
    app = create_app(RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=False)
    with app.app_context():
        db.create_all()
        now = datetime.now(UTC).replace(microsecond=0)
        tag = f"dash{int(now.timestamp())}"
        campaign = Campaign(slug=f"bench-{tag}", year=now.year, name_zh="基准", name_en="Bench")
        busy = make_event(campaign, now, args.registrations, "busy")
        empty = make_event(campaign, now, 100, "empty")
        email = f"organizer-{tag}@example.com"
        organizer = User(email=email, role=Role.ORGANIZER, name="Bench")
        organizer.set_password(PASSWORD)
        db.session.add(organizer)
        db.session.commit()
        started = time.perf_counter()
        fill(busy, args.registrations, tag)
        print(f"dashboards on {db.engine.dialect.name}: {args.registrations:,} registrations inserted in "
              f"{time.perf_counter() - started:.1f}s; median of {args.rounds} rounds")
        busy_id, empty_id, slug = busy.id, empty.id, campaign.slug

        def count_rows() -> None:
            db.session.scalar(select(func.count(Registration.id)).where(Registration.event_id == busy_id))

        floor, _ = timed(count_rows, args.rounds)
    client = app.test_client()
    client.post("/auth/login", data={"email": email, "password": PASSWORD})

    def get(path: str):
        def action() -> None:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        return action

    print(f"  {'page':<28} {'p50 (ms)':>9} {'statements':>10} {'empty event':>11} {'/ floor':>8}")
    print(f"  {'floor: count(*) of the rows':<28} {floor * 1000:>9.1f} {1:>10}")
    with app.app_context():
        for name, path, empty_path in (
                ("event dashboard", f"/manage/events/{busy_id}/dashboard", f"/manage/events/{empty_id}/dashboard"),
                ("campaign report", f"/manage/campaigns/{slug}/report", None)):
            p50, statements = timed(get(path), args.rounds)
            _, empty_statements = timed(get(empty_path), 1) if empty_path else (0, "—")
            print(f"  {name:<28} {p50 * 1000:>9.1f} {statements:>10} {empty_statements:>11} {p50 / floor:>8.1f}")


if __name__ == "__main__":
    main()
