"""Fields for a wall-clock time at the venue, as organizers type it.

A time the clocks jump over (spring forward) is refused next to the field, saying when the clocks
change. A time that happens twice (clocks go back) asks which of the two is meant: a small choice
shown under the field only then. The rule itself is timezones.check_local_time; a form with such
fields says which zone they are in (`local_timezone()`) and reads them with `local_instant`.
"""
from datetime import datetime

from babel.dates import format_date
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, Field, RadioField
from wtforms.validators import InputRequired, Optional, ValidationError

from ..timezones import (
    LocalTime,
    LocalTimeCheck,
    check_local_time,
    is_known_timezone,
    local_to_utc,
    offset_label,
    utc_to_local,
)
from .forms import select_choices

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
FOLD_SUFFIX = "_fold"  # `starts_at_fold` says which `starts_at` is meant when it happens twice
FIRST, SECOND = "0", "1"  # datetime.fold of the first and the second occurrence


class FoldChoiceField(RadioField):
    """Which of the two occurrences of a time is meant. Offered (rendered) only when it is needed.
    Its time field comes first in the form (`local_time_field`), so it is validated first and offers
    the choice before this field is validated."""

    is_offered = False

    def offer(self, wall_clock: datetime, reading: LocalTimeCheck) -> None:
        self.is_offered = True
        self.label.text = str(_l("Which %(time)s?", time=wall_clock.strftime("%H:%M")))
        self.choices = select_choices([(FIRST, occurrence_label(reading, 0)), (SECOND, occurrence_label(reading, 1))])

    def pre_validate(self, form) -> None:
        """Not offered, the value is ignored: an error on a choice not shown could not be seen."""
        if not self.is_offered:
            self.data = None
            return
        super().pre_validate(form)


def local_time_field(label, *, required: bool, validators=()) -> tuple[DateTimeLocalField, FoldChoiceField]:
    """A datetime-local field and its fold choice, declared as a pair: `starts_at, starts_at_fold = ...`.
    `validators` run first (e.g. the supported years, before the time is converted)."""
    presence = InputRequired() if required else Optional()
    time = DateTimeLocalField(label, format=DATETIME_FORMAT,
                              validators=[presence, *validators, exists_once_in_zone])
    fold = FoldChoiceField(_l("Which one?"), choices=select_choices([(FIRST, FIRST), (SECOND, SECOND)]),
                           validators=[Optional()])
    return time, fold


def exists_once_in_zone(form, field: Field) -> None:
    """WTForms validator: refuse a time the clocks skip; for one that happens twice, offer the choice
    and refuse until it is made."""
    zone = form.local_timezone()
    if field.errors or field.data is None or zone is None or not is_known_timezone(zone):
        return  # the field's or the zone's own error is shown
    reading = check_local_time(field.data, zone)
    if reading.kind is LocalTime.NONEXISTENT:
        raise ValidationError(nonexistent_message(field.data, zone, reading))
    if reading.kind is LocalTime.AMBIGUOUS:
        fold = form[field.name + FOLD_SUFFIX]
        fold.offer(field.data, reading)
        if fold.data not in (FIRST, SECOND):
            raise ValidationError(ambiguous_message(field.data, zone, reading))


def show_local_time(form, name: str, moment: datetime, zone: str) -> None:
    """Fill a field with a stored instant as wall-clock time; in the hour that happens twice, with
    the occurrence it is, so saving the form unchanged keeps the instant."""
    wall_clock = utc_to_local(moment, zone)
    form[name].data = wall_clock
    reading = check_local_time(wall_clock, zone)
    if reading.kind is LocalTime.AMBIGUOUS:
        fold = form[name + FOLD_SUFFIX]
        fold.offer(wall_clock, reading)
        fold.data = str(wall_clock.fold)


def local_instant(form, name: str) -> datetime | None:
    """A validated field's wall-clock time as a UTC instant, the occurrence chosen when it happens twice."""
    wall_clock = form[name].data
    if wall_clock is None:
        return None
    fold = 1 if form[name + FOLD_SUFFIX].data == SECOND else 0
    return local_to_utc(wall_clock.replace(fold=fold), form.local_timezone())


def nonexistent_message(wall_clock: datetime, zone: str, reading: LocalTimeCheck) -> str:
    jump_from, jump_to = reading.clocks_change or (wall_clock, wall_clock)
    return str(_l("%(time)s does not exist on %(date)s in %(zone)s: clocks jump from %(from)s to %(to)s. "
                  "Choose another time.", time=wall_clock.strftime("%H:%M"), date=long_date(wall_clock), zone=zone,
                  **{"from": jump_from.strftime("%H:%M"), "to": jump_to.strftime("%H:%M")}))


def ambiguous_message(wall_clock: datetime, zone: str, reading: LocalTimeCheck) -> str:
    back_from, back_to = reading.clocks_change or (wall_clock, wall_clock)
    return str(_l("%(time)s happens twice on %(date)s in %(zone)s: clocks go back from %(from)s to %(to)s. "
                  "Choose which one below.", time=wall_clock.strftime("%H:%M"), date=long_date(wall_clock),
                  zone=zone, **{"from": back_from.strftime("%H:%M"), "to": back_to.strftime("%H:%M")}))


def occurrence_label(reading: LocalTimeCheck, fold: int) -> str:
    """'First (UTC+2, summer time)', 'Second (UTC+1)'."""
    offset = offset_label(reading.offsets[fold])
    labels = {(0, True): _l("First (%(offset)s, summer time)", offset=offset),
              (0, False): _l("First (%(offset)s)", offset=offset),
              (1, True): _l("Second (%(offset)s, summer time)", offset=offset),
              (1, False): _l("Second (%(offset)s)", offset=offset)}
    return str(labels[fold, reading.summer_time[fold]])


def long_date(wall_clock: datetime) -> str:
    return format_date(wall_clock.date(), "long", locale=get_locale())
