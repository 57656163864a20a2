"""The demo's past sign-ups, so the dashboards and the campaign report show something real: each event of the
2017 campaign gets people who signed up over the two weeks before it (some late at night), a few who
cancelled, a waiting list where it filled up (promoted as seats freed), two companies' seats at the first,
and, the day itself, most people checked in (set directly: there is no check-in service yet).

Decided by a seeded random generator, so every load makes the same people; an event that already has
registrations is left alone, so loading twice adds nothing.
"""
import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select

from .catalogue.models import Event, Organization
from .extensions import db
from .registration.models import Delegation, Registration, RegistrationStatus, new_token

S = RegistrationStatus
FILL = (1.1, 0.85, 1.05, 0.6)  # people who sign up, as a share of each event's capacity
COMPANY_SEATS = (("zpmc", 6), ("kangyuan", 4))  # at the first event
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN_NAMES = ("伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "军", "涛", "明", "超", "霞", "平", "刚",
               "桂英")
ORGANIZATIONS = ("上海申通地铁集团有限公司", "上海电气集团股份有限公司", "上海市质量协会", "上汽大众汽车有限公司",
                 "宝山钢铁股份有限公司", "上海振华重工（集团）股份有限公司", "中芯国际集成电路制造（上海）有限公司",
                 "上海浦江质量检测技术服务有限公司", "上海交通大学", "上海隧道工程股份有限公司",
                 "上海烟草集团有限责任公司", "上海医药集团股份有限公司")


@dataclass
class Person:
    """One sign-up as it happened: when, and what became of it."""

    number: int
    created_at: datetime
    delegation_id: int | None = None
    seated_at: datetime | None = None
    waitlisted_at: datetime | None = None
    cancelled_at: datetime | None = None
    checked_in_at: datetime | None = None


def load_demo_attendance(events: list[Event], organizations: dict[str, Organization], tally: Counter) -> None:
    for index, event in enumerate(events):
        present = db.session.scalar(select(func.count(Registration.id)).where(Registration.event_id == event.id))
        if present:
            tally["registrations", "present"] += present
            continue
        rng = random.Random(f"demo-attendance-{event.title_zh}")
        delegations = _grant_seats(event, organizations) if index == 0 else []
        people = _sign_ups(event, round(event.capacity * FILL[index % len(FILL)]), delegations, rng)
        db.session.execute(insert(Registration), [_row(event, person, rng) for person in people])
        tally["registrations", "created"] += len(people)
        tally["delegations", "created"] += len(delegations)


def _grant_seats(event: Event, organizations: dict[str, Organization]) -> list[Delegation]:
    granted_at = event.starts_at - timedelta(days=20)
    delegations = [Delegation(event_id=event.id, organization_id=organizations[key].id, quota=quota,
                              granted_at=granted_at, changes_close_at=event.starts_at - timedelta(days=1))
                   for key, quota in COMPANY_SEATS]
    db.session.add_all(delegations)
    db.session.flush()
    return delegations


def _sign_ups(event: Event, count: int, delegations: list[Delegation], rng: random.Random) -> list[Person]:
    """Sign-ups in time order; a seat while one is free (companies' seats held apart), else the waiting list;
    a cancellation frees a seat for the first person waiting."""
    opens = event.starts_at - timedelta(days=15)
    closes = event.starts_at - timedelta(hours=20)
    moments = sorted(opens + (closes - opens) * rng.random() ** 0.7 for _ in range(count))
    company_people = [(delegation, n) for delegation in delegations for n in range(delegation.quota)]
    free = event.capacity - sum(delegation.quota for delegation in delegations)
    people, waiting = [], []
    for number, moment in enumerate(moments):
        if number < len(company_people):  # a company's people, named in the first days
            person = Person(number, moment, delegation_id=company_people[number][0].id, seated_at=moment)
        elif free > 0:
            person, free = Person(number, moment, seated_at=moment), free - 1
        else:
            person = Person(number, moment, waitlisted_at=moment)
            waiting.append(person)
        people.append(person)
        if rng.random() < 0.08:  # changes their mind within a few days
            person.cancelled_at = min(moment + timedelta(hours=rng.uniform(2, 96)), closes)
    for freed_at, person in sorted(((p.cancelled_at, p) for p in people if p.cancelled_at), key=lambda pair: pair[0]):
        still_waiting = [p for p in waiting if not p.seated_at and not (p.cancelled_at and p.cancelled_at <= freed_at)]
        if person.seated_at and person.delegation_id is None and still_waiting:
            still_waiting[0].seated_at = freed_at
    for person in people:
        if person.seated_at and not person.cancelled_at and rng.random() < 0.86:
            person.checked_in_at = event.starts_at + timedelta(minutes=rng.uniform(-40, 25))
    return people


def _row(event: Event, person: Person, rng: random.Random) -> dict:
    if person.cancelled_at and (not person.seated_at or person.cancelled_at > person.seated_at):
        status = S.CANCELLED
    elif person.checked_in_at:
        status = S.CHECKED_IN
    else:
        status = S.CONFIRMED if person.seated_at else S.WAITLISTED
    name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
    return dict(event_id=event.id, name=name, email=f"attendee{person.number + 1}.event{event.id}@example.com",
                phone=f"+86139{rng.randrange(10**8):08d}", organization=rng.choice(ORGANIZATIONS), status=status,
                token=new_token(), language="zh", sequence=0, shares_with_host=rng.random() < 0.4,
                delegation_id=person.delegation_id, created_at=person.created_at, updated_at=person.created_at,
                seated_at=person.seated_at, waitlisted_at=person.waitlisted_at, cancelled_at=person.cancelled_at,
                checked_in_at=person.checked_in_at)
