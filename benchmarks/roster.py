"""A company's lead names a roster for a delegation: what the all-or-nothing decision costs, held under
the event's seat lock, as the roster grows.

name_people (registration/delegation_people.py) takes the event's lock, checks every row (details, the
roster's own duplicates, addresses already registered: one query), counts the free seats of the quota,
inserts one registration per person and queues one invitation mail per person (text, HTML and a
TENTATIVE .ics) in the same transaction. Measured in-process on DATABASE_URL (PostgreSQL or SQLite),
median of --rounds, per roster size:

* roster: name_people for N people on a fresh delegation, then commit;
* floor, same run and database: the same N registration rows inserted bare (one executemany, commit),
  and the bare mail work for N people (the two templates and build_calendar), without the outbox.

    createdb -h 127.0.0.1 -U postgres eventsapp_rosterbench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/eventsapp_rosterbench .venv/bin/python benchmarks/roster.py
"""
import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import render_template  # noqa: E402
from flask_babel import force_locale  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from eventsapp import create_app  # noqa: E402
from eventsapp.catalogue.models import Campaign, Event, EventStatus, Organization, Venue  # noqa: E402
from eventsapp.extensions import db  # noqa: E402
from eventsapp.registration.delegation_people import name_people  # noqa: E402
from eventsapp.registration.delegations import QuotaTerms, grant_quota  # noqa: E402
from eventsapp.registration.models import Registration, RegistrationStatus  # noqa: E402
from eventsapp.registration.notifications import event_invitation, message_context  # noqa: E402
from eventsapp.registration.people import Person  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 300])
    parser.add_argument("--rounds", type=int, default=3)
    return parser.parse_args()


def make_event(now: datetime, capacity: int, tag: str) -> Event:
    stamp = f"{tag}-{int(now.timestamp() * 1000)}"
    event = Event(campaign=Campaign(slug=f"roster-{stamp}", year=2030, name_zh="基准", name_en="Bench"),
                  host=Organization(name_zh="主办", name_en="Host", verified_at=now),
                  venue=Venue(name_zh="会场", name_en="Hall", address_zh="浦东", address_en="Pudong",
                              timezone="Asia/Shanghai"),
                  title_zh="质量开放日", title_en="Quality Open Day", timezone="Asia/Shanghai", capacity=capacity,
                  starts_at=now + timedelta(days=30), ends_at=now + timedelta(days=30, hours=3),
                  status=EventStatus.PUBLISHED)
    db.session.add(event)
    db.session.commit()
    return event


def roster(size: int, tag: str) -> list[Person]:
    return [Person(name=f"同事{n}", email=f"p{n}-{tag}@company.example", phone=f"+86138{n:08d}",
                   job_title="工程师", line=n + 1) for n in range(size)]


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def name_roster(size: int, now: datetime, tag: str) -> float:
    event = make_event(now, size + 10, tag)
    company = Organization(name_zh=f"企业{tag}", name_en=f"Company {tag}", verified_at=now)
    db.session.add(company)
    delegation = grant_quota(event, company, QuotaTerms(quota=size), actor=None, now=now)
    db.session.commit()
    people = roster(size, tag)
    return timed(lambda: (name_people(delegation, people, put_extra_on_waitlist=False, language="zh", actor=None,
                                      now=now), db.session.commit()))


def bare_insert(size: int, now: datetime, tag: str) -> float:
    event = make_event(now, size + 10, tag)
    rows = [{"event_id": event.id, "name": person.name, "email": person.email, "phone": person.phone,
             "status": RegistrationStatus.INVITED, "token": f"t-{tag}-{n}", "language": "zh", "sequence": 0,
             "shares_with_host": False, "created_at": now, "updated_at": now}
            for n, person in enumerate(roster(size, tag))]
    return timed(lambda: (db.session.execute(insert(Registration), rows), db.session.commit()))


def bare_mail_work(size: int, now: datetime, tag: str) -> float:
    """The templates and the calendar file for `size` invited people (rows made, not timed)."""
    event = make_event(now, size + 10, tag)
    people = [Registration(event=event, name=person.name, email=person.email, status=RegistrationStatus.INVITED,
                           language="zh", token=f"m-{tag}-{n}", sequence=0, created_at=now)
              for n, person in enumerate(roster(size, tag))]
    db.session.add_all(people)
    db.session.commit()

    def render_all() -> None:
        for person in people:
            with force_locale(person.language):
                context = message_context(person, "invited")
                context["changes"] = []
                render_template("mail/registration.txt", **context)
                render_template("mail/registration.html", **context)
            event_invitation(event, person, method="REQUEST", now=now)

    return timed(render_all)


def main() -> None:
    args = parse_args()
    app = create_app(RATELIMIT_ENABLED=False)
    with app.app_context(), app.test_request_context():
        db.create_all()
        dialect = db.engine.dialect.name
        print(f"roster on {dialect}: median of {args.rounds} rounds")
        print(f"  {'people':>6}  {'roster (ms)':>11}  {'per person':>10}  {'floor: insert':>13}  "
              f"{'floor: mails':>12}  {'roster / floors':>15}")
        for size in args.sizes:
            now = datetime.now(UTC).replace(microsecond=0)
            named, inserted, mailed = ([], [], [])
            for round_number in range(args.rounds):
                tag = f"{size}-{round_number}-{int(time.time() * 1000)}"
                named.append(name_roster(size, now, "n" + tag))
                inserted.append(bare_insert(size, now, "i" + tag))
                mailed.append(bare_mail_work(size, now, "m" + tag))
            roster_time, insert_time, mail_time = (statistics.median(values) for values in (named, inserted, mailed))
            print(f"  {size:>6}  {roster_time * 1000:>11.1f}  {roster_time / size * 1000:>8.2f}ms  "
                  f"{insert_time * 1000:>11.1f}ms  {mail_time * 1000:>10.1f}ms  "
                  f"{roster_time / (insert_time + mail_time):>15.2f}")


if __name__ == "__main__":
    main()
