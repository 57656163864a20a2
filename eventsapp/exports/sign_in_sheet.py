"""The printed sign-in sheet (签到表) of an event (issue 12): who is expected at the door, in the order the
staff looks people up, by name or company by company.

Expected are the people holding a seat (confirmed, already checked in) and those their company named who
have not confirmed yet (they often come all the same; the sheet marks them). Cancelled and waitlisted
people are not, nor anyone whose details were erased: there is no name to sign against.

Chinese names are sorted by their pinyin, as a Chinese organizer expects (pypinyin: its dictionary of
readings is what ICU's pinyin collation uses too), surnames read as surnames; other names fall in
alphabetically among them.
"""
from dataclasses import dataclass
from enum import StrEnum

from pypinyin import Style, lazy_pinyin
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..catalogue.models import Event
from ..extensions import db
from ..registration.models import QUOTA_HOLDING, Delegation, Registration, RegistrationStatus


class SheetOrder(StrEnum):
    NAME = "name"
    COMPANY = "company"


# Surnames whose reading differs from the character's most common one (曾 zēng, not céng; 单 shàn, not dān).
SURNAME_READINGS = {"曾": "zeng1", "单": "shan4", "解": "xie4", "仇": "qiu2", "区": "ou1", "朴": "piao2",
                    "查": "zha1", "盖": "ge3", "覃": "qin2", "乐": "yue4", "翟": "zhai2", "缪": "miao4",
                    "秘": "bi4", "召": "shao4", "种": "chong2", "重": "chong2", "句": "gou1", "过": "guo1",
                    "葛": "ge3"}


@dataclass(frozen=True)
class SheetLine:
    """One person on the sheet; `number` is the line's number on paper, from 1."""

    number: int
    name: str
    organization: str
    job_title: str
    is_checked_in: bool
    is_unconfirmed: bool


@dataclass(frozen=True)
class SheetGroup:
    """The people of one organization (ordered by company), or everyone (ordered by name: no heading)."""

    heading: str
    lines: list[SheetLine]


def sign_in_sheet(event: Event, order: SheetOrder) -> list[SheetGroup]:
    """The event's expected people, numbered in the order printed."""
    people = expected_people(event)
    if order == SheetOrder.COMPANY:
        groups: dict[str, list[Registration]] = {}
        for registration in sorted(people, key=lambda r: name_key(r.name)):
            groups.setdefault(organization_of(registration), []).append(registration)
        ordered = [(company, groups[company]) for company in sorted(groups, key=company_key)]
    else:
        ordered = [("", sorted(people, key=lambda r: name_key(r.name)))]
    numbers = iter(range(1, len(people) + 1))
    return [SheetGroup(heading, [line(registration, next(numbers)) for registration in group])
            for heading, group in ordered]


def expected_people(event: Event) -> list[Registration]:
    """Two queries, whatever the number of people (with each delegation's company)."""
    return list(db.session.scalars(
        select(Registration).where(Registration.event_id == event.id, Registration.status.in_(QUOTA_HOLDING),
                                   ~Registration.is_erased)
        .options(selectinload(Registration.delegation).selectinload(Delegation.organization))))


def organization_of(registration: Registration) -> str:
    """A delegation's people under their company's name (whatever they typed), others as they typed it."""
    if registration.delegation is not None:
        return registration.delegation.organization.name
    return " ".join(registration.organization.split())


def line(registration: Registration, number: int) -> SheetLine:
    return SheetLine(number, registration.name, organization_of(registration), registration.job_title,
                     is_checked_in=registration.status == RegistrationStatus.CHECKED_IN,
                     is_unconfirmed=registration.status == RegistrationStatus.INVITED)


def company_key(company: str) -> tuple[bool, list[str], str]:
    """Companies by the pinyin of their name; people of no organization last."""
    return (not company, pinyin_key(company), company)


def name_key(name: str) -> tuple[list[str], str]:
    """A person's name by pinyin, its first character read as a surname; the name itself breaks ties."""
    name = name.strip()
    if name[:1] in SURNAME_READINGS:
        return [SURNAME_READINGS[name[0]], *pinyin_key(name[1:])], name
    return pinyin_key(name), name


def pinyin_key(text: str) -> list[str]:
    """Syllable by syllable, as in a dictionary: each with its tone number after it (`wang2`), so the letters
    decide first, then the tone (汪 wāng before 王 wáng), and 李 li3 comes before 连 lian2. Other text is
    lower-cased and falls in among the syllables letter by letter."""
    syllables = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)
    return [syllable.strip().casefold() for syllable in syllables if syllable.strip()]
