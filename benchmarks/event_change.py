"""An organizer moves a published event that many people signed up for: what saving and its preview cost.

A move queues one "was → now" e-mail per active registration, each with its own calendar file, in
the organizer's transaction (SPEC 3.5); the back office first rehearses the same change to show the
count and the mail, then rolls it back (catalogue/manage_routes.preview_before_saving). Measured
in-process on DATABASE_URL (PostgreSQL or SQLite), median of --rounds:

* save: services.save_event moving the event by 30 minutes, then commit (N mails queued);
* preview: mail.services.rehearse of the same move (N mails rendered, all rolled back);
* floor, same run and database: the same move of an event nobody signed up for (the row updates
  alone), and the bare mail work for the N people (build_calendar for each + rendering the two
  templates), without the outbox.

    createdb -h 127.0.0.1 -U postgres eventsapp_changebench
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/eventsapp_changebench .venv/bin/python benchmarks/event_change.py
"""
import argparse
import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import render_template  # noqa: E402
from flask_babel import force_locale  # noqa: E402

from eventsapp import create_app  # noqa: E402
from eventsapp.catalogue import services as catalogue  # noqa: E402
from eventsapp.catalogue.details import EventDetails  # noqa: E402
from eventsapp.catalogue.models import Campaign, Event, EventStatus, Organization, Room, Venue  # noqa: E402
from eventsapp.extensions import db  # noqa: E402
from eventsapp.mail.services import rehearse  # noqa: E402
from eventsapp.registration.models import Registration, RegistrationStatus  # noqa: E402
from eventsapp.registration.notifications import event_invitation, message_context  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=300, help="active registrations of the moved event")
    parser.add_argument("--rounds", type=int, default=5)
    return parser.parse_args()


def make_event(suffix: str, people: int, now: datetime) -> Event:
    campaign = Campaign(slug=f"bench-{suffix}-{int(now.timestamp() * 1000)}", year=2030, name_zh="基准",
                        name_en="Bench")
    venue = Venue(name_zh="会场", name_en="Hall", address_zh="浦东", address_en="Pudong", timezone="Asia/Shanghai")
    venue.rooms = [Room(name_zh="A厅", name_en="Hall A")]
    event = Event(campaign=campaign, host=Organization(name_zh="主办", name_en="Host"), venue=venue,
                  title_zh="质量开放日", title_en="Quality Open Day", timezone="Asia/Shanghai", capacity=people + 1,
                  starts_at=now + timedelta(days=30), ends_at=now + timedelta(days=30, hours=3),
                  status=EventStatus.PUBLISHED)
    db.session.add(event)
    db.session.flush()
    db.session.add_all(Registration(event_id=event.id, name=f"Person {n}", email=f"p{n}-{suffix}@example.com",
                                    status=RegistrationStatus.CONFIRMED, language="zh" if n % 2 else "en")
                       for n in range(people))
    db.session.commit()
    return event


def move(event: Event, now: datetime) -> None:
    details = EventDetails.of(event)
    catalogue.save_event(event, replace(details, starts_at=details.starts_at + timedelta(minutes=30),
                                        ends_at=details.ends_at + timedelta(minutes=30)), now=now)


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def bare_mail_work(event: Event, registration: Registration, now: datetime) -> None:
    with force_locale(registration.language):
        context = message_context(registration, "event_changed")
        context["changes"] = []
        render_template("mail/registration.txt", **context)
        render_template("mail/registration.html", **context)
    event_invitation(event, registration, method="REQUEST", now=now)


def main() -> None:
    args = parse_args()
    app = create_app(RATELIMIT_ENABLED=False)
    with app.app_context(), app.test_request_context():
        db.create_all()
        now = datetime.now(UTC)
        busy, empty = make_event("busy", args.people, now), make_event("empty", 0, now)
        people = list(db.session.scalars(db.select(Registration).where(Registration.event_id == busy.id)))
        saves, previews, floors, bare = [], [], [], []
        for round_number in range(args.rounds):
            at = now + timedelta(seconds=round_number)
            previews.append(timed(lambda at=at: rehearse(lambda: move(busy, at))))
            saves.append(timed(lambda at=at: (move(busy, at), db.session.commit())))
            floors.append(timed(lambda at=at: (move(empty, at), db.session.commit())))
            bare.append(timed(lambda at=at: [bare_mail_work(busy, person, at) for person in people]))
        save, preview, floor, per_mail = (statistics.median(values) for values in (saves, previews, floors, bare))
        dialect = db.engine.dialect.name
    print(f"event_change on {dialect}: {args.people} people, median of {args.rounds} rounds")
    print(f"  save (move + {args.people} mails queued, commit): {save * 1000:8.1f} ms  "
          f"({args.people / save:6.0f} mails/s)")
    print(f"  preview (same move rehearsed, rolled back):   {preview * 1000:8.1f} ms")
    print(f"  floor: the move with nobody to tell:          {floor * 1000:8.1f} ms")
    print(f"  floor: bare mail work (render + .ics), {args.people} people: {per_mail * 1000:8.1f} ms")
    print(f"  save / (floors summed): {save / (floor + per_mail):.2f}   preview / save: {preview / save:.2f}")


if __name__ == "__main__":
    main()
